// Package tui is helpdesk's console: Bubble Tea screens over the domain's
// Desk service. The root model (this file) owns the window size, the
// sections (Users, Organizations, Inbox, Audit log), the stack of screens opened
// from them, the confirm dialog and the global keys; each screen is its own
// model in its own file, and shared widgets are components.
package tui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"helpdesk/domain"
)

// The smallest window the console draws in; below it, it says so.
const (
	minWidth  = 60
	minHeight = 16
)

// Sections, in tab order.
const (
	tabUsers = iota
	tabOrgs
	tabInbox
	tabAudit
	numTabs
)

// Options configure one console session.
type Options struct {
	Desk  *domain.Desk
	Actor domain.Actor
	// Renderer draws every style of the session: lipgloss.DefaultRenderer()
	// on a local terminal, the session's own renderer over SSH.
	Renderer *lipgloss.Renderer
	// Location is the time zone times are shown in; default time.Local.
	Location *time.Location
	// DemoUsers is how many users the welcome screen's demo load creates;
	// default 200.
	DemoUsers int
	// MailTransport is true when this process sends mail (SMTP is
	// configured); false, the outbox says queued messages are not sent.
	MailTransport bool
	// Prefs are the agent's own settings (keys, theme, columns, mouse).
	Prefs Prefs
	// Me is the agent record a local console stands for (--agent EMAIL),
	// so "assign to me" works for the database's owner too; 0 is none.
	// Over SSH the actor's own agent id is used.
	Me domain.ID
	// Clipboard puts text on the agent's clipboard (y): OSC52Writer on the
	// terminal's output, the session's over SSH. nil: copying says there
	// is no terminal to copy to.
	Clipboard func(text string) error
	// Remote is true over SSH: no job control, so ctrl+z does not suspend.
	Remote bool
}

// Model is the root model of a console session.
type Model struct {
	c *common

	w, h   int
	tabs   [numTabs]screen
	inited [numTabs]bool
	tab    int
	stack  []screen

	dlg      *confirm
	status   statusLine
	help     help.Model
	showHelp bool

	// live: subscribe to the desk's change events. Pure Update tests turn
	// it off so that no command blocks on the channel.
	live   bool
	events <-chan domain.Event
	stop   func()
	// missed holds the change events of open screens not on show, until
	// they are (deliver, resume).
	missed map[screen][]domain.Event

	// mailTransport: see Options.MailTransport.
	mailTransport bool
	// clipboard and remote: see Options.Clipboard, Options.Remote.
	clipboard func(string) error
	remote    bool

	// mouse: the console tracks the mouse (Prefs.Mouse; M turns it off
	// and on). lastClick is the previous click, for a double click.
	mouse     bool
	lastClick click
}

// New returns the root model; nothing is read before Init's commands run.
func New(o Options) *Model {
	if o.Renderer == nil {
		o.Renderer = lipgloss.DefaultRenderer()
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.DemoUsers == 0 {
		o.DemoUsers = 200
	}
	// Ask the terminal for its background now: lipgloss would otherwise ask
	// on the first adaptive colour drawn, while Bubble Tea owns the input.
	o.Renderer.HasDarkBackground()
	st := newStyles(o.Renderer, o.Prefs.Theme)
	me := o.Actor.AgentID
	if me == 0 {
		me = o.Me
	}
	c := &common{me: me, desk: o.Desk, actor: o.Actor, st: st, keys: keyMapFor(o.Prefs.Keys), prefs: o.Prefs, loc: o.Location, demoUsers: o.DemoUsers,
		orgs: newOrgNames(nil)}
	m := &Model{c: c, help: st.help(), live: true, missed: map[screen][]domain.Event{}, mailTransport: o.MailTransport}
	m.status.c = c
	m.clipboard, m.remote = o.Clipboard, o.Remote
	m.mouse = o.Prefs.mouseOn()
	if !o.MailTransport {
		c.mailHeld = domain.NoTransport
	}
	m.tabs = [numTabs]screen{newUsersScreen(c), newOrgsScreen(c), newInboxScreen(c, 0, ""), newAuditTab(c)}
	return m
}

// Close ends the subscription to change events; call it once the program
// has returned.
func (m *Model) Close() {
	if m.stop != nil {
		m.stop()
		m.stop = nil
	}
}

type (
	subscribedMsg struct {
		events <-chan domain.Event
		stop   func()
	}
	firstRunMsg struct{ empty bool }
)

func (m *Model) Init() tea.Cmd {
	m.inited[tabUsers] = true
	cmds := []tea.Cmd{m.loadOrgNames(), m.checkFirstRun(), m.tabs[tabUsers].Init()}
	if !m.mouse {
		cmds = append(cmds, tea.DisableMouse) // whatever the program was started with
	}
	if m.live {
		cmds = append(cmds, m.subscribe())
	}
	return tea.Batch(cmds...)
}

func (m *Model) subscribe() tea.Cmd {
	desk := m.c.desk
	return func() tea.Msg {
		ch, stop := desk.Subscribe()
		return subscribedMsg{events: ch, stop: stop}
	}
}

// waitEvent waits for the next change event and takes whatever else is
// already queued, so a burst (an import) refreshes the screens once. The
// root re-arms it after each delivery.
func waitEvent(ch <-chan domain.Event) tea.Cmd {
	return func() tea.Msg {
		e, ok := <-ch
		if !ok {
			return nil
		}
		evs := []domain.Event{e}
		for {
			select {
			case e, ok := <-ch:
				if !ok {
					return deskEventsMsg{events: evs}
				}
				evs = append(evs, e)
			default:
				return deskEventsMsg{events: evs}
			}
		}
	}
}

func (m *Model) loadOrgNames() tea.Cmd {
	desk := m.c.desk
	return func() tea.Msg {
		names, err := desk.OrgNames()
		return orgNamesMsg{names: names, err: err}
	}
}

// checkFirstRun finds out whether the desk is empty, from the O(1) counts.
func (m *Model) checkFirstRun() tea.Cmd {
	desk := m.c.desk
	return func() tea.Msg {
		counts, err := desk.UserCounts()
		if err != nil {
			return errMsg{prefix: "Could not read the database: ", err: err}
		}
		for _, n := range counts {
			if n > 0 {
				return firstRunMsg{}
			}
		}
		names, err := desk.OrgNames()
		return firstRunMsg{empty: err == nil && len(names) == 0}
	}
}

// active is the screen that gets the keys: the top of the stack, else the
// current section.
func (m *Model) active() screen {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1]
	}
	return m.tabs[m.tab]
}

// screens are every open screen, which all hear about data changes.
func (m *Model) screens() []screen {
	var out []screen
	for i, t := range m.tabs {
		if m.inited[i] {
			out = append(out, t)
		}
	}
	return append(out, m.stack...)
}

func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.screens() {
		cmds = append(cmds, s.Update(msg))
	}
	return tea.Batch(cmds...)
}

func (m *Model) bodySize() (int, int) { return m.w, m.h - 3 }

func (m *Model) push(s screen) tea.Cmd {
	s.SetSize(m.bodySize())
	m.stack = append(m.stack, s)
	m.status.clear()
	return s.Init()
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return m, m.step(msg)
}

// step handles a message, then the messages screens posted while handling
// it, in order.
func (m *Model) step(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok && isBurst(k) {
		return m.burst(k)
	}
	return m.stepOne(msg)
}

// stepOne is step without splitting a burst.
func (m *Model) stepOne(msg tea.Msg) tea.Cmd {
	cmds := []tea.Cmd{m.update(msg)}
	for len(m.c.outbox) > 0 {
		next := m.c.outbox[0]
		m.c.outbox = m.c.outbox[1:]
		cmds = append(cmds, m.update(next))
	}
	return tea.Batch(cmds...)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.help.Width = m.w
		for _, s := range append(m.tabs[:], m.stack...) {
			s.SetSize(m.bodySize())
		}
		return nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		if m.dlg != nil || m.showHelp || !m.mouse || m.tooSmall() {
			return nil
		}
		return m.handleMouse(msg)
	case subscribedMsg:
		m.events, m.stop = msg.events, msg.stop
		return waitEvent(m.events)
	case deskEventsMsg:
		cmds := []tea.Cmd{m.deliver(msg)}
		for _, e := range msg.events {
			if e.Kind != domain.SubjectUser {
				cmds = append(cmds, m.loadOrgNames())
				break
			}
		}
		if m.events != nil {
			cmds = append(cmds, waitEvent(m.events))
		}
		return tea.Batch(cmds...)
	case orgNamesMsg:
		if msg.err != nil {
			return errStatus("Could not read organizations: ", msg.err)
		}
		m.c.orgs = newOrgNames(msg.names)
		return m.broadcast(msg)
	case firstRunMsg:
		if msg.empty && len(m.stack) == 0 {
			return m.push(newWelcomeScreen(m.c))
		}
		return nil
	case demoLoadedMsg:
		cmd := m.broadcast(msg)
		if msg.err != nil {
			return tea.Batch(cmd, errStatus("Demo data not loaded: ", msg.err))
		}
		m.stack = nil
		m.tab = tabUsers
		for i := range m.inited {
			m.inited[i] = false
		}
		m.inited[tabUsers] = true
		return tea.Batch(cmd, m.loadOrgNames(), m.tabs[tabUsers].Init(),
			status(statusOK, "Demo data loaded: "+itoa(msg.sum.Orgs)+" organizations, "+thousands(msg.sum.Users)+" users, "+thousands(msg.convs)+" conversations."))
	case statusMsg:
		m.status.Update(msg)
		return nil
	case errMsg:
		m.status.Update(statusMsg{text: msg.prefix + sanitizeLine(msg.err.Error()), kind: statusErr})
		return m.broadcast(deskEventsMsg{}) // what failed may be stale: reread
	case userChangedMsg:
		m.status.Update(statusMsg{text: msg.note, kind: statusOK})
		return m.broadcast(msg)
	case askMsg:
		m.dlg = newConfirm(m.c, msg)
		return nil
	case openUserMsg:
		if msg.replace && len(m.stack) > 0 {
			m.stack = m.stack[:len(m.stack)-1]
		}
		if u, ok := m.active().(*userScreen); ok && u.id == msg.id {
			return nil
		}
		return m.push(newUserScreen(m.c, msg.id))
	case openOrgMsg:
		if o, ok := m.active().(*orgScreen); ok && o.id == msg.id {
			return nil
		}
		return m.push(newOrgScreen(m.c, msg.id))
	case newUserMsg:
		return m.push(newCreateUserScreen(m.c).withOrg(msg.org))
	case openOutboxMsg:
		if _, ok := m.active().(*outboxScreen); ok {
			return nil
		}
		return m.push(newOutboxScreen(m.c, m.mailTransport))
	case openMessageMsg:
		if s, ok := m.active().(*messageScreen); ok && s.id == msg.id {
			return nil
		}
		return m.push(newMessageScreen(m.c, msg.id, m.mailTransport))
	case openTemplatesMsg:
		if _, ok := m.active().(*templatesScreen); ok {
			return nil
		}
		return m.push(newTemplatesScreen(m.c))
	case openSettingsMsg:
		if _, ok := m.active().(*settingsScreen); ok {
			return nil
		}
		return m.push(newSettingsScreen(m.c))
	case openAgentsMsg:
		if _, ok := m.active().(*agentsScreen); ok {
			return nil
		}
		return m.push(newAgentsScreen(m.c))
	case openTemplateMsg:
		if s, ok := m.active().(*templateScreen); ok && s.name == msg.name {
			return nil
		}
		return m.push(newTemplateScreen(m.c, msg.name))
	case openInboxMsg:
		if msg.requester == 0 {
			return m.showTab(tabInbox, false)
		}
		if s, ok := m.active().(*inboxScreen); ok && s.requester == msg.requester {
			return nil
		}
		return m.push(newInboxScreen(m.c, msg.requester, msg.who))
	case openConvMsg:
		if msg.replace && len(m.stack) > 0 {
			m.stack = m.stack[:len(m.stack)-1]
		}
		if s, ok := m.active().(*convScreen); ok && s.id == msg.id {
			return nil
		}
		return m.push(newConvScreen(m.c, msg.id))
	case newConvMsg:
		if msg.replace && len(m.stack) > 0 {
			m.stack = m.stack[:len(m.stack)-1]
		}
		return m.push(newCreateConvScreen(m.c, msg.userID, msg.who))
	case backMsg:
		return m.back(msg.force)
	case showTabMsg:
		return m.showTab(msg.tab, msg.force)
	case quitMsg:
		return tea.Quit
	}
	return m.broadcast(msg)
}

type quitMsg struct{}

// isBurst reports a key message holding several printable runes: Bubble
// Tea delivers what arrives in one read (a held key, a fast typist, an SSH
// link) as one KeyMsg. A paste stays one paste, and alt goes with one rune.
func isBurst(k tea.KeyMsg) bool {
	return k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste && !k.Alt
}

// capturing reports whether a text field has the keyboard: the runes of a
// burst then go to it as typed.
func (m *Model) capturing() bool {
	return m.dlg == nil && !m.showHelp && !m.tooSmall() && m.active().Capturing()
}

// burst hands a burst of runes over one keystroke at a time, each with the
// messages it posts, so that every key counts (gj: first, then down). Once
// a text field has the keyboard (n opened the form), it gets the rest as
// typed.
func (m *Model) burst(k tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for i, r := range k.Runes {
		if m.capturing() {
			rest := tea.KeyMsg{Type: tea.KeyRunes, Runes: k.Runes[i:]}
			cmds = append(cmds, m.stepOne(rest))
			break
		}
		cmds = append(cmds, m.stepOne(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
	}
	return tea.Batch(cmds...)
}

// backKeeper is a screen that uses esc itself while it shows something esc
// clears (the inbox's filters): esc reaches it instead of going back.
type backKeeper interface{ KeepsBack() bool }

func keepsBack(s screen) bool {
	k, ok := s.(backKeeper)
	return ok && k.KeepsBack()
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.keys
	if m.dlg != nil {
		done, cmd := m.dlg.Update(msg)
		if done {
			m.dlg = nil
		}
		return cmd
	}
	if key.Matches(msg, k.ForceQuit) {
		return m.quit()
	}
	if key.Matches(msg, k.Suspend) {
		return m.suspend()
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.HelpAnywhere, k.Back, k.Quit) {
			m.showHelp = false
		}
		return nil
	}
	if key.Matches(msg, k.HelpAnywhere) {
		m.showHelp = true
		return nil
	}
	if m.tooSmall() {
		if key.Matches(msg, k.Quit) {
			return m.quit()
		}
		return nil
	}
	cur := m.active()
	if cur.Capturing() {
		return cur.Update(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.ToggleMouse):
		return m.toggleMouse()
	case key.Matches(msg, k.Help):
		m.showHelp = true
		return nil
	case key.Matches(msg, k.Copy) && isCopyable(cur):
		return m.copySelection(cur.(copyable))
	case key.Matches(msg, k.NextTab):
		return m.showTab((m.tab+1)%len(m.tabs), false)
	case key.Matches(msg, k.PrevTab):
		return m.showTab((m.tab+len(m.tabs)-1)%len(m.tabs), false)
	case key.Matches(msg, k.TabUsers):
		return m.showTab(tabUsers, false)
	case key.Matches(msg, k.TabOrgs):
		return m.showTab(tabOrgs, false)
	case key.Matches(msg, k.TabInbox), key.Matches(msg, k.Inbox):
		return m.showTab(tabInbox, false)
	case key.Matches(msg, k.TabAudit):
		return m.showTab(tabAudit, false)
	case key.Matches(msg, k.Settings):
		// The desk settings from every section (and the templates from them).
		return m.update(openSettingsMsg{})
	case key.Matches(msg, k.Back) && len(m.stack) > 0 && !keepsBack(cur):
		return m.back(false)
	}
	return cur.Update(msg)
}

// suspend hands the terminal back to the shell (ctrl+z) where there is job
// control to bring the console back (fg); over SSH there is none, and
// suspending would stop the server, so it says so instead.
func (m *Model) suspend() tea.Cmd {
	if m.remote {
		return status(statusInfo, "ctrl+z cannot suspend over SSH (no job control): press q to quit, or open another session.")
	}
	return tea.Suspend
}

func isCopyable(s screen) bool {
	_, ok := s.(copyable)
	return ok
}

func (m *Model) dirty() bool {
	for _, s := range m.screens() {
		if s.Dirty() {
			return true
		}
	}
	return false
}

// quit leaves at once, unless a form holds edits that would be lost.
func (m *Model) quit() tea.Cmd {
	if !m.dirty() {
		return tea.Quit
	}
	return m.c.post(askMsg{
		title:    "Quit without saving?",
		body:     "A form has changes that are not saved; quitting loses them.",
		yesLabel: "Quit",
		danger:   true,
		yes:      send(quitMsg{}),
	})
}

func (m *Model) back(force bool) tea.Cmd {
	n := len(m.stack)
	if n == 0 {
		return nil
	}
	top := m.stack[n-1]
	if top.Dirty() && !force {
		return m.c.post(askMsg{
			title:    "Leave " + top.Title() + " without saving?",
			body:     "Your changes are lost.",
			yesLabel: "Leave",
			yes:      send(backMsg{force: true}),
		})
	}
	m.stack = m.stack[:n-1]
	m.status.clear()
	return m.resume()
}

// showTab switches section; the screens opened from the old one close.
func (m *Model) showTab(i int, force bool) tea.Cmd {
	if !force {
		for _, s := range m.stack {
			if s.Dirty() {
				return m.c.post(askMsg{
					title:    "Leave " + s.Title() + " without saving?",
					body:     "Your changes are lost.",
					yesLabel: "Leave",
					yes:      send(showTabMsg{tab: i, force: true}),
				})
			}
		}
	}
	m.stack = nil
	m.tab = i
	m.status.clear()
	if !m.inited[i] {
		m.inited[i] = true
		m.tabs[i].SetSize(m.bodySize())
		return m.tabs[i].Init()
	}
	return m.resume()
}

// deliver hands change events to the screen on show and keeps them for the
// other open screens until they are shown again (resume). Over SSH every
// commit reaches every session: were each hidden list to reread its page
// at once, a busy desk would spend its CPU refreshing what nobody sees
// while agents wait for their keys to echo.
func (m *Model) deliver(msg deskEventsMsg) tea.Cmd {
	cur := m.active()
	open := m.screens()
	for s := range m.missed {
		if !slices.Contains(open, s) {
			delete(m.missed, s) // closed since
		}
	}
	for _, s := range open {
		if s == cur {
			continue
		}
		evs := append(m.missed[s], msg.events...)
		if len(evs) > maxMissed {
			// Anything may have changed; "import" says so to every screen.
			evs = []domain.Event{{Kind: "import"}}
		}
		m.missed[s] = evs
	}
	return cur.Update(msg)
}

// maxMissed bounds the events kept for a hidden screen.
const maxMissed = 64

// resume gives the screen now on show the events it missed.
func (m *Model) resume() tea.Cmd {
	cur := m.active()
	evs, ok := m.missed[cur]
	if !ok {
		return nil
	}
	delete(m.missed, cur)
	return cur.Update(deskEventsMsg{events: evs})
}

func (m *Model) tooSmall() bool { return m.w < minWidth || m.h < minHeight }

func (m *Model) View() string {
	if m.w == 0 || m.h == 0 {
		return ""
	}
	st := m.c.st
	if m.tooSmall() {
		msg := "The window is " + itoa(m.w) + "×" + itoa(m.h) + "; helpdesk needs at least " +
			itoa(minWidth) + "×" + itoa(minHeight) + ". Make it larger, or press q to quit."
		return frame(st.r.NewStyle().Width(m.w).Render(msg), m.w, m.h)
	}
	bw, bh := m.bodySize()
	var body string
	if m.showHelp {
		body = m.fullHelpView()
	} else {
		body = m.active().View()
	}
	body = frame(body, bw, bh)
	if m.dlg != nil {
		box := m.dlg.View(m.w)
		bx := max((m.w-lipgloss.Width(box))/2, 0)
		by := max((bh-lipgloss.Height(box))/2, 0)
		body = overlay(body, box, bx, by, m.w)
	}
	return fit(m.headerView(), m.w) + "\n" + body + "\n" + fit(m.status.View(m.w), m.w) + "\n" + fit(m.shortHelpView(), m.w)
}

func (m *Model) headerView() string {
	st := m.c.st
	tabs := func(short bool) string {
		parts := []string{st.brand.Render(" helpdesk ")}
		for i, t := range m.tabs {
			title := t.Title()
			if s, ok := shortTabTitles[title]; ok && short {
				title = s
			}
			label := itoa(i+1) + " " + title
			if i == m.tab {
				parts = append(parts, st.tabActive.Render("["+label+"]"))
			} else {
				parts = append(parts, st.tab.Render(" "+label+" "))
			}
		}
		return strings.Join(parts, " ")
	}
	// A narrow window names the sections shortly rather than cut the last.
	left := tabs(false)
	if lipgloss.Width(left)+12 > m.w {
		left = tabs(true)
	}
	var crumbs []string
	for _, s := range m.stack {
		crumbs = append(crumbs, cut(s.Title(), 24))
	}
	right := st.muted.Render(strings.Join(crumbs, " › "))
	return joinRight(left, right+" ", m.w)
}

// shortTabTitles name the sections in a narrow window.
var shortTabTitles = map[string]string{"Organizations": "Orgs", "Audit log": "Audit"}

// shortHelpView is the always-on help line: the active screen's main keys
// (its ShortHelp, most important first), then back, help and quit, which
// always show. Keys that do not fit are dropped whole, from the end of the
// screen's list (hintsLine): a hint is never cut.
func (m *Model) shortHelpView() string {
	k := m.c.keys
	var opt, keep []key.Binding
	switch {
	case m.dlg != nil:
		keep = m.dlg.ShortHelp()
	case m.showHelp:
		keep = []key.Binding{keyHelp(k.Help, "close help"), keyHelp(k.Back, "close help")}
	default:
		cur := m.active()
		opt = cur.ShortHelp()
		if cur.Capturing() {
			keep = []key.Binding{keyHelp(k.HelpAnywhere, "help"), k.ForceQuit}
		} else {
			if len(m.stack) > 0 {
				keep = append(keep, k.Back)
			}
			keep = append(keep, k.Help, k.Quit)
		}
	}
	return " " + hintsLine(m.help, opt, keep, m.w-1)
}

// dedupe drops a binding listed twice (esc back from a screen and from the
// root), keeping the first.
func dedupe(bs []key.Binding) []key.Binding {
	seen := map[string]bool{}
	out := bs[:0:0]
	for _, b := range bs {
		h := b.Help().Key + b.Help().Desc
		if seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, b)
	}
	return out
}

// fullHelpView lists every key of the active screen, then the global ones,
// in columns laid out to the body's width and height (helpColumns), so
// every binding shows at 80x24 and above.
func (m *Model) fullHelpView() string {
	st := m.c.st
	cur := m.active()
	groups := append(cur.FullHelp(), m.c.keys.globalHelp())
	_, bh := m.bodySize()
	return " " + st.title.Render("Keys: "+cur.Title()) + "\n\n" + indentAll(helpColumns(m.help, groups, m.w-2, bh-2), 1)
}

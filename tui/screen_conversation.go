package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"helpdesk/domain"
)

type (
	convLoadedMsg struct {
		req       uint64
		conv      domain.Conversation
		msgs      []domain.ConvMessage
		requester domain.User
		// noMail says why a reply would not be mailed now ("" if it would);
		// noMailErr is why that could not be told.
		noMail    string
		noMailErr error
		// mail holds the outbox messages of the thread's replies, by id.
		mail map[domain.ID]domain.OutboxMessage
		err  error
	}
	convSentMsg struct {
		req uint64
		msg domain.ConvMessage
		// out is the outbox message of a queued reply, as stored then.
		out domain.OutboxMessage
		err error
	}
	convChangedMsg struct {
		req  uint64
		conv domain.Conversation
		what string
		err  error
	}
)

// What the conversation screen's keyboard is doing.
const (
	convViewing = iota
	convComposing
	convPickStatus
	convPickAssignee
)

// convChoice is one line of the status or assignee picker.
type convChoice struct {
	label  string
	status domain.ConvStatus
	email  string // assignee; "" unassigns
}

// convScreen shows one conversation: the thread (replies and internal
// notes drawn apart, each saying whether it was mailed), r to reply, n to
// add a note, s to change the status and a to assign. Every write runs in
// a command; the thread refreshes on the desk's "conv" events, so another
// session's reply appears without a key press.
type convScreen struct {
	c  *common
	id domain.ID

	conv      domain.Conversation
	msgs      []domain.ConvMessage
	requester domain.User
	noMail    string
	noMailErr error
	mail      map[domain.ID]domain.OutboxMessage
	loaded    bool
	err       error
	loadReq   uint64

	agents []domain.Agent

	lines  []string // the thread, drawn and wrapped to the width
	scroll int
	follow bool // keep the newest message in view

	mode     int
	box      textarea.Model
	internal bool
	sendReq  uint64
	sending  bool

	choices   []convChoice
	choice    int
	changeReq uint64
	conflict  *domain.ConflictError

	w, h int
}

func newConvScreen(c *common, id domain.ID) *convScreen {
	return &convScreen{c: c, id: id, follow: true, box: c.st.textarea("")}
}

func (s *convScreen) Title() string {
	switch {
	case s.id == 0:
		return "Conversation"
	case !s.loaded:
		return "Conversation " + itoa(int(s.id))
	}
	return sanitizeLine(s.conv.Subject)
}

func (s *convScreen) Init() tea.Cmd {
	desk := s.c.desk
	return tea.Batch(s.load(), func() tea.Msg {
		as, err := desk.Agents()
		return agentsMsg{agents: as, err: err}
	})
}

func (s *convScreen) Capturing() bool { return s.mode != convViewing || s.conflict != nil }
func (s *convScreen) Dirty() bool {
	return s.mode == convComposing && strings.TrimSpace(s.box.Value()) != ""
}

func (s *convScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.box.SetWidth(max(w-4, 10))
	s.box.SetHeight(max(min(6, h/4), 2))
	s.wrap()
}

func (s *convScreen) load() tea.Cmd {
	s.loadReq = s.c.nextReq()
	req, desk, id := s.loadReq, s.c.desk, s.id
	return func() tea.Msg {
		conv, msgs, err := desk.Conversation(id)
		if err != nil {
			return convLoadedMsg{req: req, err: err}
		}
		u, err := desk.User(conv.RequesterID)
		if err != nil {
			return convLoadedMsg{req: req, err: err}
		}
		mail, err := desk.MailStatuses(msgs)
		if err != nil {
			return convLoadedMsg{req: req, err: err}
		}
		why, whyErr := whyNotMailed(desk, u)
		return convLoadedMsg{req: req, conv: conv, msgs: msgs, requester: u, noMail: why, noMailErr: whyErr, mail: mail}
	}
}

// whyNotMailed asks the desk why a reply to u would not be mailed, in the
// words it will use when the reply is stored. An error is returned as
// such: the screen must not say a reply will be mailed when it cannot tell.
func whyNotMailed(desk *domain.Desk, u domain.User) (string, error) {
	why, err := desk.ReplyMailBlock(u.ID)
	if err != nil {
		return "", err
	}
	return sanitizeLine(why), nil
}

// wrap draws the thread into lines that fit the width.
func (s *convScreen) wrap() {
	st := s.c.st
	s.lines = s.lines[:0]
	bw := max(s.w-6, 10)
	natt := 0 // attachments are numbered across the thread, as conv attachment takes them
	for i, m := range s.msgs {
		if i > 0 {
			s.lines = append(s.lines, "")
		}
		who := sanitizeLine(m.Author)
		when := s.c.when(m.CreatedAt)
		body := strings.Split(ansi.Wrap(strings.TrimRight(sanitize(m.Body), "\n"), bw, ""), "\n")
		if m.Kind == domain.KindNote {
			head := "▌ INTERNAL NOTE · " + who + " · " + when + " · never mailed"
			s.lines = append(s.lines, " "+st.warnText.Render(cut(head, s.w-2)))
			for _, l := range body {
				s.lines = append(s.lines, " "+st.warnText.Render("▌ ")+st.muted.Render(l))
			}
			continue
		}
		if m.FromCustomer {
			s.lines = append(s.lines, " "+cut(s.customerHead(m, when), s.w-2))
			for _, l := range body {
				s.lines = append(s.lines, " "+st.tabActive.Render("┃ ")+st.value.Render(l))
			}
			if m.Quoted != "" {
				// Collapsed: the earlier text the mail quoted.
				n := strings.Count(m.Quoted, "\n") + 1
				s.lines = append(s.lines, " "+st.tabActive.Render("┃ ")+st.muted.Render(cut(fmt.Sprintf("… %d quoted line(s) hidden", n), s.w-4)))
			}
			for _, a := range m.Attachments {
				natt++
				line := fmt.Sprintf("attachment %d: %s (%s, %d bytes)", natt, sanitizeLine(a.Name), sanitizeLine(a.Type), a.Size)
				s.lines = append(s.lines, " "+st.tabActive.Render("┃ ")+st.muted.Render(cut(line, s.w-4)))
			}
			continue
		}
		mail := s.mailState(m)
		head := st.title.Render("● reply · "+who) + st.muted.Render(" · "+when+" · ")
		s.lines = append(s.lines, " "+cut(head+mail, s.w-2))
		for _, l := range body {
			s.lines = append(s.lines, "   "+st.value.Render(l))
		}
	}
	if s.follow {
		s.scroll = len(s.lines)
	}
	s.clampScroll()
}

// mailState is a reply's mail state as the outbox holds it now, in the
// domain's words, coloured by how it stands.
func (s *convScreen) mailState(m domain.ConvMessage) string {
	st := s.c.st
	out := s.mail[m.OutboxID]
	text := sanitizeLine(domain.MessageMailStatus(m, out, s.c.when, s.c.mailHeld))
	switch {
	case !m.Mailed(), out.State == domain.MailFailed, out.State == domain.MailCancelled:
		return st.errText.Render(text)
	case out.State == domain.MailSent:
		return st.okText.Render(text)
	}
	return st.warnText.Render(text)
}

// touchesMail reports whether an event is about the mail of one of the
// thread's replies (a worker sent it, it failed, it was retried).
func (s *convScreen) touchesMail(m deskEventsMsg) bool {
	for _, e := range m.events {
		if e.Kind != "mail" {
			continue
		}
		if _, ok := s.mail[e.ID]; ok {
			return true
		}
	}
	return false
}

// customerHead is the head line of a customer's own message: marked as
// the customer's, who wrote it (the requester by name, a colleague by
// address), where it came in, and a flag that needs an agent's eye.
func (s *convScreen) customerHead(m domain.ConvMessage, when string) string {
	st := s.c.st
	who := strings.TrimPrefix(m.Author, "customer:")
	if strings.EqualFold(who, s.requester.Email) {
		who = s.requester.DisplayName()
	}
	head := st.tabActive.Render("◆ customer · "+sanitizeLine(who)) + st.muted.Render(" · "+when)
	if m.Via != "" {
		head += st.muted.Render(" · via " + sanitizeLine(m.Via))
	}
	if m.Flag != "" {
		head += st.warnText.Render(" · " + sanitizeLine(m.Flag))
	}
	return head
}

// headLines is what the title and the requester line take above the thread.
const convHeadLines = 4

func (s *convScreen) bottomLines() int {
	switch {
	case s.conflict != nil:
		return 3
	case s.mode == convComposing:
		return s.box.Height() + 2
	case s.mode == convPickStatus || s.mode == convPickAssignee:
		return min(len(s.choices), 8) + 2
	}
	return 0
}

func (s *convScreen) threadRows() int { return max(s.h-convHeadLines-s.bottomLines(), 1) }

func (s *convScreen) clampScroll() {
	s.scroll = max(0, min(s.scroll, len(s.lines)-s.threadRows()))
}

func (s *convScreen) scrollBy(d int) {
	s.scroll += d
	s.clampScroll()
	s.follow = s.scroll+s.threadRows() >= len(s.lines)
}

func (s *convScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case convLoadedMsg:
		if msg.req != s.loadReq {
			return nil
		}
		if msg.err != nil {
			s.err = msg.err
			return nil
		}
		s.conv, s.msgs, s.requester, s.noMail, s.noMailErr, s.loaded, s.err = msg.conv, msg.msgs, msg.requester, msg.noMail, msg.noMailErr, true, nil
		s.mail = msg.mail
		s.wrap()
		return nil
	case agentsMsg:
		if msg.err == nil {
			s.agents = msg.agents
		}
		return nil
	case deskEventsMsg:
		if touches(msg, domain.SubjectConv, s.id) || touches(msg, domain.SubjectUser, s.conv.RequesterID) || touchesKind(msg, domain.SubjectOrg) || s.touchesMail(msg) {
			return s.load()
		}
		return nil
	case discardConvMsg:
		if msg.id == s.id && s.mode == convComposing {
			s.stopCompose()
		}
		return nil
	case convSentMsg:
		return s.sent(msg)
	case convChangedMsg:
		return s.changed(msg)
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				s.scrollBy(-3)
			case tea.MouseButtonWheelDown:
				s.scrollBy(3)
			}
		}
	case tea.KeyMsg:
		switch {
		case s.conflict != nil:
			return s.updateConflict(msg)
		case s.mode == convComposing:
			return s.updateCompose(msg)
		case s.mode == convPickStatus || s.mode == convPickAssignee:
			return s.updatePick(msg)
		}
		return s.updateView(msg)
	}
	return nil
}

// touchesKind reports whether any event is of the kind (or an import).
func touchesKind(m deskEventsMsg, kind string) bool {
	for _, e := range m.events {
		if e.Kind == kind || e.Kind == "import" {
			return true
		}
	}
	return false
}

func (s *convScreen) updateView(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if !s.loaded {
		return nil
	}
	switch {
	case key.Matches(msg, k.Reply), key.Matches(msg, k.Note):
		if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
			return cmd
		}
		s.internal = key.Matches(msg, k.Note)
		s.mode = convComposing
		if s.internal {
			s.box.Placeholder = "An internal note: agents only, never mailed."
		} else {
			s.box.Placeholder = "Your reply to " + sanitizeLine(s.requester.DisplayName()) + "."
		}
		s.clampScroll()
		return s.box.Focus()
	case key.Matches(msg, k.ConvStatus):
		if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
			return cmd
		}
		s.choices = s.choices[:0]
		for _, st := range domain.ConvStatuses {
			s.choices = append(s.choices, convChoice{label: string(st), status: st})
			if st == s.conv.Status {
				s.choice = len(s.choices) - 1
			}
		}
		s.mode = convPickStatus
	case key.Matches(msg, k.Assign):
		if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
			return cmd
		}
		s.choices, s.choice = s.assignChoices(), 0
		s.mode = convPickAssignee
	case key.Matches(msg, k.OpenRequester):
		return s.c.post(openUserMsg{id: s.conv.RequesterID})
	}
	if d, ok := navDelta(k, msg, s.threadRows(), len(s.lines)); ok {
		s.scrollBy(d)
	}
	s.clampScroll()
	return nil
}

// assignChoices: to me first (when the session stands for an agent: the
// SSH agent, or the one a local console names with --agent), then
// unassign, then every other enabled agent.
func (s *convScreen) assignChoices() []convChoice {
	var out []convChoice
	me := s.c.me
	for _, a := range s.agents {
		if me != 0 && a.ID == me && !a.Disabled {
			out = append(out, convChoice{label: "me (" + sanitizeLine(a.Email) + ")", email: a.Email})
		}
	}
	out = append(out, convChoice{label: "nobody (unassign)"})
	for _, a := range s.agents {
		if a.ID != me && !a.Disabled {
			out = append(out, convChoice{label: sanitizeLine(a.Email), email: a.Email})
		}
	}
	return out
}

func (s *convScreen) updateCompose(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Send):
		if s.sending {
			return nil
		}
		body := s.box.Value()
		if strings.TrimSpace(body) == "" {
			return status(statusInfo, "Nothing to send: the box is empty.")
		}
		s.sending = true
		s.sendReq = s.c.nextReq()
		req, desk, actor, id, internal := s.sendReq, s.c.desk, s.c.actor, s.id, s.internal
		return func() tea.Msg {
			m, err := desk.Reply(actor, id, body, internal)
			if err != nil {
				return convSentMsg{req: req, err: err}
			}
			// The reply is stored; what its mail's state is, is only
			// news: a failed read leaves the sentence to name the id.
			out, _ := desk.MailStatuses([]domain.ConvMessage{m})
			return convSentMsg{req: req, msg: m, out: out[m.OutboxID]}
		}
	case key.Matches(msg, k.Back):
		if strings.TrimSpace(s.box.Value()) == "" {
			s.stopCompose()
			return nil
		}
		return s.c.post(askMsg{
			title:    "Discard this " + s.composeWhat() + "?",
			body:     "What you wrote is lost.",
			yesLabel: "Discard",
			yes:      send(discardConvMsg{id: s.id}),
		})
	}
	var cmd tea.Cmd
	s.box, cmd = s.box.Update(msg)
	return cmd
}

// discardConvMsg ends composing after the agent confirmed losing it.
type discardConvMsg struct{ id domain.ID }

func (s *convScreen) composeWhat() string {
	if s.internal {
		return "note"
	}
	return "reply"
}

func (s *convScreen) stopCompose() {
	s.mode, s.sending = convViewing, false
	s.box.Reset()
	s.box.Blur()
	s.clampScroll()
}

func (s *convScreen) sent(msg convSentMsg) tea.Cmd {
	if msg.req != s.sendReq {
		return nil
	}
	s.sending = false
	if msg.err != nil {
		return errStatus("Not sent: ", msg.err)
	}
	s.stopCompose()
	s.follow = true
	m := msg.msg
	var note tea.Cmd
	switch {
	case m.Kind == domain.KindNote:
		note = status(statusOK, "Internal note added; not mailed.")
	case m.Mailed():
		note = status(statusOK, "Reply stored; mail to "+sanitizeLine(s.requester.Email)+" "+
			sanitizeLine(domain.MessageMailStatus(m, msg.out, s.c.when, s.c.mailHeld))+".")
	default:
		note = status(statusErr, "Reply stored but not mailed: "+sanitizeLine(m.NotMailed)+".")
	}
	return tea.Batch(note, s.load())
}

func (s *convScreen) updatePick(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Back):
		s.mode = convViewing
	case key.Matches(msg, k.Up):
		s.choice = max(0, s.choice-1)
	case key.Matches(msg, k.Down):
		s.choice = min(len(s.choices)-1, s.choice+1)
	case key.Matches(msg, k.Pick):
		if s.choice >= len(s.choices) {
			return nil
		}
		ch := s.choices[s.choice]
		s.changeReq = s.c.nextReq()
		req, desk, actor, id, version := s.changeReq, s.c.desk, s.c.actor, s.id, s.conv.Version
		if s.mode == convPickStatus {
			s.mode = convViewing
			return func() tea.Msg {
				c, err := desk.SetStatus(actor, id, version, ch.status)
				return convChangedMsg{req: req, conv: c, what: "Status is now " + string(ch.status) + ".", err: err}
			}
		}
		s.mode = convViewing
		what := "Assigned to " + sanitizeLine(ch.email) + "."
		if ch.email == "" {
			what = "Unassigned."
		}
		return func() tea.Msg {
			c, err := desk.Assign(actor, id, ch.email)
			return convChangedMsg{req: req, conv: c, what: what, err: err}
		}
	}
	s.clampScroll()
	return nil
}

func (s *convScreen) changed(msg convChangedMsg) tea.Cmd {
	if msg.req != s.changeReq {
		return nil
	}
	var ce *domain.ConflictError
	switch {
	case errors.As(msg.err, &ce):
		s.conflict = ce
		s.clampScroll()
		return status(statusErr, "Not changed: "+sanitizeLine(ce.By)+" changed this conversation meanwhile.")
	case msg.err != nil:
		return errStatus("Not changed: ", msg.err)
	}
	s.conv = msg.conv
	return tea.Batch(status(statusOK, msg.what), s.load())
}

func (s *convScreen) updateConflict(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Reload):
		s.conflict = nil
		return tea.Batch(s.load(), status(statusInfo, "Reloaded; choose the status again if it still needs changing."))
	case key.Matches(msg, k.Back):
		s.conflict = nil
		s.clampScroll()
	}
	return nil
}

func (s *convScreen) assigneeName() string {
	if s.conv.AssigneeID == 0 {
		return "unassigned"
	}
	for _, a := range s.agents {
		if a.ID == s.conv.AssigneeID {
			return sanitizeLine(a.Email)
		}
	}
	return "agent #" + itoa(int(s.conv.AssigneeID))
}

func (s *convScreen) View() string {
	st := s.c.st
	if s.err != nil {
		return " " + st.errText.Render(cut(sanitizeLine(s.err.Error()), s.w-2))
	}
	if !s.loaded {
		return " " + st.muted.Render("Loading…")
	}
	c, u := s.conv, s.requester
	var b strings.Builder
	title := st.title.Render(cut(sanitizeLine(c.Subject), s.w*2/3))
	b.WriteString(joinRight(" "+title, st.tabActive.Render("["+string(c.Status)+"]")+" ", s.w) + "\n")
	who := sanitizeLine(u.DisplayName()) + " <" + sanitizeLine(u.Email) + ">"
	if u.State == domain.StateDisabled {
		who = "⊘ " + who + " (disabled)"
	}
	info := who
	if c.OrgID != 0 {
		info += " · " + s.c.orgs.name(c.OrgID)
	}
	info += " · assignee " + s.assigneeName() + " · " + plural(len(s.msgs), "message")
	b.WriteString(" " + st.value.Render(cut(info, s.w-2)) + "\n")
	if s.noMailErr != nil {
		b.WriteString(" " + st.errText.Render(cut("Could not tell whether replies are mailed: "+sanitizeLine(s.noMailErr.Error()), s.w-2)) + "\n")
	} else if s.noMail != "" {
		b.WriteString(" " + st.warnText.Render(cut("Replies are stored but not mailed: "+s.noMail+".", s.w-2)) + "\n")
	} else if s.c.mailHeld != "" {
		b.WriteString(" " + st.warnText.Render(cut("Replies to "+sanitizeLine(u.Email)+" are queued, held: "+s.c.mailHeld+"; notes are never mailed.", s.w-2)) + "\n")
	} else {
		b.WriteString(" " + st.muted.Render(cut("Replies are mailed to "+sanitizeLine(u.Email)+"; notes never are.", s.w-2)) + "\n")
	}
	rows := s.threadRows()
	pos := ""
	if len(s.lines) > rows {
		pos = "lines " + itoa(s.scroll+1) + "–" + itoa(min(s.scroll+rows, len(s.lines))) + " of " + itoa(len(s.lines))
	}
	b.WriteString(joinRight(" "+st.label.Render("Thread"), st.muted.Render(pos)+" ", s.w))
	for i := s.scroll; i < len(s.lines) && i < s.scroll+rows; i++ {
		b.WriteString("\n" + s.lines[i])
	}
	if n := s.bottomLines(); n > 0 {
		for i := min(len(s.lines)-s.scroll, rows); i < rows; i++ {
			b.WriteByte('\n')
		}
		b.WriteString("\n" + s.bottomView())
	}
	return b.String()
}

func (s *convScreen) bottomView() string {
	st := s.c.st
	k := s.c.keys
	switch {
	case s.conflict != nil:
		ce := s.conflict
		return " " + st.errText.Render(cut("Not changed: "+sanitizeLine(ce.By)+" changed this conversation at "+s.c.when(ce.At)+
			" (now version "+itoa(int(ce.Version))+", you had "+itoa(int(ce.Requested))+").", s.w-2)) + "\n " +
			st.helpKey.Render(k.Reload.Help().Key) + st.helpDesc.Render(" reload and see their change   ") +
			st.helpKey.Render("esc") + st.helpDesc.Render(" dismiss") + "\n"
	case s.mode == convComposing:
		var head string
		switch {
		case s.internal:
			head = st.warnText.Render("▌ Internal note — agents only, never mailed")
		case s.noMailErr != nil:
			head = st.errText.Render(cut("Reply — could not tell whether it will be mailed: "+sanitizeLine(s.noMailErr.Error()), s.w-2))
		case s.noMail != "":
			head = st.errText.Render(cut("Reply — will be stored but NOT mailed: "+s.noMail, s.w-2))
		case s.c.mailHeld != "":
			head = st.warnText.Render(cut("Reply — queued for "+sanitizeLine(s.requester.Email)+", held: "+s.c.mailHeld, s.w-2))
		default:
			head = st.title.Render(cut("Reply — mailed to "+sanitizeLine(s.requester.Email), s.w-2))
		}
		hint := ""
		if s.sending {
			hint = "sending…"
		}
		return " " + joinRight(head, st.muted.Render(hint)+" ", s.w-1) + "\n" + indentAll(s.box.View(), 2)
	}
	what := "Status"
	if s.mode == convPickAssignee {
		what = "Assign to"
	}
	var b strings.Builder
	b.WriteString(" " + st.title.Render(what) + st.muted.Render("  ↑/↓ choose · enter apply · esc cancel"))
	if s.mode == convPickAssignee && s.c.me == 0 {
		// The local owner is no agent record: say how to become "me".
		b.WriteString("\n" + indentAll(st.warnText.Width(max(s.w-2, 20)).Render(noMeSentence), 1))
	}
	top := max(0, min(s.choice-7, len(s.choices)-8))
	for i := top; i < len(s.choices) && i < top+8; i++ {
		line := "   " + s.choices[i].label
		if i == s.choice {
			b.WriteString("\n" + st.rowSel.Render(fit(" › "+s.choices[i].label, min(s.w-2, 40))))
		} else {
			b.WriteString("\n" + st.value.Render(line))
		}
	}
	return b.String()
}

func (s *convScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	switch {
	case s.conflict != nil:
		return []key.Binding{keyHelp(k.Reload, "reload"), keyHelp(k.Back, "dismiss")}
	case s.mode == convComposing:
		return []key.Binding{k.Send, keyHelp(k.Back, "cancel")}
	case s.mode != convViewing:
		return []key.Binding{keyHelp(k.Pick, "apply"), keyHelp(k.Back, "cancel")}
	}
	w := domain.PermUsersWrite
	return []key.Binding{s.c.gate(keyHelp(k.Reply, "reply"), w), s.c.gate(keyHelp(k.Note, "note"), w),
		s.c.gate(keyHelp(k.ConvStatus, "status"), w), s.c.gate(keyHelp(k.Assign, "assign"), w)}
}

func (s *convScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	w := domain.PermUsersWrite
	return [][]key.Binding{
		{s.c.gate(k.Reply, w), s.c.gate(k.Note, w), k.Send, s.c.gate(k.ConvStatus, w), s.c.gate(k.Assign, w), k.OpenRequester},
		{keyHelp(k.Up, "scroll up"), keyHelp(k.Down, "scroll down"), k.PageUp, k.PageDown, k.Home, k.End},
		{keyHelp(k.Reload, "reload after a conflict")},
	}
}

// noMeSentence is what the assign menu says when this console stands for
// no agent (a local console without --agent), instead of offering "me".
const noMeSentence = "You are not an agent here, so you cannot assign to yourself: start the console with --agent EMAIL (or HELPDESK_AGENT=EMAIL), after 'helpdesk agent add' if you have no agent record."

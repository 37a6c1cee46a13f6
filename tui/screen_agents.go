package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

type (
	// openAgentsMsg asks the root for the agents screen.
	openAgentsMsg struct{}
	agentsListMsg struct {
		req    uint64
		agents []domain.Agent
		err    error
	}
	// agentSavedMsg is the outcome of an add or a change.
	agentSavedMsg struct {
		agent domain.Agent
		what  string
		err   error
	}
)

// What the agents screen's keyboard is doing.
const (
	agentsViewing = iota
	agentsAdding
	agentsPerms
)

// permChoice is one line of the permissions editor: a permission to turn on
// or off, or a role's defaults to set at once.
type permChoice struct {
	label string
	perm  domain.Perms
	role  domain.AgentRole
}

// agentsScreen lists the agents who sign in over SSH (name, email, role,
// state, key fingerprints) and, for an agent who may manage agents, adds
// one with a pasted public key, changes permissions and disables or
// enables. It goes through the same Desk use-cases as `helpdesk agent …`,
// which check the permission again.
type agentsScreen struct {
	c      *common
	agents []domain.Agent
	loaded bool
	err    error
	req    uint64
	cursor int

	mode int
	form *form
	// saving: an add or change is on its way.
	saving bool
	// focus is the agent the cursor goes to once the list is reread.
	focus string

	permsOf string // the agent whose permissions are edited
	perms   domain.Perms
	choices []permChoice
	choice  int

	w, h int
}

func newAgentsScreen(c *common) *agentsScreen { return &agentsScreen{c: c} }

func (s *agentsScreen) Title() string   { return "Agents" }
func (s *agentsScreen) Init() tea.Cmd   { return s.load() }
func (s *agentsScreen) Capturing() bool { return s.mode != agentsViewing }
func (s *agentsScreen) Dirty() bool     { return s.mode == agentsAdding && s.form.Dirty() }

func (s *agentsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.form != nil {
		s.form.width = w
	}
}

func (s *agentsScreen) load() tea.Cmd {
	s.req = s.c.nextReq()
	req, desk := s.req, s.c.desk
	return func() tea.Msg {
		as, err := desk.Agents()
		return agentsListMsg{req: req, agents: as, err: err}
	}
}

func (s *agentsScreen) selected() (domain.Agent, bool) {
	if s.cursor < 0 || s.cursor >= len(s.agents) {
		return domain.Agent{}, false
	}
	return s.agents[s.cursor], true
}

func (s *agentsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case agentsListMsg:
		if msg.req != s.req {
			return nil
		}
		s.loaded, s.err = true, msg.err
		if msg.err == nil {
			s.agents = msg.agents
		}
		for i, a := range s.agents {
			if s.focus != "" && a.Email == s.focus {
				s.cursor, s.focus = i, ""
			}
		}
		s.cursor = max(0, min(s.cursor, len(s.agents)-1))
		return nil
	case deskEventsMsg:
		if len(msg.events) == 0 {
			return s.load()
		}
		for _, e := range msg.events {
			if e.Kind == "agent" || e.Kind == "import" {
				return s.load()
			}
		}
		return nil
	case agentFormClosedMsg:
		s.mode, s.form = agentsViewing, nil
		return nil
	case agentSavedMsg:
		s.saving = false
		if msg.err != nil {
			if s.mode == agentsAdding && s.form.SetError(msg.err) {
				return status(statusErr, "Not saved: "+sanitizeLine(msg.err.Error()))
			}
			return errStatus("Not saved: ", msg.err)
		}
		if s.mode == agentsAdding || s.mode == agentsPerms {
			s.mode, s.form = agentsViewing, nil
		}
		s.focus = msg.agent.Email
		return tea.Batch(s.load(), status(statusOK, msg.what))
	case tea.KeyMsg:
		switch s.mode {
		case agentsAdding:
			return s.updateAdd(msg)
		case agentsPerms:
			return s.updatePerms(msg)
		}
		return s.updateList(msg)
	}
	return nil
}

func (s *agentsScreen) updateList(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.New):
		if cmd := s.c.refuse(domain.PermAgents); cmd != nil {
			return cmd
		}
		s.startAdd()
		return s.form.FocusOn(0)
	case key.Matches(msg, k.AgentPerms):
		if cmd := s.c.refuse(domain.PermAgents); cmd != nil {
			return cmd
		}
		if a, ok := s.selected(); ok {
			s.startPerms(a)
		}
		return nil
	case key.Matches(msg, k.Toggle):
		if cmd := s.c.refuse(domain.PermAgents); cmd != nil {
			return cmd
		}
		if a, ok := s.selected(); ok {
			return s.c.post(s.askToggle(a))
		}
		return nil
	}
	if d, ok := navDelta(k, msg, max(s.h-6, 1), len(s.agents)); ok {
		s.cursor = max(0, min(s.cursor+d, len(s.agents)-1))
	}
	return nil
}

func (s *agentsScreen) startAdd() {
	f := newForm(s.c)
	f.width = s.w
	f.addText("name", "Name", "Full name")
	f.addText("email", "Email", "agent@example.com")
	f.addChoice("role", "Role", string(domain.RoleAgent), string(domain.RoleAdmin))
	f.addText("key", "SSH key", "ssh-ed25519 AAAA… you@laptop (paste from a .pub file)")
	s.form, s.mode = f, agentsAdding
}

func (s *agentsScreen) updateAdd(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Back):
		if s.form.Dirty() {
			return s.c.post(askMsg{
				title: "Discard the new agent?", body: "What you typed is lost.", yesLabel: "Discard",
				yes: send(agentFormClosedMsg{}),
			})
		}
		s.mode, s.form = agentsViewing, nil
		return nil
	case key.Matches(msg, k.Save):
		return s.saveAdd()
	}
	cmd, submit := s.form.Update(msg)
	if submit {
		return tea.Batch(cmd, s.saveAdd())
	}
	return cmd
}

// agentFormClosedMsg: the agent confirmed discarding the add form.
type agentFormClosedMsg struct{}

func (s *agentsScreen) saveAdd() tea.Cmd {
	if s.saving {
		return nil
	}
	s.form.ClearErrors()
	// The key is checked here first, so a bad paste is named at once,
	// with the same sentence the Desk would give.
	if _, err := domain.ParseAgentKey(s.form.Value("key")); err != nil {
		s.form.SetError(err)
		return status(statusErr, "Not saved: "+sanitizeLine(err.Error()))
	}
	s.saving = true
	desk, actor := s.c.desk, s.c.actor
	in := domain.AgentInput{Name: s.form.Value("name"), Email: s.form.Value("email"),
		Role: s.form.Value("role"), Keys: []string{s.form.Value("key")}}
	return func() tea.Msg {
		a, err := desk.AddAgent(actor, in)
		return agentSavedMsg{agent: a, err: err,
			what: "Added agent " + sanitizeLine(a.Email) + " (" + string(a.Role) + "); they sign in over SSH with that key."}
	}
}

func (s *agentsScreen) startPerms(a domain.Agent) {
	s.permsOf, s.perms, s.mode, s.choice = a.Email, a.Perms, agentsPerms, 0
	s.choices = s.choices[:0]
	for _, name := range domain.PermNames() {
		p, _ := domain.ParsePerms(name)
		s.choices = append(s.choices, permChoice{label: name, perm: p})
	}
	s.choices = append(s.choices,
		permChoice{label: "admin defaults: every permission", role: domain.RoleAdmin},
		permChoice{label: "agent defaults: " + domain.RoleAgent.DefaultPerms().String(), role: domain.RoleAgent})
}

func (s *agentsScreen) updatePerms(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Back):
		s.mode = agentsViewing
		return nil
	case key.Matches(msg, k.Save):
		if s.saving {
			return nil
		}
		s.saving = true
		desk, actor, email, p := s.c.desk, s.c.actor, s.permsOf, s.perms
		return func() tea.Msg {
			a, err := desk.ChangeAgent(actor, email, domain.AgentChange{Perms: &p})
			return agentSavedMsg{agent: a, err: err,
				what: "Permissions of " + sanitizeLine(email) + ": " + p.String() + "."}
		}
	case key.Matches(msg, k.Pick, k.ChoiceNext):
		ch := s.choices[s.choice]
		if ch.role != "" {
			s.perms = ch.role.DefaultPerms()
		} else {
			s.perms ^= ch.perm
		}
		return nil
	}
	if d, ok := navDelta(k, msg, len(s.choices), len(s.choices)); ok {
		s.choice = max(0, min(s.choice+d, len(s.choices)-1))
	}
	return nil
}

// askToggle is the confirm before an agent is disabled or enabled.
func (s *agentsScreen) askToggle(a domain.Agent) askMsg {
	desk, actor, email := s.c.desk, s.c.actor, a.Email
	disable := !a.Disabled
	who := sanitizeLine(a.Email)
	ask := askMsg{
		title:    "Disable agent " + who + "?",
		body:     "They can no longer sign in over SSH; an open session of theirs is closed. Their audit entries and assignments are kept; enable them again with d.",
		yesLabel: "Disable",
		danger:   true,
	}
	what := "Disabled agent " + who + "."
	if !disable {
		ask = askMsg{title: "Enable agent " + who + "?", body: "They can sign in over SSH again with their keys.", yesLabel: "Enable"}
		what = "Enabled agent " + who + "."
	}
	ask.yes = func() tea.Msg {
		ag, err := desk.ChangeAgent(actor, email, domain.AgentChange{Disabled: &disable})
		return agentSavedMsg{agent: ag, err: err, what: what}
	}
	return ask
}

func agentState(a domain.Agent) string {
	if a.Disabled {
		return "disabled"
	}
	return "enabled"
}

func agentKeys(a domain.Agent) string {
	switch len(a.Keys) {
	case 0:
		return "no key"
	case 1:
		return a.Keys[0].Fingerprint
	}
	return a.Keys[0].Fingerprint + " +" + itoa(len(a.Keys)-1)
}

func (s *agentsScreen) View() string {
	st := s.c.st
	switch {
	case s.mode == agentsAdding:
		return " " + st.title.Render("New agent") + "\n " +
			st.muted.Render(cut("They sign in over SSH with this key; the SSH user name is never their identity.", s.w-2)) +
			"\n\n" + s.form.View()
	case s.mode == agentsPerms:
		return s.permsView()
	case s.err != nil:
		return " " + st.errText.Render(cut("Could not read the agents: "+sanitizeLine(s.err.Error()), s.w-2))
	case !s.loaded:
		return " " + st.muted.Render("Loading…")
	case len(s.agents) == 0:
		return " " + st.title.Render("Agents") + "\n\n " +
			st.muted.Render(cut("No agents yet. Press n to add one with their SSH public key.", s.w-2))
	}
	// Columns: name, email, role, state, then the key takes what is left.
	roleW, stateW := 6, 9
	rest := max(s.w-2-roleW-stateW-8, 30)
	keyW := max(min(52, rest-32), rest*4/10) // a SHA256 fingerprint is 50 cells
	nameW := max(8, (rest-keyW)*40/100)
	emailW := rest - keyW - nameW
	row := func(name, email, role, state, keys string) string {
		return fit(name, nameW) + "  " + fit(email, emailW) + "  " + fit(role, roleW) + "  " + fit(state, stateW) + "  " + fit(keys, keyW)
	}
	var b strings.Builder
	b.WriteString(" " + st.title.Render("Agents") + st.muted.Render("  "+plural(len(s.agents), "agent")) + "\n\n")
	b.WriteString(" " + st.colHead.Render(row("NAME", "EMAIL", "ROLE", "STATE", "SSH KEY")) + "\n")
	rows := max(s.h-6, 1)
	top := max(0, min(s.cursor-rows+1, len(s.agents)-rows))
	for i := top; i < len(s.agents) && i < top+rows; i++ {
		a := s.agents[i]
		line := row(sanitizeLine(a.Name), sanitizeLine(a.Email), string(a.Role), agentState(a), agentKeys(a))
		switch {
		case i == s.cursor:
			b.WriteString(" " + st.rowSel.Render(line) + "\n")
		case a.Disabled:
			b.WriteString(" " + st.disabled.Render(line) + "\n")
		default:
			b.WriteString(" " + st.row.Render(line) + "\n")
		}
	}
	if a, ok := s.selected(); ok {
		b.WriteString("\n " + st.muted.Render(cut("permissions: "+a.Perms.String(), s.w-2)))
		for _, k := range a.Keys {
			b.WriteString("\n " + st.muted.Render(cut("key: "+k.Fingerprint+" "+k.Type+" "+sanitizeLine(k.Comment), s.w-2)))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s *agentsScreen) permsView() string {
	st := s.c.st
	var b strings.Builder
	b.WriteString(" " + st.title.Render(cut("Permissions of "+sanitizeLine(s.permsOf), s.w-2)) + "\n")
	b.WriteString(" " + st.muted.Render(cut("enter turns one on/off · ctrl+s saves · esc cancels", s.w-2)) + "\n\n")
	for i, ch := range s.choices {
		mark := "   "
		if ch.role == "" {
			mark = "[ ]"
			if s.perms&ch.perm != 0 {
				mark = "[x]"
			}
		}
		line := mark + " " + ch.label
		if i == s.choice {
			b.WriteString(" " + st.rowSel.Render(fit("› "+line, min(s.w-2, 48))) + "\n")
		} else {
			b.WriteString(" " + st.value.Render("  "+line) + "\n")
		}
	}
	b.WriteString("\n " + st.muted.Render(cut("will be: "+s.perms.String(), s.w-2)))
	return b.String()
}

func (s *agentsScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	switch s.mode {
	case agentsAdding:
		return []key.Binding{k.Save, keyHelp(k.NextField, "next"), keyHelp(k.Back, "cancel")}
	case agentsPerms:
		return []key.Binding{keyHelp(k.Pick, "on/off"), k.Save, keyHelp(k.Back, "cancel")}
	}
	p := domain.PermAgents
	return []key.Binding{s.c.gate(keyHelp(k.New, "add agent"), p), s.c.gate(k.AgentPerms, p),
		s.c.gate(keyHelp(k.Toggle, "disable/enable"), p), k.Down}
}

func (s *agentsScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	p := domain.PermAgents
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{s.c.gate(keyHelp(k.New, "add an agent with a pasted SSH public key"), p), s.c.gate(k.AgentPerms, p),
			s.c.gate(keyHelp(k.Toggle, "disable/enable the agent"), p)},
		{k.Save, k.NextField, k.PrevField, keyHelp(k.Pick, "permission on/off")},
	}
}

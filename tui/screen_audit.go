package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"helpdesk/domain"
)

const auditPage = 200

type (
	auditPageMsg struct {
		req     uint64
		entries []domain.AuditEntry
		more    bool
		reset   bool
		err     error
	}
	// auditFilterMsg is a typed filter resolved to ids.
	auditFilterMsg struct {
		req    uint64
		filter domain.AuditFilter
		label  string
		err    error
	}
)

// auditScreen is the audit log, newest first, read a page at a time as the
// agent scrolls down. It filters by agent, by user or by organization: a
// or u take the agent or the subject of the entry under the cursor, / takes
// a typed email, organization name or agent name.
type auditScreen struct {
	c       *common
	entries []domain.AuditEntry
	more    bool
	req     uint64
	loading bool
	err     error

	filter      domain.AuditFilter
	filterLabel string

	input     textinput.Model
	typing    bool
	filterReq uint64

	scroller
	w, h int
}

func newAuditScreen(c *common) *auditScreen {
	return &auditScreen{c: c, input: c.st.input("an email, an organization or an agent")}
}

func (s *auditScreen) Title() string   { return "Audit log" }
func (s *auditScreen) Init() tea.Cmd   { return s.load(true) }
func (s *auditScreen) Capturing() bool { return s.typing }
func (s *auditScreen) Dirty() bool     { return false }

func (s *auditScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.follow()
}

// load reads the first page (reset) or the page after the last entry.
func (s *auditScreen) load(reset bool) tea.Cmd {
	s.req = s.c.nextReq()
	s.loading = true
	req, desk, f := s.req, s.c.desk, s.filter
	var before domain.ID
	limit := auditPage
	if !reset && len(s.entries) > 0 {
		before = s.entries[len(s.entries)-1].ID
	}
	if reset && len(s.entries) > auditPage {
		// A refresh keeps as many entries as the agent had scrolled through.
		limit = len(s.entries)
	}
	return func() tea.Msg {
		es, err := desk.Audit(f, before, limit)
		return auditPageMsg{req: req, entries: es, more: len(es) == limit, reset: reset, err: err}
	}
}

// detailLines is the height of the pane under the list that shows the
// selected entry in full: on a narrow screen its changes do not fit a row.
const detailLines = 3

func (s *auditScreen) rowsShown() int { return max(s.h-5-detailLines, 1) }

func (s *auditScreen) follow() { s.scroller.follow(len(s.entries), s.rowsShown()) }

// move moves the cursor and reads the next page when it nears the end.
func (s *auditScreen) move(d int) tea.Cmd {
	s.cursor += d
	s.follow()
	if s.more && !s.loading && s.nearEnd(len(s.entries), s.rowsShown()) {
		return s.load(false)
	}
	return nil
}

func (s *auditScreen) setFilter(f domain.AuditFilter, label string) tea.Cmd {
	s.filter, s.filterLabel = f, label
	s.entries, s.cursor, s.top = nil, 0, 0
	return s.load(true)
}

func (s *auditScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case auditPageMsg:
		if msg.req != s.req {
			return nil
		}
		s.loading, s.err = false, msg.err
		if msg.err != nil {
			return nil
		}
		s.entries = mergePage(s.entries, msg.entries, msg.reset)
		s.more = msg.more
		s.follow()
		return nil
	case auditFilterMsg:
		if msg.req != s.filterReq {
			return nil
		}
		if msg.err != nil {
			return errStatus("No filter: ", msg.err)
		}
		return s.setFilter(msg.filter, msg.label)
	case deskEventsMsg:
		return s.load(true)
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				return s.move(-3)
			case tea.MouseButtonWheelDown:
				return s.move(3)
			}
		}
	case tea.KeyMsg:
		if s.typing {
			return s.updateTyping(msg)
		}
		e, ok := s.selected()
		switch {
		case key.Matches(msg, k.Filter):
			s.typing = true
			s.input.SetValue("")
			return s.input.Focus()
		case key.Matches(msg, k.Cancel):
			if s.filterLabel != "" {
				return s.setFilter(domain.AuditFilter{}, "")
			}
		case key.Matches(msg, k.FilterAgent) && ok:
			return s.setFilter(domain.AuditFilter{Actor: e.Actor}, "agent "+sanitizeLine(e.Actor))
		case key.Matches(msg, k.FilterSubject) && ok && e.SubjectID != 0:
			return s.setFilter(domain.AuditFilter{SubjectKind: e.SubjectKind, SubjectID: e.SubjectID}, subjectLabel(e))
		case key.Matches(msg, k.Open) && ok:
			if e.SubjectID == 0 {
				return status(statusInfo, "This entry is about the whole desk, not one user or organization.")
			}
			if e.SubjectKind == domain.SubjectOrg {
				return s.c.post(openOrgMsg{id: e.SubjectID})
			}
			return s.c.post(openUserMsg{id: e.SubjectID})
		}
		if d, ok := navDelta(k, msg, s.rowsShown(), len(s.entries)); ok {
			return s.move(d)
		}
	}
	return nil
}

func subjectLabel(e domain.AuditEntry) string {
	if e.SubjectID == 0 {
		return "the whole desk"
	}
	kind := "user"
	if e.SubjectKind == domain.SubjectOrg {
		kind = "organization"
	}
	return kind + " " + sanitizeLine(e.Subject)
}

func (s *auditScreen) selected() (domain.AuditEntry, bool) {
	if s.cursor < len(s.entries) {
		return s.entries[s.cursor], true
	}
	return domain.AuditEntry{}, false
}

func (s *auditScreen) updateTyping(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Cancel):
		s.typing = false
		s.input.Blur()
		return nil
	case key.Matches(msg, k.Open):
		s.typing = false
		s.input.Blur()
		q := strings.TrimSpace(s.input.Value())
		if q == "" {
			return s.setFilter(domain.AuditFilter{}, "")
		}
		s.filterReq = s.c.nextReq()
		req, desk := s.filterReq, s.c.desk
		return func() tea.Msg {
			f, label, err := resolveAuditFilter(desk, q)
			return auditFilterMsg{req: req, filter: f, label: label, err: err}
		}
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	cleanInput(&s.input)
	return cmd
}

// resolveAuditFilter reads what the agent typed as an email, else an
// organization name, else an agent name (agents are named as the audit
// trail names them).
func resolveAuditFilter(desk *domain.Desk, q string) (domain.AuditFilter, string, error) {
	if strings.Contains(q, "@") {
		u, err := desk.UserByEmail(q)
		if err != nil {
			return domain.AuditFilter{}, "", err
		}
		return domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, "user " + sanitizeLine(u.Email), nil
	}
	if o, err := desk.OrgByName(q); err == nil {
		return domain.AuditFilter{SubjectKind: domain.SubjectOrg, SubjectID: o.ID}, "organization " + sanitizeLine(o.Name), nil
	}
	return domain.AuditFilter{Actor: q}, "agent " + sanitizeLine(q), nil
}

func (s *auditScreen) View() string {
	st := s.c.st
	var b strings.Builder
	left := " " + st.title.Render("Audit log") + st.muted.Render(" newest first")
	right := st.muted.Render("/ filter  a agent  u user/org")
	switch {
	case s.typing:
		s.input.Width = max(s.w/2-10, 10)
		right = st.label.Render("Filter: ") + s.input.View()
	case s.filterLabel != "":
		right = st.label.Render("only ") + st.value.Render(cut(s.filterLabel, s.w/2)) + st.muted.Render("  esc clears")
	}
	b.WriteString(joinRight(left, right+" ", s.w) + "\n\n")
	aw, xw, sw := auditCols(s.w, true)
	b.WriteString(st.colHead.Render("  " + fit("WHEN", 16) + "  " + fit("AGENT", aw) + "  " + fit("ACTION", xw) + "  " + fit("SUBJECT", sw) + "  CHANGES"))
	switch {
	case s.err != nil:
		b.WriteString("\n  " + st.errText.Render(cut(sanitizeLine(s.err.Error()), s.w-4)))
		return b.String()
	case len(s.entries) == 0 && s.loading:
		b.WriteString("\n  " + st.muted.Render("Loading…"))
		return b.String()
	case len(s.entries) == 0:
		b.WriteString("\n  " + st.muted.Render("Nothing recorded yet."))
		return b.String()
	}
	for i := s.top; i < len(s.entries) && i < s.top+s.rowsShown(); i++ {
		b.WriteString("\n" + auditLine(s.c, s.entries[i], s.w, true, i == s.cursor))
	}
	for i := len(s.entries) - s.top; i < s.rowsShown(); i++ {
		b.WriteByte('\n') // keep the pane at the bottom
	}
	pos := "  " + thousands(s.cursor+1) + " of " + thousands(len(s.entries))
	if s.more {
		pos += "+"
	}
	b.WriteString("\n" + st.muted.Render(pos))
	if e, ok := s.selected(); ok {
		b.WriteString("\n" + s.detail(e))
	}
	return b.String()
}

// detail is the selected entry in full, wrapped to the pane.
func (s *auditScreen) detail(e domain.AuditEntry) string {
	st := s.c.st
	head := sanitizeLine(e.Action) + " by " + sanitizeLine(e.Actor) + " at " + s.c.when(e.At) + " · " + subjectLabel(e)
	lines := []string{st.title.Render(cut(" "+head, s.w))}
	body := changesText(e)
	if body == "" {
		body = "no field changed"
	}
	wrapped := strings.Split(ansi.Wordwrap(body, s.w-3, " ;"), "\n")
	for i, l := range wrapped {
		if i == detailLines-1 {
			break
		}
		if i == detailLines-2 && len(wrapped) > detailLines-1 {
			l = cut(l+" …", s.w-3)
		}
		lines = append(lines, "   "+st.value.Render(cut(l, s.w-3)))
	}
	return strings.Join(lines, "\n")
}

func (s *auditScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if s.typing {
		return []key.Binding{keyHelp(k.Open, "apply"), k.Cancel}
	}
	return []key.Binding{keyHelp(k.Open, "open subject"), k.Filter, k.FilterAgent, k.FilterSubject}
}

func (s *auditScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{keyHelp(k.Open, "open subject"), k.Filter, k.FilterAgent, k.FilterSubject, k.Cancel},
	}
}

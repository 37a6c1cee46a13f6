package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"helpdesk/domain"
)

const auditPage = 200

// auditFilterMsg is a typed filter resolved to ids.
type auditFilterMsg struct {
	req    uint64
	filter domain.AuditFilter
	label  string
	err    error
}

// auditScreen is the audit log, newest first, read a page at a time as the
// agent scrolls down. It filters by agent, by user or by organization: a
// or u take the agent or the subject of the entry under the cursor, / takes
// a typed email, organization name or agent name.
type auditScreen struct {
	c    *common
	list *pagedList[domain.AuditEntry]

	filter      domain.AuditFilter
	filterLabel string

	input     textinput.Model
	typing    bool
	filterReq uint64

	// cols are the column widths of the rows drawn (auditColsFor).
	cols auditWidths

	w, h int
}

func newAuditScreen(c *common) *auditScreen {
	s := &auditScreen{c: c, input: c.st.input("an email, an organization or an agent")}
	s.list = newPagedList(c, pagedOptions[domain.AuditEntry]{
		id: func(e domain.AuditEntry) domain.ID { return e.ID },
		render: func(e *domain.AuditEntry, sel, _ bool, w int) string {
			return auditLine(c, *e, s.cols, w, sel)
		},
		pageSize: auditPage,
	})
	s.setLoader()
	return s
}

func (s *auditScreen) Title() string   { return "Audit log" }
func (s *auditScreen) Init() tea.Cmd   { return s.list.Reset() }
func (s *auditScreen) Capturing() bool { return s.typing }
func (s *auditScreen) Dirty() bool     { return false }

func (s *auditScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.list.SetSize(w, s.rowsShown())
}

// setLoader gives the list the reads of the filter now chosen. Entries
// are read newest first below an entry id; a read up (newer) reads down
// from the newest to the anchor.
func (s *auditScreen) setLoader() {
	desk, f := s.c.desk, s.filter
	s.list.o.load = func(_ context.Context, anchor domain.ID, dir pageDir, limit int) ([]domain.AuditEntry, domain.ID, error) {
		if dir == pageDown {
			es, err := desk.Audit(f, anchor, limit)
			if err != nil || len(es) < limit {
				return es, 0, err
			}
			return es, es[len(es)-1].ID, nil
		}
		var ring []domain.AuditEntry
		var next domain.ID
		for {
			es, err := desk.Audit(f, next, auditPage)
			if err != nil {
				return nil, 0, err
			}
			for _, e := range es {
				if e.ID <= anchor {
					return ring, anchor, nil
				}
				if ring = append(ring, e); len(ring) > limit {
					ring = ring[1:]
				}
			}
			if len(es) < auditPage {
				return ring, anchor, nil
			}
			next = es[len(es)-1].ID
		}
	}
}

// detailLines is the height of the pane under the list that shows the
// selected entry in full: on a narrow screen its changes do not fit a row.
const detailLines = 3

func (s *auditScreen) rowsShown() int { return max(s.h-5-detailLines, 1) }

func (s *auditScreen) setFilter(f domain.AuditFilter, label string) tea.Cmd {
	s.filter, s.filterLabel = f, label
	s.setLoader()
	return s.list.Reset()
}

func (s *auditScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case pagedPageMsg[domain.AuditEntry], pagedTouchMsg[domain.AuditEntry]:
		cmd, _ := s.list.Update(msg)
		return cmd
	case auditFilterMsg:
		if msg.req != s.filterReq {
			return nil
		}
		if msg.err != nil {
			return errStatus("No filter: ", msg.err)
		}
		return s.setFilter(msg.filter, msg.label)
	case deskEventsMsg:
		// The log is append-only: a commit adds entries above the newest.
		return s.list.Head()
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
			return s.openSelected()
		}
		if cmd, ok := s.list.Nav(k, msg); ok {
			return cmd
		}
	}
	return nil
}

// openSelected opens the user or organization of the entry under the
// cursor (enter, a double click).
func (s *auditScreen) openSelected() tea.Cmd {
	e, ok := s.selected()
	switch {
	case !ok:
		return nil
	case e.SubjectID == 0:
		return status(statusInfo, "This entry is about the whole desk, not one user or organization.")
	case e.SubjectKind == domain.SubjectOrg:
		return s.c.post(openOrgMsg{id: e.SubjectID})
	}
	return s.c.post(openUserMsg{id: e.SubjectID})
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

func (s *auditScreen) selected() (domain.AuditEntry, bool) { return s.list.Selected() }

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
	// The columns fit the entries loaded, the changes get what is left.
	s.cols = auditColsFor(s.w, true, s.list.Rows())
	cl := s.cols
	head := "  " + fit("WHEN", cl.when) + "  " + fit("AGENT", cl.agent) + "  " + fit("ACTION", cl.action) + "  "
	if cl.subject > 0 {
		head += fit("SUBJECT", cl.subject) + "  "
	}
	b.WriteString(st.colHead.Render(head + "CHANGES"))
	l := s.list
	switch {
	case l.Err() != nil:
		b.WriteString("\n  " + st.errText.Render(cut(sanitizeLine(l.Err().Error()), s.w-4)))
		return b.String()
	case l.Len() == 0 && (l.Loading() || !l.Loaded()):
		b.WriteString("\n  " + st.muted.Render("Loading…"))
		return b.String()
	case l.Len() == 0:
		b.WriteString("\n  " + st.muted.Render("Nothing recorded yet."))
		return b.String()
	}
	b.WriteString("\n" + l.View()) // padded: the pane stays at the bottom
	at, of := l.Position()
	pos := "  " + thousands(at) + " of " + thousands(of)
	if l.MoreDown() {
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

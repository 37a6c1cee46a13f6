package tui

import (
	"context"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"helpdesk/domain"
)

// inboxPage is how many conversations one read of the inbox returns.
const inboxPage = 200

// inboxMaxScan bounds the pages one load reads when a filter the store has
// no index for (unassigned) drops rows: a load never walks every
// conversation for one screenful.
const inboxMaxScan = 20

// Messages screens send to the root to open the conversation screens.
type (
	// openInboxMsg opens the inbox; with a requester, only that user's
	// conversations (named by who in the title).
	openInboxMsg struct {
		requester domain.ID
		who       string
	}
	openConvMsg struct {
		id      domain.ID
		replace bool
	}
	newConvMsg struct {
		userID domain.ID
		who    string
		// replace the current screen (the saved new-user form).
		replace bool
	}
)

// convStatusFilters are the statuses s cycles through in the inbox; "" is
// all.
var convStatusFilters = append(append([]domain.ConvStatus{}, domain.ConvStatuses...), "")

// Assignee filters, in the order a cycles them.
const (
	assignAll = iota
	assignMe
	assignNone
)

var assignLabels = []string{"all", "me", "unassigned"}

// convRow is one conversation with what its row names: the requester and
// whether it is disabled, read with the page, so View reads nothing.
type convRow struct {
	conv     domain.Conversation
	subject  string // sanitized
	who      string // requester, sanitized
	disabled bool
}

type agentsMsg struct {
	agents []domain.Agent
	err    error
}

// agentNames maps agent ids to emails, for the assignee column.
type agentNames map[domain.ID]string

func (a agentNames) name(id domain.ID) string {
	if id == 0 {
		return ""
	}
	if n, ok := a[id]; ok {
		return n
	}
	return "#" + itoa(int(id))
}

func loadAgents(desk *domain.Desk) tea.Cmd {
	return func() tea.Msg {
		as, err := desk.Agents()
		return agentsMsg{agents: as, err: err}
	}
}

// inboxScreen lists conversations newest first, open ones by default, a
// page at a time from the store's indexes, in a pagedList (a window
// around the cursor). / filters the loaded rows (fuzzy, on subject and
// requester); it never reads more to filter. With a requester it is the
// list of one user's conversations.
type inboxScreen struct {
	c         *common
	requester domain.ID
	who       string

	list *pagedList[convRow]

	status   int // index in convStatusFilters
	assignee int
	agents   agentNames

	// org narrows the inbox to one organization's conversations (0: all);
	// o opens orgPick to choose it, esc clears it.
	org     domain.ID
	orgName string // sanitized, for the header
	orgPick *picker
	picking bool

	filter    textinput.Model
	filtering bool
	query     string
	matches   map[domain.ID][]int // fuzzy match positions by conversation

	// cols are the columns shown, in order (config.toml [columns] inbox,
	// else InboxColumns); colW their widths for the width colWAt.
	cols   []string
	colW   []int
	colWAt int

	// marks and bulk: space and V mark rows, b acts on them (bulk.go).
	marks *marks
	bulk  *bulk

	w, h int
}

func newInboxScreen(c *common, requester domain.ID, who string) *inboxScreen {
	s := &inboxScreen{c: c, requester: requester, who: who, filter: c.st.input("subject or requester"), agents: agentNames{}}
	if requester != 0 {
		s.status = len(convStatusFilters) - 1 // a user's conversations: all
	}
	s.marks = newMarks()
	s.bulk = newBulk(c, s.marks, func() []bulkOption { return convBulkOptions(c) })
	s.cols = InboxColumns
	if len(c.prefs.Columns.Inbox) > 0 {
		s.cols = c.prefs.Columns.Inbox
	}
	s.list = newPagedList(c, pagedOptions[convRow]{
		id:       func(r convRow) domain.ID { return r.conv.ID },
		render:   s.line,
		marked:   s.marks.Has,
		pageSize: inboxPage,
	})
	s.setLoader()
	return s
}

func (s *inboxScreen) Title() string {
	if s.requester != 0 {
		return "Conversations of " + s.who
	}
	return "Inbox"
}

func (s *inboxScreen) Init() tea.Cmd   { return tea.Batch(s.list.Reset(), loadAgents(s.c.desk)) }
func (s *inboxScreen) Capturing() bool { return s.filtering || s.picking || s.bulk.Capturing() }
func (s *inboxScreen) Dirty() bool     { return false }

// KeepsBack: while a filter or marks are on, or a bulk run, esc clears
// or stops it rather than leaving.
func (s *inboxScreen) KeepsBack() bool {
	return s.query != "" || s.org != 0 || s.marks.Len() > 0 || s.bulk.Running()
}

func (s *inboxScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.filter.Width = max(w/3, 10)
	s.list.SetSize(w, s.rowsShown())
}

func (s *inboxScreen) convFilter() domain.ConvFilter {
	// The assignee is filtered here, page by page, not by the store: it
	// has no assignee index, and "assigned to me" among a million would
	// otherwise read every conversation of the status in one call.
	return domain.ConvFilter{Status: convStatusFilters[s.status], RequesterID: s.requester, OrgID: s.org}
}

// keepConv is the assignee filter, applied page by page.
func (s *inboxScreen) keepConv() func(domain.Conversation) bool {
	switch s.assignee {
	case assignNone:
		return func(c domain.Conversation) bool { return c.AssigneeID == 0 }
	case assignMe:
		me := s.c.me
		return func(c domain.Conversation) bool { return c.AssigneeID == me }
	}
	return func(domain.Conversation) bool { return true }
}

// setLoader gives the list the reads of the filters now chosen.
func (s *inboxScreen) setLoader() {
	desk, f, keep := s.c.desk, s.convFilter(), s.keepConv()
	none := s.assignee == assignMe && s.c.me == 0 // no agent record: the owner without --agent
	s.list.o.load = func(_ context.Context, anchor domain.ID, dir pageDir, limit int) ([]convRow, domain.ID, error) {
		if none {
			return nil, 0, nil
		}
		if dir == pageUp {
			return convsAbove(desk, f, keep, anchor, limit)
		}
		var out []domain.Conversation
		next := anchor
		for scans := 0; len(out) < limit && scans < inboxMaxScan; scans++ {
			page, n, err := desk.Conversations(f, next, limit-len(out))
			if err != nil {
				return nil, 0, err
			}
			for _, c := range page {
				if keep(c) {
					out = append(out, c)
				}
			}
			next = n
			if next == 0 {
				break
			}
		}
		rows, err := convRows(desk, out)
		return rows, next, err
	}
	s.list.o.get = func(_ context.Context, id domain.ID) (convRow, bool, error) {
		// The one conversation: the newest at or below id, of any status.
		cs, _, err := desk.Conversations(domain.ConvFilter{}, id+1, 1)
		if err != nil || len(cs) == 0 || cs[0].ID != id {
			return convRow{}, false, err
		}
		c := cs[0]
		if none || !keep(c) || (f.Status != "" && c.Status != f.Status) || (f.RequesterID != 0 && c.RequesterID != f.RequesterID) ||
			(f.OrgID != 0 && c.OrgID != f.OrgID) {
			return convRow{}, false, nil
		}
		rows, err := convRows(desk, cs)
		if err != nil {
			return convRow{}, false, err
		}
		return rows[0], true, nil
	}
}

// convsAbove reads the limit conversations just above anchor (newer), in
// list order. The indexes read newest first only, so it reads down from
// the top to the anchor: paging back up past the window is the rare case.
func convsAbove(desk *domain.Desk, f domain.ConvFilter, keep func(domain.Conversation) bool, anchor domain.ID, limit int) ([]convRow, domain.ID, error) {
	var ring []domain.Conversation
	var next domain.ID
scan:
	for {
		page, n, err := desk.Conversations(f, next, inboxPage)
		if err != nil {
			return nil, 0, err
		}
		for _, c := range page {
			if c.ID <= anchor {
				break scan
			}
			if keep(c) {
				ring = append(ring, c)
				if len(ring) > limit {
					ring = ring[1:]
				}
			}
		}
		if next = n; next == 0 {
			break
		}
	}
	rows, err := convRows(desk, ring)
	return rows, anchor, err
}

// convRows reads each requester once (a page names few). A requester who
// is gone shows as its id; a read that fails fails the page, rather than
// showing a requester as gone.
func convRows(desk *domain.Desk, cs []domain.Conversation) ([]convRow, error) {
	users := map[domain.ID]domain.User{}
	rows := make([]convRow, len(cs))
	for i, c := range cs {
		u, ok := users[c.RequesterID]
		if !ok {
			var err error
			if u, err = desk.User(c.RequesterID); err != nil && !domain.IsNotFound(err) {
				return nil, err
			}
			users[c.RequesterID] = u
		}
		who := sanitizeLine(u.DisplayName())
		if u.ID == 0 {
			who = "#" + itoa(int(c.RequesterID))
		}
		rows[i] = convRow{conv: c, subject: sanitizeLine(c.Subject), who: who, disabled: u.State == domain.StateDisabled}
	}
	return rows, nil
}

func (s *inboxScreen) rowsShown() int { return max(s.h-4, 1) }

// applyFilter sets the rows on show: all of them, or the fuzzy matches of
// the query among the loaded ones, best first.
func (s *inboxScreen) applyFilter() {
	s.matches = nil
	if s.query == "" {
		s.list.SetFilter(nil)
		return
	}
	q := s.query
	s.list.SetFilter(func(rows []convRow) []int {
		res := fuzzy.FindFrom(q, convSource(rows))
		s.matches = make(map[domain.ID][]int, len(res))
		shown := make([]int, 0, len(res))
		for _, r := range res {
			shown = append(shown, r.Index)
			s.matches[rows[r.Index].conv.ID] = r.MatchedIndexes
		}
		return shown
	})
}

// convSource lets fuzzy match "subject · requester" without building the
// strings of every row up front.
type convSource []convRow

func (c convSource) String(i int) string { return c[i].subject + " · " + c[i].who }
func (c convSource) Len() int            { return len(c) }

func (s *inboxScreen) move(d int) tea.Cmd { return s.list.Move(d) }

func (s *inboxScreen) selected() (convRow, bool) { return s.list.Selected() }

func (s *inboxScreen) restart() tea.Cmd {
	s.setLoader()
	s.applyFilter()
	return s.list.Reset()
}

// refresh places what a commit changed: the conversations it names are
// reread, and so are the rows of a user it names (the requester's name or
// state); an import, or a change it cannot place, rereads the window.
func (s *inboxScreen) refresh(evs []domain.Event) tea.Cmd {
	var ids []domain.ID
	for _, e := range evs {
		switch {
		case e.Kind == "import", e.Kind == domain.SubjectConv && e.ID == 0:
			return s.list.Reload()
		case e.Kind == domain.SubjectConv:
			ids = append(ids, e.ID)
		case e.Kind == domain.SubjectUser:
			for _, r := range s.list.Rows() {
				if r.conv.RequesterID == e.ID {
					ids = append(ids, r.conv.ID)
				}
			}
		}
	}
	return s.list.Touch(ids...)
}

func (s *inboxScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	if cmd, ok := s.bulk.Update(msg); ok {
		if _, done := msg.(bulkDoneMsg); done {
			return tea.Batch(cmd, s.list.Reload()) // show what the run changed
		}
		return cmd
	}
	switch msg := msg.(type) {
	case pagedPageMsg[convRow], pagedTouchMsg[convRow]:
		cmd, _ := s.list.Update(msg)
		return cmd
	case orgNamesMsg:
		if s.orgPick != nil {
			s.orgPick.SetItems(s.c.orgs.names)
		}
		if s.org != 0 {
			s.orgName = s.c.orgs.name(s.org)
		}
		return nil
	case agentsMsg:
		if msg.err == nil {
			s.agents = agentNames{}
			for _, a := range msg.agents {
				s.agents[a.ID] = sanitizeLine(a.Email)
			}
		}
		return nil
	case deskEventsMsg:
		if s.bulk.Running() {
			return nil // the run's end rereads the window once
		}
		return s.refresh(msg.events)
	case tea.KeyMsg:
		if s.picking {
			return s.updatePick(msg)
		}
		if s.filtering {
			return s.updateFilter(msg)
		}
		if cmd, ok := markKey(k, msg, s.marks, s.bulk, s); ok {
			return cmd
		}
		switch {
		case key.Matches(msg, k.Filter):
			s.filtering = true
			return s.filter.Focus()
		case key.Matches(msg, k.Cancel) && s.query != "":
			s.clearFilter()
			return nil
		case key.Matches(msg, k.Cancel) && s.org != 0:
			s.org, s.orgName = 0, ""
			return s.restart()
		case key.Matches(msg, k.FilterOrg):
			if s.orgPick == nil {
				s.orgPick = newPicker(s.c, s.c.orgs.names, "organization name")
			}
			s.orgPick.SetValue("")
			s.picking = true
			return s.orgPick.Focus()
		case key.Matches(msg, k.CycleConv):
			s.status = (s.status + 1) % len(convStatusFilters)
			return s.restart()
		case key.Matches(msg, k.CycleAssignee):
			s.assignee = (s.assignee + 1) % len(assignLabels)
			return s.restart()
		case key.Matches(msg, k.Open):
			if r, ok := s.selected(); ok {
				return s.c.post(openConvMsg{id: r.conv.ID})
			}
		}
		if cmd, ok := s.list.Nav(k, msg); ok {
			return cmd
		}
	}
	return nil
}

// mark marks or unmarks the conversation under the cursor and moves down.
func (s *inboxScreen) mark() tea.Cmd {
	id := s.list.CursorID()
	if id == 0 {
		return nil
	}
	s.marks.Toggle(id)
	return tea.Batch(s.list.Move(1), s.marks.said(0))
}

// markRange marks the rows on show from the last one marked to the
// cursor's.
func (s *inboxScreen) markRange() tea.Cmd {
	id := s.list.CursorID()
	if id == 0 {
		return nil
	}
	from := s.marks.last
	if from == 0 {
		return s.marks.said(s.marks.Add([]domain.ID{id}))
	}
	ids := s.list.IDsBetween(from, id)
	if ids == nil {
		return status(statusInfo, "The last mark is not among the rows loaded here; space marks a row to start a range from.")
	}
	if ids[0] != from {
		slices.Reverse(ids) // the cursor's row is the range's last
	}
	return s.marks.said(s.marks.Add(ids))
}

func (s *inboxScreen) updateFilter(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Cancel):
		s.clearFilter()
		return nil
	case key.Matches(msg, k.Open):
		s.filtering = false
		s.filter.Blur()
		return nil
	case key.Matches(msg, k.SelUp):
		return s.move(-1)
	case key.Matches(msg, k.SelDown):
		return s.move(1)
	}
	var cmd tea.Cmd
	s.filter, cmd = s.filter.Update(msg)
	cleanInput(&s.filter)
	if q := strings.TrimSpace(s.filter.Value()); q != s.query {
		s.query = q
		s.applyFilter()
	}
	return cmd
}

// updatePick handles a key while the organization picker is open: enter
// on a match filters the inbox to it, esc closes the picker unchanged.
func (s *inboxScreen) updatePick(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, s.c.keys.Cancel) {
		s.picking = false
		s.orgPick.Blur()
		return nil
	}
	picked, cmd := s.orgPick.Update(msg)
	if !picked {
		return cmd
	}
	name, ok := s.orgPick.Exact()
	id := s.orgID(name)
	s.picking = false
	s.orgPick.Blur()
	if !ok || id == 0 {
		return status(statusErr, "No organization "+sanitizeLine(s.orgPick.Value())+".")
	}
	s.org, s.orgName = id, s.c.orgs.name(id)
	return tea.Batch(cmd, s.restart())
}

// orgID is the id of the organization named name in the shared cache.
func (s *inboxScreen) orgID(name string) domain.ID {
	clean := sanitizeLine(name)
	for id, n := range s.c.orgs.byID {
		if n == clean {
			return id
		}
	}
	return 0
}

func (s *inboxScreen) clearFilter() {
	s.filtering, s.query = false, ""
	s.filter.SetValue("")
	s.filter.Blur()
	s.applyFilter()
}

// inboxCols are the widths of the flexible columns for a screen w wide.
func inboxCols(w int) (subject, who, org, assignee int) {
	rest := w - 2 - 8 - 2 - 11 - 8 // marker, status, updated, separators
	who = min(28, max(10, rest*28/100))
	org = min(20, max(8, rest*17/100))
	assignee = min(24, max(8, rest*17/100))
	subject = max(10, rest-who-org-assignee)
	return
}

func (s *inboxScreen) View() string {
	st := s.c.st
	var b strings.Builder
	var states []string
	for i, f := range convStatusFilters {
		name := string(f)
		if f == "" {
			name = "all"
		}
		if i == s.status {
			states = append(states, st.tabActive.Render("["+name+"]"))
		} else {
			states = append(states, st.muted.Render(name))
		}
	}
	left := " " + strings.Join(states, " ") + st.muted.Render("  assignee: ") + st.value.Render(assignLabels[s.assignee])
	if s.org != 0 {
		// Room is left for the filter on the right at 80 columns.
		left += st.muted.Render("  org: ") + st.value.Render(cut(s.orgName, min(24, max(8, s.w-67))))
	}
	var right string
	switch {
	case s.filtering:
		right = st.label.Render("/ ") + s.filter.View()
	case s.query != "":
		right = st.label.Render("filter: ") + st.value.Render(cut(s.query, s.w/4)) + st.muted.Render("  esc clears")
	default:
		right = st.muted.Render("/ filter")
	}
	b.WriteString(joinRight(left, right+" ", s.w) + "\n\n")
	titles := make([]string, len(s.cols))
	for i, w := range s.colWidths(s.w) {
		titles[i] = fit(inboxColTitles[s.cols[i]], w)
	}
	b.WriteString(st.colHead.Render(cut(strings.TrimRight("  "+strings.Join(titles, "  "), " "), s.w)))
	if s.picking {
		b.WriteString("\n  " + st.label.Render("Only the conversations of") + "\n  " + indentAll(s.orgPick.View(max(s.w/2, 20)), 2)[2:])
		b.WriteString("\n  " + st.muted.Render("enter chooses · esc keeps the inbox as it is"))
		return b.String()
	}
	if s.bulk.Capturing() {
		b.WriteString("\n" + s.bulk.View(s.w, s.h-3, "conversations"))
		return b.String()
	}
	l := s.list
	switch {
	case l.Err() != nil:
		b.WriteString("\n  " + st.errText.Render(cut(sanitizeLine(l.Err().Error()), s.w-4)))
		return b.String()
	case !l.Loaded() || (l.Loading() && l.Len() == 0):
		b.WriteString("\n  " + st.muted.Render("Loading…"))
		return b.String()
	case l.Len() == 0 && s.query != "":
		b.WriteString("\n  " + st.muted.Render(cut("No loaded conversation matches "+s.query+".", s.w-4)))
		return b.String()
	case l.Len() == 0 && l.MoreDown():
		b.WriteString("\n  " + st.muted.Render("None among the most recent read; ↓ reads further back."))
		return b.String()
	case l.Len() == 0 && s.org != 0:
		b.WriteString("\n  " + st.muted.Render(cut("No conversations of "+s.orgName+" here; esc shows every organization.", s.w-4)))
		return b.String()
	case l.Len() == 0:
		b.WriteString("\n  " + st.muted.Render("No conversations here. s and a show others."))
		return b.String()
	}
	b.WriteString("\n" + l.View())
	at, of := l.Position()
	pos := "  " + thousands(at) + " of " + thousands(of)
	if l.MoreDown() && s.query == "" {
		pos += "+"
	}
	if n := s.marks.Len(); n > 0 {
		pos += " · " + markedText(n)
	}
	if s.customerLast() {
		pos += " · " + customerMark + "the customer wrote last"
	}
	if s.query != "" {
		pos += " matches among " + thousands(len(l.Rows())) + " loaded"
	} else if s.org != 0 {
		pos += " · " + s.orgName + " only; esc shows every organization"
	}
	b.WriteString("\n" + st.muted.Render(pos))
	return b.String()
}

// customerMark starts the subject of a conversation the customer wrote
// last in (domain.Conversation.CustomerLast).
const customerMark = "◆ "

// customerLast reports whether a row on show has the customer's mark.
func (s *inboxScreen) customerLast() bool {
	return s.list.AnyShown(func(r *convRow) bool { return r.conv.CustomerLast })
}

// line is one conversation on one row, in the columns chosen; only
// visible rows are drawn.
func (s *inboxScreen) line(r *convRow, sel, marked bool, w int) string {
	st := s.c.st
	ws := s.colWidths(w)
	style := st.rowI
	if r.conv.Status == domain.ConvClosed || r.conv.Status == domain.ConvResolved {
		style = st.disabledI
	}
	// plain is the row's text (drawn in the selection's style when
	// selected); out the row drawn unselected, where the subject has its
	// mark and matches drawn apart. run is text in the row's style not yet
	// written to out.
	var plain, out strings.Builder
	run := marker(sel, marked)
	for i, col := range s.cols {
		if i > 0 {
			run += "  "
		}
		cw := ws[i]
		switch col {
		case "status":
			run += fit(string(r.conv.Status), cw)
		case "requester":
			who := r.who
			if r.disabled {
				who = "⊘ " + who
			}
			run += fit(who, cw)
		case "organization":
			run += fit(s.c.orgs.name(r.conv.OrgID), cw)
		case "assignee":
			run += fit(s.agents.name(r.conv.AssigneeID), cw)
		case "updated":
			run += fit(r.conv.UpdatedAt.In(s.c.loc).Format("01-02 15:04"), cw)
		case "subject":
			// A conversation whose last word is the customer's starts with
			// the mark the footer explains.
			mark := ""
			if r.conv.CustomerLast {
				mark = customerMark
				cw -= width(mark)
			}
			plain.WriteString(run + mark + fit(r.subject, cw))
			if run != "" {
				out.WriteString(style.Render(run))
			}
			run = ""
			subject := style.Render(fit(r.subject, cw))
			if pos := s.matches[r.conv.ID]; len(pos) > 0 && !sel {
				var inSubject []int
				for _, p := range pos {
					if p < len(r.subject) {
						inSubject = append(inSubject, p)
					}
				}
				if width(r.subject) <= cw {
					subject = highlight(r.subject, inSubject, st.row, st.match) + strings.Repeat(" ", cw-width(r.subject))
				}
			}
			if mark != "" {
				out.WriteString(st.tabActive.Render(mark))
			}
			out.WriteString(subject)
		}
	}
	if sel {
		plain.WriteString(run)
		return st.rowSelI.Render(plain.String())
	}
	if run != "" {
		out.WriteString(style.Render(run))
	}
	return out.String()
}

var inboxColTitles = map[string]string{"status": "STATUS", "subject": "SUBJECT", "requester": "REQUESTER",
	"organization": "ORGANIZATION", "assignee": "ASSIGNEE", "updated": "UPDATED"}

// colWidths are the widths of s.cols for a row w wide: those of inboxCols,
// the subject taking the room of the columns left out.
func (s *inboxScreen) colWidths(w int) []int {
	if s.colW != nil && s.colWAt == w {
		return s.colW
	}
	sw, ww, ow, aw := inboxCols(w)
	full := map[string]int{"status": 8, "subject": sw, "requester": ww, "organization": ow, "assignee": aw, "updated": 11}
	freed := 0
	for _, c := range InboxColumns {
		if !slices.Contains(s.cols, c) {
			freed += full[c] + 2
		}
	}
	ws := make([]int, len(s.cols))
	for i, c := range s.cols {
		ws[i] = full[c]
		if c == "subject" {
			ws[i] += freed
		}
	}
	s.colW, s.colWAt = ws, w
	return ws
}

func (s *inboxScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if s.picking {
		return []key.Binding{k.SelUp, k.SelDown, k.Pick, keyHelp(k.Cancel, "cancel")}
	}
	if s.filtering {
		return []key.Binding{k.SelUp, k.SelDown, keyHelp(k.Open, "done"), k.Cancel}
	}
	if s.bulk.Capturing() {
		return s.bulk.ShortHelp()
	}
	if s.marks.Len() > 0 {
		return []key.Binding{k.Mark, k.MarkRange, k.Bulk, keyHelp(k.Cancel, "clear marks"), k.Open}
	}
	return []key.Binding{k.Open, k.Filter, keyHelp(k.CycleConv, "status"), keyHelp(k.CycleAssignee, "assignee"), keyHelp(k.FilterOrg, "organization")}
}

func (s *inboxScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.Filter, k.Cancel, k.CycleConv, k.CycleAssignee, k.FilterOrg},
		{k.Mark, k.MarkRange, k.Bulk},
	}
}

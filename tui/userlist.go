package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// userList shows a window onto a list of users that may hold a million
// rows. It never has them all: it keeps a buffer of a few pages around the
// cursor, asks for the next page (in a tea.Cmd) when the cursor gets near
// an edge, and drops pages far behind. View draws only the visible rows,
// so its cost does not depend on the number of users.
//
// Positions are absolute (row 532,118 of 1,000,000): the buffer knows the
// position of its first row because it was filled from the first or the
// last page and then moved one page at a time.
type userList struct {
	c        *common
	filter   domain.UserFilter
	order    domain.UserOrder // the sort (usersort.go); zero: by creation, by id
	pageSize int
	maxRows  int

	rows                  []userRow
	start                 int // position of rows[0]
	moreBefore, moreAfter bool
	cursor, top           int // positions
	total                 int // rows in the whole list; -1 unknown

	// search: rows are the answer to a filter query, not pages.
	search bool

	resetReq, fwdReq, backReq, refreshReq uint64
	loading                               bool
	err                                   error

	w, h    int
	showOrg bool
	empty   string // what to say when there is nothing to show

	// cols are the columns shown, in order: the agent's choice (config.toml
	// [columns] users) or UsersColumns, without organization when the list
	// is one organization's members.
	cols []string

	// marks, when set, are the rows marked for a bulk action (marks.go).
	marks *marks
}

// userRow is a user with its text made safe to draw once, when it enters
// the list, rather than on every frame.
type userRow struct {
	u           domain.User
	email, name string
	// cells is the row's text laid out for cellsW columns, kept between
	// frames: scrolling redraws rows whose layout has not changed.
	cells  string
	cellsW int
	org    string
}

func toRows(us []domain.User) []userRow {
	rows := make([]userRow, len(us))
	for i, u := range us {
		rows[i] = userRow{u: u, email: sanitizeLine(u.Email), name: sanitizeLine(u.Name)}
	}
	return rows
}

type pageOp int

const (
	opReset pageOp = iota
	opEnd
	opForward
	opBackward
	opRefresh
)

// userPageMsg is the reply to a page request.
type userPageMsg struct {
	req   uint64
	op    pageOp
	users []domain.User
	more  bool
	err   error
}

func newUserList(c *common, f domain.UserFilter, showOrg bool) *userList {
	return &userList{c: c, filter: f, pageSize: 256, maxRows: 1024, total: -1, showOrg: showOrg,
		cols: userColumns(c.prefs.Columns.Users, showOrg)}
}

// userColumns are the columns a list shows: chosen (checked by ParsePrefs)
// or the default ones, in order; organization only where the list has
// several.
func userColumns(chosen []string, showOrg bool) []string {
	cols := slices.Clone(chosen)
	if len(cols) == 0 {
		cols = slices.Clone(UsersColumns)
	}
	if !showOrg {
		cols = slices.DeleteFunc(cols, func(c string) bool { return c == "organization" })
	}
	if len(cols) == 0 {
		cols = []string{"email"}
	}
	return cols
}

func (l *userList) SetSize(w, h int) {
	l.w, l.h = w, h
	l.follow()
}

// rowsShown is how many user rows fit under the column titles and above
// the position line.
func (l *userList) rowsShown() int { return max(l.h-2, 1) }

func (l *userList) SetTotal(n int) { l.total = n }

// Load starts again from the first page.
func (l *userList) Load() tea.Cmd {
	l.search = false
	l.loading = true
	l.err = nil
	l.fwdReq, l.backReq, l.refreshReq = 0, 0, 0
	l.resetReq = l.c.nextReq()
	return l.fetch(opReset, l.resetReq, 0, l.pageSize)
}

// Clear shows an empty list without asking for anything.
func (l *userList) Clear() {
	l.search, l.loading, l.err = false, false, nil
	l.resetReq, l.fwdReq, l.backReq, l.refreshReq = 0, 0, 0, 0
	l.rows = nil
	l.start, l.cursor, l.top = 0, 0, 0
	l.moreBefore, l.moreAfter = false, false
}

// SetSearch shows the users a filter query found instead of pages.
func (l *userList) SetSearch(us []domain.User) {
	l.search = true
	l.loading = false
	l.resetReq, l.fwdReq, l.backReq, l.refreshReq = 0, 0, 0, 0
	l.rows = toRows(us)
	l.start, l.cursor, l.top = 0, 0, 0
	l.moreBefore, l.moreAfter = false, false
	l.total = len(us)
}

// Refresh reloads the rows in the buffer after a change somewhere, keeping
// the position; new users at the end appear if the buffer reaches it.
func (l *userList) Refresh() tea.Cmd {
	if l.search {
		return nil
	}
	if len(l.rows) == 0 {
		return l.Load()
	}
	l.fwdReq, l.backReq = 0, 0
	l.refreshReq = l.c.nextReq()
	return l.fetch(opRefresh, l.refreshReq, l.rows[0].u.ID-1, len(l.rows)+l.pageSize/4)
}

func (l *userList) fetch(op pageOp, req uint64, id domain.ID, limit int) tea.Cmd {
	if l.order != (domain.UserOrder{}) {
		return l.fetchOrdered(op, req, limit) // usersort.go
	}
	desk, f := l.c.desk, l.filter
	return func() tea.Msg {
		if op == opEnd || op == opBackward {
			us, err := desk.UsersBefore(f, id, limit)
			slices.Reverse(us)
			return userPageMsg{req: req, op: op, users: us, more: len(us) == limit, err: err}
		}
		us, next, err := desk.Users(f, id, limit)
		return userPageMsg{req: req, op: op, users: us, more: next != 0, err: err}
	}
}

// HandlePage applies a page if it answers this list's latest request of its
// kind; replies to superseded requests are dropped.
func (l *userList) HandlePage(m userPageMsg) (tea.Cmd, bool) {
	switch {
	case m.req == 0:
		return nil, false
	case m.op == opReset || m.op == opEnd:
		if m.req != l.resetReq {
			return nil, false
		}
		l.resetReq = 0
	case m.op == opForward && m.req == l.fwdReq:
		l.fwdReq = 0
	case m.op == opBackward && m.req == l.backReq:
		l.backReq = 0
	case m.op == opRefresh && m.req == l.refreshReq:
		l.refreshReq = 0
	default:
		return nil, false
	}
	l.loading = false
	if m.err != nil {
		l.err = m.err
		return errStatus("Could not read users: ", m.err), true
	}
	l.err = nil
	rows := toRows(m.users)
	switch m.op {
	case opReset:
		l.rows, l.start, l.cursor, l.top = rows, 0, 0, 0
		l.moreBefore, l.moreAfter = false, m.more
	case opEnd:
		l.rows = rows
		l.start = 0
		if l.total >= len(rows) {
			l.start = l.total - len(rows)
		}
		l.moreBefore, l.moreAfter = m.more && l.start > 0, false
		l.cursor = l.start + len(rows) - 1
		l.top = l.cursor
	case opForward:
		l.rows = append(l.rows, rows...)
		l.moreAfter = m.more
		if drop := len(l.rows) - l.maxRows; drop > 0 {
			l.rows = slices.Delete(l.rows, 0, drop)
			l.start += drop
			l.moreBefore = true
		}
	case opBackward:
		l.rows = append(rows, l.rows...)
		l.start -= len(rows)
		l.moreBefore = m.more
		if l.start < 0 || !m.more {
			// The counts and the pages disagree (a change in between): trust
			// the pages and renumber from the top.
			shift := -l.start
			l.start, l.cursor, l.top = 0, l.cursor+shift, l.top+shift
		}
		if drop := len(l.rows) - l.maxRows; drop > 0 {
			l.rows = l.rows[:len(l.rows)-drop]
			l.moreAfter = true
		}
	case opRefresh:
		l.rows = rows
		l.moreAfter = m.more
	}
	l.follow()
	return l.prefetch(), true
}

// follow keeps the cursor on a row and the view around it.
func (l *userList) follow() {
	end := l.start + len(l.rows)
	if l.cursor >= end {
		l.cursor = end - 1
	}
	if l.cursor < l.start {
		l.cursor = l.start
	}
	n := l.rowsShown()
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+n {
		l.top = l.cursor - n + 1
	}
	// Fill the view when the list ends above its bottom.
	if l.top+n > end {
		l.top = end - n
	}
	if l.top < l.start {
		l.top = l.start
	}
}

// prefetch asks for the next page before the cursor reaches the buffer's
// edge, so scrolling does not stop at page boundaries.
func (l *userList) prefetch() tea.Cmd {
	if l.search || len(l.rows) == 0 || l.resetReq != 0 || l.refreshReq != 0 {
		return nil
	}
	var cmds []tea.Cmd
	margin := l.pageSize / 2
	end := l.start + len(l.rows)
	if l.moreAfter && l.fwdReq == 0 && l.cursor+l.rowsShown()+margin >= end {
		l.fwdReq = l.c.nextReq()
		cmds = append(cmds, l.fetch(opForward, l.fwdReq, l.rows[len(l.rows)-1].u.ID, l.pageSize))
	}
	if l.moreBefore && l.backReq == 0 && l.cursor-l.rowsShown()-margin <= l.start {
		l.backReq = l.c.nextReq()
		cmds = append(cmds, l.fetch(opBackward, l.backReq, l.rows[0].u.ID, l.pageSize))
	}
	return tea.Batch(cmds...)
}

// Move moves the cursor by d rows (clamped to what is loaded; the next
// page is on its way by then).
func (l *userList) Move(d int) tea.Cmd {
	if len(l.rows) == 0 {
		return nil
	}
	l.cursor += d
	l.follow()
	return l.prefetch()
}

func (l *userList) Home() tea.Cmd {
	if l.start == 0 || l.search {
		l.cursor = l.start
		l.follow()
		return l.prefetch()
	}
	return l.Load()
}

func (l *userList) End() tea.Cmd {
	if !l.moreAfter {
		l.cursor = l.start + len(l.rows) - 1
		l.follow()
		return l.prefetch()
	}
	l.loading = true
	l.fwdReq, l.backReq, l.refreshReq = 0, 0, 0
	l.resetReq = l.c.nextReq()
	return l.fetch(opEnd, l.resetReq, 0, l.pageSize)
}

// Update handles the movement keys and the mouse wheel.
func (l *userList) Update(msg tea.Msg) (tea.Cmd, bool) {
	k := l.c.keys
	switch msg := msg.(type) {
	case userPageMsg:
		return l.HandlePage(msg)
	case tea.MouseMsg:
		if msg.Action != tea.MouseActionPress {
			return nil, false
		}
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			return l.Move(-3), true
		case tea.MouseButtonWheelDown:
			return l.Move(3), true
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			return l.Move(-1), true
		case key.Matches(msg, k.Down):
			return l.Move(1), true
		case key.Matches(msg, k.PageUp):
			return l.Move(-l.rowsShown()), true
		case key.Matches(msg, k.PageDown):
			return l.Move(l.rowsShown()), true
		case key.Matches(msg, k.Home):
			return l.Home(), true
		case key.Matches(msg, k.End):
			return l.End(), true
		}
	}
	return nil, false
}

// Selected is the user under the cursor.
func (l *userList) Selected() (domain.User, bool) {
	i := l.cursor - l.start
	if i < 0 || i >= len(l.rows) {
		return domain.User{}, false
	}
	return l.rows[i].u, true
}

// Replace updates a user shown in the list, after this session changed it.
func (l *userList) Replace(u domain.User) {
	for i := range l.rows {
		if l.rows[i].u.ID == u.ID {
			l.rows[i] = toRows([]domain.User{u})[0]
		}
	}
}

// colWidths splits the width between the columns, in l.cols's order:
// state has its 11 cells, the others share the rest (email 2/5, name and
// organization 3/10 each; with no organization, email 11/20), the last of
// them taking what rounding leaves.
func (l *userList) colWidths() []int {
	weight := map[string]int{"email": 8, "name": 6, "organization": 6}
	if !slices.Contains(l.cols, "organization") {
		weight = map[string]int{"email": 11, "name": 9}
	}
	ws := make([]int, len(l.cols))
	rest, sum, last := l.w-2-(len(l.cols)-1), 0, -1
	for i, c := range l.cols {
		if c == "state" {
			ws[i] = 11
			rest -= 11
			continue
		}
		sum += weight[c]
		last = i
	}
	given := 0
	for i, c := range l.cols {
		if c == "state" || i == last {
			continue
		}
		ws[i] = max(rest, 0) * weight[c] / sum
		given += ws[i]
	}
	if last >= 0 {
		ws[last] = max(rest-given, 0)
	}
	return ws
}

var userColTitles = map[string]string{"email": "EMAIL", "name": "NAME", "organization": "ORGANIZATION", "state": "STATE"}

func stateLabel(s domain.State) string {
	switch s {
	case domain.StateDisabled:
		return "⊘ disabled"
	case domain.StateActive:
		return "● active"
	case domain.StatePending:
		return "○ pending"
	}
	return sanitizeLine(string(s))
}

// layout lays a row's cells out in the columns' widths.
func (l *userList) layout(r *userRow, org string, ws []int) string {
	var line strings.Builder
	for i, c := range l.cols {
		if i > 0 {
			line.WriteByte(' ')
		}
		switch c {
		case "email":
			line.WriteString(fit(r.email, ws[i]))
		case "name":
			line.WriteString(fit(r.name, ws[i]))
		case "organization":
			line.WriteString(fit(org, ws[i]))
		case "state":
			line.WriteString(fit(stateLabel(r.u.State), ws[i]))
		}
	}
	return line.String()
}

func (l *userList) View() string {
	st := l.c.st
	ws := l.colWidths()
	var b strings.Builder
	head := " "
	for i, c := range l.cols {
		head += " " + fit(userColTitles[c], ws[i])
	}
	b.WriteString(st.colHead.Render(head))
	n := l.rowsShown()
	switch {
	case l.err != nil && len(l.rows) == 0:
		b.WriteString("\n" + st.errText.Render("  "+cut(sanitizeLine(l.err.Error()), l.w-2)))
		return b.String()
	case len(l.rows) == 0 && l.loading:
		b.WriteString("\n" + st.muted.Render("  Loading…"))
		return b.String()
	case len(l.rows) == 0:
		b.WriteString("\n" + st.muted.Render("  "+l.empty))
		return b.String()
	}
	for p := l.top; p < l.top+n && p-l.start < len(l.rows); p++ {
		r := &l.rows[p-l.start]
		org := ""
		if l.showOrg {
			org = l.c.orgs.name(r.u.OrgID)
		}
		if r.cellsW != l.w || r.org != org {
			r.cells, r.cellsW, r.org = l.layout(r, org, ws), l.w, org
		}
		sel := p == l.cursor
		marker := marker(sel, l.marks != nil && l.marks.Has(r.u.ID))
		style := st.rowI
		switch disabled := r.u.State == domain.StateDisabled; {
		case sel && disabled:
			style = st.disabledSelI
		case sel:
			style = st.rowSelI
		case disabled:
			style = st.disabledI
		}
		b.WriteByte('\n')
		b.WriteString(style.pre)
		b.WriteString(marker)
		b.WriteString(r.cells)
		b.WriteString(style.post)
	}
	// Keep the position line at the bottom when the list is short.
	for missing := l.top + n - (l.start + len(l.rows)); missing > 0; missing-- {
		b.WriteByte('\n')
	}
	b.WriteString("\n" + st.muted.Render(l.position()))
	return b.String()
}

// position is the line under the list: which rows are shown, of how many.
func (l *userList) position() string {
	if len(l.rows) == 0 {
		return ""
	}
	last := min(l.top+l.rowsShown(), l.start+len(l.rows))
	s := "  " + thousands(l.cursor+1) + " of "
	if l.total >= 0 {
		s += thousands(max(l.total, last))
	} else if l.moreAfter {
		s += "many"
	} else {
		s += thousands(l.start + len(l.rows))
	}
	if l.search {
		s += " best matches"
	}
	if l.marks != nil && l.marks.Len() > 0 {
		s += " · " + markedText(l.marks.Len())
	}
	if l.loading {
		s += " · loading…"
	}
	return s
}

// markRangeMsg brings the ids of a range read from the store.
type markRangeMsg struct {
	req uint64
	ids []domain.ID
	err error
}

// RangeIDs are the ids from the row with id from to the cursor's row, both
// included, in list order, when both are among the rows loaded.
func (l *userList) RangeIDs(from domain.ID) ([]domain.ID, bool) {
	cur := l.cursor - l.start
	if cur < 0 || cur >= len(l.rows) {
		return nil, false
	}
	for i := range l.rows {
		if l.rows[i].u.ID != from {
			continue
		}
		lo, hi := min(i, cur), max(i, cur)
		ids := make([]domain.ID, 0, hi-lo+1)
		for j := lo; j <= hi; j++ {
			ids = append(ids, l.rows[j].u.ID)
		}
		if i > cur {
			slices.Reverse(ids) // the cursor's row is the range's last
		}
		return ids, true
	}
	return nil, false
}

// ReadRange reads from the store the ids of the list's users between from
// and the cursor's row, when from has been paged out of the buffer. The
// pages are in id order (every user, or one state, or one organization's
// members), so the range is the ids between the two that the filter keeps.
// A filter query's rows are all loaded: RangeIDs covers them.
func (l *userList) ReadRange(req uint64, from domain.ID) tea.Cmd {
	u, ok := l.Selected()
	if !ok || l.search {
		return nil
	}
	if l.order.ByEmail {
		return nil // ids span a range only in creation order, either way
	}
	lo, hi := min(from, u.ID), max(from, u.ID)
	desk, f := l.c.desk, l.filter
	return func() tea.Msg {
		var ids []domain.ID
		after := lo - 1
		for {
			us, next, err := desk.Users(f, after, 1024)
			if err != nil {
				return markRangeMsg{req: req, err: err}
			}
			for _, x := range us {
				if x.ID > hi {
					return markRangeMsg{req: req, ids: ids}
				}
				ids = append(ids, x.ID)
			}
			if next == 0 || len(us) == 0 {
				return markRangeMsg{req: req, ids: ids}
			}
			after = us[len(us)-1].ID
		}
	}
}

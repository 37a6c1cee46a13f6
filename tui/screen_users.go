package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// stateTabs are the views of the users list, in the order s cycles them.
var stateTabs = []struct {
	label string
	state domain.State
}{{"All", ""}, {"Active", domain.StateActive}, {"Pending", domain.StatePending}, {"Disabled", domain.StateDisabled}}

// searchLimit caps the rows a filter query shows: the index ranks them, and
// an agent looking for one customer reads the first screenful.
const searchLimit = 200

type (
	countsMsg struct {
		req    uint64
		counts map[domain.State]int
		err    error
	}
	searchMsg struct {
		req   uint64
		users []domain.User
		err   error
	}
)

// usersScreen is the list of every user: pages from the store, a state
// filter with counts (O(1), kept by the store), and / to find users by the
// words of their name or email through the name and suggestion indexes
// (Desk.FindUsers) rather than by scanning.
type usersScreen struct {
	c         *common
	list      *userList
	counts    map[domain.State]int
	countsReq uint64
	tab       int
	filter    textinput.Model
	filtering bool
	query     string
	searchReq uint64
	w, h      int

	// marks and bulk: space and V mark rows, b acts on them (bulk.go).
	marks    *marks
	bulk     *bulk
	rangeReq uint64
}

func newUsersScreen(c *common) *usersScreen {
	s := &usersScreen{c: c, list: newUserList(c, domain.UserFilter{}, true), filter: c.st.input("name or email")}
	s.list.empty = "No users yet. Press n to create one."
	s.marks = newMarks()
	s.list.marks = s.marks
	s.bulk = newBulk(c, s.marks, userBulkOptions)
	return s
}

func (s *usersScreen) Title() string { return "Users" }

func (s *usersScreen) Init() tea.Cmd { return tea.Batch(s.list.Load(), s.loadCounts()) }

func (s *usersScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.filter.Width = max(w/3, 10)
	s.list.SetSize(w, h-2)
}

func (s *usersScreen) Capturing() bool { return s.filtering || s.bulk.Capturing() }
func (s *usersScreen) Dirty() bool     { return false }

func (s *usersScreen) loadCounts() tea.Cmd {
	s.countsReq = s.c.nextReq()
	req, desk := s.countsReq, s.c.desk
	return func() tea.Msg {
		m, err := desk.UserCounts()
		return countsMsg{req: req, counts: m, err: err}
	}
}

func (s *usersScreen) search() tea.Cmd {
	s.searchReq = s.c.nextReq()
	req, desk, q, state := s.searchReq, s.c.desk, s.query, stateTabs[s.tab].state
	return func() tea.Msg {
		res, err := desk.FindUsers(q, searchLimit)
		var us []domain.User
		for _, u := range res.Users {
			if state == "" || u.State == state {
				us = append(us, u)
			}
		}
		return searchMsg{req: req, users: us, err: err}
	}
}

// reload shows the current view again from its start. A state with no
// users (known from the O(1) counts) is not looked for: on a large desk
// finding that no user is disabled means reading every user.
func (s *usersScreen) reload() tea.Cmd {
	if s.query != "" {
		return s.search()
	}
	n := s.tabCount(s.tab)
	s.list.SetTotal(n)
	if n == 0 {
		s.list.Clear()
		return nil
	}
	return s.list.Load()
}

func (s *usersScreen) tabCount(i int) int {
	if s.counts == nil {
		return -1
	}
	st := stateTabs[i].state
	if st != "" {
		return s.counts[st]
	}
	n := 0
	for _, c := range s.counts {
		n += c
	}
	return n
}

func (s *usersScreen) Update(msg tea.Msg) tea.Cmd {
	cmd := s.update(msg)
	s.list.empty = s.emptyText()
	return cmd
}

// emptyText is what the list says when it has no row to show.
func (s *usersScreen) emptyText() string {
	switch {
	case s.query != "" && !s.list.search:
		return "Searching…"
	case s.query != "":
		return "No name or email matches " + sanitizeLine(s.query) + "."
	case s.tab != 0:
		return "No " + strings.ToLower(stateTabs[s.tab].label) + " users."
	case !s.c.actor.Can(domain.PermUsersWrite):
		return "No users yet."
	}
	return "No users yet. Press n to create one."
}

func (s *usersScreen) update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	if cmd, ok := s.bulk.Update(msg); ok {
		if _, done := msg.(bulkDoneMsg); done {
			return tea.Batch(cmd, s.update(deskEventsMsg{})) // show what the run changed
		}
		return cmd
	}
	switch msg := msg.(type) {
	case markRangeMsg:
		if msg.req != s.rangeReq {
			return nil
		}
		if msg.err != nil {
			return errStatus("Could not mark the range: ", msg.err)
		}
		return s.marks.said(s.marks.Add(msg.ids))
	case countsMsg:
		if msg.req != s.countsReq {
			return nil
		}
		if msg.err != nil {
			return errStatus("Could not count users: ", msg.err)
		}
		before := s.tabCount(s.tab)
		s.counts = msg.counts
		if s.query == "" {
			s.list.SetTotal(s.tabCount(s.tab))
			if before == 0 && s.tabCount(s.tab) > 0 {
				return s.list.Load() // the view was empty and is not now
			}
		}
		return nil
	case searchMsg:
		if msg.req != s.searchReq {
			return nil // an older keystroke's answer
		}
		if msg.err != nil {
			return errStatus("Could not search: ", msg.err)
		}
		s.list.SetSearch(msg.users)
		return nil
	case userPageMsg:
		cmd, _ := s.list.HandlePage(msg)
		return cmd
	case deskEventsMsg:
		if s.bulk.Running() {
			// The run's own commits would reread the list per burst and
			// slow it down; its end rereads once (bulkDoneMsg).
			return nil
		}
		if s.query != "" {
			return tea.Batch(s.loadCounts(), s.search())
		}
		if s.tabCount(s.tab) == 0 {
			return s.loadCounts() // loads the list if the count says to
		}
		return tea.Batch(s.loadCounts(), s.list.Refresh())
	case userChangedMsg:
		s.list.Replace(msg.user)
		return s.loadCounts()
	case tea.MouseMsg:
		cmd, _ := s.list.Update(msg)
		return cmd
	case tea.KeyMsg:
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
		case key.Matches(msg, k.Cancel):
			if s.query != "" {
				s.clearFilter()
				return s.reload()
			}
			return nil
		case key.Matches(msg, k.CycleState):
			s.tab = (s.tab + 1) % len(stateTabs)
			s.list.filter.State = stateTabs[s.tab].state
			return s.reload()
		case key.Matches(msg, k.CycleSort):
			return s.cycleSort() // usersort.go
		case key.Matches(msg, k.Open):
			if u, ok := s.list.Selected(); ok {
				return s.c.post(openUserMsg{id: u.ID})
			}
			return nil
		case key.Matches(msg, k.New):
			if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
				return cmd
			}
			return s.c.post(newUserMsg{})
		case key.Matches(msg, k.Toggle):
			if cmd := s.c.refuse(domain.PermUsersDisable); cmd != nil {
				return cmd
			}
			if u, ok := s.list.Selected(); ok {
				return s.c.post(askToggle(s.c, u))
			}
			return nil
		}
		cmd, _ := s.list.Update(msg)
		return cmd
	}
	return nil
}

// mark marks or unmarks the row under the cursor and moves down.
func (s *usersScreen) mark() tea.Cmd {
	u, ok := s.list.Selected()
	if !ok {
		return nil
	}
	s.marks.Toggle(u.ID)
	return tea.Batch(s.list.Move(1), s.marks.said(0))
}

// markRange marks every row from the last one marked to the cursor's: at
// once when both are loaded, else read from the store.
func (s *usersScreen) markRange() tea.Cmd {
	u, ok := s.list.Selected()
	if !ok {
		return nil
	}
	from := s.marks.last
	if from == 0 {
		return s.marks.said(s.marks.Add([]domain.ID{u.ID}))
	}
	if ids, ok := s.list.RangeIDs(from); ok {
		return s.marks.said(s.marks.Add(ids))
	}
	s.rangeReq = s.c.nextReq()
	if cmd := s.list.ReadRange(s.rangeReq, from); cmd != nil {
		return tea.Batch(cmd, status(statusInfo, "Marking the range…"))
	}
	if s.list.order.ByEmail && !s.list.search {
		return status(statusInfo, "The last mark is no longer loaded: in email order V reaches only the rows loaded; sort by creation (s) or mark closer.")
	}
	return status(statusInfo, "The last mark is not in this list; space marks a row to start a range from.")
}

// updateFilter handles keys while the filter field has focus: every change
// asks the index again; the arrows still move in the list.
func (s *usersScreen) updateFilter(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Cancel):
		s.clearFilter()
		return s.reload()
	case key.Matches(msg, k.Open):
		s.filtering = false
		s.filter.Blur()
		return nil
	case key.Matches(msg, k.SelUp):
		return s.list.Move(-1)
	case key.Matches(msg, k.SelDown):
		return s.list.Move(1)
	}
	var cmd tea.Cmd
	s.filter, cmd = s.filter.Update(msg)
	cleanInput(&s.filter)
	q := strings.TrimSpace(s.filter.Value())
	if q == s.query {
		return cmd
	}
	s.query = q
	if q == "" {
		return tea.Batch(cmd, s.reload())
	}
	return tea.Batch(cmd, s.search())
}

func (s *usersScreen) clearFilter() {
	s.filtering = false
	s.query = ""
	s.filter.SetValue("")
	s.filter.Blur()
	s.searchReq = 0
}

func (s *usersScreen) View() string {
	st := s.c.st
	var tabs []string
	for i, t := range stateTabs {
		label := t.label
		if n := s.tabCount(i); n >= 0 {
			label += " " + thousands(n)
		}
		if i == s.tab {
			tabs = append(tabs, st.tabActive.Render("["+label+"]"))
		} else {
			tabs = append(tabs, st.tab.Render(" "+label+" "))
		}
	}
	left := " " + strings.Join(tabs, " ")
	right := ""
	switch {
	case s.filtering:
		right = st.label.Render("/ ") + s.filter.View()
	case s.query != "":
		right = st.label.Render("filter: ") + st.value.Render(cut(sanitizeLine(s.query), s.w/3)) + st.muted.Render("  esc clears")
	default:
		right = st.muted.Render(orderLabel(s.list.order) + " · / filter")
	}
	body := s.list.View()
	if s.bulk.Capturing() {
		body = s.bulk.View(s.w, s.h-2, "users")
	}
	return joinRight(left, right+" ", s.w) + "\n\n" + body
}

func (s *usersScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if s.filtering {
		return []key.Binding{k.SelUp, k.SelDown, keyHelp(k.Open, "done"), k.Cancel}
	}
	if s.bulk.Capturing() {
		return s.bulk.ShortHelp()
	}
	if s.marks.Len() > 0 {
		return []key.Binding{k.Mark, k.MarkRange, k.Bulk, keyHelp(k.Cancel, "clear marks"), k.Open}
	}
	return []key.Binding{k.Open, s.c.gate(k.New, domain.PermUsersWrite), k.Filter, keyHelp(k.CycleState, "state"),
		s.c.gate(k.Toggle, domain.PermUsersDisable)}
}

func (s *usersScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, s.c.gate(k.New, domain.PermUsersWrite), s.c.gate(k.Toggle, domain.PermUsersDisable), k.Filter,
			keyHelp(k.Cancel, "clear marks, filter; stop a bulk run"), k.CycleState},
		{k.Mark, k.MarkRange, k.Bulk, k.CycleSort},
	}
}

// keyHelp is a binding with another description, for a key whose meaning
// depends on the moment (enter "open" vs enter "done").
func keyHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

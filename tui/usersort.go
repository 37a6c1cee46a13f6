package tui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// userOrders are the sorts s cycles through on Users: what the store's
// indexes serve a page at a time (creation and email, either way). Name,
// organization and state would need every user read to sort; the header
// says which sort is in force.
var userOrders = []domain.UserOrder{{}, {Desc: true}, {ByEmail: true}, {ByEmail: true, Desc: true}}

// orderLabel is the header's words for an order: "sorted by email ↑".
func orderLabel(o domain.UserOrder) string {
	arrow := "↑"
	if o.Desc {
		arrow = "↓"
	}
	return "sorted by " + o.Column() + " " + arrow
}

// fetchOrdered asks for a page in a sort other than by creation. Its
// cursor is the row the page continues from, taken now, while the rows
// are the ones the request is made for.
func (l *userList) fetchOrdered(op pageOp, req uint64, limit int) tea.Cmd {
	desk, f, o := l.c.desk, l.filter, l.order
	var from domain.UserCursor
	forward := true
	switch {
	case len(l.rows) == 0:
		forward = op != opEnd
	case op == opForward:
		from = domain.CursorAt(l.rows[len(l.rows)-1].u, false)
	case op == opBackward:
		from, forward = domain.CursorAt(l.rows[0].u, false), false
	case op == opRefresh && l.start == 0 && !l.moreBefore:
		// The buffer starts the list: a user sorted above its first row
		// belongs in it too.
	case op == opRefresh:
		from = domain.CursorAt(l.rows[0].u, true)
	case op == opEnd:
		forward = false
	}
	return func() tea.Msg {
		us, more, err := desk.UsersPage(f, o, from, forward, limit)
		return userPageMsg{req: req, op: op, users: us, more: more, err: err}
	}
}

// cycleSort moves to the next sort and reads the list again from its
// start. While a filter is shown its matches stay best first; the sort
// applies again when it is cleared.
func (s *usersScreen) cycleSort() tea.Cmd {
	i := slices.Index(userOrders, s.list.order)
	s.list.order = userOrders[(i+1)%len(userOrders)]
	label := orderLabel(s.list.order)
	if s.query != "" {
		return status(statusInfo, "Users "+label+" once the filter is cleared; matches are listed best first.")
	}
	return tea.Batch(s.reload(), status(statusInfo, "Users "+label+"."))
}

package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// mouseTarget is a screen whose rows answer the mouse. The root hands it
// body coordinates: row 0 is the first line under the header. A click
// puts the cursor on the row there; double is the second click on the
// same row within doubleClick, which opens it (as enter does).
type mouseTarget interface {
	click(row int, double bool) tea.Cmd
	wheel(delta int) tea.Cmd
}

// rowWindow is what the screens' mouse handling asks of a list showing a
// window of rows: pagedList (audit, outbox, inbox, a user's
// conversations) and userList (Users), which keeps its own window for its
// jumps to the end of a million users, its counts and its sorts.
type rowWindow interface {
	// Click puts the cursor on the row drawn row lines below the first;
	// false when no row is drawn there.
	Click(row int) bool
	// Wheel scrolls by delta notches.
	Wheel(delta int) tea.Cmd
	Move(d int) tea.Cmd
}

var (
	_ rowWindow = (*userList)(nil)
	_ rowWindow = (*pagedList[convRow])(nil)
)

// doubleClick is the longest time between two clicks on one row that
// opens it.
const doubleClick = 400 * time.Millisecond

// listTop is the body line of a list screen's first row: a title line, a
// blank line and the column titles are above it.
const listTop = 3

// click is a press of the left button, for the next one to compare with.
type click struct {
	at     time.Time
	y      int
	screen screen
}

func (c *common) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// handleMouse routes a mouse event: a click on a tab switches section, a
// click or the wheel in the body goes to the screen on show, in its own
// coordinates. Only presses count (not releases or motion), and the time
// of a click is when its message arrives.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if msg.Action != tea.MouseActionPress {
		return nil
	}
	cur := m.active()
	t, ok := cur.(mouseTarget)
	switch msg.Button {
	case tea.MouseButtonWheelUp, tea.MouseButtonWheelDown:
		if !ok {
			return cur.Update(msg) // a screen that scrolls by itself
		}
		d := 1
		if msg.Button == tea.MouseButtonWheelUp {
			d = -1
		}
		return t.wheel(d)
	case tea.MouseButtonLeft:
	default:
		return nil
	}
	now := m.c.clock()
	if msg.Y == 0 {
		m.lastClick = click{}
		if i := m.tabAt(msg.X); i >= 0 {
			return m.showTab(i, false)
		}
		return nil
	}
	_, bh := m.bodySize()
	row := msg.Y - 1
	if row >= bh {
		return nil // the status and help lines
	}
	double := m.lastClick.screen == cur && m.lastClick.y == row && now.Sub(m.lastClick.at) <= doubleClick
	m.lastClick = click{at: now, y: row, screen: cur}
	if double {
		m.lastClick = click{} // a third click starts again
	}
	if !ok {
		return nil
	}
	return t.click(row, double)
}

// tabAt is the section whose tab the header draws at column x, or -1. The
// header is the brand, then each tab as "[n Title]" or " n Title ", one
// space apart (headerView).
func (m *Model) tabAt(x int) int {
	st := m.c.st
	pos := lipgloss.Width(st.brand.Render(" helpdesk ")) + 1
	for i, t := range m.tabs {
		w := lipgloss.Width(itoa(i+1)+" "+t.Title()) + 2
		if x >= pos && x < pos+w {
			return i
		}
		pos += w + 1
	}
	return -1
}

// toggleMouse turns mouse tracking off (the terminal's own selection
// works) or back on, and says so.
func (m *Model) toggleMouse() tea.Cmd {
	m.mouse = !m.mouse
	m.lastClick = click{}
	if m.mouse {
		return tea.Batch(tea.EnableMouseCellMotion, status(statusInfo, "Mouse on: click selects, double click opens, the wheel scrolls. M turns it off."))
	}
	return tea.Batch(tea.DisableMouse, status(statusInfo, "Mouse off: the terminal's own selection works. M turns it back on."))
}

// The list screens' rows under the mouse.

func (s *inboxScreen) click(row int, double bool) tea.Cmd {
	if s.picking || !s.list.Click(row-listTop) {
		return nil
	}
	if r, ok := s.selected(); ok && double {
		return s.c.post(openConvMsg{id: r.conv.ID})
	}
	return nil
}

func (s *inboxScreen) wheel(d int) tea.Cmd {
	if s.picking {
		return nil
	}
	return s.list.Wheel(d)
}

func (s *auditScreen) click(row int, double bool) tea.Cmd {
	if s.typing || !s.list.Click(row-listTop) || !double {
		return nil
	}
	return s.openSelected()
}

func (s *auditScreen) wheel(d int) tea.Cmd { return s.list.Wheel(d) }

func (s *outboxScreen) click(row int, double bool) tea.Cmd {
	if !s.list.Click(row - listTop) {
		return nil
	}
	if m, ok := s.selected(); ok && double {
		return s.c.post(openMessageMsg{id: m.ID})
	}
	return nil
}

func (s *outboxScreen) wheel(d int) tea.Cmd { return s.list.Wheel(d) }

// The users list: a title line and a blank line, then the list with its
// column titles.
func (s *usersScreen) click(row int, double bool) tea.Cmd {
	if s.bulk.Capturing() || !s.list.Click(row-listTop) {
		return nil
	}
	if u, ok := s.list.Selected(); ok && double {
		return s.c.post(openUserMsg{id: u.ID})
	}
	return nil
}

func (s *usersScreen) wheel(d int) tea.Cmd {
	if s.bulk.Capturing() {
		return nil
	}
	return s.list.Wheel(d)
}

// Wheel scrolls by delta notches, three rows each.
func (l *userList) Wheel(delta int) tea.Cmd { return l.Move(3 * delta) }

// Click puts the cursor on the row drawn row rows below the column
// titles; false when none is drawn there.
func (l *userList) Click(row int) bool {
	p := l.top + row
	if row < 0 || row >= l.rowsShown() || p < l.start || p >= l.start+len(l.rows) {
		return false
	}
	l.cursor = p
	l.follow()
	return true
}

// The organizations, as a list or a tree: the same rows.
func (s *orgsScreen) click(row int, double bool) tea.Cmd {
	if s.naming {
		return nil
	}
	i := s.top + row - listTop
	if row < listTop || row-listTop >= s.rowsShown() || i >= len(s.shown) {
		return nil
	}
	s.cursor = i
	s.follow()
	if o, ok := s.selected(); ok && double {
		return s.c.post(openOrgMsg{id: o.ID})
	}
	return nil
}

func (s *orgsScreen) wheel(d int) tea.Cmd {
	if s.naming {
		return nil
	}
	s.cursor += 3 * d
	s.follow()
	return nil
}

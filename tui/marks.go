package tui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// marks are the rows an agent marked on a list (space, V), for a bulk
// action. They are ids in a set kept beside the list, not flags on its
// rows: the list keeps only a window of rows and rereads it while paging,
// filtering and after every commit, and a mark must outlive all of that.
// Drawing asks Has for the visible rows only, so a frame costs the same
// with no mark or a million.
type marks struct {
	set map[domain.ID]struct{}
	// last is the row marked last, where V starts a range; 0 none.
	last domain.ID
}

func newMarks() *marks { return &marks{set: map[domain.ID]struct{}{}} }

// Has reports whether id is marked.
func (m *marks) Has(id domain.ID) bool {
	_, ok := m.set[id]
	return ok
}

// Len is how many rows are marked.
func (m *marks) Len() int { return len(m.set) }

// Toggle marks id, or unmarks it if it was; it returns whether id is
// marked now. A row marked becomes where the next range starts.
func (m *marks) Toggle(id domain.ID) bool {
	if m.Has(id) {
		delete(m.set, id)
		if m.last == id {
			m.last = 0
		}
		return false
	}
	m.set[id] = struct{}{}
	m.last = id
	return true
}

// Add marks every id (a range); the last one becomes where the next range
// starts. It returns how many were not marked before.
func (m *marks) Add(ids []domain.ID) int {
	n := 0
	for _, id := range ids {
		if _, ok := m.set[id]; !ok {
			m.set[id] = struct{}{}
			n++
		}
	}
	if len(ids) > 0 {
		m.last = ids[len(ids)-1]
	}
	return n
}

// Keep leaves marked only the ids given that are marked now (after a bulk
// action: the rows refused or not reached).
func (m *marks) Keep(ids []domain.ID) {
	keep := make(map[domain.ID]struct{}, len(ids))
	for _, id := range ids {
		if m.Has(id) {
			keep[id] = struct{}{}
		}
	}
	m.set = keep
	if !m.Has(m.last) {
		m.last = 0
	}
}

// Clear unmarks everything and returns how many were marked.
func (m *marks) Clear() int {
	n := len(m.set)
	clear(m.set)
	m.last = 0
	return n
}

// IDs are the marked ids in ascending order: the order a bulk action
// takes them in (creation order for users and conversations).
func (m *marks) IDs() []domain.ID {
	out := make([]domain.ID, 0, len(m.set))
	for id := range m.set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// marker is the two cells in front of a row: the cursor, then the mark.
// The mark is a character, not only a colour, so NO_COLOR shows it.
func marker(cursor, marked bool) string {
	switch {
	case cursor && marked:
		return "›✓"
	case cursor:
		return "› "
	case marked:
		return " ✓"
	}
	return "  "
}

// markedText is the count for the status and position lines: "12 marked".
func markedText(n int) string { return thousands(n) + " marked" }

// markTarget is a list screen with marks: Users and the Inbox.
type markTarget interface {
	mark() tea.Cmd      // mark or unmark the row under the cursor, then down
	markRange() tea.Cmd // mark from the last mark to the cursor
}

// markKey answers the keys Users and the Inbox share for marks and bulk
// work: esc stops a bulk run, else clears the marks; space and V mark
// (not while a run goes on); b opens the bulk menu. ok is false for any
// other key, and for esc with neither a run nor marks, which the screen
// then takes (its filter).
func markKey(k *keyMap, msg tea.KeyMsg, m *marks, b *bulk, t markTarget) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, k.Cancel) && b.Running():
		return b.Stop(), true
	case key.Matches(msg, k.Cancel) && m.Len() > 0:
		n := m.Clear()
		return status(statusInfo, "Marks cleared: "+thousands(n)+" rows unmarked."), true
	case (key.Matches(msg, k.Mark) || key.Matches(msg, k.MarkRange)) && b.Running():
		return status(statusInfo, "A bulk action is running; esc stops it."), true
	case key.Matches(msg, k.Mark):
		return t.mark(), true
	case key.Matches(msg, k.MarkRange):
		return t.markRange(), true
	case key.Matches(msg, k.Bulk):
		return b.Open(), true
	}
	return nil, false
}

// said is the status line after marking: how many rows are marked (and
// how many the last range added), with the keys that act on them.
func (m *marks) said(added int) tea.Cmd {
	text := markedText(m.Len())
	if added > 1 {
		text = thousands(added) + " more marked, " + text
	}
	if m.Len() > 0 {
		text += " · b bulk action · esc clears"
	}
	return status(statusInfo, text)
}

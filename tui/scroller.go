package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// scroller is the cursor and first visible row of a list held whole (the
// organizations, the settings); paged lists use pagedList.
type scroller struct {
	cursor, top int
}

// follow keeps the cursor inside the rows loaded and on screen, where shown
// rows fit.
func (s *scroller) follow(rows, shown int) {
	s.cursor = max(0, min(s.cursor, rows-1))
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+shown {
		s.top = s.cursor - shown + 1
	}
	s.top = max(0, min(s.top, rows-shown))
}

// navDelta turns the list navigation keys into a move of the cursor: one
// row, a page, or all the way (all is the number of rows). ok is false for
// any other key, which the screen then handles itself.
func navDelta(k *keyMap, msg tea.KeyMsg, page, all int) (delta int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.PageUp):
		return -page, true
	case key.Matches(msg, k.PageDown):
		return page, true
	case key.Matches(msg, k.Home):
		return -all, true
	case key.Matches(msg, k.End):
		return all, true
	}
	return 0, false
}

package tui

// scroller is the cursor and first visible row of a list that is loaded a
// page at a time: the audit log and the outbox share it.
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

// nearEnd reports whether the cursor is within a screen of the last row
// loaded: time to read the next page.
func (s *scroller) nearEnd(rows, shown int) bool { return s.cursor+shown >= rows }

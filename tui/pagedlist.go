package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// pageDir is the way a page is read from its anchor.
type pageDir int

const (
	// pageDown reads the rows after the anchor in list order (anchor 0:
	// from the first row).
	pageDown pageDir = iota
	// pageUp reads the rows before the anchor in list order, nearest
	// last, returned in list order.
	pageUp
)

// pageLoader reads up to limit rows from anchor (a record id) in the
// direction dir. next is where the following page starts (0: no more):
// usually the id of the last row, but a loader that drops rows a filter
// refuses may stop further on without a row to show. An up read is asked
// for one row more than a page: when it returns them all, the first is
// the anchor above the window, not shown.
type pageLoader[T any] func(ctx context.Context, anchor domain.ID, dir pageDir, limit int) (rows []T, next domain.ID, err error)

// pagedOptions configure a pagedList.
type pagedOptions[T any] struct {
	load pageLoader[T]
	id   func(T) domain.ID
	// get rereads one record after a commit named it; ok is false when it
	// is gone or no longer belongs in the list (its filter).
	get func(ctx context.Context, id domain.ID) (row T, ok bool, err error)
	// before reports whether a comes before b in list order; nil is the
	// newest (highest id) first.
	before func(a, b T) bool
	// marked asks whether a row is marked (bulk work); nil: none is.
	marked func(id domain.ID) bool
	// render draws one row for the given width.
	render func(row *T, sel, marked bool, w int) string
	// pageSize rows a read; maxRows bounds the window kept.
	pageSize, maxRows int
}

// pagedList is a window onto a paged, live list (audit, outbox, inbox, a
// user's conversations): it keeps at most maxRows rows around the cursor,
// reads pages forward and back from anchors (the ids of its edge rows), and
// after a commit rereads only the records the commit named, placing each
// (updated, inserted where it sorts, or removed); the whole window is
// reread only when a change cannot be placed. The cursor stays on its
// record across every change.
type pagedList[T any] struct {
	c *common
	o pagedOptions[T]

	rows []T
	// start is the position of rows[0] in the whole list, for "N of M".
	start int
	// moreUp, moreDown: rows lie beyond the window's edges. upAnchor is
	// the id of the row just above rows[0] when moreUp (the anchor a
	// reread of the window reads down from).
	moreUp, moreDown bool
	upAnchor         domain.ID
	// downAnchor is where the page below the window starts.
	downAnchor domain.ID

	// filter narrows the rows on show (the inbox's /); nil shows all.
	filter func(rows []T) []int
	shown  []int // indexes in rows on show, in order

	cursor, top int // indexes in shown
	h, w        int // rows on show, width

	loaded, filtered bool
	err              error

	resetReq, downReq, upReq, touchReq uint64
	// keep is the record the cursor should land on when the answer to a
	// reread arrives (0: the first row).
	keep domain.ID
}

type (
	// pagedPageMsg is a page read for a pagedList.
	pagedPageMsg[T any] struct {
		req  uint64
		op   pagedOp
		rows []T
		next domain.ID
		err  error
	}
	// pagedTouchMsg holds the records a commit named, reread.
	pagedTouchMsg[T any] struct {
		req  uint64
		rows []pagedTouched[T]
		err  error
	}
	pagedTouched[T any] struct {
		id  domain.ID
		row T
		ok  bool
	}
)

type pagedOp int

const (
	pagedReset pagedOp = iota
	pagedReload
	pagedDown
	pagedUp
	pagedHead
)

func newPagedList[T any](c *common, o pagedOptions[T]) *pagedList[T] {
	if o.pageSize == 0 {
		o.pageSize = 200
	}
	if o.maxRows == 0 {
		o.maxRows = 5 * o.pageSize
	}
	if o.before == nil {
		o.before = func(a, b T) bool { return o.id(a) > o.id(b) }
	}
	return &pagedList[T]{c: c, o: o}
}

// SetSize sets the rows on show and the width rows are drawn in.
func (l *pagedList[T]) SetSize(w, h int) {
	l.w, l.h = w, max(h, 1)
	l.follow()
}

func (l *pagedList[T]) rowsShown() int { return max(l.h, 1) }

// Loaded: the first answer arrived (rows or an error).
func (l *pagedList[T]) Loaded() bool { return l.loaded }

// Loading: a read that replaces the rows is on its way.
func (l *pagedList[T]) Loading() bool { return l.resetReq != 0 }

func (l *pagedList[T]) Err() error { return l.err }

// Rows are the rows in the window, in list order.
func (l *pagedList[T]) Rows() []T { return l.rows }

// Len is how many rows are on show.
func (l *pagedList[T]) Len() int { return len(l.shown) }

// MoreDown: rows lie below the window.
func (l *pagedList[T]) MoreDown() bool { return l.moreDown }

// Position is the 1-based position of the cursor in the whole list and the
// number of rows known so far (through the window's last row).
func (l *pagedList[T]) Position() (int, int) {
	if l.filter != nil {
		return l.cursor + 1, len(l.shown)
	}
	return l.start + l.cursor + 1, l.start + len(l.rows)
}

// Reset reads the list again from its first row, the cursor on it.
func (l *pagedList[T]) Reset() tea.Cmd {
	l.rows, l.shown, l.start, l.cursor, l.top = nil, nil, 0, 0, 0
	l.moreUp, l.moreDown, l.upAnchor, l.downAnchor = false, false, 0, 0
	l.loaded, l.err, l.keep = false, nil, 0
	l.downReq, l.upReq, l.touchReq = 0, 0, 0
	l.resetReq = l.c.nextReq()
	return l.fetch(pagedReset, l.resetReq, 0, pageDown, l.o.pageSize)
}

// Reload rereads the window from its top edge, the cursor staying on its
// record (or where it was, if that record is gone).
func (l *pagedList[T]) Reload() tea.Cmd {
	if len(l.rows) == 0 && !l.moreUp {
		return l.Reset()
	}
	l.keep = l.cursorID()
	l.downReq, l.upReq, l.touchReq = 0, 0, 0
	l.resetReq = l.c.nextReq()
	return l.fetch(pagedReload, l.resetReq, l.upAnchor, pageDown, max(len(l.rows), l.o.pageSize))
}

// Head reads the rows added above the first one (an append-only list such
// as the audit log): nothing when the window does not start at the top.
func (l *pagedList[T]) Head() tea.Cmd {
	if l.moreUp || l.resetReq != 0 {
		return nil
	}
	if len(l.rows) == 0 {
		return l.Reload()
	}
	l.upReq = l.c.nextReq()
	return l.fetch(pagedHead, l.upReq, l.o.id(l.rows[0]), pageUp, l.o.pageSize+1)
}

// Touch rereads the records a commit named and places each.
func (l *pagedList[T]) Touch(ids ...domain.ID) tea.Cmd {
	if len(ids) == 0 {
		return nil
	}
	if !l.loaded || l.resetReq != 0 {
		return nil // the read on its way sees the commit
	}
	l.touchReq = l.c.nextReq()
	req, get := l.touchReq, l.o.get
	return func() tea.Msg {
		out := pagedTouchMsg[T]{req: req}
		seen := map[domain.ID]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			row, ok, err := get(context.Background(), id)
			if err != nil {
				out.err = err
				return out
			}
			out.rows = append(out.rows, pagedTouched[T]{id: id, row: row, ok: ok})
		}
		return out
	}
}

func (l *pagedList[T]) fetch(op pagedOp, req uint64, anchor domain.ID, dir pageDir, limit int) tea.Cmd {
	load := l.o.load
	return func() tea.Msg {
		rows, next, err := load(context.Background(), anchor, dir, limit)
		return pagedPageMsg[T]{req: req, op: op, rows: rows, next: next, err: err}
	}
}

// Update takes the answers to the list's reads; ok is false for any other
// message.
func (l *pagedList[T]) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case pagedPageMsg[T]:
		return l.page(msg)
	case pagedTouchMsg[T]:
		if msg.req == 0 || msg.req != l.touchReq {
			return nil, false
		}
		l.touchReq = 0
		if msg.err != nil {
			return l.Reload(), true
		}
		return l.touched(msg.rows), true
	}
	return nil, false
}

func (l *pagedList[T]) page(m pagedPageMsg[T]) (tea.Cmd, bool) {
	switch {
	case m.req == 0:
		return nil, false
	case (m.op == pagedReset || m.op == pagedReload) && m.req == l.resetReq:
		l.resetReq = 0
	case m.op == pagedDown && m.req == l.downReq:
		l.downReq = 0
	case (m.op == pagedUp || m.op == pagedHead) && m.req == l.upReq:
		l.upReq = 0
	default:
		return nil, false
	}
	l.loaded = true
	if m.err != nil {
		l.err = m.err
		return nil, true
	}
	l.err = nil
	keep, off := l.cursorID(), l.cursor-l.top
	if m.op == pagedHead {
		keep = l.followID()
	}
	switch m.op {
	case pagedReset:
		l.rows, l.start, l.moreDown, l.downAnchor = m.rows, 0, m.next != 0, m.next
		keep, off = 0, 0
	case pagedReload:
		l.rows, l.moreDown, l.downAnchor = m.rows, m.next != 0, m.next
		keep = l.keep
	case pagedDown:
		l.rows = append(l.rows, m.rows...)
		l.moreDown, l.downAnchor = m.next != 0, m.next
		if drop := len(l.rows) - l.o.maxRows; drop > 0 {
			l.upAnchor = l.o.id(l.rows[drop-1])
			// A reslice: the next append that outgrows the array copies
			// only the rows kept, so the window stays bounded.
			l.rows = l.rows[drop:]
			l.start += drop
			l.moreUp = true
		}
	case pagedUp, pagedHead:
		rows := m.rows
		up := len(rows) > l.o.pageSize // a page and the row above it
		if up {
			l.upAnchor, rows = l.o.id(rows[0]), rows[1:]
		} else {
			l.upAnchor = 0
		}
		if m.op == pagedHead && up {
			// More were added than a page holds: read the top again.
			l.upAnchor = 0
			return l.Reload(), true
		}
		l.rows = append(rows[:len(rows):len(rows)], l.rows...)
		l.moreUp = up
		l.start -= len(rows)
		if !up || l.start < 0 {
			l.start = 0
		}
		if drop := len(l.rows) - l.o.maxRows; drop > 0 {
			l.rows = l.rows[:len(l.rows)-drop]
			l.moreDown, l.downAnchor = true, l.o.id(l.rows[len(l.rows)-1])
		}
	}
	l.settle(keep, off)
	if len(m.rows) == 0 {
		// Nothing new to show (a filter dropped a whole read): the next
		// read waits for a move, so one screenful never walks the list.
		return nil, true
	}
	return l.prefetch(), true
}

// touched places the reread records: a row in the window is replaced or
// removed; a new one is inserted where it sorts, when that is inside the
// window (above its top or below its bottom it is read with that page).
func (l *pagedList[T]) touched(rs []pagedTouched[T]) tea.Cmd {
	keep, off := l.followID(), l.cursor-l.top
	at := l.cursor
	for _, r := range rs {
		i := l.index(r.id)
		switch {
		case i >= 0 && r.ok:
			l.rows[i] = r.row
		case i >= 0:
			l.rows = append(l.rows[:i], l.rows[i+1:]...)
		case r.ok:
			pos := len(l.rows)
			for j := range l.rows {
				if l.o.before(r.row, l.rows[j]) {
					pos = j
					break
				}
			}
			if (pos == 0 && l.moreUp) || (pos == len(l.rows) && l.moreDown) {
				continue
			}
			l.rows = append(l.rows, r.row)
			copy(l.rows[pos+1:], l.rows[pos:])
			l.rows[pos] = r.row
		}
	}
	l.cursor = at
	l.settle(keep, off) // the cursor's record gone: it stays at its place
	return l.prefetch()
}

func (l *pagedList[T]) index(id domain.ID) int {
	for i := range l.rows {
		if l.o.id(l.rows[i]) == id {
			return i
		}
	}
	return -1
}

func (l *pagedList[T]) shownIndex(id domain.ID) int {
	for i, r := range l.shown {
		if l.o.id(l.rows[r]) == id {
			return i
		}
	}
	return -1
}

// settle recomputes the rows on show and puts the cursor back on keep (off
// rows below the top); on the first row when keep is 0, and where it was
// when keep is gone.
func (l *pagedList[T]) settle(keep domain.ID, off int) {
	at := l.cursor
	l.applyFilter()
	l.cursor = 0
	if keep != 0 {
		l.cursor = at
		if i := l.shownIndex(keep); i >= 0 {
			l.cursor = i
		}
	}
	l.top = l.cursor - off
	l.follow()
}

func (l *pagedList[T]) applyFilter() {
	if l.filter != nil {
		l.shown = l.filter(l.rows)
		return
	}
	l.shown = l.shown[:0]
	for i := range l.rows {
		l.shown = append(l.shown, i)
	}
}

// SetFilter narrows the rows on show (nil: all), the cursor on the first.
func (l *pagedList[T]) SetFilter(f func(rows []T) []int) {
	l.filter = f
	l.applyFilter()
	l.cursor, l.top = 0, 0
	l.follow()
}

func (l *pagedList[T]) follow() {
	n, rows := l.rowsShown(), len(l.shown)
	l.cursor = max(0, min(l.cursor, rows-1))
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+n {
		l.top = l.cursor - n + 1
	}
	l.top = max(0, min(l.top, rows-n))
}

// prefetch reads the next page before the cursor reaches an edge of the
// window, so scrolling does not stop there.
func (l *pagedList[T]) prefetch() tea.Cmd {
	if l.filter != nil || l.resetReq != 0 {
		return nil
	}
	var cmds []tea.Cmd
	n := l.rowsShown()
	if l.moreDown && l.downReq == 0 && l.cursor+2*n >= len(l.shown) {
		l.downReq = l.c.nextReq()
		cmds = append(cmds, l.fetch(pagedDown, l.downReq, l.downAnchor, pageDown, l.o.pageSize))
	}
	if l.moreUp && len(l.rows) > 0 && l.upReq == 0 && l.cursor-2*n <= 0 {
		l.upReq = l.c.nextReq()
		cmds = append(cmds, l.fetch(pagedUp, l.upReq, l.o.id(l.rows[0]), pageUp, l.o.pageSize+1))
	}
	return tea.Batch(cmds...)
}

// Move moves the cursor by d rows on show.
func (l *pagedList[T]) Move(d int) tea.Cmd {
	l.cursor += d
	l.follow()
	return l.prefetch()
}

// Home goes to the first row of the list: read again from the top when
// the window no longer holds it.
func (l *pagedList[T]) Home() tea.Cmd {
	if l.moreUp && l.filter == nil {
		return l.Reset()
	}
	return l.Move(-len(l.shown))
}

// Nav moves for the list navigation keys; ok is false for other keys.
func (l *pagedList[T]) Nav(k *keyMap, msg tea.KeyMsg) (tea.Cmd, bool) {
	if key.Matches(msg, k.Home) {
		return l.Home(), true
	}
	if d, ok := navDelta(k, msg, l.rowsShown(), len(l.shown)); ok {
		return l.Move(d), true
	}
	return nil, false
}

// Click puts the cursor on the row drawn row rows below the list's first
// line; ok is false when no row is drawn there.
func (l *pagedList[T]) Click(row int) bool {
	i := l.top + row
	if row < 0 || row >= l.rowsShown() || i >= len(l.shown) {
		return false
	}
	l.cursor = i
	l.follow()
	return true
}

// Wheel scrolls by delta notches, three rows each.
func (l *pagedList[T]) Wheel(delta int) tea.Cmd { return l.Move(3 * delta) }

// Selected is the row under the cursor.
func (l *pagedList[T]) Selected() (T, bool) {
	if l.cursor < len(l.shown) {
		return l.rows[l.shown[l.cursor]], true
	}
	var zero T
	return zero, false
}

func (l *pagedList[T]) cursorID() domain.ID {
	if r, ok := l.Selected(); ok {
		return l.o.id(r)
	}
	return 0
}

// followID is the record the cursor stays on across a change: its own,
// but none (the first row) while it is on the newest row of the list, so
// that it follows the head as rows arrive there.
func (l *pagedList[T]) followID() domain.ID {
	if l.cursor == 0 && !l.moreUp && l.filter == nil {
		return 0
	}
	return l.cursorID()
}

// CursorID is the id of the record under the cursor (0: none).
func (l *pagedList[T]) CursorID() domain.ID { return l.cursorID() }

// IDsBetween are the ids of the rows on show from the record a to the
// record b, both included, in list order (a range mark); nil when either
// is not on show.
func (l *pagedList[T]) IDsBetween(a, b domain.ID) []domain.ID {
	i, j := l.shownIndex(a), l.shownIndex(b)
	if i < 0 || j < 0 {
		return nil
	}
	if i > j {
		i, j = j, i
	}
	out := make([]domain.ID, 0, j-i+1)
	for _, r := range l.shown[i : j+1] {
		out = append(out, l.o.id(l.rows[r]))
	}
	return out
}

// View draws the rows on show, padded to the list's height.
func (l *pagedList[T]) View() string {
	var b strings.Builder
	n := l.rowsShown()
	for i := l.top; i < l.top+n; i++ {
		if i > l.top {
			b.WriteByte('\n')
		}
		if i >= len(l.shown) {
			continue
		}
		r := &l.rows[l.shown[i]]
		marked := l.o.marked != nil && l.o.marked(l.o.id(*r))
		b.WriteString(l.o.render(r, i == l.cursor, marked, l.w))
	}
	return b.String()
}

// AnyShown reports whether fn holds for a row on show.
func (l *pagedList[T]) AnyShown(fn func(r *T) bool) bool {
	for _, i := range l.shown {
		if fn(&l.rows[i]) {
			return true
		}
	}
	return false
}

// Drawn calls fn for each row on show, in order, with its index in shown.
func (l *pagedList[T]) Drawn(fn func(i int, r *T, sel bool)) {
	for i := l.top; i < len(l.shown) && i < l.top+l.rowsShown(); i++ {
		fn(i, &l.rows[l.shown[i]], i == l.cursor)
	}
}

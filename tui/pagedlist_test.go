package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// fakeRecord is a row of the fake store behind the pagedList tests.
type fakeRecord struct {
	id   domain.ID
	text string
}

// fakeList is an in-memory list, newest (highest id) first, that counts
// the reads the pagedList makes.
type fakeList struct {
	recs        map[domain.ID]string
	loads, gets int
	reads       int // rows read by loads
}

func newFakeList(n int) *fakeList {
	f := &fakeList{recs: map[domain.ID]string{}}
	for i := 1; i <= n; i++ {
		f.recs[domain.ID(i)] = fmt.Sprintf("record %d", i)
	}
	return f
}

func (f *fakeList) ids() []domain.ID {
	var ids []domain.ID
	for id := range f.recs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	return ids
}

func (f *fakeList) load(_ context.Context, anchor domain.ID, dir pageDir, limit int) ([]fakeRecord, domain.ID, error) {
	f.loads++
	var out []fakeRecord
	ids := f.ids()
	if dir == pageDown {
		for _, id := range ids {
			if anchor != 0 && id >= anchor {
				continue
			}
			if len(out) == limit {
				return out, out[len(out)-1].id, nil
			}
			out = append(out, fakeRecord{id, f.recs[id]})
		}
		f.reads += len(out)
		return out, 0, nil
	}
	for _, id := range ids {
		if id <= anchor {
			break
		}
		if out = append(out, fakeRecord{id, f.recs[id]}); len(out) > limit {
			out = out[1:]
		}
	}
	f.reads += len(out)
	return out, anchor, nil
}

func (f *fakeList) get(_ context.Context, id domain.ID) (fakeRecord, bool, error) {
	f.gets++
	t, ok := f.recs[id]
	return fakeRecord{id, t}, ok, nil
}

// newFakePaged returns a list of n records, 20 rows on show, 50 a page,
// at most 200 kept, with its first page loaded.
func newFakePaged(t *testing.T, n int, marked func(domain.ID) bool) (*pagedList[fakeRecord], *fakeList) {
	t.Helper()
	f := newFakeList(n)
	c := &common{keys: newKeyMap()}
	l := newPagedList(c, pagedOptions[fakeRecord]{
		load: f.load, get: f.get, marked: marked,
		id: func(r fakeRecord) domain.ID { return r.id },
		render: func(r *fakeRecord, sel, marked bool, w int) string {
			m := "  "
			switch {
			case sel:
				m = "› "
			case marked:
				m = "* "
			}
			return m + r.text
		},
		pageSize: 50, maxRows: 200,
	})
	l.SetSize(40, 20)
	runList(t, l, l.Reset())
	return l, f
}

// runList runs a list's commands to completion, as the runtime would.
func runList[T any](t *testing.T, l *pagedList[T], cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			next, ok := l.Update(msg)
			if !ok {
				t.Fatalf("the list did not take %T", msg)
			}
			queue = append(queue, next)
		}
	}
}

func selectedID[T any](l *pagedList[T]) domain.ID { return l.CursorID() }

func TestPagedListWindowStaysBounded(t *testing.T) {
	l, f := newFakePaged(t, 20_000, nil)
	if got := selectedID(l); got != 20_000 {
		t.Fatalf("first row %d, want the newest, 20000", got)
	}
	for range 10_000 {
		runList(t, l, l.Move(1))
		if len(l.Rows()) > 200 {
			t.Fatalf("window holds %d rows, more than 200", len(l.Rows()))
		}
	}
	if got := selectedID(l); got != 10_000 {
		t.Fatalf("after 10,000 rows down the cursor is on %d, want 10000", got)
	}
	if at, _ := l.Position(); at != 10_001 {
		t.Fatalf("position %d, want 10,001", at)
	}
	if !strings.Contains(l.View(), "› record 10000") {
		t.Fatalf("the cursor's row is not drawn:\n%s", l.View())
	}
	// Reading back up goes page by page from the window's first row.
	for range 10_000 {
		runList(t, l, l.Move(-1))
		if len(l.Rows()) > 200 {
			t.Fatalf("window holds %d rows going up, more than 200", len(l.Rows()))
		}
	}
	if got := selectedID(l); got != 20_000 {
		t.Fatalf("back up the cursor is on %d, want 20000", got)
	}
	if at, _ := l.Position(); at != 1 {
		t.Fatalf("position %d back at the top, want 1", at)
	}
	// Every row was read about once each way, a page at a time: no read
	// of everything scrolled through.
	if f.loads > 2*10_000/50+10 {
		t.Fatalf("%d page reads for 10,000 rows down and up", f.loads)
	}
}

func TestPagedListTouchRereadsOnlyThatRow(t *testing.T) {
	l, f := newFakePaged(t, 500, nil)
	runList(t, l, l.Move(5)) // on record 495
	loads, gets := f.loads, f.gets

	f.recs[497] = "record 497, edited"
	runList(t, l, l.Touch(497))
	if f.loads != loads || f.gets != gets+1 {
		t.Fatalf("a commit naming one row: %d page reads (want 0), %d rereads (want 1)", f.loads-loads, f.gets-gets)
	}
	if !strings.Contains(l.View(), "  record 497, edited") {
		t.Fatalf("the edited row is not shown:\n%s", l.View())
	}
	if got := selectedID(l); got != 495 {
		t.Fatalf("cursor on %d after an edit, want 495", got)
	}

	// A new record sorts to the top: inserted there, the cursor stays on
	// its record (one row further down).
	f.recs[501] = "record 501"
	runList(t, l, l.Touch(501))
	if got, at := selectedID(l), first(l.Position()); got != 495 || at != 7 {
		t.Fatalf("after an insert above: cursor on %d at %d, want 495 at 7", got, at)
	}
	if l.Rows()[0].id != 501 {
		t.Fatalf("the new record is not first: %d", l.Rows()[0].id)
	}

	// A record removed above: gone from the window, the cursor still on
	// its record.
	delete(f.recs, 499)
	runList(t, l, l.Touch(499))
	if got := selectedID(l); got != 495 || l.index(499) >= 0 {
		t.Fatalf("after a removal: cursor on %d, 499 at %d", got, l.index(499))
	}
	// The cursor's own record removed: the cursor stays where it was.
	delete(f.recs, 495)
	runList(t, l, l.Touch(495))
	if got := selectedID(l); got != 494 {
		t.Fatalf("after the cursor's record went: cursor on %d, want 494", got)
	}
	if f.loads != loads {
		t.Fatalf("placing changes read %d pages", f.loads-loads)
	}

	// A whole reread (a change that could not be placed) keeps it too,
	// and where it was when its record went meanwhile.
	runList(t, l, l.Reload())
	if got := selectedID(l); got != 494 {
		t.Fatalf("after a reread: cursor on %d, want 494", got)
	}
	delete(f.recs, 494)
	runList(t, l, l.Reload())
	if got := selectedID(l); got != 493 {
		t.Fatalf("after a reread without its record: cursor on %d, want 493", got)
	}
}

func first(a, _ int) int { return a }

func TestPagedListNewRowBelowTheWindowWaitsForItsPage(t *testing.T) {
	l, f := newFakePaged(t, 500, nil)
	// Record 1 is far below the window: a change to it reads nothing more
	// and adds no row (it comes with its page).
	f.recs[1] = "record 1, edited"
	n := len(l.Rows())
	runList(t, l, l.Touch(1))
	if len(l.Rows()) != n || l.index(1) >= 0 {
		t.Fatalf("a row below the window was placed in it: %d rows", len(l.Rows()))
	}
}

func TestPagedListHeadReadsOnlyWhatWasAdded(t *testing.T) {
	l, f := newFakePaged(t, 300, nil)
	runList(t, l, l.Move(3)) // on 297
	reads := f.reads
	for i := 301; i <= 303; i++ {
		f.recs[domain.ID(i)] = fmt.Sprintf("record %d", i)
	}
	runList(t, l, l.Head())
	if got := f.reads - reads; got != 3 {
		t.Fatalf("head read %d rows, want the 3 added", got)
	}
	if l.Rows()[0].id != 303 || selectedID(l) != 297 {
		t.Fatalf("first row %d, cursor on %d; want 303 and 297", l.Rows()[0].id, selectedID(l))
	}
	// On the newest row, the cursor follows the head.
	runList(t, l, l.Home())
	f.recs[304] = "record 304"
	runList(t, l, l.Head())
	if selectedID(l) != 304 {
		t.Fatalf("at the top the cursor is on %d, want the new 304", selectedID(l))
	}
}

func TestPagedListMarksAndRange(t *testing.T) {
	marks := map[domain.ID]bool{298: true}
	l, _ := newFakePaged(t, 300, func(id domain.ID) bool { return marks[id] })
	v := l.View()
	if !strings.Contains(v, "* record 298") || !strings.Contains(v, "› record 300") {
		t.Fatalf("marks not drawn:\n%s", v)
	}
	if got := l.IDsBetween(297, 299); !slices.Equal(got, []domain.ID{299, 298, 297}) {
		t.Fatalf("range 297..299: %v", got)
	}
	if got := l.IDsBetween(1, 299); got != nil {
		t.Fatalf("a range to a row not on show: %v", got)
	}
}

func TestPagedListClickAndWheel(t *testing.T) {
	l, _ := newFakePaged(t, 300, nil)
	if !l.Click(4) || selectedID(l) != 296 {
		t.Fatalf("click on the fifth row: cursor on %d", selectedID(l))
	}
	if l.Click(20) || l.Click(-1) {
		t.Fatal("a click below or above the rows took a row")
	}
	runList(t, l, l.Wheel(2))
	if selectedID(l) != 290 {
		t.Fatalf("two notches down from 296: on %d, want 290", selectedID(l))
	}
	runList(t, l, l.Wheel(-1))
	if selectedID(l) != 293 {
		t.Fatalf("one notch up: on %d, want 293", selectedID(l))
	}
}

// TestInboxPlacesWhatACommitChanged runs the inbox on a real desk: a
// conversation leaving the status on show goes, a requester renamed is
// redrawn, and the cursor stays on its conversation.
func TestInboxPlacesWhatACommitChanged(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	d.keys("i")
	d.mustShow("Printer on fire", "Account locked after password reset", "1 of 2")
	d.keys("down")
	d.mustShow("2 of 2")

	if _, err := f.desk.SetStatus(f.omar.Actor(), f.printer.ID, 0, domain.ConvResolved); err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectConv, ID: f.printer.ID}}})
	d.mustNotShow("Printer on fire")
	d.mustShow("1 of 1")
	s := activeAs[*inboxScreen](t, d)
	if r, _ := s.selected(); r.conv.ID != f.zz.ID {
		t.Fatalf("cursor on conversation %d, want %d", r.conv.ID, f.zz.ID)
	}

	kofi := userByEmail(t, f.desk, "kofi.nguyen@acme.com")
	name := "Kofi Renamed"
	if _, err := f.desk.UpdateUser(f.omar.Actor(), kofi.ID, 0, domain.UserPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: kofi.ID}}})
	d.mustShow("Kofi Renamed", "1 of 1")
}

package tui

import (
	"strings"
	"testing"

	"helpdesk/domain"
)

// TestListPagesThroughEveryUser scrolls a list whose pages are much smaller
// than the desk, down to the end and back up, and checks at every step that
// the row under the cursor is the user at that position: pages join without
// gaps or repeats, and dropped pages come back.
func TestListPagesThroughEveryUser(t *testing.T) {
	const n = 1000
	desk := newTestDesk(t, n)
	all, _, err := desk.Users(domain.UserFilter{}, 0, 0)
	if err != nil || len(all) != n {
		t.Fatalf("%d users, %v", len(all), err)
	}
	d := newDriver(t, desk, 80, 24)
	l := d.m.tabs[tabUsers].(*usersScreen).list
	l.pageSize, l.maxRows = 40, 120
	d.keys("home")
	d.run(l.Load())

	check := func(pos int) {
		t.Helper()
		u, ok := l.Selected()
		if !ok || u.ID != all[pos].ID || l.cursor != pos {
			t.Fatalf("at %d: cursor %d on %v, want %s", pos, l.cursor, u.Email, all[pos].Email)
		}
		if len(l.rows) > l.maxRows+l.pageSize {
			t.Fatalf("buffer holds %d rows", len(l.rows))
		}
	}
	for pos := 0; pos < n-1; pos++ {
		d.keys("down")
		check(pos + 1)
	}
	d.keys("down") // at the end: stays
	check(n - 1)
	d.mustShow("1,000 of 1,000")
	for pos := n - 1; pos > 0; pos-- {
		d.keys("up")
		check(pos - 1)
	}

	// End jumps to the last page without reading the ones between.
	d.keys("end")
	check(n - 1)
	if l.start < n-l.pageSize-1 {
		t.Fatalf("end loaded from %d", l.start)
	}
	for i := 0; i < 10; i++ {
		d.keys("pgup")
	}
	check(n - 1 - 10*l.rowsShown())
	d.keys("home")
	check(0)
}

// TestRenderCorpus puts every kind of hostile text DESIGN.md lists in names,
// notes and organization names, and checks that no screen's frame carries a
// control sequence or changes its layout.
func TestRenderCorpus(t *testing.T) {
	corpus := []string{
		"\x1b]0;title\x07", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
		"\x1b[2J", "\x1b[6n", "\x1bP+q544e\x1b\\", "\x1bc", "\a", "\r", "\b", "\x0e", "\x9b2J", "\u009b2J", "\u202e",
		"\u2066", "\t", "line\nbreak",
	}
	desk := newTestDesk(t, 20)
	var ids []domain.ID
	for i, bad := range corpus {
		u := putRawUser(t, desk, "hostile"+itoa(i)+"@hooli.com", "Bad"+bad+"Name", "Note"+bad+"end")
		ids = append(ids, u.ID)
	}
	o, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Hostile"})
	if err != nil {
		t.Fatal(err)
	}
	err = desk.Store().Update(func(tx domain.Tx) error {
		o.Name = "Hos\x1b[2Jtile\u202e"
		o.Notes = "n\x1b]0;x\x07"
		if err := tx.PutOrg(&o); err != nil {
			return err
		}
		for _, id := range ids {
			u, err := tx.User(id)
			if err != nil {
				return err
			}
			u.OrgID = o.ID
			if err := tx.PutUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		d := newDriver(t, desk, w, h)
		d.keys("end")
		assertInert(t, d.view(), w, h)
		if !strings.Contains(d.view(), "BadName") {
			t.Fatalf("hostile rows not shown:\n%s", d.view())
		}
		for _, id := range ids {
			d.send(openUserMsg{id: id})
			assertInert(t, d.view(), w, h)
			d.keys("e") // the same text in the edit form's inputs
			assertInert(t, d.view(), w, h)
			d.keys("esc", "esc")
		}
		// Typed or pasted: the filter field keeps no bidi control either.
		d.keys("1", "/", "a\u202eb")
		assertInert(t, d.view(), w, h)
		d.keys("esc")
		d.send(openOrgMsg{id: o.ID})
		assertInert(t, d.view(), w, h)
		d.mustShow("Hostile", "BadName")
		d.keys("esc", "2")
		assertInert(t, d.view(), w, h)
		d.keys("3")
		assertInert(t, d.view(), w, h)
		d.keys("4")
		assertInert(t, d.view(), w, h)
	}
}

package tui

import (
	"fmt"
	"strings"
	"testing"

	"helpdesk/domain"
)

// usersDesk is a desk with n users u01@example.com… (pending, no mail
// queued), created in that order, so the list shows them in that order.
func usersDesk(t testing.TB, n int) (*domain.Desk, []domain.User) {
	t.Helper()
	desk := newTestDesk(t, 0)
	us := make([]domain.User, n)
	for i := range us {
		u, err := desk.CreateUser(testActor, domain.UserInput{Email: fmt.Sprintf("u%02d@example.com", i+1),
			Name: fmt.Sprintf("User %02d", i+1), Mail: "none"})
		if err != nil {
			t.Fatal(err)
		}
		us[i] = u
	}
	return desk, us
}

func usersTab(d *driver) *usersScreen { return d.m.tabs[tabUsers].(*usersScreen) }

// rowOf is the line of the screen that shows email.
func rowOf(d *driver, email string) string {
	for _, l := range strings.Split(d.view(), "\n") {
		if strings.Contains(l, email) {
			return l
		}
	}
	d.t.Fatalf("no row shows %s:\n%s", email, d.view())
	return ""
}

func TestMarkSpaceAndRange(t *testing.T) {
	desk, _ := usersDesk(t, 12)
	d := newDriver(t, desk, 100, 30)

	d.keys(" ")
	d.mustShow("1 marked", "2 of 12")
	if r := rowOf(d, "u01@example.com"); !strings.HasPrefix(strings.TrimSpace(r), "✓") {
		t.Fatalf("the marked row has no mark: %q", r)
	}
	if r := rowOf(d, "u02@example.com"); !strings.Contains(r, "› u02") {
		t.Fatalf("the cursor did not move down: %q", r)
	}
	// space again on a marked row unmarks it.
	d.keys("up", " ")
	d.mustNotShow("✓")
	d.mustShow("0 marked")

	// V marks from the last mark to the cursor.
	d.keys("up", " ", "j", "j", "j", "V")
	d.mustShow("5 marked")
	for i := 1; i <= 5; i++ {
		if r := rowOf(d, fmt.Sprintf("u%02d@example.com", i)); !strings.Contains(r, "✓") {
			t.Fatalf("row %d not marked: %q", i, r)
		}
	}
	if r := rowOf(d, "u06@example.com"); strings.Contains(r, "✓") {
		t.Fatalf("row 6 marked: %q", r)
	}
	// The count is also under the list, beside the position.
	d.mustShow("5 of 12 · 5 marked")

	// esc clears the marks and says how many.
	d.keys("esc")
	d.mustShow("Marks cleared: 5 rows unmarked.")
	d.mustNotShow("✓")
	if n := usersTab(d).marks.Len(); n != 0 {
		t.Fatalf("%d marks left", n)
	}
}

// TestMarksSurvivePagingAndFilter: marks are ids beside the list, so
// paging the buffer away and back, a state filter and a filter query keep
// them, and a range reaches rows paged out of the buffer.
func TestMarksSurvivePagingAndFilter(t *testing.T) {
	desk := newTestDesk(t, 1200) // five pages of 256
	d := newDriver(t, desk, 100, 30)
	s := usersTab(d)
	first, _ := s.list.Selected()
	d.keys(" ")
	d.keys("end")
	last, _ := s.list.Selected()
	if last.ID == first.ID {
		t.Fatal("end did not move")
	}
	d.keys(" ")
	d.mustShow("2 marked")
	if r := rowOf(d, last.Email); !strings.Contains(r, "✓") {
		t.Fatalf("last row not marked: %q", r)
	}
	d.keys("home")
	if r := rowOf(d, first.Email); !strings.Contains(r, "›✓") {
		t.Fatalf("first row lost its mark after paging: %q", r)
	}

	// A state filter and a filter query show other rows; the marks stay.
	state := s.c.keys.CycleState.Keys()[0]
	d.keys(state)
	d.keys("/")
	d.keys(strings.Split(first.Email, "@")[0])
	d.keys("enter")
	d.mustShow("2 marked")
	d.keys("esc") // clears the marks first…
	d.mustShow("Marks cleared: 2 rows unmarked.")
	d.keys("esc") // …then the query
	d.mustNotShow("filter: ")

	// A range from a row paged out of the buffer is read from the store.
	d.keys(state, state, state) // back to All
	d.keys("home", " ", "end", "V")
	total := 0
	for _, n := range mustCounts(t, desk) {
		total += n
	}
	if s.marks.Len() != total {
		t.Fatalf("range marked %d of %d", s.marks.Len(), total)
	}
	d.mustShow(thousands(total) + " marked")
}

func mustCounts(t testing.TB, desk *domain.Desk) map[domain.State]int {
	t.Helper()
	c, err := desk.UserCounts()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBulkDisableWithARefusal: one user is disabled by someone else after
// it was marked; the run goes on past it, the summary names it in the
// domain's words, the others are disabled and the refused row stays marked.
func TestBulkDisableWithARefusal(t *testing.T) {
	desk, us := usersDesk(t, 6)
	d := newDriver(t, desk, 100, 30)
	d.keys(" ", "j", "j", "j", "V") // rows 1 to 5
	d.mustShow("5 marked")
	if _, err := desk.DisableUser(domain.Actor{Name: "agent:other"}, us[2].ID, 0); err != nil {
		t.Fatal(err)
	}
	d.keys("b")
	d.mustShow("Bulk action on 5 marked users", "Disable", "Move to organization…", "Add to group…", "Resend verification link")
	d.keys("enter") // Disable is the first line
	d.mustShow("Disable 5 users?")
	d.keys("enter") // Enter alone does not go ahead
	d.mustShow("Disable 5 users?")
	if u, _ := desk.User(us[0].ID); u.State == domain.StateDisabled {
		t.Fatal("enter disabled a user")
	}
	d.keys("y")
	d.mustShow("4 users disabled, 1 refused: u03@example.com is already disabled. 1 marked.")
	for i, u := range us {
		got, err := desk.User(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := domain.StateDisabled
		if i == 5 {
			want = domain.StatePending
		}
		if got.State != want {
			t.Errorf("%s is %s, want %s", u.Email, got.State, want)
		}
	}
	if s := usersTab(d); s.marks.Len() != 1 || !s.marks.Has(us[2].ID) {
		t.Fatalf("marks left: %v, want only %s", s.marks.IDs(), us[2].Email)
	}
	// The list shows what the run did.
	if r := rowOf(d, "u01@example.com"); !strings.Contains(r, "disabled") {
		t.Fatalf("row not refreshed: %q", r)
	}
	// One audit entry per user, as for a single disable.
	es, err := desk.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Action == "user.disable" && e.Actor == testActor.String() {
			n++
		}
	}
	if n != 4 {
		t.Fatalf("%d user.disable entries by the agent, want 4", n)
	}
}

func TestBulkMoveToOrganization(t *testing.T) {
	desk, us := usersDesk(t, 4)
	org, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Globex"})
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 100, 30)
	d.keys(" ", " ", " ") // rows 1 to 3
	d.keys("b", "down", "down", "enter")
	d.mustShow("Move to")
	d.keys("glob", "enter")
	d.mustShow("Move 3 users to Globex?")
	d.keys("y")
	d.mustShow("3 users moved to Globex.")
	for i, u := range us {
		got, _ := desk.User(u.ID)
		if in := got.OrgID == org.ID; in != (i < 3) {
			t.Errorf("%s in Globex: %v", u.Email, in)
		}
	}
	if usersTab(d).marks.Len() != 0 {
		t.Fatal("marks left after a clean run")
	}
}

func TestBulkAddToGroup(t *testing.T) {
	desk, us := usersDesk(t, 3)
	g, err := desk.CreateGroup(testActor, domain.GroupInput{Name: "Beta testers"})
	if err != nil {
		t.Fatal(err)
	}
	if err := desk.AddToGroup(testActor, g.ID, us[1].ID); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 100, 30)
	d.keys(" ", " ", " ")
	d.keys("b", "down", "down", "down", "enter", "beta", "enter")
	d.mustShow("Add 3 users to Beta testers?")
	d.keys("y")
	d.mustShow("2 users added to Beta testers, 1 refused: u02@example.com is already in Beta testers.")
	for _, u := range us {
		gs, _, err := desk.UserGroups(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 1 || gs[0].ID != g.ID {
			t.Errorf("%s groups %v", u.Email, gs)
		}
	}
}

// TestBulkResendVerification: the links are queued, and the summary says
// queued, not sent; a verified user is refused in the domain's words.
func TestBulkResendVerification(t *testing.T) {
	desk, us := usersDesk(t, 3)
	d := newDriver(t, desk, 100, 30)
	d.keys(" ", " ", " ")
	d.keys("b", "down", "down", "down", "down", "enter")
	d.mustShow("Send 3 users a new verification link?")
	d.keys("y")
	d.mustShow("3 new verification links queued.")
	d.mustNotShow("sent")
	msgs, err := desk.Outbox("", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	queued := map[string]bool{}
	for _, m := range msgs {
		if m.State == domain.MailQueued {
			queued[m.To] = true
		}
	}
	for _, u := range us {
		if !queued[u.Email] {
			t.Errorf("no queued verification mail to %s: %+v", u.Email, msgs)
		}
	}
}

// TestBulkNeedsMarks: b without marks says how to mark; the menu closes
// with esc without doing anything.
func TestBulkNeedsMarks(t *testing.T) {
	desk, us := usersDesk(t, 2)
	d := newDriver(t, desk, 100, 30)
	d.keys("b")
	d.mustShow("Nothing is marked: space marks a row, V a range.")
	d.keys(" ", "b")
	d.mustShow("Bulk action on 1 marked users")
	d.keys("esc")
	d.mustNotShow("Bulk action on")
	d.mustShow("1 marked")
	if u, _ := desk.User(us[0].ID); u.State != domain.StatePending {
		t.Fatal("esc changed the user")
	}
}

// TestMarkRangeSorted: newest first the ids between two rows are still the
// range, read from the store; in email order only loaded rows can be, and
// V says so rather than marking the wrong users.
func TestMarkRangeSorted(t *testing.T) {
	desk := newTestDesk(t, 1200)
	d := newDriver(t, desk, 100, 30)
	s := usersTab(d)
	sort := s.c.keys.CycleSort.Keys()[0]
	d.keys(sort) // created ↓
	d.mustShow("sorted by created ↓")
	d.keys(" ", "end", "V")
	if s.marks.Len() != 1200 {
		t.Fatalf("newest first: %d marked, want 1,200", s.marks.Len())
	}
	d.keys("esc", sort) // email ↑
	d.mustShow("sorted by email ↑")
	d.keys("home", " ", "end", "V")
	d.mustShow("in email order V reaches only the rows loaded")
	if s.marks.Len() != 1 {
		t.Fatalf("email order: %d marked, want the 1 marked by space", s.marks.Len())
	}
}

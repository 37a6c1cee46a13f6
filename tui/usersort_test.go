package tui

import (
	"slices"
	"strings"
	"testing"

	"helpdesk/domain"
)

// rowEmails are the emails of the rows the users list shows, top down.
func rowEmails(d *driver) []string {
	var out []string
	for _, l := range strings.Split(d.view(), "\n") {
		for _, f := range strings.Fields(l) {
			if strings.Contains(f, "@") {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// s cycles the users list's sort: created ↑ (the default), created ↓,
// email ↑, email ↓; the header says which, and f still cycles the state.
func TestUsersSortCycles(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 120, 40)
	d.mustShow("sorted by created ↑")
	created := rowEmails(d)
	if len(created) < 10 {
		t.Fatalf("rows: %v", created)
	}

	d.keys("s")
	d.mustShow("sorted by created ↓", "1 of 200")
	newest := rowEmails(d)
	last, err := desk.UsersBefore(domain.UserFilter{}, 0, 1)
	if err != nil || len(last) != 1 || newest[0] != last[0].Email {
		t.Fatalf("newest first: %v, newest user %v %v", newest[:3], last, err)
	}

	d.keys("s")
	d.mustShow("sorted by email ↑")
	byEmail := rowEmails(d)
	if !slices.IsSorted(byEmail) || slices.Equal(byEmail, created) {
		t.Fatalf("by email: %v", byEmail)
	}
	// Paging down through the whole list keeps the order across pages.
	d.keys("end")
	d.mustShow("200 of 200")
	tail := rowEmails(d)
	if !slices.IsSorted(tail) || tail[len(tail)-1] < byEmail[len(byEmail)-1] {
		t.Fatalf("the end by email: %v", tail)
	}

	d.keys("s")
	d.mustShow("sorted by email ↓", "1 of 200")
	desc := rowEmails(d)
	if !slices.IsSortedFunc(desc, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Fatalf("by email down: %v", desc)
	}

	// The state filter moved to f and keeps the sort.
	d.keys("f")
	d.mustShow("[Active", "sorted by email ↓")

	d.keys("s")
	d.mustShow("sorted by created ↑")
}

// A user created while the list is sorted by email appears at its place.
func TestUsersSortByEmailSeesNewUser(t *testing.T) {
	desk := newTestDesk(t, 50)
	d := newDriver(t, desk, 120, 40)
	d.keys("s", "s")
	d.mustShow("sorted by email ↑")
	d.createElsewhere(desk, domain.UserInput{Email: "aaa.first@example.org", Name: "Aaa First"})
	if got := rowEmails(d); len(got) == 0 || got[0] != "aaa.first@example.org" {
		t.Fatalf("after the commit: %v", got[:min(3, len(got))])
	}
}

package tui

import (
	"testing"

	"helpdesk/domain"
)

// The users list's / finds users by the words of their name as well as
// their email, in any order and letter case, accents folded.
func TestUsersFilterFindsNames(t *testing.T) {
	desk := newTestDesk(t, 200)
	for _, in := range []domain.UserInput{
		{Email: "kn7@example.org", Name: "Kofi Nguyen"},
		{Email: "jnz@example.org", Name: "José Núñez"},
	} {
		if _, err := desk.CreateUser(testActor, in); err != nil {
			t.Fatal(err)
		}
	}
	d := newDriver(t, desk, 120, 40)
	for _, q := range []string{"kofi nguyen", "Nguyen Kofi", "NGUYEN"} {
		d.keys("/", q)
		d.mustShow("kn7@example.org", "Kofi Nguyen")
		d.mustNotShow("jnz@example.org")
		d.keys("esc")
		d.mustShow("1 of 202")
	}
	d.keys("/", "jose")
	// The name match first, under the cursor; the email index's fuzzy
	// matches of one word may follow.
	d.mustShow("› jnz@example.org", "José Núñez")
	d.keys("esc")

	d.keys("/", "zz nobody")
	d.mustShow("No name or email matches zz nobody.")
}

// A user created while the filter shows its answer appears in it after
// the commit's event, found by name.
func TestUsersFilterSeesNewUser(t *testing.T) {
	desk := newTestDesk(t, 50)
	d := newDriver(t, desk, 120, 40)
	d.keys("/", "wanjiru kam")
	d.mustShow("No name or email matches wanjiru kam.")
	u, err := desk.CreateUser(domain.Actor{Name: "agent:omar"}, domain.UserInput{Email: "wk@example.org", Name: "Wanjiru Kamau"})
	if err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: u.ID}}})
	d.mustShow("wk@example.org", "Wanjiru Kamau", "1 of 1 best matches")
}

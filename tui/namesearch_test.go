package tui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

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
	d.createElsewhere(desk, domain.UserInput{Email: "wk@example.org", Name: "Wanjiru Kamau"})
	d.mustShow("wk@example.org", "Wanjiru Kamau", "1 of 1 best matches")
}

// Through the real program and its live subscription: a name typed in
// either order finds the user, another session's new user appears in the
// open filter by name, and s sorts the list with the header saying so.
func TestNameSearchAndSortThroughProgram(t *testing.T) {
	desk := newTestDesk(t, 200)
	tm := teatest.NewTestModel(t, newTestModel(desk), teatest.WithInitialTermSize(120, 40))
	waitWords(t, tm, "All 200", "1 of 200", "sorted by created ↑")
	sendKeys(tm, "/", "Nguyen Kofi")
	waitWords(t, tm, "kofi.nguyen@acme.com", "1 of 1 best matches")
	sendKeys(tm, "esc")
	waitWords(t, tm, "1 of 200")

	sendKeys(tm, "/", "wanjiru")
	waitWords(t, tm, "No name or email matches wanjiru.")
	if _, err := desk.CreateUser(domain.Actor{Name: "agent:omar"}, domain.UserInput{Email: "wk@example.org", Name: "Wanjiru Kamau"}); err != nil {
		t.Fatal(err)
	}
	waitWords(t, tm, "wk@example.org", "Wanjiru Kamau")
	sendKeys(tm, "esc")
	waitWords(t, tm, "1 of 201")

	sendKeys(tm, "s", "s")
	waitWords(t, tm, "sorted by email ↑")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

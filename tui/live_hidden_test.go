package tui

import (
	"testing"

	"helpdesk/domain"
)

// A screen under another one does not reread on every commit; it catches
// up with what it missed when it is shown again.
func TestHiddenScreensCatchUpWhenShown(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 120, 40)
	d.mustShow("[All 200]")
	d.keys("n") // the list is now under the new user form
	activeAs[*createUserScreen](t, d)

	u, err := desk.CreateUser(domain.Actor{Name: "agent:omar"}, domain.UserInput{Email: "zed.hidden@example.org", Mail: string(domain.MailNone)})
	if err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: u.ID}}})
	if n := d.m.tabs[tabUsers].(*usersScreen).tabCount(0); n != 200 {
		t.Fatalf("the hidden list reread while hidden: it counts %d", n)
	}

	d.send(backMsg{force: true})
	d.mustShow("[All 201]")
}

package tui

import (
	"testing"
	"time"

	"helpdesk/domain"
)

// An agent's screens hide the keys it may not use, and a key pressed anyway
// says which permission it needs, in the Desk's own words.
func TestScreensFollowTheAgentsPermissions(t *testing.T) {
	desk := newTestDesk(t, 20)
	viewer := domain.Actor{Name: "agent:val@example.com", AgentID: 7, Perms: domain.PermOrgsWrite}
	m := New(Options{Desk: desk, Actor: viewer, Renderer: asciiRenderer(), Location: time.UTC})
	d := newDriverWith(t, m, 100, 30)

	d.mustNotShow("new user", "disable/enable")
	d.keys("n")
	if _, ok := d.m.active().(*usersScreen); !ok {
		t.Fatalf("n opened %T for an agent without users.write", d.m.active())
	}
	d.mustShow("needs the users.write permission")

	d.keys("enter") // the first user
	activeAs[*userScreen](t, d)
	d.mustNotShow("e edit")
	d.keys("e")
	if activeAs[*userScreen](t, d).editing {
		t.Fatal("the edit form opened for an agent without users.write")
	}
	d.mustShow("needs the users.write permission")
	d.keys("d")
	d.mustShow("needs the users.disable permission")

	// What it may do stays offered.
	d.keys("esc", "2")
	d.mustShow("new organization")
}

// The owner of the database file (the local console) sees every key.
func TestOwnerSeesEveryKey(t *testing.T) {
	desk := newTestDesk(t, 20)
	d := newDriver(t, desk, 100, 30)
	d.mustShow("new user", "disable/enable")
}

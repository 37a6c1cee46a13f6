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

// The keys of the customer portal follow the same rule: settings need the
// templates permission, links users.write, branding orgs.write.
func TestPortalKeysFollowTheAgentsPermissions(t *testing.T) {
	desk := newTestDesk(t, 20)
	viewer := domain.Actor{Name: "agent:val@example.com", AgentID: 7, Perms: domain.PermOrgDomains}
	m := New(Options{Desk: desk, Actor: viewer, Renderer: asciiRenderer(), Location: time.UTC})
	d := newDriverWith(t, m, 120, 30)

	d.keys("enter") // the first user, pending
	activeAs[*userScreen](t, d)
	d.mustShow("never signed in")
	d.mustNotShow("R send", "V resend", "resends the verification link")
	d.keys("V")
	d.mustShow("needs the users.write permission")

	d.keys("esc", "2", "enter")
	activeAs[*orgScreen](t, d)
	d.mustNotShow("sign-in branding")
	d.keys("b")
	if activeAs[*orgScreen](t, d).mode != orgViewing {
		t.Fatal("b opened the branding form for an agent without orgs.write")
	}
	d.mustShow("needs the orgs.write permission")

	d.keys("esc", "4", "S")
	s := activeAs[*settingsScreen](t, d)
	d.mustShow("read only", "base-url")
	d.mustNotShow("enter edit")
	d.keys("e")
	if s.form != nil {
		t.Fatal("e opened a setting for an agent without templates")
	}
	d.mustShow("needs the templates permission")
}

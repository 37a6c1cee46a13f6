package tui

import (
	"fmt"
	"testing"

	"helpdesk/domain"
)

// domainFixture is a desk with an organization, Initech, without domains,
// and n users at initech.com without an organization.
func domainFixture(t *testing.T, n int) (*domain.Desk, domain.Organization) {
	t.Helper()
	desk := newTestDesk(t, 0)
	o, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Initech"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := desk.CreateUser(testActor, domain.UserInput{Email: fmt.Sprintf("user%04d@initech.com", i+1), Mail: "none"}); err != nil {
			t.Fatal(err)
		}
	}
	return desk, o
}

func orgless(t *testing.T, desk *domain.Desk, n int) int {
	t.Helper()
	left := 0
	for i := range n {
		if userByEmail(t, desk, fmt.Sprintf("user%04d@initech.com", i+1)).OrgID == 0 {
			left++
		}
	}
	return left
}

// Adding a domain offers three choices, each by its letter: add only
// leaves the users where they were, Enter chooses nothing, n cancels.
func TestAddDomainOnlyMovesNobody(t *testing.T) {
	desk, o := domainFixture(t, 20)
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: o.ID})
	d.keys("a", "initech.com", "enter")
	d.mustShow("Add initech.com to Initech?", "20 users without an organization at initech.com would join Initech if moved:",
		"y add and move these 20 users", "o add only (move nobody)", "n/esc cancel")
	d.keys("enter")
	d.mustShow("Enter does not choose here: press y, o or n/esc.")
	if got, _ := desk.Org(o.ID); len(got.Domains) != 0 {
		t.Fatal("Enter added the domain")
	}
	d.keys("n")
	d.mustShow("Cancelled: initech.com was not added and nobody moved.")
	if got, _ := desk.Org(o.ID); len(got.Domains) != 0 {
		t.Fatal("cancel added the domain")
	}
	d.keys("a", "initech.com", "enter", "o")
	d.mustShow("Added initech.com to Initech; nobody moved (20 users at initech.com keep no organization).", "Members (0)")
	if got, _ := desk.Org(o.ID); len(got.Domains) != 1 || got.Domains[0] != "initech.com" {
		t.Fatalf("domains %v", got.Domains)
	}
	if n := orgless(t, desk, 20); n != 20 {
		t.Fatalf("%d of 20 users still have no organization after add only", n)
	}
	// The domain is there now: adding it again offers to move them.
	d.keys("a", "initech.com", "enter")
	d.mustShow("Initech already has initech.com. Move its users without an organization?", "y move these 20 users")
	d.mustNotShow("add only")
	d.keys("y")
	d.mustShow("20 users at initech.com joined Initech.", "Members (20)")
	if n := orgless(t, desk, 20); n != 0 {
		t.Fatalf("%d users left without an organization", n)
	}
}

func TestAddDomainAndMove(t *testing.T) {
	desk, o := domainFixture(t, 3)
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: o.ID})
	d.keys("a", "initech.com", "enter", "y")
	d.mustShow("Added initech.com to Initech; 3 users joined.", "Members (3)")
	if n := orgless(t, desk, 3); n != 0 {
		t.Fatalf("%d users left without an organization", n)
	}
}

// The preview lists every user it would move and scrolls through them.
func TestAddDomainPreviewScrolls(t *testing.T) {
	const n = 1000
	desk, o := domainFixture(t, n)
	d := newDriver(t, desk, 80, 24)
	d.send(openOrgMsg{id: o.ID})
	d.keys("a", "initech.com", "enter")
	d.mustShow("user0001@initech.com", "users 1–", "of 1,000")
	d.mustNotShow("user1000@initech.com", "more")
	d.keys("end")
	d.mustShow("user1000@initech.com", "–1,000 of 1,000")
	d.mustNotShow("user0001@initech.com")
	d.keys("home", "down")
	d.mustShow("user0002@initech.com", "users 2–")
	d.mustNotShow("user0001@initech.com")
	seen := map[string]bool{}
	d.keys("home")
	s := activeAs[*orgScreen](t, d)
	for range n {
		for i := s.addDom.top; i < min(s.addDom.top+s.domainRows(), n); i++ {
			seen[s.addDom.pv.Users[i].Email] = true
		}
		d.keys("pgdown")
	}
	if len(seen) != n {
		t.Fatalf("paging showed %d of %d users", len(seen), n)
	}
	if got, _ := desk.Org(o.ID); len(got.Domains) != 0 {
		t.Fatal("scrolling added the domain")
	}
}

package tui

import (
	"testing"

	"helpdesk/domain"
)

// The New user form warns as soon as the email's domain gives an
// organization below an inactive one, before saving, in the words user
// add prints; the user can still be created.
func TestNewUserWarnsOfAnInactiveOrganization(t *testing.T) {
	desk := newTestDesk(t, 0)
	top, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Globex", Domains: []string{"globex.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Globex EU", Parent: "Globex", Domains: []string{"eu.globex.com"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Initech", Domains: []string{"initech.com"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.DeactivateOrg(testActor, top.ID); err != nil {
		t.Fatal(err)
	}
	warning := "Globex is inactive: its users cannot sign in and get no mail until it is activated."
	d := newDriver(t, desk, 120, 40)
	d.keys("n", "ann@initech.com")
	d.mustShow("Initech", "(from")
	d.mustNotShow("inactive")
	for range len("initech.com") {
		d.keys("backspace")
	}
	d.keys("eu.globex.com")
	d.mustShow("Globex EU", "⚠ "+warning)
	d.keys("ctrl+s")
	u := userByEmail(t, desk, "ann@eu.globex.com")
	if desk.OrgName(u.OrgID) != "Globex EU" {
		t.Fatalf("created in %q", desk.OrgName(u.OrgID))
	}
}

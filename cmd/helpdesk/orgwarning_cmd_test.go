package main

import (
	"strings"
	"testing"
)

// TestUserAddWarnsOfAnInactiveOrganization: user add in an organization
// below an inactive one creates the user and warns on stderr, naming the
// inactive organization, in the words the console's form uses.
func TestUserAddWarnsOfAnInactiveOrganization(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("org", "add", "--name", "Acme EU", "--parent", "Acme", "--domain", "eu.acme.com")
	code, out, errs := c.run("", "user", "add", "--email", "ann@eu.acme.com", "--mail", "none")
	if code != 0 || strings.Contains(errs, "warning") {
		t.Fatalf("active chain: %d %q %q", code, out, errs)
	}
	c.ok("org", "deactivate", "Acme")
	code, out, errs = c.run("", "user", "add", "--email", "bob@eu.acme.com", "--mail", "none")
	want := "warning: Acme is inactive: its users cannot sign in and get no mail until it is activated.\n"
	if code != 0 || !strings.Contains(out, "Created user 2 bob@eu.acme.com in Acme EU") || errs != want {
		t.Fatalf("inactive parent: %d %q %q; want stderr %q", code, out, errs, want)
	}
	if show := c.ok("user", "show", "bob@eu.acme.com"); !strings.Contains(show, "bob@eu.acme.com") {
		t.Fatalf("the user was not created:\n%s", show)
	}
}

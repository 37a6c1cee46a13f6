package main

import (
	"strings"
	"testing"
)

// user add --group puts the new user in the groups named, or creates
// nothing when one refuses it.
func TestUserAddWithGroups(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("org", "add", "--name", "Beta", "--domain", "beta.com")
	c.ok("group", "add", "--name", "Acme Admins", "--org", "Acme")
	c.ok("group", "add", "--name", "Everyone")
	out := c.ok("user", "add", "--email", "ann@acme.com", "--group", "Acme Admins", "--group", "everyone")
	if !strings.Contains(out, "In the groups Acme Admins, everyone.") {
		t.Errorf("user add said %q", out)
	}
	if out := c.ok("user", "show", "ann@acme.com"); !strings.Contains(out, "Acme Admins") || !strings.Contains(out, "Everyone") {
		t.Errorf("user show: %q", out)
	}
	code, _, errs := c.run("", "user", "add", "--email", "bea@beta.com", "--group", "Acme Admins")
	if code != 1 || !strings.Contains(errs, "Acme Admins is a group of Acme; bea@beta.com is not in that organization or below it") {
		t.Errorf("outsider: exit %d %q", code, errs)
	}
	if code, _, _ := c.run("", "user", "show", "bea@beta.com"); code == 0 {
		t.Error("bea was created although her group was refused")
	}
}

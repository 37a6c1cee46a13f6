package main

import (
	"strings"
	"testing"
)

func TestCustomerGroupCommands(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "ann@acme.com")
	c.ok("user", "add", "--email", "bea@beta.com")
	out := c.ok("group", "add", "--name", "Acme Admins", "--org", "Acme", "--perms", "billing,conversations.org")
	if out != "Created group 1 Acme Admins of Acme with permissions conversations.org,billing.\n" {
		t.Errorf("group add said %q", out)
	}
	if first, _ := c.fail(2, "group", "add", "--name", "X", "--perms", "root"); !strings.Contains(first, `"root" is not a customer permission`) {
		t.Errorf("bad permission: %q", first)
	}
	out = c.ok("group", "member", "add", "acme admins", "ANN@acme.com")
	if out != "Added ann@acme.com to Acme Admins; its customer permissions are now conversations.org,billing.\n" {
		t.Errorf("member add said %q", out)
	}
	first, _ := c.fail(1, "group", "member", "add", "Acme Admins", "bea@beta.com")
	if first != "helpdesk: cannot add bea@beta.com: group: Acme Admins is a group of Acme; bea@beta.com is not in that organization or below it" {
		t.Errorf("outsider: %q", first)
	}
	if out := c.ok("user", "show", "ann@acme.com"); !strings.Contains(out, "groups:        Acme Admins (permissions conversations.org,billing)\n") {
		t.Errorf("show:\n%s", out)
	}
	if out := c.ok("group", "list"); !strings.Contains(out, "Acme Admins  Acme          conversations.org,billing  1") {
		t.Errorf("list:\n%s", out)
	}
	out = c.ok("group", "member", "remove", "Acme Admins", "ann@acme.com")
	if out != "Removed ann@acme.com from Acme Admins; its customer permissions are now none.\n" {
		t.Errorf("member remove said %q", out)
	}
	if first, _ := c.fail(2, "group"); !strings.Contains(first, "needs a subcommand") {
		t.Errorf("bare group: %q", first)
	}
	c.checkClean()
}

package main

import (
	"strings"
	"testing"
)

func TestOrgCopy(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Holding")
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com", "--parent", "Holding", "--notes", "Pays late")
	c.run("Terms\n", "org", "agreement", "set", "Acme", "--title", "Standard Rates", "--text-file", "-")
	c.ok("user", "add", "--email", "ann@acme.com")

	out := c.ok("org", "copy", "acme", "--name", "Acme 2027", "--parent", "--agreement", "--notes")
	if out != "Created organization 3 Acme 2027 from Acme (parent Holding, agreement Standard Rates v1, notes), inactive, without users or domains. Activate it with: helpdesk org activate \"Acme 2027\"\n" {
		t.Errorf("copy said %q", out)
	}
	out = c.ok("org", "copy", "Acme", "--name", "Bare")
	if !strings.Contains(out, "from Acme (nothing but the name), inactive") {
		t.Errorf("bare copy said %q", out)
	}
	if out := c.ok("org", "tree"); out != "Bare (0 members, inactive)\nHolding (0 members)\n  Acme (1 member, agreement Standard Rates v1)\n  Acme 2027 (0 members, inactive, agreement Standard Rates v1)\n" {
		t.Errorf("tree after copies:\n%s", out)
	}
	if first, _ := c.fail(1, "org", "copy", "Acme", "--name", "bare"); first != `helpdesk: cannot copy Acme: name: an organization named "Bare" already exists` {
		t.Errorf("taken name: %q", first)
	}
	if first, _ := c.fail(2, "org", "copy", "Acme"); first != "helpdesk: --name is required" {
		t.Errorf("no name: %q", first)
	}
	c.checkClean()
}

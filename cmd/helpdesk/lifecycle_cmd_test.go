package main

import (
	"context"
	"strings"
	"testing"

	"helpdesk/domain"
	"helpdesk/store"
)

// fail runs a command line that must fail with code and returns the first
// line of stderr and stdout.
func (c *cli) fail(code int, args ...string) (first, stdout string) {
	c.t.Helper()
	got, out, errs := c.run("", args...)
	if got != code {
		c.t.Fatalf("helpdesk %s: exit %d, want %d (stdout %q, stderr %q)", strings.Join(args, " "), got, code, out, errs)
	}
	return strings.SplitN(errs, "\n", 2)[0], out
}

// checkClean runs the store's integrity check on the CLI's database.
func (c *cli) checkClean() {
	c.t.Helper()
	db, err := store.Open(c.db, store.Options{ReadOnly: true})
	if err != nil {
		c.t.Fatal(err)
	}
	defer db.Close()
	probs, err := db.Check(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	for _, p := range probs {
		c.t.Errorf("store check: %s", p)
	}
}

func TestOrgActivateDeactivateAndUserShow(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Holding")
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com", "--parent", "Holding")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	if out := c.ok("user", "show", "ann@acme.com"); strings.Contains(out, "cannot sign in") {
		t.Errorf("active chain, yet show says:\n%s", out)
	}
	out := c.ok("org", "deactivate", "holding")
	if !strings.Contains(out, "Deactivated Holding: "+domain.DeactivateMeans+".") {
		t.Errorf("deactivate said %q", out)
	}
	if out := c.ok("user", "show", "ann@acme.com"); !strings.Contains(out, "cannot sign in:  organization Holding is inactive") {
		t.Errorf("show under an inactive parent:\n%s", out)
	}
	if first, _ := c.fail(1, "org", "deactivate", "Holding"); first != "helpdesk: cannot deactivate Holding: active: Holding is already inactive" {
		t.Errorf("second deactivate: %q", first)
	}
	if out := c.ok("org", "activate", "Holding"); !strings.HasPrefix(out, "Activated Holding") {
		t.Errorf("activate said %q", out)
	}
	if out := c.ok("user", "show", "ann@acme.com"); strings.Contains(out, "cannot sign in") {
		t.Errorf("after activation show says:\n%s", out)
	}
	if first, _ := c.fail(1, "org", "activate", "Nobody"); first != `helpdesk: no organization named "Nobody"` {
		t.Errorf("unknown organization: %q", first)
	}
	if first, _ := c.fail(2, "org", "activate"); first != "helpdesk: missing NAME" {
		t.Errorf("no name: %q", first)
	}
	audit := c.ok("user", "list") // the desk still opens and lists
	if !strings.Contains(audit, "ann@acme.com") {
		t.Errorf("user list: %s", audit)
	}
	c.checkClean()
}

func TestUserDeleteNeedsConfirmation(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	c.ok("user", "add", "--email", "bob@acme.com", "--name", "Bob")
	code, _, errs := c.run("Hi Ann", "conv", "new", "--requester", "ann@acme.com", "--subject", "Printer", "--body-file", "-")
	if code != 0 {
		t.Fatalf("conv new: %s", errs)
	}

	first, out := c.fail(1, "user", "delete", "ann@acme.com")
	if out != "Deleting ann@acme.com (Ann Lee) removes the user, 1 conversation, 1 message, 2 queued mails. This cannot be undone.\n" {
		t.Errorf("preview %q", out)
	}
	if first != "helpdesk: not deleted: ann@acme.com is permanent; repeat the email to confirm: helpdesk user delete ann@acme.com --confirm ann@acme.com" {
		t.Errorf("refusal %q", first)
	}
	first, _ = c.fail(1, "user", "delete", "ann@acme.com", "--confirm", "bob@acme.com")
	if first != `helpdesk: cannot delete ann@acme.com: confirm: "bob@acme.com" is not the email of the user to delete (ann@acme.com); nothing was deleted` {
		t.Errorf("wrong confirmation %q", first)
	}
	c.ok("user", "show", "ann@acme.com")

	out = c.ok("user", "delete", "ANN@acme.com", "--confirm", "Ann@Acme.com")
	if out != "Deleted ann@acme.com for good: 1 conversation, 1 message, 2 queued mails removed or cancelled.\n" {
		t.Errorf("delete said %q", out)
	}
	if first, _ := c.fail(1, "user", "show", "ann@acme.com"); first != "helpdesk: no user with email ann@acme.com" {
		t.Errorf("show after delete: %q", first)
	}
	if out := c.ok("conv", "list"); strings.Contains(out, "Printer") {
		t.Errorf("the deleted user's conversation is listed:\n%s", out)
	}
	if out := c.ok("user", "list"); strings.Contains(out, "ann@acme.com") || !strings.Contains(out, "bob@acme.com") {
		t.Errorf("user list after delete:\n%s", out)
	}
	if first, _ := c.fail(2, "user", "delete"); first != "helpdesk: missing EMAIL" {
		t.Errorf("no email: %q", first)
	}
	c.checkClean()
}

// An agent with the agent role's permissions is refused before any preview,
// naming the permission.
func TestUserDeleteNeedsThePermission(t *testing.T) {
	c := newCLI(t)
	c.ok("user", "add", "--email", "ann@acme.com")
	var out, errb strings.Builder
	a := &app{in: strings.NewReader(""), out: &out, err: &errb,
		as: &domain.Actor{Name: "agent:al", AgentID: 7, Perms: domain.RoleAgent.DefaultPerms()}}
	root := a.rootCommand()
	root.SetArgs([]string{"--db", c.db, "user", "delete", "ann@acme.com", "--confirm", "ann@acme.com"})
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.Execute()
	if err == nil || err.Error() != "cannot delete ann@acme.com: agent:al may not do this: it needs the users.delete permission; ask an admin to grant it" {
		t.Errorf("plain agent: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q before refusing", out.String())
	}
	c.ok("user", "show", "ann@acme.com")
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

func TestAgreementSetAcceptShowAndTree(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Rates Group")
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("org", "add", "--name", "Acme Labs", "--domain", "labs.acme.com", "--parent", "Acme")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	c.ok("user", "add", "--email", "cy@labs.acme.com", "--name", "Cy")
	terms := filepath.Join(t.TempDir(), "terms.txt")
	if err := os.WriteFile(terms, []byte("You pay what we say.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		c.ok("org", "agreement", "set", "Rates Group", "--title", "Standard Rates", "--text-file", terms)
	}
	code, out, errs := c.run("New prices.\n", "org", "agreement", "set", "rates group", "--title", "Standard Rates", "--text-file", "-")
	if code != 0 || !strings.HasPrefix(out, "Set the agreement of Rates Group: Standard Rates v3.") {
		t.Fatalf("set from stdin: %d %q %q", code, out, errs)
	}
	if first, _ := c.fail(2, "org", "agreement", "set", "Acme", "--text-file", terms); first != "helpdesk: --title is required" {
		t.Errorf("no title: %q", first)
	}
	if first, _ := c.fail(1, "org", "agreement", "set", "Acme", "--title", "T", "--text-file", "-"); first != "helpdesk: cannot set the agreement of Acme: text: an agreement needs a text" {
		t.Errorf("empty text: %q", first)
	}
	if first, _ := c.fail(1, "user", "accept", "ann@acme.com"); !strings.Contains(first, "no agreement applies to ann@acme.com") {
		t.Errorf("accepting with no agreement: %q", first)
	}

	// Moving a user says what it will have to accept.
	out = c.ok("user", "edit", "ann@acme.com", "--org", "Rates Group")
	if out != "Updated user 1 ann@acme.com.\nAnn Lee will need to accept Standard Rates v3.\n" {
		t.Errorf("user move said %q", out)
	}
	if out := c.ok("user", "show", "ann@acme.com"); !strings.Contains(out, "agreement pending:  Standard Rates v3\n") {
		t.Errorf("show with a pending agreement:\n%s", out)
	}
	out = c.ok("user", "accept", "ANN@acme.com")
	today := time.Now().UTC().Format(time.DateOnly)
	if !strings.HasPrefix(out, "Recorded that ann@acme.com accepted Standard Rates v3 of Rates Group on "+today) {
		t.Errorf("accept said %q", out)
	}
	if out := c.ok("user", "show", "ann@acme.com"); !strings.Contains(out, "Standard Rates, accepted on "+today+" (v3), recorded by owner:") {
		t.Errorf("show after acceptance:\n%s", out)
	}

	// Moving an organization under another parent says it for its users.
	out = c.ok("org", "edit", "Acme", "--parent", "Rates Group")
	if out != "Updated organization 2 Acme.\nCy will need to accept Standard Rates v3.\n" {
		t.Errorf("organization move said %q", out)
	}
	c.ok("org", "deactivate", "Acme Labs")
	out = c.ok("org", "tree")
	want := "Rates Group (1 member, agreement Standard Rates v3)\n" +
		"  Acme (0 members)\n" +
		"    Acme Labs (1 member, inactive)\n"
	if out != want {
		t.Errorf("tree:\n%s\nwant:\n%s", out, want)
	}
	if out := c.ok("org", "show", "Rates Group"); !strings.Contains(out, "agreement:  Standard Rates v3, set "+today) {
		t.Errorf("org show:\n%s", out)
	}
	c.checkClean()
}

// Over SSH --text-file may not name a file on the desk's host.
func TestAgreementTextFileOverSSHReadsStdinOnly(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := &session{db: db, desk: domain.NewDesk(db)}
	as := &domain.Actor{Name: "agent:eve", AgentID: 7, Perms: domain.PermAll}
	var out, errb bytes.Buffer
	code := runWith([]string{"org", "agreement", "set", "Acme", "--title", "T", "--text-file", "/etc/passwd"}, strings.NewReader(""), &out, &errb, as, s)
	if code != 2 || !strings.Contains(errb.String(), "over SSH, --text-file reads standard input only") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

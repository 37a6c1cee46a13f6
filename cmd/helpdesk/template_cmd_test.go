package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/domain"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTemplateSetRefusesWithTheReason(t *testing.T) {
	c := newCLI(t)
	noLink := writeFile(t, "nolink.txt", "Hello {FIRST_NAME}, welcome.\n")
	unknown := writeFile(t, "unknown.txt", "Hi {FIRST_NAME} from {COMPANY}: {MESSAGE}\n")
	good := writeFile(t, "good.txt", "Dear {NAME}, confirm here: {MESSAGE}\n")
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"template", "set", "verify", "--body-file", noLink}, 1, "helpdesk: cannot save template verify: body: a verify email must contain {MESSAGE}, which becomes the link"},
		{[]string{"template", "set", "verify", "--body-file", unknown}, 1, "unknown tag {COMPANY}; the tags are {NAME}, {FIRST_NAME}"},
		{[]string{"template", "set", "reset", "--subject", "Your link {MESSAGE}"}, 1, "{MESSAGE} (the link) belongs in the body, not the subject"},
		{[]string{"template", "set", "reset", "--subject", "  "}, 1, "subject: is empty"},
		{[]string{"template", "set", "vip", "--subject", "Hi", "--body-file", good}, 1, "a new template needs an event"},
		{[]string{"template", "set", "welcome", "--event", "verify"}, 1, "template welcome is for welcome mail; its event cannot change"},
		{[]string{"template", "set", "Bad Name!", "--event", "verify", "--subject", "x", "--body-file", good}, 1, "is not a template name"},
		{[]string{"template", "set", "verify", "--body-file", filepath.Join(t.TempDir(), "missing.txt")}, 1, "cannot read"},
		{[]string{"template", "set", "verify"}, 2, "nothing to change: give --subject, --body-file or --event"},
		{[]string{"template", "set", "vip", "--event", "birthday"}, 2, `"birthday" is not a mail event`},
		{[]string{"template", "set"}, 2, "missing NAME"},
		{[]string{"template", "show", "nope"}, 1, `no template named "nope"`},
		{[]string{"template"}, 2, "helpdesk template needs a subcommand"},
	}
	for _, tc := range cases {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.HasPrefix(errs, "helpdesk: ") || !strings.Contains(errs, tc.msg) {
			t.Errorf("helpdesk %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.msg)
		}
	}
	// Nothing refused was saved.
	if out := c.ok("template", "list"); strings.Count(out, " default ") != len(domain.MailEvents) {
		t.Errorf("a refused edit changed a template:\n%s", out)
	}
}

func TestTemplateSetShowAndList(t *testing.T) {
	c := newCLI(t)
	out := c.ok("template", "list")
	for _, name := range []string{"verify", "welcome", "reset"} {
		if !strings.Contains(out, name) {
			t.Errorf("template list lacks %s:\n%s", name, out)
		}
	}
	code, out, errs := c.run("Hi {FIRST_NAME}, welcome to {DESK_NAME}.\n", "--desk-name", "Acme Care",
		"template", "set", "welcome", "--subject", "Welcome, {NAME}", "--body-file", "-")
	if code != 0 || !strings.Contains(out, "Saved template welcome (welcome mail, version 1).") {
		t.Fatalf("set welcome: %d %q %q", code, out, errs)
	}
	good := writeFile(t, "good.txt", "Dear {NAME}, confirm here: {MESSAGE}\n")
	if out := c.ok("template", "set", "vip-verify", "--event", "verify", "--subject", "Confirm, {NAME}", "--body-file", good); !strings.Contains(out, "Saved template vip-verify") {
		t.Errorf("new template: %q", out)
	}
	out = c.ok("template", "show", "welcome")
	if !strings.Contains(out, "subject:  Welcome, {NAME}") || !strings.Contains(out, "\nHi {FIRST_NAME}, welcome to {DESK_NAME}.\n") || strings.Contains(out, "default") {
		t.Errorf("template show:\n%s", out)
	}
	out = c.ok("--desk-name", "Acme Care", "template", "show", "welcome", "--preview")
	if !strings.Contains(out, "subject:  Welcome, Ann Lee") || !strings.Contains(out, "Hi Ann, welcome to Acme Care.") {
		t.Errorf("template show --preview:\n%s", out)
	}
	out = c.ok("template", "list")
	if !strings.Contains(out, "vip-verify") || strings.Count(out, " default ") != len(domain.MailEvents)-1 {
		t.Errorf("template list after edits:\n%s", out)
	}
	// New users get the edited template. {DESK_NAME} is filled in with the
	// settings in force when the mail is sent or shown.
	c.ok("--desk-name", "Acme Care", "user", "add", "--email", "bo@acme.com", "--name", "Bo Berg", "--mail", "welcome")
	if out := c.ok("--desk-name", "Acme Care", "mail", "show", "1"); !strings.Contains(out, "subject:     Welcome, Bo Berg") || !strings.Contains(out, "Hi Bo, welcome to Acme Care.") {
		t.Errorf("queued welcome:\n%s", out)
	}
}

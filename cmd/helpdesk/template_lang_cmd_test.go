package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestTemplateTranslationCommands(t *testing.T) {
	c := newCLI(t)
	body := writeFile(t, "de.txt", "Hallo {FIRST_NAME},\n\nbitte bestätigen Sie hier: {MESSAGE}\n")
	if out := c.ok("template", "set", "verify", "--language", "de", "--subject", "Bestätigen Sie Ihre Adresse bei {DESK_NAME}", "--body-file", body); !strings.Contains(out, "Saved the de translation of template verify (verify mail, version 1).") {
		t.Errorf("set --language: %q", out)
	}
	out := c.ok("template", "list")
	if !strings.Contains(out, "TRANSLATIONS") || !regexpLine(out, `^verify\s+verify\s+default\s+de\s+Confirm your email`) || !regexpLine(out, `^welcome\s+welcome\s+default\s+-\s+Welcome`) {
		t.Errorf("template list:\n%s", out)
	}
	out = c.ok("template", "show", "verify", "--language", "de")
	if !strings.Contains(out, "language:  de\n") || !strings.Contains(out, "subject:   Bestätigen Sie Ihre Adresse bei {DESK_NAME}") || !strings.Contains(out, "bitte bestätigen Sie hier: {MESSAGE}") {
		t.Errorf("template show --language de:\n%s", out)
	}
	// The base is as it was.
	if out := c.ok("template", "show", "verify"); !strings.Contains(out, "subject:  Confirm your email for {DESK_NAME}") {
		t.Errorf("template show verify:\n%s", out)
	}

	// A customer who reads German gets it; the desk's default language
	// covers customers without one.
	c.ok("user", "add", "--email", "jonas@example.com", "--name", "Jonas", "--language", "de-DE")
	c.ok("user", "add", "--email", "ann@example.com", "--name", "Ann")
	if out := c.ok("mail", "show", "1"); !strings.Contains(out, "Bestätigen Sie Ihre Adresse bei Helpdesk") || !strings.Contains(out, "Hallo Jonas,") {
		t.Errorf("mail to a German customer:\n%s", out)
	}
	if out := c.ok("mail", "show", "2"); !strings.Contains(out, "Confirm your email for Helpdesk") {
		t.Errorf("mail to a customer without a language, no desk default:\n%s", out)
	}
	if out := c.ok("config", "set", "language", "de"); out != "language: de\n" {
		t.Errorf("config set language: %q", out)
	}
	if out := c.ok("config", "show", "--json"); !strings.Contains(out, `"language": "de"`) {
		t.Errorf("config show --json: %s", out)
	}
	c.ok("user", "add", "--email", "bea@example.com", "--name", "Bea")
	if out := c.ok("mail", "show", "3"); !strings.Contains(out, "Hallo Bea,") {
		t.Errorf("mail on a German desk:\n%s", out)
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"template", "set", "nosuch", "--language", "de", "--subject", "x", "--body-file", body}, 1, `no template named "nosuch" to translate`},
		{[]string{"template", "set", "verify", "--language", "fr", "--subject", "Bonjour"}, 1, "a new fr translation of verify needs both a subject and a body"},
		{[]string{"template", "set", "verify", "--language", "not a tag!", "--subject", "x"}, 1, "is not a language tag"},
		{[]string{"template", "set", "verify", "--language", "", "--subject", "x"}, 2, "--language needs a language tag"},
		{[]string{"template", "set", "verify", "--language", "de"}, 2, "nothing to change"},
		{[]string{"template", "show", "verify", "--language", "fr"}, 1, "template verify has no fr translation; add one with template set verify --language fr"},
		{[]string{"config", "set", "language", "Klingonisch!"}, 1, "is not a language tag"},
	} {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("helpdesk %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.msg)
		}
	}
}

// regexpLine reports whether a line of out matches the pattern.
func regexpLine(out, pattern string) bool {
	re := regexp.MustCompile(pattern)
	for _, line := range strings.Split(out, "\n") {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

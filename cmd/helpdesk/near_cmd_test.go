package main

import (
	"strings"
	"testing"
)

// user add refuses every near duplicate with exit 1 and a sentence naming
// the existing user, unless --allow-near; an NFD twin is an exact duplicate.
func TestUserAddRefusesNearDuplicates(t *testing.T) {
	c := newCLI(t)
	c.ok("user", "add", "--email", "admin@acme.com", "--mail", "none")
	c.ok("user", "add", "--email", "john.smith@gmail.com", "--mail", "none")
	c.ok("user", "add", "--email", "\u00e9lodie@acme.com", "--mail", "none")
	for _, tc := range []struct{ email, msg string }{
		{"\u0430dmin@acme.com", "helpdesk: cannot add user: \u0430dmin@acme.com is a possible duplicate (lookalike): it looks like user 1 admin@acme.com (Cyrillic letters); if it is another person, add --allow-near"},
		{"johnsmith@gmail.com", "helpdesk: cannot add user: johnsmith@gmail.com is a possible duplicate (near): it may be user 2 john.smith@gmail.com (same address without dots or +tag); if it is another person, add --allow-near"},
		{"john.smith+news@gmail.com", "(near): it may be user 2 john.smith@gmail.com (same address without dots or +tag)"},
		{"admim@acme.com", "(near): it may be user 1 admin@acme.com (one typo away)"},
		{"admin@globex.com", "(near): it may be user 1 admin@acme.com (same name at another domain)"},
		{"\u0440aul@acme.com", "(lookalike): it mixes Cyrillic and Latin letters, as look-alike addresses do"},
		{"e\u0301lodie@acme.com", "helpdesk: cannot add user: email \u00e9lodie@acme.com already belongs to \u00e9lodie@acme.com (user 3)"},
	} {
		code, out, errs := c.run("", "user", "add", "--email", tc.email, "--mail", "none")
		if code != 1 || out != "" || !strings.Contains(errs, tc.msg) || strings.Count(errs, "\n") != 1 {
			t.Errorf("user add %q: exit %d, stdout %q, stderr %q; want exit 1 and %q", tc.email, code, out, errs, tc.msg)
		}
	}
	if list := c.ok("user", "list"); strings.Count(list, "\n") != 4 {
		t.Errorf("a refused user was created:\n%s", list)
	}
	out := c.ok("user", "add", "--email", "\u0430dmin@acme.com", "--mail", "none", "--allow-near")
	if !strings.HasPrefix(out, "Created user 4 \u0430dmin@acme.com") {
		t.Errorf("--allow-near: %q", out)
	}
	// The exact twin stays refused, --allow-near or not.
	if code, _, errs := c.run("", "user", "add", "--email", "e\u0301lodie@acme.com", "--allow-near"); code != 1 || !strings.Contains(errs, "already belongs") {
		t.Errorf("NFD twin with --allow-near: exit %d %q", code, errs)
	}
}

// import users reports each near duplicate with its line, email, kind and
// the existing user, and skips it unless --allow-near.
func TestImportReportsNearDuplicates(t *testing.T) {
	c := newCLI(t)
	c.ok("user", "add", "--email", "admin@acme.com", "--mail", "none")
	csv := "email,name\n\u0430dmin@acme.com,Twin\nann@acme.com,Ann\ne\u0301lodie@acme.com,\u00c9lodie\n"
	code, out, errs := c.run(csv, "import", "users", "-")
	want := "line 2: \u0430dmin@acme.com: possible duplicate (lookalike): it looks like user 1 admin@acme.com (Cyrillic letters)\n" +
		"Imported 2 of 3 rows; 1 failed.\n" +
		"1 row was skipped as a possible duplicate of an existing user; check it, and import it again with --allow-near if it is another person.\n"
	if code != 0 || out != want {
		t.Errorf("import: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errs, out, want)
	}
	if code, _, _ := c.run("", "user", "show", "\u0430dmin@acme.com"); code != 1 {
		t.Errorf("the skipped lookalike was stored")
	}
	// The NFD row was stored composed.
	if show := c.ok("user", "show", "\u00e9lodie@acme.com"); !strings.Contains(show, "\u00e9lodie@acme.com") {
		t.Errorf("composed address not found:\n%s", show)
	}
	code, out, _ = c.run("email\n\u0430dmin@acme.com\n", "import", "users", "-", "--allow-near")
	if code != 0 || out != "Imported 1 of 1 rows; 0 failed.\n" {
		t.Errorf("--allow-near: exit %d %q", code, out)
	}
	if show := c.ok("user", "show", "\u0430dmin@acme.com"); !strings.Contains(show, "\u0430dmin@acme.com") {
		t.Errorf("allowed lookalike missing:\n%s", show)
	}
}

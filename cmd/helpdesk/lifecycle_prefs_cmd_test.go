package main

import (
	"strings"
	"testing"
)

func TestUserPrefs(t *testing.T) {
	c := newCLI(t)
	c.ok("user", "add", "--email", "ann@acme.com", "--phone", "020 7946 0000")
	first, _ := c.fail(1, "user", "prefs", "ann@acme.com", "--notify", "reply=sms")
	if first != `helpdesk: cannot set the preferences of ann@acme.com: channel: SMS for reply needs an E.164 mobile number: ann@acme.com's phone "020 7946 0000" is not one; use a form such as +33612345678` {
		t.Errorf("SMS without E.164: %q", first)
	}
	c.ok("user", "edit", "ann@acme.com", "--phone", "+44 7700 900123")
	out := c.ok("user", "prefs", "ann@acme.com", "--language", "en-gb", "--notify", "reply=SMS,welcome=none")
	if out != "Updated the preferences of ann@acme.com: language en-GB; welcome by none, reply by sms.\n" {
		t.Errorf("prefs said %q", out)
	}
	if out := c.ok("user", "show", "ann@acme.com"); !strings.Contains(out, "notifications:  welcome by none, reply by sms; the rest by email\n") {
		t.Errorf("show:\n%s", out)
	}
	if out := c.ok("user", "prefs", "ann@acme.com", "--notify", "reply=sms"); out != "Nothing changed for ann@acme.com.\n" {
		t.Errorf("no-op said %q", out)
	}
	for _, tc := range []struct{ arg, msg string }{
		{"reply", `--notify takes EVENT=CHANNEL, such as reply=sms, not "reply"`},
		{"reply=pigeon", `channel: "pigeon" is not a channel; use email, sms or none`},
		{"party=email", `event: "party" is not a notification event`},
	} {
		if first, _ := c.fail(2, "user", "prefs", "ann@acme.com", "--notify", tc.arg); !strings.Contains(first, tc.msg) {
			t.Errorf("--notify %s: %q", tc.arg, first)
		}
	}
	if first, _ := c.fail(2, "user", "prefs", "ann@acme.com"); !strings.Contains(first, "nothing to change") {
		t.Errorf("no flags: %q", first)
	}
	c.checkClean()
}

package main

import (
	"strings"
	"testing"

	"helpdesk/domain"
	"helpdesk/mailer/mailertest"
)

// TestConvMailStatusFollowsTheOutbox: conv reply and conv show say what
// the outbox holds, in the domain's words (the console's too): held with
// no transport, queued with its next try when this command line has SMTP,
// sent at … after a worker delivered it.
func TestConvMailStatusFollowsTheOutbox(t *testing.T) {
	c := newCLI(t)
	c.ok("user", "add", "--email", "uma@example.com", "--name", "Uma", "--mail", "none")
	code, out, errs := c.run("Hello Uma", "conv", "new", "--requester", "uma@example.com", "--subject", "Printer", "--body-file", "-")
	held := "queued, held: " + domain.NoTransport
	if code != 0 || !strings.Contains(out, "Mail to uma@example.com "+held+" (outbox message 1).") {
		t.Fatalf("conv new: %d %q %q", code, out, errs)
	}
	if show := c.ok("conv", "show", "1"); !strings.Contains(show, "("+held+")") || strings.Contains(show, "(mailed)") {
		t.Errorf("conv show without a transport:\n%s", show)
	}
	if ms := c.ok("mail", "show", "1"); !strings.Contains(ms, "status:") || !strings.Contains(ms, held) {
		t.Errorf("mail show without a transport:\n%s", ms)
	}
	if ml := c.ok("mail", "list"); !strings.Contains(ml, "held: "+domain.NoTransport) {
		t.Errorf("mail list without a transport:\n%s", ml)
	}
	p := mailertest.Start(t, mailertest.Options{})
	if show := c.ok(append(plainSMTP(p), "conv", "show", "1")...); !strings.Contains(show, "(queued, next try ") {
		t.Errorf("conv show with SMTP configured:\n%s", show)
	}
	c.ok(append(plainSMTP(p), "mail", "worker", "--once")...)
	show := c.ok("conv", "show", "1")
	if !strings.Contains(show, "(sent at ") || strings.Contains(show, "queued") {
		t.Errorf("conv show after the worker sent it:\n%s", show)
	}
	if ms := c.ok("mail", "show", "1"); !strings.Contains(ms, "sent at ") {
		t.Errorf("mail show after the worker sent it:\n%s", ms)
	}
}

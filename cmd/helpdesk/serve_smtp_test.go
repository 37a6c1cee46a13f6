package main

import (
	"net/smtp"
	"regexp"
	"strings"
	"testing"
)

var smtpLineRE = regexp.MustCompile(`Receiving mail for support@desk\.example on (\S+)\.`)

// serve --smtp-listen: the listener (mailer) wired into serve, stopped
// with it; a reply it takes is in conv show once serve has let go.
func TestServeSMTPListenReceivesIntoTheDesk(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	c.ok("config", "set", "inbound-address", "support@desk.example")
	out, exited, stop := serveCommandLine(t, c.db, "--smtp-listen", "127.0.0.1:0")
	addr := out.waitMatch(t, smtpLineRE, exited)
	msg := "From: Ann Lee <ann@acme.com>\r\nTo: support@desk.example\r\nSubject: Printer\r\nMessage-ID: <p1@acme.com>\r\n\r\nIt is on fire.\r\n"
	if err := smtp.SendMail(addr, nil, "ann@acme.com", []string{"support@desk.example"}, []byte(msg)); err != nil {
		t.Fatalf("send to serve --smtp-listen: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "Stored as conversation 1, from new pending user 1.") {
		t.Errorf("serve did not log the message:\n%s", s)
	}
	show := c.ok("conv", "show", "1")
	if !strings.Contains(show, "It is on fire.") || !strings.Contains(show, "(from the customer, by email)") {
		t.Errorf("conv show 1:\n%s", show)
	}
}

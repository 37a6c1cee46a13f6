package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"

	"helpdesk/store"
)

func TestMailReceiveThreadsAndConvAttachmentWritesBytes(t *testing.T) {
	c := newCLI(t)
	// Before any inbound address the desk takes nothing, for now: exit
	// 75, so the MTA keeps the message and tries again.
	if code, _, errs := c.run(eml2("ann@acme.com", "hi", "x"), "mail", "receive"); code != 75 || !strings.Contains(errs, "no inbound-address is set") || !strings.Contains(errs, "try again later") {
		t.Fatalf("mail receive before inbound-address: exit %d, %q; want 75", code, errs)
	}
	c.ok("config", "set", "inbound-address", "support@desk.example,help@desk.example")
	c.ok("user", "add", "--email", "ann@acme.com", "--mail", "none")
	if code, _, errs := c.run("Hello", "conv", "new", "--requester", "ann@acme.com", "--subject", "Printer", "--body-file", "-"); code != 0 {
		t.Fatalf("conv new: %q", errs)
	}
	var mails []map[string]any
	if err := json.Unmarshal([]byte(c.ok("mail", "list", "--json")), &mails); err != nil || len(mails) != 1 {
		t.Fatalf("mail list: %v %v", mails, err)
	}
	root := mails[0]["message_id"].(string)

	// A file with bytes the text-safe writer would drop (ESC, C1, NUL).
	file := "\x00\x1b[31mred\x9b\xff binary"
	msg := "From: Ann <ann@acme.com>\r\nTo: help@desk.example\r\nSubject: Re: Printer\r\nMessage-ID: <r1@acme.com>\r\nIn-Reply-To: " + root + "\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nStill broken, photo attached.\r\n\r\nOn Mon, Helpdesk wrote:\r\n> Hello\r\n" +
		"--B\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=photo.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString([]byte(file)) + "\r\n--B--\r\n"
	code, out, errs := c.run(msg, "mail", "receive")
	if code != 0 || out != "Stored as message 2 of conversation 1, with 1 attachment(s).\n" {
		t.Fatalf("mail receive: exit %d, %q %q", code, out, errs)
	}
	show := c.ok("conv", "show", "1")
	for _, want := range []string{"(from the customer, by email)", "Still broken, photo attached.", "[2 quoted line(s) hidden", fmt.Sprintf("attachment 1: photo.jpg (image/jpeg, %d bytes)", len(file))} {
		if !strings.Contains(show, want) {
			t.Errorf("conv show lacks %q:\n%s", want, show)
		}
	}
	if strings.Contains(show, "> Hello") {
		t.Errorf("conv show prints the quoted text; it should be collapsed:\n%s", show)
	}
	j := convShow(t, c, "1")
	m := j["messages"].([]any)[1].(map[string]any)
	if m["from_customer"] != true || m["via"] != "email" || m["quoted"] != "On Mon, Helpdesk wrote:\n> Hello" {
		t.Errorf("conv show --json message %v", m)
	}
	code, out, errs = c.run("", "conv", "attachment", "1", "1")
	if code != 0 || out != file || !strings.Contains(errs, "photo.jpg") {
		t.Errorf("conv attachment 1 1: exit %d, %q (want the bytes as sent), stderr %q", code, out, errs)
	}
	if code, _, errs := c.run("", "conv", "attachment", "1", "2"); code != 1 || !strings.Contains(errs, "there is no attachment 2") {
		t.Errorf("conv attachment 1 2: exit %d %q", code, errs)
	}
	if code, _, _ := c.run("", "conv", "attachment", "1", "x"); code != 2 {
		t.Errorf("conv attachment 1 x: exit %d, want 2", code)
	}

	// Refused: not for the desk, from the desk, too big; each a sentence,
	// exit 1, nothing stored.
	c.ok("config", "set", "inbound-max-size", "1KB")
	for _, tc := range []struct {
		args    []string
		msg     string
		wantErr string
	}{
		{[]string{"--to", "other@elsewhere.com"}, eml2("ann@acme.com", "x", "y"), "other@elsewhere.com is not an address of this desk"},
		{nil, eml2("support@desk.example", "x", "y"), "a mail loop"},
		{nil, eml2("ann@acme.com", "x", strings.Repeat("y", 2000)), "larger than this desk's limit of 1KB"},
	} {
		code, _, errs := c.run(tc.msg, append([]string{"mail", "receive"}, tc.args...)...)
		if code != 1 || !strings.Contains(errs, tc.wantErr) || strings.Count(errs, "\n") != 1 {
			t.Errorf("mail receive %v: exit %d, %q; want 1 and %q", tc.args, code, errs, tc.wantErr)
		}
	}
	if got := convShow(t, c, "1")["messages"].([]any); len(got) != 2 {
		t.Errorf("refused mail was stored: %d messages", len(got))
	}
}

// mail receive's exit codes are what an MTA's pipe acts on: 75 defers and
// retries (no inbound-address yet, the database held), 0 takes the
// message as delivered (stored, or dropped as a loop, repeat or bounce),
// 1 returns it to the sender, 2 is a wrong command line.
func TestMailReceiveExitCodesForMTAs(t *testing.T) {
	c := newCLI(t)
	c.ok("config", "set", "inbound-address", "support@desk.example")

	// A bounce from an unknown address: taken and dropped, no user.
	code, out, errs := c.run("From: MAILER-DAEMON@mx.elsewhere.example\r\nTo: support@desk.example\r\nSubject: Undelivered\r\n\r\nNot delivered.\r\n", "mail", "receive")
	if code != 0 || !strings.HasPrefix(out, "Not stored: it is a delivery report (bounce) from MAILER-DAEMON@mx.elsewhere.example") {
		t.Errorf("a bounce: exit %d, %q %q; want 0 and not stored", code, out, errs)
	}
	if list := c.ok("user", "list"); strings.Contains(strings.ToLower(list), "mailer-daemon") {
		t.Errorf("a bounce made a user:\n%s", list)
	}
	// A repeated delivery is taken too.
	msg := "Message-ID: <once@acme.com>\r\n" + eml2("ann@acme.com", "Hi", "Hello")
	if code, _, errs := c.run(msg, "mail", "receive"); code != 0 {
		t.Fatalf("first delivery: exit %d %q", code, errs)
	}
	if code, out, _ := c.run(msg, "mail", "receive"); code != 0 || !strings.Contains(out, "was received before") {
		t.Errorf("a repeated delivery: exit %d %q; want 0, not stored", code, out)
	}
	// Permanent: unreadable.
	if code, _, errs := c.run("no header here", "mail", "receive"); code != 1 || !strings.Contains(errs, "cannot be read as an RFC 5322 mail") {
		t.Errorf("an unreadable message: exit %d %q; want 1", code, errs)
	}
	// Usage.
	if code, _, _ := c.run(msg, "mail", "receive", "extra"); code != 2 {
		t.Errorf("mail receive extra: exit %d, want 2", code)
	}
	// The database held by another process (here, open in this one):
	// 75 after the lock wait, nothing stored.
	db, err := store.Open(c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs = c.run(strings.Replace(msg, "<once@", "<twice@", 1), "mail", "receive")
	db.Close()
	if code != 75 || !strings.Contains(errs, "is in use by process") || !strings.Contains(errs, "try again later") {
		t.Errorf("mail receive while the database is held: exit %d, %q; want 75", code, errs)
	}
	if n := strings.Count(c.ok("conv", "list"), "Hi"); n != 1 {
		t.Errorf("%d conversations named Hi; want the one first delivery", n)
	}
}

func eml2(from, subject, body string) string {
	return fmt.Sprintf("From: %s\r\nTo: support@desk.example\r\nSubject: %s\r\n\r\n%s\r\n", from, subject, body)
}

// An attachment's raw bytes never go to a terminal: the command refuses
// before it opens the desk.
func TestConvAttachmentRefusesTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	var errb strings.Builder
	code := run([]string{"--db", filepath.Join(t.TempDir(), "desk.db"), "conv", "attachment", "1", "1"}, strings.NewReader(""), tty, &errb)
	if code != 1 || !strings.Contains(errb.String(), "standard output is a terminal; redirect the attachment to a file") {
		t.Errorf("conv attachment to a terminal: exit %d, %q", code, errb.String())
	}
}

package main

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/mailer/mailertest"
	"helpdesk/store"
)

// plainSMTP are the flags that send to a clear-text peer on 127.0.0.1.
func plainSMTP(p *mailertest.Peer) []string {
	return []string{"--smtp-host", p.Host, "--smtp-port", strconv.Itoa(p.Port), "--smtp-tls", "none", "--from", "Acme Care <care@acme.com>"}
}

func mailList(t *testing.T, c *cli, args ...string) []map[string]any {
	t.Helper()
	var ms []map[string]any
	out := c.ok(append([]string{"mail", "list", "--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatalf("mail list --json: %v\n%s", err, out)
	}
	return ms
}

func TestMailListShowRetryAndWorker(t *testing.T) {
	c := newCLI(t)
	// The desk's name is a stored setting, so every process uses it; the
	// link base here is this process's override, given again to the worker
	// below, which composes the mail when it sends it.
	c.ok("config", "set", "desk-name", "Acme Care")
	c.ok("--base-url", "https://care.acme.com/pw?token=",
		"user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")

	// Queued, and with no transport the listing says why it stays so.
	out := c.ok("mail", "list")
	if !strings.Contains(out, "queued") || !strings.Contains(out, "ann@acme.com") || !strings.Contains(out, "held: no transport configured") {
		t.Errorf("mail list:\n%s", out)
	}
	ms := mailList(t, c)
	if len(ms) != 1 {
		t.Fatalf("%d messages", len(ms))
	}
	var keys []string
	for k := range ms[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"attempts", "channel", "created_at", "event", "id", "last_error", "message_id", "next_try", "sent_at", "state", "subject", "to", "to_name", "updated_at", "user_id"}
	if !slices.Equal(keys, want) {
		t.Errorf("mail JSON fields %v, want exactly %v", keys, want)
	}
	if ms[0]["state"] != "queued" || ms[0]["channel"] != "email" || ms[0]["subject"] != "Confirm your email for Acme Care" || ms[0]["to_name"] != "Ann Lee" {
		t.Errorf("message %v", ms[0])
	}
	msgID := ms[0]["message_id"].(string)

	// show hides the link, in text and JSON: while queued the message has
	// no link yet, only a note in its place.
	out = c.ok("mail", "show", "1")
	if strings.Contains(out, "care.acme.com/pw") || strings.Contains(out, "token=") || !strings.Contains(out, "[set-password link: ") || !strings.Contains(out, "Hello Ann,") {
		t.Errorf("mail show leaks or lacks the text:\n%s", out)
	}
	out = c.ok("mail", "show", "1", "--json")
	if strings.Contains(out, "care.acme.com/pw") || strings.Contains(out, "token=") || !strings.Contains(out, "[set-password link: ") {
		t.Errorf("mail show --json:\n%s", out)
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"mail", "retry", "1"}, 1, "helpdesk: cannot retry: state: message 1 is queued; only a failed or cancelled message can be retried"},
		{[]string{"mail", "show", "99"}, 1, "helpdesk: no outbox message with id 99"},
		{[]string{"mail", "retry", "99"}, 1, "no outbox message with id 99"},
		{[]string{"mail", "show", "abc"}, 2, `"abc" is not a message id`},
		{[]string{"mail", "retry"}, 2, "missing ID"},
		{[]string{"mail", "list", "--state", "lost"}, 2, `"lost" is not a mail state`},
		{[]string{"mail", "frob"}, 2, `unknown command "frob" for helpdesk mail`},
	} {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("helpdesk %s: exit %d, stderr %q; want %d and %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.msg)
		}
	}

	// A server that refuses the mailbox once: failed for good, then an
	// agent retries and it goes.
	p := mailertest.Start(t, mailertest.Options{Rcpt: func(call int, _ string) error {
		if call == 1 {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
		}
		return nil
	}})
	out = c.ok(append(plainSMTP(p), "--base-url", "https://care.acme.com/pw?token=", "mail", "worker", "--once")...)
	if !strings.Contains(out, "message 1 to ann@acme.com failed: ") || !strings.Contains(out, "550") {
		t.Errorf("worker --once against a 550:\n%s", out)
	}
	failed := mailList(t, c, "--state", "failed")
	if len(failed) != 1 || !strings.Contains(failed[0]["last_error"].(string), "mailbox unavailable") {
		t.Errorf("failed: %v", failed)
	}
	if out := c.ok("mail", "list", "--state", "failed"); !strings.Contains(out, "mailbox unavailable") {
		t.Errorf("the listing hides the error:\n%s", out)
	}
	if out := c.ok("mail", "retry", "1"); !strings.Contains(out, "Message 1 to ann@acme.com is queued again.") {
		t.Errorf("retry: %q", out)
	}
	out = c.ok(append(plainSMTP(p), "--base-url", "https://care.acme.com/pw?token=", "mail", "worker", "--once")...)
	if !strings.Contains(out, "sent message 1 to ann@acme.com "+msgID) || !strings.Contains(out, "1 message(s) attempted") {
		t.Errorf("worker --once after the retry:\n%s", out)
	}
	got := p.Next(t)
	if got.Header.Get("Subject") != "Confirm your email for Acme Care" || got.Header.Get("Message-Id") != msgID ||
		!strings.Contains(got.Text, "https://care.acme.com/pw?token=") {
		t.Errorf("delivered: subject %q, id %q, text %q", got.Header.Get("Subject"), got.Header.Get("Message-Id"), got.Text)
	}
	sent := mailList(t, c, "--state", "sent")
	if len(sent) != 1 || sent[0]["sent_at"] == "" || sent[0]["next_try"] != "" {
		t.Errorf("sent: %v", sent)
	}
	if code, _, errs := c.run("", "mail", "retry", "1"); code != 1 || !strings.Contains(errs, "retrying would send it twice") {
		t.Errorf("retry of a sent message: %d %q", code, errs)
	}
	if len(mailList(t, c, "--state", "queued")) != 0 {
		t.Error("a queued message is left")
	}
}

// The worker opens the database only per step, so other commands run
// beside it; here a message queued by `user add` while no worker step holds
// the file goes out on the next pass.
func TestWorkerLeavesTheDatabaseFree(t *testing.T) {
	c := newCLI(t)
	p := mailertest.Start(t, mailertest.Options{})
	c.ok("user", "add", "--email", "ann@acme.com")
	ob := fileOutbox{path: c.db}
	w := &mailer.Worker{Outbox: ob, Transport: mustTransport(t, p)}
	if n, err := w.DeliverDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	// Between steps the file is free for another command.
	c.ok("user", "add", "--email", "bob@acme.com")
	if n, err := w.DeliverDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	if p.Count() != 2 {
		t.Errorf("accepted %d", p.Count())
	}
}

func mustTransport(t *testing.T, p *mailertest.Peer) *mailer.SMTP {
	t.Helper()
	s, err := mailer.NewSMTP(mailer.SMTPConfig{Host: p.Host, Port: p.Port, TLS: mailer.TLSNone, From: "care@acme.com"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startMailWorker is how a long-running process (console, SSH server) runs
// delivery on its own desk: woken by its commits, stopped cleanly.
func TestStartMailWorkerBesideADesk(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{})
	t.Setenv(envSMTPHost, p.Host)
	t.Setenv(envSMTPPort, strconv.Itoa(p.Port))
	t.Setenv(envSMTPTLS, "none")
	t.Setenv(envFrom, "care@acme.com")
	db, err := store.Open(t.TempDir()+"/desk.db", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	desk := domain.NewDesk(db)
	results := make(chan mailer.Result, 4)
	stop, err := (&app{}).startMailWorker(desk, func(r mailer.Result) { results <- r }, func(err error) { t.Error(err) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.CreateUser(localActor(), domain.UserInput{Email: "ann@acme.com"}); err != nil {
		t.Fatal(err)
	}
	if got := p.Next(t); got.To[0] != "ann@acme.com" {
		t.Errorf("delivered to %v", got.To)
	}
	select {
	case r := <-results:
		if !r.Sent() || r.RecordErr != nil {
			t.Errorf("result %+v", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no result reported")
	}
	stop()

	// Without a host nothing runs and mail stays queued.
	t.Setenv(envSMTPHost, "")
	stop, err = (&app{}).startMailWorker(desk, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop()
}

// An agent signed in over SSH may read the outbox but not make the host
// connect to an SMTP server or read its password and CA files.
func TestRemoteAgentCannotRunTheWorkerOrSendTests(t *testing.T) {
	clearMailEnv(t)
	for _, args := range [][]string{
		{"--smtp-host", "127.0.0.1", "--smtp-tls", "none", "--from", "a@acme.com", "mail", "worker", "--once"},
		{"--smtp-host", "127.0.0.1", "--smtp-tls", "none", "--from", "a@acme.com", "--smtp-password-file", "/etc/passwd", "mail", "test", "--to", "b@acme.com"},
	} {
		var out, errb strings.Builder
		a := &app{in: strings.NewReader(""), out: &out, err: &errb, as: &domain.Actor{Name: "eve", AgentID: 7, Perms: domain.PermAll}}
		root := a.rootCommand()
		root.SetArgs(append([]string{"--db", t.TempDir() + "/desk.db"}, args...))
		root.SetOut(&out)
		root.SetErr(&errb)
		err := root.Execute()
		if err == nil || !strings.Contains(err.Error(), "runs only on the desk's own host, not over SSH") {
			t.Errorf("helpdesk %s as an SSH agent: %v", strings.Join(args, " "), err)
		}
	}
}

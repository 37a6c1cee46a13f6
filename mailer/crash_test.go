package mailer_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/mailer/mailertest"
	"helpdesk/store"
)

// The crash tests run the sender in a child process (this test binary,
// re-executed into TestCrashChild) and SIGKILL it at a chosen point of the
// SMTP session, held there by the peer's hooks. Then a new desk over the
// same file and a new worker finish the job. At least once, never lost,
// duplicated only when the crash fell between the final dot and the
// recorded 250, and always with the Message-ID fixed at queue time.

const (
	childDB   = "HELPDESK_MAILER_CRASH_DB"
	childPort = "HELPDESK_MAILER_CRASH_PORT"
	childSays = "crash-child: "
)

// TestCrashChild is the child: it creates a user (queuing the verification
// mail in the same transaction), prints the message, delivers, prints each
// recorded outcome and then waits to be killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(childDB)
	if path == "" {
		t.Skip("helper process of the crash tests")
	}
	port, _ := strconv.Atoi(os.Getenv(childPort))
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := domain.NewDesk(db, domain.WithMailConfig(domain.MailConfig{BaseURL: "https://desk.example.com/set-password?token="}))
	if _, err := d.CreateUser(agent, domain.UserInput{Email: "ann@acme.example", Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	m := only(t, d)
	fmt.Printf("%squeued %d %s\n", childSays, m.ID, m.MessageID)
	s, err := mailer.NewSMTP(mailer.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mailer.TLSNone, From: "desk@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	w := &mailer.Worker{Outbox: d, Transport: s, OnResult: func(r mailer.Result) {
		fmt.Printf("%srecorded %d sent=%v\n", childSays, r.Message.ID, r.Sent())
	}}
	if _, err := w.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%sidle\n", childSays)
	io.Copy(io.Discard, os.Stdin) // the parent never writes: wait for the kill
}

type child struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr *syncBuffer
}

func startChild(t *testing.T, dbPath string, p *mailertest.Peer) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childDB+"="+dbPath, childPort+"="+strconv.Itoa(p.Port))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 16), stderr: &syncBuffer{}}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		c.kill()
	})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), childSays); ok {
				c.lines <- line
			}
		}
		close(c.lines)
	}()
	return c
}

// expect waits for the child's next line, which must start with prefix.
func (c *child) expect(t *testing.T, prefix string) string {
	t.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok || !strings.HasPrefix(line, prefix) {
			t.Fatalf("child said %q (open %v), want %q...; its stderr:\n%s", line, ok, prefix, c.stderr)
		}
		return line
	case <-time.After(30 * time.Second):
		t.Fatalf("child did not say %q; its stderr:\n%s", prefix, c.stderr)
		return ""
	}
}

// kill is SIGKILL: no deferred function, no flush, no goodbye to the peer.
func (c *child) kill() {
	if c.cmd.ProcessState == nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	}
}

// awaitClosed waits for a hook to report that the child got there.
func awaitClosed(t *testing.T, ch <-chan struct{}, what string, c *child) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("the child never reached %s; its stderr:\n%s", what, c.stderr)
	}
}

// restart opens a new desk over the crashed process's file and delivers
// what is due, as the next start of the worker would.
func restart(t *testing.T, dbPath string, p *mailertest.Peer) (*domain.Desk, int) {
	t.Helper()
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	// The same settings as the crashed process: a mail is composed when it
	// is sent, with the settings in force then.
	d := domain.NewDesk(db, domain.WithMailConfig(domain.MailConfig{BaseURL: "https://desk.example.com/set-password?token="}))
	// The crashed worker's claim holds until its lease runs out: the next
	// start takes the message over only then.
	w := &mailer.Worker{Outbox: d, Transport: smtpTo(t, p, mailer.TLSNone, "", ""),
		Now: func() time.Time { return time.Now().Add(domain.DefaultLease + time.Second) }}
	n, err := w.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d, n
}

func queuedMessageID(t *testing.T, line string) string {
	f := strings.Fields(line) // queued ID MESSAGE-ID
	if len(f) != 3 {
		t.Fatalf("child said %q", line)
	}
	return f[2]
}

func TestCrashBeforeDataDeliversOnce(t *testing.T) {
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	p := mailertest.Start(t, mailertest.Options{Rcpt: func(call int, _ string) error {
		if call == 1 {
			once.Do(func() { close(reached) })
			<-release
		}
		return nil
	}})
	dbPath := filepath.Join(t.TempDir(), "desk.db")
	c := startChild(t, dbPath, p)
	msgID := queuedMessageID(t, c.expect(t, "queued "))
	awaitClosed(t, reached, "RCPT TO", c)
	c.kill()
	close(release)

	d, n := restart(t, dbPath, p)
	if n != 1 {
		t.Fatalf("restart attempted %d messages, want 1", n)
	}
	got := p.Next(t)
	if got.Header.Get("Message-Id") != msgID {
		t.Errorf("delivered Message-ID %q, want %q", got.Header.Get("Message-Id"), msgID)
	}
	if p.Count() != 1 {
		t.Errorf("accepted %d copies, want exactly 1", p.Count())
	}
	if m := only(t, d); m.State != domain.MailSent || m.Attempts != 1 {
		t.Errorf("outbox after the restart: %+v", m)
	}
}

func TestCrashAfterFinalDotDeliversTwiceWithTheSameMessageID(t *testing.T) {
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	p := mailertest.Start(t, mailertest.Options{Data: func(call int, _ []byte) error {
		if call == 1 {
			// The whole message is in; the 250 waits until the child is dead.
			once.Do(func() { close(reached) })
			<-release
		}
		return nil
	}})
	dbPath := filepath.Join(t.TempDir(), "desk.db")
	c := startChild(t, dbPath, p)
	msgID := queuedMessageID(t, c.expect(t, "queued "))
	awaitClosed(t, reached, "the final dot", c)
	c.kill()
	close(release)
	first := p.Next(t) // the server had it before the crash

	d, n := restart(t, dbPath, p)
	if n != 1 {
		t.Fatalf("restart attempted %d messages, want 1", n)
	}
	second := p.Next(t)
	for i, got := range []mailertest.Received{first, second} {
		if got.Header.Get("Message-Id") != msgID {
			t.Errorf("copy %d has Message-ID %q, want %q", i+1, got.Header.Get("Message-Id"), msgID)
		}
	}
	// The resend carries a link of its own: the crashed attempt's link
	// was revoked when its claim was taken over.
	tokenRe := regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)
	t1, t2 := tokenRe.FindStringSubmatch(first.Text), tokenRe.FindStringSubmatch(second.Text)
	if t1 == nil || t2 == nil || t1[1] == t2[1] {
		t.Fatalf("links of the two copies: %q and %q", t1, t2)
	}
	if strings.Replace(first.Text, t1[1], "", 1) != strings.Replace(second.Text, t2[1], "", 1) || first.Header.Get("Date") != second.Header.Get("Date") {
		t.Errorf("the resend differs from the first copy beyond its link")
	}
	if _, err := d.CheckLink(t1[1]); err == nil {
		t.Errorf("the crashed attempt's link still works")
	}
	if _, err := d.CheckLink(t2[1]); err != nil {
		t.Errorf("the delivered link does not work: %v", err)
	}
	if p.Count() != 2 {
		t.Errorf("accepted %d copies, want 2", p.Count())
	}
	if m := only(t, d); m.State != domain.MailSent {
		t.Errorf("outbox after the restart: %+v", m)
	}
}

func TestCrashAfterRecordedSendIsNeverResent(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{})
	dbPath := filepath.Join(t.TempDir(), "desk.db")
	c := startChild(t, dbPath, p)
	msgID := queuedMessageID(t, c.expect(t, "queued "))
	c.expect(t, "recorded 1 sent=true")
	c.kill()
	if got := p.Next(t); got.Header.Get("Message-Id") != msgID {
		t.Errorf("Message-ID %q, want %q", got.Header.Get("Message-Id"), msgID)
	}

	d, n := restart(t, dbPath, p)
	if n != 0 {
		t.Errorf("restart attempted %d messages; a recorded send must not go again", n)
	}
	if p.Count() != 1 {
		t.Errorf("accepted %d copies, want 1", p.Count())
	}
	if m := only(t, d); m.State != domain.MailSent || m.Link != "" {
		t.Errorf("outbox after the restart: %+v", m)
	}
}

// syncBuffer collects a child's stderr while tests may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

package mailer_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/mailer/mailertest"
	"helpdesk/store"
)

var agent = domain.Actor{Name: "test agent"}

// clock is a settable clock shared by the desk and the worker.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newDesk opens a durable store in a temp dir, with a settable clock.
func newDesk(t testing.TB) (*domain.Desk, *clock) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)} // in the past: Run tests use the real clock
	return domain.NewDesk(db, domain.WithClock(c.Now), domain.WithMailConfig(domain.MailConfig{
		DeskName: "Acme Support", BaseURL: "https://desk.example.com/set-password?token=",
	})), c
}

func mustUser(t testing.TB, d *domain.Desk, email, name string) domain.User {
	t.Helper()
	u, err := d.CreateUser(agent, domain.UserInput{Email: email, Name: name})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// only returns the desk's one outbox message.
func only(t testing.TB, d *domain.Desk) domain.OutboxMessage {
	t.Helper()
	ms, err := d.Outbox("", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Fatalf("%d messages in the outbox, want 1", len(ms))
	}
	return ms[0]
}

func message(t testing.TB, d *domain.Desk, id domain.ID) domain.OutboxMessage {
	t.Helper()
	m, err := d.Message(id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// smtpTo is a transport to the peer: STARTTLS or implicit TLS trusting the
// peer's certificate, or clear text for a plain peer.
func smtpTo(t testing.TB, p *mailertest.Peer, mode mailer.TLSMode, user, pass string) *mailer.SMTP {
	t.Helper()
	s, err := mailer.NewSMTP(mailer.SMTPConfig{
		Host: p.Host, Port: p.Port, TLS: mode, Username: user, Password: pass,
		From: "Acme Support <support@acme.example>", RootCAs: p.Pool, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

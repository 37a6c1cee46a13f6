package mailer_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/mailer/mailertest"
)

func TestTemporaryFailureIsRetriedThenDeliveredOnce(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{Data: func(call int, _ []byte) error {
		if call == 1 {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		}
		return nil
	}})
	d, c := newDesk(t)
	mustUser(t, d, "ann@acme.example", "Ann")
	var results []mailer.Result
	w := &mailer.Worker{Outbox: d, Transport: smtpTo(t, p, mailer.TLSNone, "", ""), Now: c.Now,
		OnResult: func(r mailer.Result) { results = append(results, r) }}
	ctx := context.Background()

	if n, err := w.DeliverDue(ctx); n != 1 || err != nil {
		t.Fatalf("first pass: %d, %v", n, err)
	}
	m := only(t, d)
	if m.State != domain.MailQueued || m.Attempts != 1 || !strings.Contains(m.LastError, "451") {
		t.Fatalf("after a 451: %+v", m)
	}
	if want := c.Now().Add(mailer.DefaultBackoff.First); !m.NextTry.Equal(want) || !results[0].RetryAt.Equal(want) {
		t.Errorf("next try %v, want %v (the first backoff)", m.NextTry, want)
	}
	// Not due again before its time.
	c.Advance(mailer.DefaultBackoff.First - time.Second)
	if n, _ := w.DeliverDue(ctx); n != 0 {
		t.Errorf("retried %d before the backoff ran out", n)
	}
	c.Advance(time.Second)
	if n, err := w.DeliverDue(ctx); n != 1 || err != nil {
		t.Fatalf("retry pass: %d, %v", n, err)
	}
	got := p.Next(t)
	if got.Header.Get("Message-Id") != m.MessageID {
		t.Errorf("retry carried Message-ID %q, want %q", got.Header.Get("Message-Id"), m.MessageID)
	}
	if m = only(t, d); m.State != domain.MailSent || m.Attempts != 2 || m.LastError != "" {
		t.Errorf("after the retry: %+v", m)
	}
	c.Advance(24 * time.Hour)
	if n, _ := w.DeliverDue(ctx); n != 0 || p.Count() != 1 {
		t.Errorf("a sent message went again: %d attempts, %d accepted", n, p.Count())
	}
}

func TestPermanentFailureIsNotRetried(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{Rcpt: func(int, string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}})
	d, c := newDesk(t)
	mustUser(t, d, "ghost@acme.example", "")
	w := &mailer.Worker{Outbox: d, Transport: smtpTo(t, p, mailer.TLSNone, "", ""), Now: c.Now}
	if n, err := w.DeliverDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("%d, %v", n, err)
	}
	m := only(t, d)
	if m.State != domain.MailFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "550") || !strings.Contains(m.LastError, "no such mailbox") {
		t.Fatalf("after a 550: %+v", m)
	}
	c.Advance(48 * time.Hour)
	if n, _ := w.DeliverDue(context.Background()); n != 0 {
		t.Errorf("a permanently failed message was tried again")
	}
	if calls := p.RcptCalls(); calls != 1 {
		t.Errorf("the server saw %d RCPT commands, want 1", calls)
	}
}

func TestBackoffDoublesAndGivesUp(t *testing.T) {
	b := mailer.DefaultBackoff
	var got []time.Duration
	for i := 1; i <= 9; i++ {
		got = append(got, b.Delay(i))
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("delays %v, want %v", got, want)
			break
		}
	}

	// A server that always says 421: the message fails after the cap,
	// with the last error.
	p := mailertest.Start(t, mailertest.Options{Data: func(int, []byte) error { return &smtp.SMTPError{Code: 421, Message: "closing, try later"} }})
	d, c := newDesk(t)
	mustUser(t, d, "ann@acme.example", "")
	w := &mailer.Worker{Outbox: d, Transport: smtpTo(t, p, mailer.TLSNone, "", ""), Now: c.Now,
		Backoff: mailer.Backoff{First: time.Second, Max: 3 * time.Second, Attempts: 4}}
	var waits []time.Duration
	for range 4 {
		before := c.Now()
		if n, err := w.DeliverDue(context.Background()); n != 1 || err != nil {
			t.Fatalf("%d, %v", n, err)
		}
		m := only(t, d)
		if m.State == domain.MailQueued {
			waits = append(waits, m.NextTry.Sub(before))
			c.Advance(m.NextTry.Sub(before))
		}
	}
	if len(waits) != 3 || waits[0] != time.Second || waits[1] != 2*time.Second || waits[2] != 3*time.Second {
		t.Errorf("waits %v, want [1s 2s 3s]", waits)
	}
	m := only(t, d)
	if m.State != domain.MailFailed || m.Attempts != 4 || !strings.HasPrefix(m.LastError, "gave up after 4 attempts: ") || !strings.Contains(m.LastError, "421") {
		t.Errorf("after the cap: %+v", m)
	}
}

func TestDisabledUserGetsNoMail(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{})
	d, c := newDesk(t)
	ann := mustUser(t, d, "ann@acme.example", "Ann")
	bob := mustUser(t, d, "bob@acme.example", "Bob")
	if _, err := d.DisableUser(agent, bob.ID, 0); err != nil {
		t.Fatal(err)
	}
	var sentTo []string
	w := &mailer.Worker{Outbox: d, Transport: smtpTo(t, p, mailer.TLSNone, "", ""), Now: c.Now,
		OnResult: func(r mailer.Result) { sentTo = append(sentTo, r.Message.To) }}
	if n, err := w.DeliverDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("%d, %v", n, err)
	}
	if got := p.Next(t); got.To[0] != ann.Email {
		t.Errorf("delivered to %v", got.To)
	}
	if len(sentTo) != 1 || sentTo[0] != ann.Email || p.Count() != 1 {
		t.Errorf("attempts went to %v; the peer accepted %d", sentTo, p.Count())
	}
	ms, _ := d.Outbox(domain.MailCancelled, 0, 0)
	if len(ms) != 1 || ms[0].UserID != bob.ID || ms[0].Link != "" {
		t.Errorf("cancelled: %+v", ms)
	}
}

// Run wakes on the desk's commits, sends at once, and stops on cancel.
func TestRunWakesOnANewUserAndStops(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{})
	d, _ := newDesk(t) // the desk queues in the past, so the mail is due by the real clock
	events, unsubscribe := d.Subscribe()
	defer unsubscribe()
	w := &mailer.Worker{Outbox: d, Transport: smtpTo(t, p, mailer.TLSNone, "", ""), Wake: events, Poll: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	mustUser(t, d, "ann@acme.example", "Ann")
	if got := p.Next(t); got.To[0] != "ann@acme.example" {
		t.Errorf("delivered to %v", got.To)
	}
	mustUser(t, d, "bob@acme.example", "Bob")
	if got := p.Next(t); got.To[0] != "bob@acme.example" {
		t.Errorf("delivered to %v", got.To)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
	if p.Count() != 2 {
		t.Errorf("accepted %d, want 2", p.Count())
	}
}

func TestNoTransportLeavesMailQueued(t *testing.T) {
	d, c := newDesk(t)
	mustUser(t, d, "ann@acme.example", "Ann")
	w := &mailer.Worker{Outbox: d, Now: c.Now}
	if err := w.Run(context.Background()); !errors.Is(err, domain.ErrNoTransport) {
		t.Errorf("Run without a transport: %v", err)
	}
	if m := only(t, d); m.State != domain.MailQueued || m.Attempts != 0 {
		t.Errorf("message %+v", m)
	}
}

// A send cut short by the worker's own shutdown records nothing: the
// message stays queued with its attempts unspent.
func TestShutdownMidSendRecordsNothing(t *testing.T) {
	d, c := newDesk(t)
	mustUser(t, d, "ann@acme.example", "Ann")
	ctx, cancel := context.WithCancel(context.Background())
	w := &mailer.Worker{Outbox: d, Now: c.Now, Transport: mailer.TransportFunc(func(ctx context.Context, _ domain.OutboxMessage) error {
		cancel()
		return ctx.Err()
	})}
	if _, err := w.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	if m := only(t, d); m.State != domain.MailQueued || m.Attempts != 0 || m.LastError != "" {
		t.Errorf("after a shutdown mid-send: %+v", m)
	}
}

package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
	"helpdesk/mailer"
)

// sendAll runs the mail worker once over the desk with a transport that
// accepts every message, as a worker with SMTP would, at the tests' clock.
func sendAll(t testing.TB, desk *domain.Desk) int {
	t.Helper()
	w := &mailer.Worker{Outbox: desk, Holder: "w1", Now: func() time.Time { return fixedNow },
		Transport: mailer.TransportFunc(func(context.Context, domain.OutboxMessage) error { return nil })}
	n, err := w.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConvReplyStatusIsTheOutboxState: on a console with no mail transport
// a reply is queued and held, and the compose head, the status line, the
// thread and the audit say so; once a worker sends it, the thread says
// sent, as the outbox does.
func TestConvReplyStatusIsTheOutboxState(t *testing.T) {
	f := newConvFixture(t)
	events, stop := f.desk.Subscribe()
	defer stop()
	d := newDriverWith(t, f.model(), 120, 40)
	openPrinter(t, d)
	d.mustShow("Replies to kofi.nguyen@acme.com are queued, held: no transport configured")
	d.keys("r")
	d.mustShow("Reply — queued for kofi.nguyen@acme.com, held: no transport configured")
	d.keys("The fire is out.", "ctrl+s")
	d.mustShow("Reply stored; mail to kofi.nguyen@acme.com queued, held: no transport configured.")
	d.mustNotShow("mailed to", "· mailed")
	if got := strings.Count(d.view(), "· queued, held: no transport configured"); got != 2 {
		t.Fatalf("%d replies say queued and held, want 2:\n%s", got, d.view())
	}
	_, msgs, err := f.desk.Conversation(f.printer.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := msgs[len(msgs)-1]
	es, err := f.desk.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if e := es[0]; e.Action != "conv.reply" || !strings.Contains(e.Note, "queued (outbox message ") || strings.Contains(e.Note, "mailed") {
		t.Fatalf("newest audit entry %s %q: want the reply, queued", e.Action, e.Note)
	}
	out, err := f.desk.Message(last.OutboxID)
	if err != nil || out.State != domain.MailQueued {
		t.Fatalf("the reply's outbox message: %+v %v", out, err)
	}

	// Drain what the reply published, then let a worker send the mail:
	// the events it publishes refresh the thread.
	for len(events) > 0 {
		<-events
	}
	// Four: the first message of each of the three conversations, and
	// the reply.
	if n := sendAll(t, f.desk); n != 4 {
		t.Fatalf("the worker sent %d messages, want 4", n)
	}
	var got []domain.Event
	for len(events) > 0 {
		got = append(got, <-events)
	}
	d.send(deskEventsMsg{events: got})
	if n := strings.Count(d.view(), "· sent at 2026-11-22 09:30"); n != 2 {
		t.Fatalf("%d replies say sent, want 2:\n%s", n, d.view())
	}
	d.mustNotShow("· queued")
}

// TestConvThreadSaysSentLive runs the real program and subscription: the
// worker sends the mail of an open thread and the screen says sent
// without a key press.
func TestConvThreadSaysSentLive(t *testing.T) {
	f := newConvFixture(t)
	tm := teatest.NewTestModel(t, f.model(), teatest.WithInitialTermSize(120, 40))
	sendKeys(tm, "i")
	waitWords(t, tm, "Printer on fire", "1 of 2")
	sendKeys(tm, "enter")
	waitWords(t, tm, "Please step away", "queued, held: no transport configured")
	sendAll(t, f.desk)
	waitWords(t, tm, "sent at 2026-11-22 09:30")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

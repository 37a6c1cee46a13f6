package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// statusOf is the sentence about one conversation message's mail, as the
// console and the command line print it.
func statusOf(t *testing.T, d *domain.Desk, m domain.ConvMessage, held string) string {
	t.Helper()
	out, err := d.MailStatuses([]domain.ConvMessage{m})
	if err != nil {
		t.Fatal(err)
	}
	return domain.MessageMailStatus(m, out[m.OutboxID], rfc, held)
}

func TestMailStatusFollowsTheOutbox(t *testing.T) {
	d, _, clock := lcDesk(t)
	mustUser(t, d, domain.UserInput{Email: "uma@example.com", Name: "Uma", Mail: "none"})
	c := newConv(t, d, "uma@example.com", "Printer")
	r, err := d.Reply(ann, c.ID, "Try again.", false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statusOf(t, d, r, domain.NoTransport), "queued, held: no transport configured"; got != want {
		t.Errorf("with no transport: %q, want %q", got, want)
	}
	if got := statusOf(t, d, r, ""); !strings.HasPrefix(got, "queued, next try ") {
		t.Errorf("with a transport: %q, want queued with its next try", got)
	}
	// The audit says the mail was queued, not that it was mailed.
	es, err := d.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range es {
		if e.Action == "conv.reply" {
			found = true
			if strings.Contains(e.Note, "mailed (") || !strings.Contains(e.Note, "queued (outbox message") {
				t.Errorf("audit note %q: want queued (outbox message N)", e.Note)
			}
		}
	}
	if !found {
		t.Fatal("no conv.reply audit entry")
	}

	// A worker claims and sends both mails of the thread (the first
	// message's and the reply's): the sentence says sent.
	for range 2 {
		m, ok, err := d.ClaimNext("w1", clock.Now(), 0)
		if err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if m.ID == r.OutboxID {
			if got := statusOf(t, d, r, domain.NoTransport); !strings.HasPrefix(got, "sending by w1 until ") {
				t.Errorf("claimed: %q", got)
			}
		}
		if err := d.RecordSent("w1", m.ID, clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := statusOf(t, d, r, domain.NoTransport), "sent at "+rfc(clock.Now()); got != want {
		t.Errorf("after sending: %q, want %q", got, want)
	}
}

func TestMailStatusSentences(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		m    domain.OutboxMessage
		held string
		want string
	}{
		{domain.OutboxMessage{State: domain.MailQueued, NextTry: at}, "", "queued, next try 2026-11-23T09:00:00Z"},
		{domain.OutboxMessage{State: domain.MailQueued, NextTry: at, LastError: "421 busy"}, "", "queued, next try 2026-11-23T09:00:00Z; last error: 421 busy"},
		{domain.OutboxMessage{State: domain.MailQueued}, domain.NoTransport, "queued, held: no transport configured"},
		{domain.OutboxMessage{State: domain.MailSent, SentAt: at}, domain.NoTransport, "sent at 2026-11-23T09:00:00Z"},
		{domain.OutboxMessage{State: domain.MailFailed, LastError: "550 no such user"}, "", "failed: 550 no such user"},
		{domain.OutboxMessage{State: domain.MailCancelled, LastError: "recipient is disabled"}, "", "cancelled: recipient is disabled"},
	} {
		if got := domain.MailStatus(tc.m, rfc, tc.held); got != tc.want {
			t.Errorf("MailStatus(%s, held %q) = %q, want %q", tc.m.State, tc.held, got, tc.want)
		}
	}
	note := domain.ConvMessage{Kind: domain.KindNote}
	if got := domain.MessageMailStatus(note, domain.OutboxMessage{}, rfc, ""); got != "internal note, never mailed" {
		t.Errorf("note: %q", got)
	}
	blocked := domain.ConvMessage{Kind: domain.KindReply, NotMailed: "requester is disabled"}
	if got := domain.MessageMailStatus(blocked, domain.OutboxMessage{}, rfc, ""); got != "not mailed: requester is disabled" {
		t.Errorf("not mailed: %q", got)
	}
}

func TestOrgWarningWalksTheParents(t *testing.T) {
	d := newDesk(t)
	top := mustOrg(t, d, domain.OrgInput{Name: "Acme"})
	mid := mustOrg(t, d, domain.OrgInput{Name: "Acme EU", Parent: "Acme"})
	if w, err := d.OrgWarning(mid.ID); err != nil || w != "" {
		t.Fatalf("active chain: %q %v", w, err)
	}
	if _, err := d.DeactivateOrg(ann, top.ID); err != nil {
		t.Fatal(err)
	}
	want := "Acme is inactive: its users cannot sign in and get no mail until it is activated."
	for _, id := range []domain.ID{top.ID, mid.ID} {
		if w, err := d.OrgWarning(id); err != nil || w != want {
			t.Errorf("OrgWarning(%d) = %q, %v; want %q", id, w, err, want)
		}
	}
	if w, err := d.OrgWarning(0); err != nil || w != "" {
		t.Errorf("no organization: %q %v", w, err)
	}
	if _, err := d.OrgWarning(9999); err != nil && !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("missing organization: %v", err)
	}
}

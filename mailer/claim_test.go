package mailer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/store"
)

// tokenLike finds every string in an output that could be a link's token:
// a token= parameter's value, or any run of token characters long enough
// to be one (a real token is 43 of them).
var tokenLike = regexp.MustCompile(`token=([^\s&"<>]+)|([A-Za-z0-9_-]{20,})`)

func tokenCandidates(s string) []string {
	var out []string
	for _, m := range tokenLike.FindAllStringSubmatch(s, -1) {
		if m[1] != "" {
			out = append(out, m[1])
		} else {
			out = append(out, m[2])
		}
	}
	return out
}

// linkDesk is a desk over a file whose path the test knows, so that its
// raw bytes can be searched.
func linkDesk(t *testing.T) (*domain.Desk, *clock, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	return domain.NewDesk(db, domain.WithClock(c.Now), domain.WithMailConfig(domain.MailConfig{
		DeskName: "Acme Support", BaseURL: "https://desk.example.com/set-password?token=",
	})), c, path
}

// recorder is a transport that hands each payload to a mailbox, or fails
// it with a temporary error while fail is set; it keeps the token of every
// payload it was given, delivered or not.
type recorder struct {
	mu     sync.Mutex
	box    *mailer.Mailbox
	fail   bool
	minted []string
}

func (r *recorder) Send(ctx context.Context, m domain.OutboxMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, tok, ok := strings.Cut(m.Link, "token="); ok {
		r.minted = append(r.minted, tok)
	}
	if r.fail {
		return errors.New("451 4.3.0 try again later")
	}
	return r.box.Send(ctx, m)
}

// latestToken is the token of the newest mail to an address in the box.
func latestToken(t *testing.T, box *mailer.Mailbox, to string) string {
	t.Helper()
	for _, m := range box.Messages() {
		if m.To == to {
			if _, tok, ok := strings.Cut(m.Link, "token="); ok && strings.Contains(m.Text, m.Link) {
				return tok
			}
			t.Fatalf("the mail to %s carries no link: %q", to, m.Text)
		}
	}
	t.Fatalf("no mail to %s in the mailbox", to)
	return ""
}

// noUsableToken reads every message as agents can (Outbox, Message) and
// tries every token-like string in them: none may work. No token ever
// handed to the transport may be in what agents see, nor in the file.
func noUsableToken(t *testing.T, step string, d *domain.Desk, path string, minted []string) {
	t.Helper()
	ms, err := d.Outbox("", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var seen strings.Builder
	for _, listed := range ms {
		m, err := d.Message(listed.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []domain.OutboxMessage{listed, m} {
			fmt.Fprintf(&seen, "%s\n%s\n%s\n%s\n%s\n%s\n%x\n", v.Subject, v.Text, v.Link, v.MessageID, v.LastError, v.Holder, v.TokenHash)
		}
	}
	out := seen.String()
	for _, c := range tokenCandidates(out) {
		if _, err := d.CheckLink(c); err == nil {
			t.Errorf("%s: an agent's view of the outbox holds a usable token %q", step, c)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range minted {
		if strings.Contains(out, tok) {
			t.Errorf("%s: the token %s handed to the transport shows in the outbox", step, tok)
		}
		if bytes.Contains(raw, []byte(tok)) {
			t.Errorf("%s: the token %s handed to the transport is stored in the database file", step, tok)
		}
	}
}

// Through queue, a failed send, a cancel (disable, worker pass, enable), a
// retry and a resend, no message as agents read it holds a usable token
// and the database holds none; the link in the last mail delivered to
// each customer works, once, and every other link handed to the
// transport is dead.
func TestALinkExistsOnlyInTheMailThatCarriesIt(t *testing.T) {
	d, c, path := linkDesk(t)
	ann := mustUser(t, d, "ann@acme.example", "Ann")
	bob := mustUser(t, d, "bob@acme.example", "Bob")
	tr := &recorder{box: mailer.NewMailbox(50), fail: true}
	w := &mailer.Worker{Outbox: d, Transport: tr, Now: c.Now, Holder: "worker-1"}
	pass := func() {
		t.Helper()
		if _, err := w.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	noUsableToken(t, "queued", d, path, tr.minted)

	pass() // both fail: 451
	if len(tr.minted) != 2 {
		t.Fatalf("%d links handed to the transport, want 2", len(tr.minted))
	}
	noUsableToken(t, "after a failed send", d, path, tr.minted)
	for _, tok := range tr.minted {
		if _, err := d.CheckLink(tok); !errors.Is(err, domain.ErrTokenInvalid) {
			t.Errorf("the link of a failed send still works (%v)", err)
		}
	}

	// Bob is disabled: the next pass cancels his mail; enabling him again
	// brings no link back.
	b, err := d.DisableUser(agent, bob.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Hour)
	tr.fail = false
	pass() // Ann's goes; Bob's is cancelled
	noUsableToken(t, "after the cancel", d, path, tr.minted)
	if _, err := d.EnableUser(agent, bob.ID, b.Version); err != nil {
		t.Fatal(err)
	}
	noUsableToken(t, "after enable", d, path, tr.minted)

	// Bob's cancelled mail is retried: a new link, minted when it goes.
	var bobMail domain.OutboxMessage
	ms, _ := d.Outbox(domain.MailCancelled, 0, 0)
	for _, m := range ms {
		if m.UserID == bob.ID {
			bobMail = m
		}
	}
	if bobMail.ID == 0 {
		t.Fatal("bob's mail was not cancelled")
	}
	if _, err := d.RetryMessage(agent, bobMail.ID); err != nil {
		t.Fatal(err)
	}
	noUsableToken(t, "after the retry", d, path, tr.minted)
	pass()
	noUsableToken(t, "after the retried send", d, path, tr.minted)

	// Ann's link is resent: her delivered link dies, a new one goes.
	annFirst := latestToken(t, tr.box, ann.Email)
	if _, err := d.ResendVerification(agent, ann.ID); err != nil {
		t.Fatal(err)
	}
	pass()
	noUsableToken(t, "after the resend", d, path, tr.minted)

	live := map[string]bool{latestToken(t, tr.box, ann.Email): true, latestToken(t, tr.box, bob.Email): true}
	if live[annFirst] {
		t.Fatal("the resend delivered the same link again")
	}
	if len(tr.minted) != 5 {
		t.Errorf("%d links handed to the transport, want 5 (2 failed, Ann's, Bob's retry, Ann's resend)", len(tr.minted))
	}
	for _, tok := range tr.minted {
		if live[tok] {
			continue
		}
		if _, err := d.CheckLink(tok); !errors.Is(err, domain.ErrTokenInvalid) {
			t.Errorf("a link that is not the last one delivered still works (%v)", err)
		}
	}
	for tok := range live {
		if _, err := d.RedeemToken(tok, "plum orchard lantern 42"); err != nil {
			t.Errorf("the delivered link does not work: %v", err)
		}
		if _, err := d.RedeemToken(tok, "plum orchard lantern 43"); !errors.Is(err, domain.ErrTokenInvalid) {
			t.Errorf("a delivered link worked twice: %v", err)
		}
	}
}

// Two workers on one desk, each in its own goroutine with its own holder
// id, deliver each message exactly once.
func TestTwoWorkersDeliverEachMessageOnce(t *testing.T) {
	d, c := newDesk(t)
	const n = 40
	for i := range n {
		mustUser(t, d, fmt.Sprintf("user%02d@acme.example", i), fmt.Sprintf("User %d", i))
	}
	box := mailer.NewMailbox(10 * n)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, holder := range []string{"host-a:1:aa", "host-b:2:bb"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &mailer.Worker{Outbox: d, Transport: box, Now: c.Now, Holder: holder}
			if _, err := w.DeliverDue(context.Background()); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range box.Messages() {
		got[m.MessageID]++
	}
	if len(got) != n {
		t.Errorf("%d distinct messages delivered, want %d", len(got), n)
	}
	for id, k := range got {
		if k != 1 {
			t.Errorf("message %s delivered %d times", id, k)
		}
	}
	sent, err := d.Outbox(domain.MailSent, 0, 0)
	if err != nil || len(sent) != n {
		t.Errorf("%d messages recorded sent (%v), want %d", len(sent), err, n)
	}
}

// A worker that claims a message and dies holds it until its lease runs
// out; only then does another worker take it over, with the same
// Message-ID and a new link, and the dead worker's outcome is refused.
func TestAClaimIsTakenOverOnlyWhenItsLeaseRunsOut(t *testing.T) {
	d, c := newDesk(t)
	mustUser(t, d, "ann@acme.example", "Ann")
	claimed, ok, err := d.ClaimNext("dead-worker", c.Now(), time.Minute)
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if m := only(t, d); m.State != domain.MailSending || m.Holder != "dead-worker" {
		t.Fatalf("after the claim: %s held by %q", m.State, m.Holder)
	}
	// The worker dies here, before sending.

	box := mailer.NewMailbox(10)
	w := &mailer.Worker{Outbox: d, Transport: box, Now: c.Now, Holder: "next-worker"}
	if n, err := w.DeliverDue(context.Background()); n != 0 || err != nil {
		t.Fatalf("before the lease ran out the next worker attempted %d (%v)", n, err)
	}
	c.Advance(time.Minute + time.Second)
	if n, err := w.DeliverDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("after the lease ran out the next worker attempted %d (%v)", n, err)
	}
	got := box.Messages()
	if len(got) != 1 || got[0].MessageID != claimed.MessageID {
		t.Fatalf("delivered %d, Message-ID %q, want 1 with %q", len(got), got[0].MessageID, claimed.MessageID)
	}
	if got[0].Link == claimed.Link {
		t.Error("the take-over sent the dead worker's link")
	}
	_, deadTok, _ := strings.Cut(claimed.Link, "token=")
	if _, err := d.CheckLink(deadTok); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("the dead worker's link still works: %v", err)
	}
	if err := d.RecordSent("dead-worker", claimed.ID, c.Now()); !errors.Is(err, domain.ErrClaimLost) {
		t.Errorf("the dead worker's late outcome: %v, want ErrClaimLost", err)
	}
	if m := only(t, d); m.State != domain.MailSent || m.Attempts != 1 {
		t.Errorf("outbox: %s after %d attempts", m.State, m.Attempts)
	}
}

package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

func outbox(t *testing.T, d *domain.Desk) []domain.OutboxMessage {
	t.Helper()
	ms, err := d.Outbox("", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// tokenFrom reads the token of a queued message's link as the customer
// gets it: from the mail as sent (screens and commands never see it).
func tokenFrom(t *testing.T, d *domain.Desk, m domain.OutboxMessage) string {
	t.Helper()
	link := d.Sendable(m.ID).Link
	i := strings.Index(link, "token=")
	if i < 0 {
		t.Fatalf("message %d has no token link: %q", m.ID, link)
	}
	return link[i+len("token="):]
}

func TestCreateUserQueuesVerificationInTheSameTransaction(t *testing.T) {
	d := newDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee"})
	ms := outbox(t, d)
	if len(ms) != 1 {
		t.Fatalf("%d messages queued, want 1", len(ms))
	}
	m := ms[0]
	if m.UserID != u.ID || m.To != "ann@acme.com" || m.State != domain.MailQueued || m.Event != domain.EventVerify {
		t.Errorf("message %+v", m)
	}
	if m.Subject != "Confirm your email for Helpdesk" || !strings.Contains(m.Text, "Hello Ann,") || m.Link != "" || strings.Contains(m.Text, "token=") {
		t.Errorf("as agents see it: subject %q text %q link %q", m.Subject, m.Text, m.Link)
	}
	if sent := d.Sendable(m.ID); !strings.Contains(sent.Text, "\nhttp://localhost:8080/set-password?token=") || !strings.Contains(sent.Text, sent.Link) {
		t.Errorf("as sent: text %q link %q", sent.Text, sent.Link)
	}
	if !strings.HasPrefix(m.MessageID, "<helpdesk.1.") || !strings.HasSuffix(m.MessageID, ">") {
		t.Errorf("Message-ID %q", m.MessageID)
	}
	// A refused save queues nothing.
	if _, err := d.CreateUser(ann, domain.UserInput{Email: "ANN@acme.com"}); err == nil {
		t.Fatal("duplicate accepted")
	}
	if n := len(outbox(t, d)); n != 1 {
		t.Errorf("a refused save queued mail: %d messages", n)
	}
	// "Don't send" queues nothing; welcome queues a welcome without a link.
	mustUser(t, d, domain.UserInput{Email: "quiet@acme.com", Mail: "none"})
	mustUser(t, d, domain.UserInput{Email: "hi@acme.com", Name: "Hi There", Mail: "welcome"})
	ms = outbox(t, d)
	if len(ms) != 2 || ms[0].Event != domain.EventWelcome || ms[0].Link != "" || ms[0].Subject != "Welcome to Helpdesk" {
		t.Errorf("after none and welcome: %+v", ms)
	}
}

func TestCustomMailForOneUser(t *testing.T) {
	d := newDesk(t)
	_, err := d.CreateUser(ann, domain.UserInput{Email: "a@x.com", MailSubject: "Hi {NAME}", MailBody: "no link here"})
	if err == nil || !strings.Contains(err.Error(), "{MESSAGE}") {
		t.Errorf("custom verify body without {MESSAGE}: %v", err)
	}
	if _, err := d.User(1); !domain.IsNotFound(err) {
		t.Errorf("the refused custom mail still created the user: %v", err)
	}
	mustUser(t, d, domain.UserInput{Email: "b@x.com", Name: "Bea", MailSubject: "Hi {NAME}", MailBody: "Click {MESSAGE} now, {FIRST_NAME}."})
	m := d.Sendable(outbox(t, d)[0].ID)
	if m.Subject != "Hi Bea" || !strings.HasPrefix(m.Text, "Click http") || !strings.HasSuffix(m.Text, "now, Bea.") {
		t.Errorf("custom mail %q / %q", m.Subject, m.Text)
	}
}

func TestTemplateRules(t *testing.T) {
	d := newDesk(t)
	body := "Hi {FIRST_NAME} from {COMPANY} and {WHO}: {MESSAGE}"
	_, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Body: &body})
	if err == nil || !strings.Contains(err.Error(), "unknown tag {COMPANY}, {WHO}") {
		t.Errorf("unknown tags: %v", err)
	}
	noLink := "Hi {FIRST_NAME}"
	if _, err := d.SetTemplate(ann, "reset", domain.TemplateEdit{Body: &noLink}); err == nil || !strings.Contains(err.Error(), "must contain {MESSAGE}") {
		t.Errorf("reset without link: %v", err)
	}
	if _, err := d.SetTemplate(ann, "welcome", domain.TemplateEdit{Body: &noLink}); err != nil {
		t.Errorf("a welcome needs no link: %v", err)
	}
	ev := domain.EventVerify
	subj := "Welcome aboard, {NAME}"
	good := "Dear {NAME}, confirm here: {MESSAGE}"
	if _, err := d.SetTemplate(ann, "vip-verify", domain.TemplateEdit{Event: &ev, Subject: &subj, Body: &good}); err != nil {
		t.Fatal(err)
	}
	ts, _ := d.Templates()
	var names []string
	for _, tm := range ts {
		names = append(names, tm.Name)
	}
	if strings.Join(names, ",") != "verify,vip-verify,welcome,reset,create-account,account-exists" {
		t.Errorf("templates %v", names)
	}
	w, _ := d.Template("welcome")
	if w.Body != noLink || w.Shipped || w.UpdatedBy != ann.Name {
		t.Errorf("edited welcome %+v", w)
	}
	// New users get the edited template.
	mustUser(t, d, domain.UserInput{Email: "n@x.com", Name: "Nia", Mail: "welcome"})
	if m := outbox(t, d)[0]; m.Text != "Hi Nia" {
		t.Errorf("welcome sent %q", m.Text)
	}
}

func TestSubjectStaysOneLine(t *testing.T) {
	subj, _ := domain.RenderTemplate("Hello {NAME}", "{MESSAGE}", domain.MailVars{Name: "Ann\r\nBcc: evil@x.com"})
	if strings.ContainsAny(subj, "\r\n") {
		t.Errorf("a value put a line break in the subject: %q", subj)
	}
}

func TestTokenRedeemIsSingleUseAndRespectsDisable(t *testing.T) {
	d := newDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann"})
	m := outbox(t, d)[0]
	tok := tokenFrom(t, d, m)

	if _, err := d.RedeemToken(tok, "short"); err == nil || !strings.Contains(err.Error(), "at least 10") {
		t.Errorf("short password: %v", err)
	}
	got, err := d.RedeemToken(tok, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != domain.StateActive || got.VerifiedAt.IsZero() || !domain.CheckPassword(got.PasswordHash, "correct horse battery") || domain.CheckPassword(got.PasswordHash, "wrong one!!") {
		t.Errorf("after redeem: state %s verified %v", got.State, got.VerifiedAt)
	}
	if strings.Contains(got.PasswordHash, "correct horse") {
		t.Error("the password is stored in clear")
	}
	if _, err := d.RedeemToken(tok, "another password"); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("second use: %v", err)
	}
	if _, err := d.RedeemToken("made-up-token", "another password"); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("unknown token: %v", err)
	}

	// A disabled user's links stop working.
	v := mustUser(t, d, domain.UserInput{Email: "bob@acme.com"})
	tok2 := tokenFrom(t, d, outbox(t, d)[0])
	if _, err := d.DisableUser(ann, v.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RedeemToken(tok2, "a long password"); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("disabled user's token: %v", err)
	}
	_ = u
}

func TestTokenExpires(t *testing.T) {
	d, clock := newDeskWithClock(t)
	mustUser(t, d, domain.UserInput{Email: "ann@acme.com"})
	tok := tokenFrom(t, d, outbox(t, d)[0])
	clock.Advance(domain.DefaultTokenTTL + time.Minute)
	if _, err := d.RedeemToken(tok, "a long password"); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("expired token: %v", err)
	}
}

func TestDeliveryBookkeeping(t *testing.T) {
	d, clock := newDeskWithClock(t)
	a := mustUser(t, d, domain.UserInput{Email: "a@x.com"})
	b := mustUser(t, d, domain.UserInput{Email: "b@x.com"})
	if _, err := d.DisableUser(ann, b.ID, 0); err != nil {
		t.Fatal(err)
	}
	m, ok, err := d.ClaimNext("w1", clock.Now(), 0)
	if err != nil || !ok || m.UserID != a.ID {
		t.Fatalf("first due: %+v %v %v", m, ok, err)
	}
	if err := d.RecordFailure("w1", m.ID, errors.New("421 try later"), clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Not due before its retry time; b's message is cancelled on the way.
	if m2, ok, _ := d.ClaimNext("w1", clock.Now(), 0); ok {
		t.Errorf("due too early: %+v", m2)
	}
	mb, _ := d.Message(2)
	if mb.State != domain.MailCancelled || !strings.Contains(mb.LastError, "disabled") {
		t.Errorf("disabled recipient's message %+v", mb)
	}
	clock.Advance(2 * time.Minute)
	m, ok, _ = d.ClaimNext("w1", clock.Now(), 0)
	if !ok || m.ID != 1 || m.Attempts != 1 || m.LastError != "421 try later" {
		t.Fatalf("retry due: %+v %v", m, ok)
	}
	if err := d.RecordSent("w1", m.ID, clock.Now()); err != nil {
		t.Fatal(err)
	}
	sent, _ := d.Message(m.ID)
	if sent.State != domain.MailSent || sent.Link != "" || strings.Contains(sent.Text, m.Link) || sent.Attempts != 2 {
		t.Errorf("after sending: %+v", sent)
	}
	if _, err := d.RetryMessage(ann, m.ID); err == nil || !strings.Contains(err.Error(), "send it twice") {
		t.Errorf("retrying a sent message: %v", err)
	}
	if _, ok, _ := d.ClaimNext("w1", clock.Now(), 0); ok {
		t.Error("a sent message is due again")
	}
	// A failed message can be retried by an agent.
	c := mustUser(t, d, domain.UserInput{Email: "c@x.com"})
	mc, _, _ := d.ClaimNext("w1", clock.Now(), 0)
	if mc.UserID != c.ID {
		t.Fatalf("due %+v", mc)
	}
	d.RecordFailure("w1", mc.ID, errors.New("550 no such user"), time.Time{})
	if f, _ := d.Message(mc.ID); f.State != domain.MailFailed {
		t.Errorf("permanent failure state %s", f.State)
	}
	if r, err := d.RetryMessage(ann, mc.ID); err != nil || r.State != domain.MailQueued || r.Attempts != 0 {
		t.Errorf("retry: %+v %v", r, err)
	}
}

// testClock is a settable clock for the desk.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time          { return c.now }
func (c *testClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func newDeskWithClock(t *testing.T) (*domain.Desk, *testClock) {
	t.Helper()
	c := &testClock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	base := newDesk(t)
	return domain.NewDesk(base.Store(), domain.WithClock(c.Now)), c
}

func TestTemplateStaleSaveNamesWhoChangedIt(t *testing.T) {
	d := newDesk(t)
	read, _ := d.Template("welcome")
	b1, b2 := "Bob's welcome", "Ann's welcome"
	if _, err := d.SetTemplate(bob, "welcome", domain.TemplateEdit{Body: &b1, Version: &read.Version}); err != nil {
		t.Fatal(err)
	}
	_, err := d.SetTemplate(ann, "welcome", domain.TemplateEdit{Body: &b2, Version: &read.Version})
	var conflict *domain.ConflictError
	if !errors.As(err, &conflict) || conflict.By != bob.Name {
		t.Errorf("stale template save: %v", err)
	}
	if w, _ := d.Template("welcome"); w.Body != b1 {
		t.Errorf("stored %q; the stale save must not overwrite", w.Body)
	}
}

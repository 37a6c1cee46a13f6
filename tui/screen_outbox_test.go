package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
	"helpdesk/store"
)

// newMailDesk opens an empty desk with a short link base (links fit a line
// at 80 columns) and creates one user per email, each with its creation
// mail (verify unless the email starts with "welcome").
func newMailDesk(t testing.TB, emails ...string) *domain.Desk {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "helpdesk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	desk := domain.NewDesk(db, domain.WithClock(func() time.Time { return fixedNow }),
		domain.WithMailConfig(domain.MailConfig{DeskName: "Acme Support", BaseURL: "https://hd.example/p/"}))
	for i, e := range emails {
		mail := "verify"
		if strings.HasPrefix(e, "welcome") {
			mail = "welcome"
		}
		name := fmt.Sprintf("Customer %c", 'A'+i)
		if _, err := desk.CreateUser(testActor, domain.UserInput{Email: e, Name: name, Mail: mail}); err != nil {
			t.Fatal(err)
		}
	}
	return desk
}

// messageTo returns the newest outbox message to an address.
func messageTo(t testing.TB, desk *domain.Desk, email string) domain.OutboxMessage {
	t.Helper()
	ms, err := desk.Outbox("", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.To == email {
			return m
		}
	}
	t.Fatalf("no message to %s", email)
	return domain.OutboxMessage{}
}

// deliver records an outcome of message id as a worker would: claimed
// (the claims taken on the way are given back), then sent when cause is
// nil, else failed for good with cause.
func deliver(t *testing.T, desk *domain.Desk, id domain.ID, cause error) error {
	t.Helper()
	const holder = "test-worker"
	var others []domain.ID
	defer func() {
		for _, o := range others {
			if err := desk.Release(holder, o); err != nil {
				t.Fatal(err)
			}
		}
	}()
	for {
		m, ok, err := desk.ClaimNext(holder, fixedNow.Add(time.Hour), 24*time.Hour)
		if err != nil {
			return err
		}
		if !ok {
			t.Fatalf("message %d is not due", id)
		}
		if m.ID != id {
			others = append(others, m.ID)
			continue
		}
		if cause == nil {
			return desk.RecordSent(holder, id, fixedNow)
		}
		return desk.RecordFailure(holder, id, cause, time.Time{})
	}
}

func TestOutboxListsQueuedMailWithLink(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com")
	m := messageTo(t, desk, "ann@example.com")
	d := newDriver(t, desk, 80, 24)
	d.keys("4", "m")
	activeAs[*outboxScreen](t, d)
	d.mustShow("Outbox", "queued", "ann@example.com", "Confirm your email", "held: no transp", "1 of 1")

	d.keys("enter")
	s := activeAs[*messageScreen](t, d)
	if s.id != m.ID {
		t.Fatalf("opened message %d, want %d", s.id, m.ID)
	}
	// The link is made when the mail is sent; the desk shows agents where
	// it goes, never a usable token.
	d.mustShow("Customer A <ann@example.com>", m.MessageID, "queued · verify mail · held: no transport configured",
		"Hello Customer,", "[set-password link: made when the mail is sent, shown to no one]")
	d.mustNotShow("token=", "https://hd.example/p/")

	// With a transport the same message waits for its turn instead.
	d = newDriverWith(t, New(Options{Desk: desk, Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC,
		MailTransport: true}), 80, 24)
	d.keys("4", "m")
	d.mustNotShow("no transport")
	d.keys("enter")
	d.mustShow("queued · verify mail · next try 2026-11-22 09:30")
}

func TestOutboxFilterByState(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com", "welcome.bob@example.com", "cy@example.com")
	if err := deliver(t, desk, messageTo(t, desk, "welcome.bob@example.com").ID, nil); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.keys("4", "m")
	d.mustShow("1 of 3", "[all]")
	d.keys("s")
	d.mustShow("[queued]", "1 of 2", "ann@example.com", "cy@example.com")
	d.mustNotShow("welcome.bob@example.com")
	d.keys("s")
	d.mustShow("[sending]", "No sending messages.")
	d.keys("s")
	d.mustShow("[sent]", "1 of 1", "welcome.bob@example.com")
	d.keys("s")
	d.mustShow("[failed]", "No failed messages.")
	d.keys("s", "s")
	d.mustShow("[all]", "1 of 3")
}

func TestRetryFailedMessage(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com", "cy@example.com")
	m := messageTo(t, desk, "ann@example.com")
	if err := deliver(t, desk, m.ID, errors.New("550 5.1.1 mailbox unavailable")); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 80, 24)
	d.keys("4", "m")
	d.mustShow("failed", "550 5.1.1 mail")

	// A queued message cannot be retried: it says so in words.
	d.keys("r")
	if d.m.dlg != nil {
		t.Fatal("asked to retry a queued message")
	}
	d.mustShow("is queued; only a failed or cancelled message can be retried.")

	d.keys("down", "enter")
	activeAs[*messageScreen](t, d)
	d.mustShow("failed · verify mail · r retries", "550 5.1.1 mailbox unavailable", "Attempts        1")
	d.keys("r")
	if d.m.dlg == nil {
		t.Fatalf("no confirm before the retry:\n%s", d.view())
	}
	d.mustShow("Retry message " + itoa(int(m.ID)) + " to ann@example.com?")
	d.keys("n")
	if got, _ := desk.Message(m.ID); got.State != domain.MailFailed {
		t.Fatalf("retried although cancelled: %s", got.State)
	}
	d.keys("r", "y")
	if got, _ := desk.Message(m.ID); got.State != domain.MailQueued {
		t.Fatalf("state %s after retry, want queued", got.State)
	}
	d.mustShow("is queued again.", "queued · verify mail", "Attempts        0")

	// The list underneath shows it too.
	d.keys("esc")
	d.mustNotShow("failed   ")

	// Refusals read in words: retrying a queued message from the detail.
	d.keys("enter", "r")
	d.mustShow("only a failed or cancelled message can be retried")
}

func TestRetryRefusedWithoutPermission(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com")
	m := messageTo(t, desk, "ann@example.com")
	if err := deliver(t, desk, m.ID, errors.New("550 no such user")); err != nil {
		t.Fatal(err)
	}
	reader := domain.Actor{Name: "agent:rita", AgentID: 7, Perms: domain.PermTemplates}
	d := newDriverWith(t, New(Options{Desk: desk, Actor: reader, Renderer: asciiRenderer(), Location: time.UTC}), 120, 40)
	d.keys("4", "m", "enter")
	d.mustNotShow("r retry", "r retries")
	d.keys("r")
	if d.m.dlg != nil {
		t.Fatal("offered a retry the agent may not do")
	}
	d.mustShow("needs the users.write permission")
}

func TestOutboxLiveRefresh(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com")
	m := messageTo(t, desk, "ann@example.com")
	d := newDriver(t, desk, 80, 24)
	d.keys("4", "m")
	d.mustShow("queued")
	if err := deliver(t, desk, m.ID, nil); err != nil {
		t.Fatal(err)
	}
	// The root turns the desk's events into this message.
	d.send(deskEventsMsg{events: []domain.Event{{Kind: "mail", ID: m.ID}}})
	d.mustShow("› sent")
	d.mustNotShow("no transport")
	d.keys("enter")
	d.mustShow("[link sent; not kept]", "Sent            2026-11-22 09:30")
}

func TestTemplateUnknownTagNotSaved(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com")
	d := newDriver(t, desk, 80, 24)
	d.keys("4", "t")
	activeAs[*templatesScreen](t, d)
	d.mustShow("verify", "welcome", "reset", "shipped default")
	d.keys("enter")
	s := activeAs[*templateScreen](t, d)
	if s.name != "verify" {
		t.Fatalf("opened %s, want verify", s.name)
	}
	d.mustShow("Ready to send", "Subject: Confirm your email for Acme Support")

	d.keys(" {TICKET}")
	d.mustShow("Cannot be saved: template: unknown tag {TICKET}")
	d.keys("ctrl+s")
	d.mustShow("Not saved: template: unknown tag {TICKET}")
	if got, _ := desk.Template("verify"); !got.Shipped || strings.Contains(got.Subject, "TICKET") {
		t.Fatalf("saved: %+v", got)
	}
	if !strings.HasSuffix(s.subject.Value(), "{TICKET}") {
		t.Fatalf("the text was not kept: %q", s.subject.Value())
	}

	// A link event's body must keep {MESSAGE}: the editor says so live.
	for range " {TICKET}" {
		d.keys("backspace")
	}
	d.keys("tab")
	s.body.SetValue("Hello {NAME}, no link here.")
	d.keys("!")
	d.mustShow("a verify email must contain {MESSAGE}", "Hello Ann Lee, no link here.!")
	d.keys("ctrl+s")
	d.mustShow("Not saved: body: a verify email must contain {MESSAGE}")

	// esc with edits asks first; n keeps them.
	d.keys("esc")
	if d.m.dlg == nil {
		t.Fatal("left unsaved edits without asking")
	}
	d.mustShow("Discard your edits to template verify?")
	d.keys("n")
	activeAs[*templateScreen](t, d)
	d.keys("esc", "y")
	activeAs[*templatesScreen](t, d)
}

func TestTemplateValidEditSaves(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com")
	d := newDriver(t, desk, 120, 40)
	d.keys("4", "t", "down", "enter")
	s := activeAs[*templateScreen](t, d)
	if s.name != "welcome" {
		t.Fatalf("opened %s, want welcome", s.name)
	}
	d.keys(", {FIRST_NAME}")
	d.mustShow("Subject: Welcome to Acme Support, Ann", "unsaved edits")
	d.keys("tab", "PS from {ORGANIZATION}.", "enter")
	d.mustShow("PS from Acme.")
	d.keys("ctrl+s")
	d.mustShow("Saved template welcome.")
	d.mustNotShow("unsaved edits")
	got, err := desk.Template("welcome")
	if err != nil || got.Shipped || got.Subject != "Welcome to {DESK_NAME}, {FIRST_NAME}" ||
		!strings.HasPrefix(got.Body, "PS from {ORGANIZATION}.\n") || got.UpdatedBy != testActor.Name {
		t.Fatalf("stored %+v, %v", got, err)
	}

	// Saved: esc leaves without asking, and the list names the editor.
	d.keys("esc")
	if d.m.dlg != nil {
		t.Fatal("asked although saved")
	}
	activeAs[*templatesScreen](t, d)
	d.mustShow("edited by agent:tess 2026-11-22 09:30")

	// New users get the edited mail.
	if _, err := desk.CreateUser(testActor, domain.UserInput{Email: "welcome.dan@example.com", Name: "Dan Q", Mail: "welcome"}); err != nil {
		t.Fatal(err)
	}
	if m := messageTo(t, desk, "welcome.dan@example.com"); m.Subject != "Welcome to Acme Support, Dan" {
		t.Fatalf("subject %q", m.Subject)
	}
}

func TestTemplateReadOnlyWithoutPermission(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com")
	reader := domain.Actor{Name: "agent:rita", AgentID: 7, Perms: domain.PermUsersWrite}
	d := newDriverWith(t, New(Options{Desk: desk, Actor: reader, Renderer: asciiRenderer(), Location: time.UTC}), 120, 40)
	d.keys("4", "t")
	d.mustShow("read only: editing needs the templates permission")
	d.keys("enter")
	s := activeAs[*templateScreen](t, d)
	if s.Capturing() {
		t.Fatal("a reader's template screen takes the keys")
	}
	d.mustShow("read only", "Subject: Confirm your email for Acme Support")
	d.mustNotShow("ctrl+s save")
	d.keys("x", "ctrl+s")
	d.mustShow("agent:rita may not do this: it needs the templates permission")
	if got, _ := desk.Template("verify"); !got.Shipped {
		t.Fatal("saved by a reader")
	}
	d.keys("esc")
	activeAs[*templatesScreen](t, d)
}

var (
	nonceRE = regexp.MustCompile(`(helpdesk\.\d+\.)([0-9a-f]{16})@`)
	tokenRE = regexp.MustCompile(`(https://hd\.example/p/)([A-Za-z0-9_-]{40,})`)
)

// stable replaces what is random in a frame (the Message-ID's nonce, the
// link's token) with as many x's, so the layout stays as drawn.
func stable(view string) string {
	for _, re := range []*regexp.Regexp{nonceRE, tokenRE} {
		view = re.ReplaceAllStringFunc(view, func(m string) string {
			sub := re.FindStringSubmatch(m)
			return sub[1] + strings.Repeat("x", len(sub[2])) + m[len(sub[1])+len(sub[2]):]
		})
	}
	return view
}

// TestGoldenMail is TestGolden for the mail screens (go test ./tui/ -run
// TestGoldenMail -update rewrites testdata/TestGoldenMail).
func TestGoldenMail(t *testing.T) {
	setup := func(t *testing.T) *domain.Desk {
		desk := newMailDesk(t, "ann.lee@example.com", "welcome.bob@example.com", "cy.ortiz@example.com")
		if err := deliver(t, desk, messageTo(t, desk, "welcome.bob@example.com").ID, nil); err != nil {
			t.Fatal(err)
		}
		cy := messageTo(t, desk, "cy.ortiz@example.com")
		if err := deliver(t, desk, cy.ID, errors.New("550 5.1.1 <cy.ortiz@example.com>: mailbox unavailable")); err != nil {
			t.Fatal(err)
		}
		return desk
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{name: "outbox", steps: []step{{keys: []string{"4", "m"}, wait: []string{"1 of 3", "550 5.1.1"}}}},
		{name: "message", steps: []step{
			{keys: []string{"4", "m"}, wait: []string{"1 of 3"}},
			{keys: []string{"enter"}, wait: []string{"Message-ID", "The link works once"}},
		}},
		{name: "templates", steps: []step{{keys: []string{"4", "t"}, wait: []string{"shipped default", "reset"}}}},
		{name: "template", steps: []step{
			{keys: []string{"4", "t"}, wait: []string{"shipped default"}},
			{keys: []string{"enter"}, wait: []string{"Ready to send", "Subject: Confirm"}},
			{keys: []string{" {TICKET}"}, wait: []string{"unknown tag {TICKET}"}},
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				m := newTestModel(setup(t))
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				view := playSteps(t, tm, tc.steps, size)
				teatest.RequireEqualOutput(t, []byte(stable(view)+"\n"))
			})
		}
	}
}

// TestOutboxLiveRefreshReal runs the real subscription: the mail worker
// marking a message sent reaches the open outbox without a key press.
func TestOutboxLiveRefreshReal(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com")
	m := messageTo(t, desk, "ann@example.com")
	tm := teatest.NewTestModel(t, newTestModel(desk), teatest.WithInitialTermSize(120, 40))
	sendKeys(tm, "4", "m")
	waitWords(t, tm, "held: no transport configured", "1 of 1")
	if err := deliver(t, desk, m.ID, nil); err != nil {
		t.Fatal(err)
	}
	waitWords(t, tm, "› sent", "sent 2026-11-22 09:30")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

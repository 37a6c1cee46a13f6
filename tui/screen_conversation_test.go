package tui

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"golang.org/x/crypto/ssh"

	"helpdesk/domain"
)

// convFixture is a desk with demo users, two agents (tess, the session's,
// and omar, another session's) and three conversations: one with Kofi,
// one with Uma (pending) and one with Zoe, who is disabled afterwards.
type convFixture struct {
	desk                 *domain.Desk
	tess, omar           domain.Agent
	printer, invoice, zz domain.Conversation
}

func agentKey(t testing.TB) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
}

func newConvFixture(t testing.TB) *convFixture {
	t.Helper()
	desk := newTestDesk(t, 200)
	f := &convFixture{desk: desk}
	owner := domain.Actor{Name: "owner"}
	var err error
	if f.tess, err = desk.AddAgent(owner, domain.AgentInput{Name: "Tess", Email: "tess@desk.example", Role: "agent", Keys: []string{agentKey(t)}}); err != nil {
		t.Fatal(err)
	}
	if f.omar, err = desk.AddAgent(owner, domain.AgentInput{Name: "Omar", Email: "omar@desk.example", Role: "agent", Keys: []string{agentKey(t)}}); err != nil {
		t.Fatal(err)
	}
	conv := func(email, subject, body string) domain.Conversation {
		c, _, err := desk.NewConversation(f.omar.Actor(), domain.ConvInput{Requester: email, Subject: subject, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	f.zz = conv("kofi.nguyen@acme.com", "Account locked after password reset", "We are looking into it.")
	f.invoice = conv("uma.tanaka@yahoo.com", "Invoice 2026-114 is wrong", "Could you send the order number?")
	if f.invoice, err = desk.SetStatus(f.omar.Actor(), f.invoice.ID, 0, domain.ConvPending); err != nil {
		t.Fatal(err)
	}
	f.printer = conv("kofi.nguyen@acme.com", "Printer on fire", "Please step away from the printer.")
	if _, err := desk.Reply(f.omar.Actor(), f.printer.ID, "Facilities are on their way; they have the floor plan.", true); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *convFixture) model() *Model {
	return New(Options{Desk: f.desk, Actor: f.tess.Actor(), Renderer: asciiRenderer(), Location: time.UTC})
}

func (f *convFixture) disableKofi(t testing.TB) {
	t.Helper()
	u, err := f.desk.UserByEmail("kofi.nguyen@acme.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.desk.DisableUser(f.omar.Actor(), u.ID, 0); err != nil {
		t.Fatal(err)
	}
}

func outboxCount(t testing.TB, desk *domain.Desk) int {
	t.Helper()
	ms, err := desk.Outbox("", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

// openPrinter opens the inbox (i) and the newest open conversation.
func openPrinter(t *testing.T, d *driver) *convScreen {
	t.Helper()
	d.keys("i")
	activeAs[*inboxScreen](t, d)
	d.mustShow("[open]", "Printer on fire", "Account locked", "1 of 2")
	d.mustNotShow("Invoice 2026-114") // pending, not open
	d.keys("enter")
	s := activeAs[*convScreen](t, d)
	d.mustShow("Printer on fire", "Please step away")
	return s
}

func TestInboxFiltersAndOpens(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	d.keys("i")
	d.mustShow("Kofi Nguyen", "Acme", "unassigned"[:0])
	d.keys("s") // pending
	d.mustShow("[pending]", "Invoice 2026-114", "1 of 1")
	d.keys("s", "s", "s") // resolved, closed, all
	d.mustShow("[all]", "Invoice 2026-114", "Printer on fire", "1 of 3")
	d.keys("/", "invce")
	d.mustShow("Invoice 2026-114", "1 of 1 matches among 3 loaded")
	d.mustNotShow("Printer on fire")
	d.keys("esc")
	d.mustShow("1 of 3")
	d.keys("a") // me: nothing assigned to tess yet
	d.mustShow("assignee: me", "No conversations here.")
	d.keys("a") // unassigned
	d.mustShow("assignee: unassigned", "1 of 3")
}

func TestConvReplyIsMailed(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, New(Options{Desk: f.desk, Actor: f.tess.Actor(), Renderer: asciiRenderer(), Location: time.UTC, MailTransport: true}), 120, 40)
	openPrinter(t, d)
	before := outboxCount(t, f.desk)
	d.keys("r")
	d.mustShow("Reply — mailed to kofi.nguyen@acme.com")
	d.keys("The fire is out; the printer is not.", "ctrl+s")
	d.mustShow("The fire is out; the printer is not.", "Reply stored; mail to kofi.nguyen@acme.com queued, next try 2026-11-22 09:30.")
	if n := outboxCount(t, f.desk); n != before+1 {
		t.Fatalf("outbox holds %d messages, want %d", n, before+1)
	}
	_, msgs, _ := f.desk.Conversation(f.printer.ID)
	last := msgs[len(msgs)-1]
	if !last.Mailed() || last.Kind != domain.KindReply || last.Author != "agent:tess@desk.example" {
		t.Fatalf("last message %+v", last)
	}
	if got := strings.Count(d.view(), "· queued, next try"); got != 2 {
		t.Fatalf("%d messages say queued, want 2:\n%s", got, d.view())
	}
}

func TestConvNoteIsInternal(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	openPrinter(t, d)
	before := outboxCount(t, f.desk)
	d.keys("n")
	d.mustShow("Internal note — agents only, never mailed")
	d.keys("Customer sounds calm.", "ctrl+s")
	d.mustShow("▌ Customer sounds calm.", "Internal note added; not mailed.")
	if got := strings.Count(d.view(), "INTERNAL NOTE"); got != 2 {
		t.Fatalf("%d internal notes shown, want 2:\n%s", got, d.view())
	}
	if n := outboxCount(t, f.desk); n != before {
		t.Fatalf("a note was mailed: outbox %d, was %d", n, before)
	}
}

func TestConvDisabledRequesterNotMailed(t *testing.T) {
	f := newConvFixture(t)
	f.disableKofi(t)
	d := newDriverWith(t, f.model(), 120, 40)
	d.keys("i")
	d.mustShow("⊘ Kofi Nguyen")
	d.keys("enter")
	activeAs[*convScreen](t, d)
	d.mustShow("⊘ Kofi Nguyen", "(disabled)", "Replies are stored but not mailed: requester is disabled.")
	before := outboxCount(t, f.desk)
	d.keys("r")
	d.mustShow("will be stored but NOT mailed: requester is disabled")
	d.keys("Noted.", "ctrl+s")
	d.mustShow("not mailed: requester is disabled", "Reply stored but not mailed: requester is disabled.")
	if n := outboxCount(t, f.desk); n != before {
		t.Fatalf("mailed a disabled requester: outbox %d, was %d", n, before)
	}
}

func TestConvStatusAndAssign(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	openPrinter(t, d)
	d.keys("s", "down", "enter")
	d.mustShow("[pending]", "Status is now pending.")
	d.keys("a")
	d.mustShow("me (tess@desk.example)", "nobody (unassign)", "omar@desk.example")
	d.keys("enter")
	d.mustShow("assignee tess@desk.example", "Assigned to tess@desk.example.")
	d.keys("a", "down", "down", "enter")
	d.mustShow("assignee omar@desk.example")
	d.keys("a", "down", "enter")
	d.mustShow("assignee unassigned", "Unassigned.")
	c, _, _ := f.desk.Conversation(f.printer.ID)
	if c.Status != domain.ConvPending || c.AssigneeID != 0 {
		t.Fatalf("stored %s, assignee %d", c.Status, c.AssigneeID)
	}
	// Back in the inbox, which hears of the change (pending now, so not
	// among the open ones).
	d.keys("esc")
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectConv, ID: f.printer.ID}}})
	d.mustShow("1 of 1")
	d.mustNotShow("Printer on fire")
}

func TestConvStaleStatusConflict(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	openPrinter(t, d)
	// Another session closes it; this one has not heard (no live events).
	if _, err := f.desk.SetStatus(f.omar.Actor(), f.printer.ID, 0, domain.ConvClosed); err != nil {
		t.Fatal(err)
	}
	d.keys("s", "down", "down", "enter") // resolved, from the version read
	d.mustShow("Not changed: agent:omar@desk.example changed this conversation at 2026-11-22 09:30", "r reload")
	d.keys("r")
	d.mustShow("[closed]")
	d.mustNotShow("Not changed:")
	if c, _, _ := f.desk.Conversation(f.printer.ID); c.Status != domain.ConvClosed {
		t.Fatalf("status %s: the stale change went through", c.Status)
	}
}

func TestConvLiveReplyFromAnotherSession(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	s := openPrinter(t, d)
	d.keys("r", "half-typed")
	if _, err := f.desk.Reply(f.omar.Actor(), f.printer.ID, "Omar here: fire brigade called.", false); err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectConv, ID: f.printer.ID}}})
	d.mustShow("Omar here: fire brigade called.", "half-typed")
	if s.mode != convComposing {
		t.Fatal("the refresh dropped the reply being written")
	}
}

// TestConvLiveRefreshReal runs the real subscription: another session's
// reply reaches the open conversation without a key press.
func TestConvLiveRefreshReal(t *testing.T) {
	f := newConvFixture(t)
	tm := teatest.NewTestModel(t, f.model(), teatest.WithInitialTermSize(120, 40))
	sendKeys(tm, "i")
	waitWords(t, tm, "Printer on fire", "1 of 2")
	sendKeys(tm, "enter")
	waitWords(t, tm, "Please step away")
	if _, err := f.desk.Reply(f.omar.Actor(), f.printer.ID, "Live from another session.", false); err != nil {
		t.Fatal(err)
	}
	waitWords(t, tm, "Live from another session.")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

func TestUserConversationsAndNew(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	d.keys("/", "kofi.nguyen@acme", "enter", "enter")
	activeAs[*userScreen](t, d)
	d.keys("c")
	activeAs[*inboxScreen](t, d)
	d.mustShow("[all]", "Printer on fire", "Account locked", "1 of 2")
	d.keys("esc", "C")
	activeAs[*createConvScreen](t, d)
	d.keys("Toner", "tab", "Your toner ships today.", "ctrl+s")
	s := activeAs[*convScreen](t, d)
	d.mustShow("Toner", "Your toner ships today.", "Conversation created; the first message's mail is queued, held: no transport configured.")
	if n, _ := f.desk.ConversationCount(s.conv.RequesterID); n != 3 {
		t.Fatalf("Kofi has %d conversations, want 3", n)
	}
	d.keys("esc")
	activeAs[*userScreen](t, d) // the form was replaced by the conversation
}

// TestGoldenConv is TestGolden for the conversation screens (go test
// ./tui/ -run TestGoldenConv -update rewrites testdata/TestGoldenConv).
func TestGoldenConv(t *testing.T) {
	cases := []struct {
		name    string
		disable bool
		// customer: Kofi answers on the portal before the console starts.
		customer bool
		steps    []step
	}{
		{name: "inbox", steps: []step{{keys: []string{"i"}, wait: []string{"Printer on fire", "1 of 2"}}}},
		{name: "inbox_customer", customer: true, steps: []step{{keys: []string{"i"}, wait: []string{"◆ Printer on fire", "the customer wrote last"}}}},
		{name: "conversation_customer", customer: true, steps: []step{
			{keys: []string{"i"}, wait: []string{"◆ Printer on fire"}},
			{keys: []string{"enter"}, wait: []string{"via portal", "It is still smoking"}},
		}},
		{name: "conversation", steps: []step{
			{keys: []string{"i"}, wait: []string{"Printer on fire", "1 of 2"}},
			{keys: []string{"enter"}, wait: []string{"Please step away", "INTERNAL NOTE"}},
		}},
		{name: "conversation_reply_disabled", disable: true, steps: []step{
			{keys: []string{"i"}, wait: []string{"Printer on fire", "1 of 2"}},
			{keys: []string{"enter"}, wait: []string{"Please step away", "INTERNAL NOTE"}},
			{keys: []string{"r", "Hello"}, wait: []string{"NOT mailed"}},
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				f := newConvFixture(t)
				if tc.disable {
					f.disableKofi(t)
				}
				if tc.customer {
					kofi := activeCustomer(t, f.desk, "kofi.nguyen@acme.com")
					if _, err := f.desk.PortalReply(kofi.ID, f.printer.ID, "It is still smoking.\nShould I open a window?"); err != nil {
						t.Fatal(err)
					}
				}
				tm := teatest.NewTestModel(t, f.model(), teatest.WithInitialTermSize(size[0], size[1]))
				view := playSteps(t, tm, tc.steps, size)
				teatest.RequireEqualOutput(t, []byte(stableConv(view)+"\n"))
			})
		}
	}
}

var convNonceRE = regexp.MustCompile(`((?:conv|helpdesk)\.\d+\.)([0-9a-f]{16})@`)

// stableConv masks random Message-ID parts, as stable does for the outbox.
func stableConv(view string) string {
	return stable(convNonceRE.ReplaceAllStringFunc(view, func(m string) string {
		sub := convNonceRE.FindStringSubmatch(m)
		return sub[1] + strings.Repeat("x", len(sub[2])) + m[len(sub[1])+len(sub[2]):]
	}))
}

func TestInboxLiveNewConversation(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	d.keys("i")
	d.mustShow("1 of 2")
	c, _, err := f.desk.NewConversation(f.omar.Actor(), domain.ConvInput{Requester: "uma.tanaka@yahoo.com", Subject: "Where is my parcel", Body: "Tracking follows."})
	if err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectConv, ID: c.ID}}})
	d.mustShow("Where is my parcel", "Uma Tanaka", "1 of 3")
}

func TestConvReadOnlyAgentRefused(t *testing.T) {
	f := newConvFixture(t)
	reader := domain.Actor{Name: "agent:rita", AgentID: 999}
	m := New(Options{Desk: f.desk, Actor: reader, Renderer: asciiRenderer(), Location: time.UTC})
	d := newDriverWith(t, m, 120, 40)
	d.keys("i", "enter")
	activeAs[*convScreen](t, d)
	d.mustNotShow("r reply", "n note")
	d.keys("r")
	d.mustShow("agent:rita may not do this")
	if activeAs[*convScreen](t, d).mode != convViewing {
		t.Fatal("a reader got the reply box")
	}
}

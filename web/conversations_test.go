package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

// agentConv opens a conversation for a requester as the desk's owner.
func (e *env) agentConv(email, subject, body string) domain.Conversation {
	e.t.Helper()
	c, _, err := e.desk.NewConversation(owner, domain.ConvInput{Requester: email, Subject: subject, Body: body})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// note adds an internal note to a conversation as the desk's owner.
func (e *env) note(id domain.ID, body string) {
	e.t.Helper()
	if _, err := e.desk.Reply(owner, id, body, true); err != nil {
		e.t.Fatal(err)
	}
}

// group creates a customer group with the permissions and puts the users in it.
func (e *env) group(name, org string, perms domain.CustomerPerms, users ...domain.User) {
	e.t.Helper()
	g, err := e.desk.CreateGroup(owner, domain.GroupInput{Name: name, Org: org, Perms: perms})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range users {
		if err := e.desk.AddToGroup(owner, g.ID, u.ID); err != nil {
			e.t.Fatal(err)
		}
	}
}

// customer creates an active, signed-in customer.
func (e *env) customer(email, name, org string) (domain.User, *client) {
	e.t.Helper()
	u, tok := e.createUser(email, name, org)
	c := e.activate(tok)
	u, err := e.desk.User(u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return u, c
}

func convPath(id domain.ID) string { return "/c/" + strconv.FormatUint(uint64(id), 10) }

var convLink = regexp.MustCompile(`href="/c/(\d+)"`)

// listed are the conversation ids a page links to, in order.
func listed(body string) []domain.ID {
	var out []domain.ID
	for _, m := range convLink.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.ParseUint(m[1], 10, 64)
		out = append(out, domain.ID(n))
	}
	return out
}

// drain marks every queued message sent.
func (e *env) drain() {
	e.t.Helper()
	for range 1000 {
		m, ok, err := e.desk.ClaimNext("test", e.clock.Now().Add(time.Hour), 0)
		if err != nil {
			e.t.Fatal(err)
		}
		if !ok {
			return
		}
		if err := e.desk.RecordSent("test", m.ID, e.clock.Now()); err != nil {
			e.t.Fatal(err)
		}
	}
}

// lastMessage reads a conversation back through the desk.
func (e *env) lastMessage(id domain.ID) (domain.Conversation, domain.ConvMessage) {
	e.t.Helper()
	c, msgs, err := e.desk.Conversation(id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c, msgs[len(msgs)-1]
}

func TestPortalHomeListsOwnConversationsOnly(t *testing.T) {
	e := newEnv(t)
	_, ann := e.customer("ann@example.com", "Ann Lee", "")
	e.customer("bob@example.com", "Bob Roy", "")
	mine := e.agentConv("ann@example.com", "Printer jams on page two", "Which tray do you use?")
	older := e.agentConv("ann@example.com", "Invoice address", "We updated it.")
	theirs := e.agentConv("bob@example.com", "Bob's salary question", "Bob's private details.")
	e.note(mine.ID, "INTERNAL: customer is on a watch list")
	e.foreign = []string{"Bob's salary question", html("Bob's salary question"), "Bob's private details", html("Bob's private details"),
		"INTERNAL: customer is on a watch list"}

	p := ann.get("/")
	wantPage(t, p, http.StatusOK, "Printer jams on page two", "Invoice address", "Open", "Ann Lee", "ann@example.com", `href="/account"`)
	if got := listed(p.Body); !slices.Equal(got, []domain.ID{older.ID, mine.ID}) {
		t.Fatalf("home links %v, want %v (newest first)", got, []domain.ID{older.ID, mine.ID})
	}
	if strings.Contains(p.Body, `href="/new"`) {
		t.Fatal("home offers /new to a customer without conversations.create")
	}

	// Another customer's conversation by id is the page of one that does
	// not exist, and so is posting to it.
	missing := ann.get("/c/999999")
	wantPage(t, missing, http.StatusNotFound, "There is no page at this address.")
	p = ann.get(convPath(theirs.ID))
	if p.StatusCode != http.StatusNotFound || p.Body != missing.Body {
		t.Fatalf("another's conversation: %d, the same body as a missing one: %v\n%s", p.StatusCode, p.Body == missing.Body, p.Body)
	}
	p = ann.post(convPath(theirs.ID)+"/reply", url.Values{"body": {"Let me in"}})
	if p.StatusCode != http.StatusNotFound || p.Body != missing.Body {
		t.Fatalf("a reply to another's conversation: %d\n%s", p.StatusCode, p.Body)
	}
	if c, _ := e.lastMessage(theirs.ID); c.Messages != 1 {
		t.Fatalf("another's conversation holds %d messages after the refused reply", c.Messages)
	}
	wantPage(t, ann.get("/c/abc"), http.StatusNotFound)
}

// Every page a customer can reach, through every way it can be shown,
// is checked (by env.check) for the text of an internal note.
func TestPortalNoPageShowsAnInternalNote(t *testing.T) {
	e := newEnv(t)
	ann, c := e.customer("ann@example.com", "Ann Lee", "")
	e.group("Openers", "", domain.CustConversationsCreate, ann)
	conv := e.agentConv("ann@example.com", "Password expired", "Use the reset link.")
	const secret = "NOTE-7f3a: agent thinks the customer shared the password"
	e.note(conv.ID, secret)
	e.foreign = []string{secret, "NOTE-7f3a"}

	id := convPath(conv.ID)
	for _, path := range []string{"/", "/?before=" + strconv.FormatUint(uint64(conv.ID)+1, 10), "/account", "/profile", id, id + "?sent=reply", "/new"} {
		if p := c.get(path); p.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, p.StatusCode, p.Body)
		}
	}
	wantPage(t, c.post(id+"/reply", url.Values{"body": {"   "}}), http.StatusOK, "<textarea")
	wantPage(t, c.post(id+"/note", url.Values{"body": {"my own note"}}), http.StatusNotFound)
	wantRedirect(t, c.post(id+"/reply", url.Values{"body": {"It works now."}}), id+"?sent=reply")
	p := c.get(id)
	wantPage(t, p, http.StatusOK, "Use the reset link.", "It works now.")
	if strings.Contains(p.Body, "Internal note") || strings.Contains(p.Body, `action="`+id+`/note"`) {
		t.Fatalf("a customer's thread shows a note or the note form:\n%s", p.Body)
	}
	// Exactly two messages: a hidden note is not even counted.
	if n := strings.Count(p.Body, `<article class="message`); n != 2 {
		t.Fatalf("%d messages on the page, want 2:\n%s", n, p.Body)
	}
	p = c.post("/new", url.Values{"subject": {"Another"}, "body": {"Hello"}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /new: %d\n%s", p.StatusCode, p.Body)
	}
	c.get(p.Header.Get("Location"))
}

func TestPortalOrgPermissionSeesExactlyItsSubtree(t *testing.T) {
	e := newEnv(t)
	for _, o := range []domain.OrgInput{{Name: "Holding"}, {Name: "Acme", Parent: "Holding"}, {Name: "Acme Paris", Parent: "Acme"},
		{Name: "Acme Lyon", Parent: "Acme Paris"}, {Name: "Other Co"}} {
		if _, err := e.desk.CreateOrg(owner, o); err != nil {
			t.Fatal(err)
		}
	}
	lead, c := e.customer("lead@acme.example", "Lea Lead", "Acme")
	e.customer("pat@acme.example", "Pat Paris", "Acme Paris")
	e.customer("lou@acme.example", "Lou Lyon", "Acme Lyon")
	e.customer("hal@holding.example", "Hal Holding", "Holding")
	e.customer("oz@other.example", "Oz Other", "Other Co")
	e.customer("nob@example.com", "Nobody", "")
	e.group("Acme leads", "Acme", domain.CustConversationsOrg, lead)

	own := e.agentConv("lead@acme.example", "Lead's own", "x")
	paris := e.agentConv("pat@acme.example", "Paris printer", "x")
	lyon := e.agentConv("lou@acme.example", "Lyon badge", "x")
	e.agentConv("hal@holding.example", "Holding board pack", "x")
	e.agentConv("oz@other.example", "Other Co contract", "x")
	e.agentConv("nob@example.com", "No org at all", "x")
	e.foreign = []string{"Holding board pack", "Other Co contract", "No org at all"}

	p := c.get("/")
	wantPage(t, p, http.StatusOK, "Lead&#39;s own", "Paris printer", "Lyon badge", "Pat Paris", "Lou Lyon")
	want := []domain.ID{lyon.ID, paris.ID, own.ID}
	if got := listed(p.Body); !slices.Equal(got, want) {
		t.Fatalf("home links %v, want exactly %v", got, want)
	}
	// The own row names no requester; the colleagues' do.
	if strings.Count(p.Body, "requested by") != 2 {
		t.Fatalf("want 2 rows marked with their requester:\n%s", p.Body)
	}
	wantPage(t, c.get(convPath(lyon.ID)), http.StatusOK, "Lyon badge", "Lou Lyon")

	// Without the permission, Pat sees only its own.
	pat := e.signIn("pat@acme.example", goodPassword)
	if got := listed(pat.get("/").Body); !slices.Equal(got, []domain.ID{paris.ID}) {
		t.Fatalf("pat's home links %v, want only %d", got, paris.ID)
	}
	wantPage(t, pat.get(convPath(own.ID)), http.StatusNotFound)
}

func TestPortalReplyStoresAndReopens(t *testing.T) {
	e := newEnv(t)
	_, c := e.customer("ann@example.com", "Ann Lee", "")
	conv := e.agentConv("ann@example.com", "Printer jams", "Try the other tray.")
	e.drain()
	if _, err := e.desk.SetStatus(owner, conv.ID, 0, domain.ConvResolved); err != nil {
		t.Fatal(err)
	}
	id := convPath(conv.ID)
	wantPage(t, c.get(id), http.StatusOK, "Printer jams", "Resolved", "Try the other tray.", `action="`+id+`/reply"`, `name="body"`,
		"Your reply opens this conversation again.")

	// An empty reply: the thread again, with one sentence, nothing stored.
	p := c.post(id+"/reply", url.Values{"body": {"  \n "}})
	wantPage(t, p, http.StatusOK, `class="error"`, `action="`+id+`/reply"`)
	if got, _ := e.lastMessage(conv.ID); got.Messages != 1 {
		t.Fatalf("an empty reply was stored: %d messages", got.Messages)
	}

	wantRedirect(t, c.post(id+"/reply", url.Values{"body": {"The other tray jams too.\nSecond line."}}), id+"?sent=reply")
	got, m := e.lastMessage(conv.ID)
	if got.Status != domain.ConvOpen || !got.CustomerLast {
		t.Fatalf("after the reply: status %s, customer last %v; want open, true", got.Status, got.CustomerLast)
	}
	if !m.FromCustomer || m.Author != "customer:ann@example.com" || m.Via != "portal" || m.Kind != domain.KindReply ||
		m.Body != "The other tray jams too.\nSecond line." || m.Mailed() {
		t.Fatalf("stored %+v", m)
	}
	e.noMail() // never mailed back to the customer
	p = c.get(id + "?sent=reply")
	wantPage(t, p, http.StatusOK, "Your reply was sent", "Open", "The other tray jams too.\nSecond line.", "You")
	if strings.Contains(p.Body, "opens this conversation again") {
		t.Fatal("an open conversation says a reply opens it again")
	}
}

func TestPortalNewConversation(t *testing.T) {
	e := newEnv(t)
	ann, c := e.customer("ann@example.com", "Ann Lee", "")
	_, bob := e.customer("bob@example.com", "Bob Roy", "")

	// Without conversations.create there is no form.
	wantPage(t, c.get("/new"), http.StatusNotFound)
	wantPage(t, c.post("/new", url.Values{"subject": {"x"}, "body": {"y"}}), http.StatusNotFound)
	e.group("Openers", "", domain.CustConversationsCreate, ann)

	p := c.get("/")
	wantPage(t, p, http.StatusOK, `href="/new"`, "You have no conversations with the desk yet.")
	wantPage(t, c.get("/new"), http.StatusOK, `action="/new"`, `name="subject"`, `name="body"`)

	// A missing subject: the form again, what was typed kept, one sentence.
	p = c.post("/new", url.Values{"subject": {"  "}, "body": {"My screen flickers <b>badly</b>."}})
	wantPage(t, p, http.StatusOK, `class="error"`, "subject", `action="/new"`, html("My screen flickers <b>badly</b>."))
	if n, _ := e.desk.ConversationCount(ann.ID); n != 0 {
		t.Fatalf("a conversation was stored without a subject: %d", n)
	}

	e.drain()
	p = c.post("/new", url.Values{"subject": {"Screen flickers"}, "body": {"Since Monday."}})
	if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/c/") {
		t.Fatalf("POST /new: %d to %q", p.StatusCode, p.Header.Get("Location"))
	}
	cs, _, err := e.desk.Conversations(domain.ConvFilter{RequesterID: ann.ID}, 0, 0)
	if err != nil || len(cs) != 1 {
		t.Fatalf("ann's conversations %v %v", cs, err)
	}
	wantRedirect(t, p, convPath(cs[0].ID))
	conv, m := e.lastMessage(cs[0].ID)
	if conv.Subject != "Screen flickers" || conv.Status != domain.ConvOpen || !m.FromCustomer || m.Body != "Since Monday." {
		t.Fatalf("stored %+v, %+v", conv, m)
	}
	e.noMail()
	wantPage(t, c.get(convPath(conv.ID)), http.StatusOK, "Screen flickers", "Since Monday.", "You")
	// Bob, in no group, still cannot see it.
	wantPage(t, bob.get(convPath(conv.ID)), http.StatusNotFound)
}

func TestPortalHomePages(t *testing.T) {
	e := newEnv(t)
	_, c := e.customer("ann@example.com", "Ann Lee", "")
	var ids []domain.ID
	for i := range 30 {
		ids = append(ids, e.agentConv("ann@example.com", fmt.Sprintf("Question number %02d", i), "x").ID)
	}
	p := c.get("/")
	first := listed(p.Body)
	if len(first) != 25 || first[0] != ids[29] || first[24] != ids[5] {
		t.Fatalf("first page links %v", first)
	}
	older := "/?before=" + strconv.FormatUint(uint64(ids[5]), 10)
	wantPage(t, p, http.StatusOK, `href="`+html(older)+`"`, "Older conversations")
	p = c.get(older)
	if got := listed(p.Body); !slices.Equal(got, []domain.ID{ids[4], ids[3], ids[2], ids[1], ids[0]}) {
		t.Fatalf("second page links %v", got)
	}
	if strings.Contains(p.Body, "Older conversations") {
		t.Fatal("the last page offers older ones")
	}
	wantPage(t, c.get("/?before=x"), http.StatusNotFound)
}

func TestPortalCollaboratorNotesOnly(t *testing.T) {
	e := newEnv(t)
	_, ann := e.customer("ann@example.com", "Ann Lee", "")
	conv := e.agentConv("ann@example.com", "Server room too warm", "We are checking the air conditioning.")
	other := e.agentConv("ann@example.com", "Not shared", "x")
	e.note(conv.ID, "Agent note: the contractor is slow.")
	u, err := e.desk.CreateUser(owner, domain.UserInput{Email: "cole@contractor.example", Name: "Cole Contractor", Role: "collaborator"})
	if err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(u.Email)
	cole := e.activate(tok)
	if _, err := e.desk.AddCollaborator(owner, conv.ID, u.Email); err != nil {
		t.Fatal(err)
	}
	id := convPath(conv.ID)

	// Home lists exactly the conversation Cole was added to.
	p := cole.get("/")
	if got := listed(p.Body); !slices.Equal(got, []domain.ID{conv.ID}) {
		t.Fatalf("the collaborator's home links %v, want only %d", got, conv.ID)
	}
	wantPage(t, cole.get(convPath(other.ID)), http.StatusNotFound)
	p = cole.get(id)
	wantPage(t, p, http.StatusOK, "Server room too warm", "Internal note", "Agent note: the contractor is slow.",
		`action="`+id+`/note"`, "Ann Lee")
	if strings.Contains(p.Body, `action="`+id+`/reply"`) {
		t.Fatal("a collaborator is offered a public reply")
	}

	// A public reply is refused with the desk's sentence.
	p = cole.post(id+"/reply", url.Values{"body": {"Tell them it is fixed."}})
	wantPage(t, p, http.StatusOK, `class="error"`, "cannot send a public reply; add an internal note instead.")
	if _, m := e.lastMessage(conv.ID); m.Body == "Tell them it is fixed." {
		t.Fatal("the collaborator's public reply was stored")
	}
	e.drain()
	wantRedirect(t, cole.post(id+"/note", url.Values{"body": {"Cole: new compressor on Friday."}}), id+"?sent=note")
	_, m := e.lastMessage(conv.ID)
	if m.Kind != domain.KindNote || m.FromCustomer || m.Author != "collaborator:cole@contractor.example" || m.Mailed() {
		t.Fatalf("stored %+v", m)
	}
	e.noMail()
	wantPage(t, cole.get(id+"?sent=note"), http.StatusOK, "Your internal note was added.", "Cole: new compressor on Friday.", "You")

	// The customer sees neither note, nor that a collaborator exists.
	p = ann.get(id)
	wantPage(t, p, http.StatusOK, "We are checking the air conditioning.")
	for _, s := range []string{"Cole", "compressor", "contractor", "ollaborator", "Internal note"} {
		if strings.Contains(p.Body, s) {
			t.Fatalf("the customer's thread shows %q:\n%s", s, p.Body)
		}
	}
}

// A customer who reads German gets the conversation pages in German,
// the handlers' sentences included.
func TestPortalConversationsInGerman(t *testing.T) {
	e := newEnv(t)
	u, err := e.desk.CreateUser(owner, domain.UserInput{Email: "jonas@example.de", Name: "Jonas Berg", Language: "de"})
	if err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(u.Email)
	c := e.activate(tok)
	e.group("Openers", "", domain.CustConversationsCreate, u)
	conv := e.agentConv(u.Email, "Drucker", "Bitte warten.")
	if _, err := e.desk.SetStatus(owner, conv.ID, 0, domain.ConvResolved); err != nil {
		t.Fatal(err)
	}
	wantPage(t, c.get("/"), http.StatusOK, `lang="de"`, "Ihre Anfragen", "Neue Anfrage", "Gelöst", "zuletzt aktiv")
	id := convPath(conv.ID)
	wantPage(t, c.get(id), http.StatusOK, "Ihre Antwort", "Antwort senden", "Ihre Antwort öffnet diese Anfrage wieder.")
	wantRedirect(t, c.post(id+"/reply", url.Values{"body": {"Danke."}}), id+"?sent=reply")
	wantPage(t, c.get(id+"?sent=reply"), http.StatusOK, "Ihre Antwort wurde gesendet; der Helpdesk sieht sie jetzt.", "Offen", "<strong>Sie</strong>")
	wantPage(t, c.post("/new", url.Values{"subject": {""}, "body": {"Hallo"}}), http.StatusOK,
		"Geben Sie Ihrer Anfrage einen Betreff und senden Sie sie noch einmal.")
}

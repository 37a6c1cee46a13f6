package domain_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"helpdesk/domain"
)

const secretNote = "NOTE-ONLY-FOR-AGENTS-7731"

// portalUser creates a user and activates it through its set-password link,
// as a customer does.
func portalUser(t *testing.T, d *domain.Desk, in domain.UserInput) domain.User {
	t.Helper()
	u := mustUser(t, d, in)
	ms := lcMails(t, d, u.Email)
	if _, _, err := d.RedeemLink(tokenFrom(t, d, ms[0]), "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatalf("set the password of %s: %v", u.Email, err)
	}
	u, err := d.User(u.ID)
	if err != nil || u.State != domain.StateActive {
		t.Fatalf("%s: state %s, %v", in.Email, u.State, err)
	}
	return u
}

// withPerms puts the user in a new group giving perms.
func withPerms(t *testing.T, d *domain.Desk, u domain.User, perms domain.CustomerPerms) {
	t.Helper()
	g, err := d.CreateGroup(bob, domain.GroupInput{Name: fmt.Sprintf("group of %d", u.ID), Perms: perms})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddToGroup(ann, g.ID, u.ID); err != nil {
		t.Fatal(err)
	}
}

// noteFree fails when any value the portal handed out holds the note's text
// or names a collaborator (a customer never learns they exist).
func noteFree(t *testing.T, what string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.Contains(s, secretNote) {
		t.Errorf("%s holds the internal note: %s", what, s)
	}
	if strings.Contains(s, `collaborators"`) || strings.Contains(s, "collaborator:") || strings.Contains(s, "partner.example") {
		t.Errorf("%s tells a customer about collaborators: %s", what, s)
	}
}

func ids(rows []domain.PortalConv) []domain.ID {
	var out []domain.ID
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func convIDs(cs ...domain.Conversation) []domain.ID {
	var out []domain.ID
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestPortalCustomerSeesOnlyItsOwnAndNoNotes(t *testing.T) {
	d := newDesk(t)
	kim := portalUser(t, d, domain.UserInput{Email: "kim@example.com", Name: "Kim"})
	lou := portalUser(t, d, domain.UserInput{Email: "lou@example.com", Name: "Lou"})
	k1 := newConv(t, d, kim.Email, "First")
	l1 := newConv(t, d, lou.Email, "Lou's own")
	k2 := newConv(t, d, kim.Email, "Second")
	if _, err := d.Reply(bob, k1.ID, secretNote, true); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reply(bob, k1.ID, "We are on it.", false); err != nil {
		t.Fatal(err)
	}

	rows, next, err := d.PortalConversations(kim.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// k1 had the newest public message.
	if !slices.Equal(ids(rows), convIDs(k1, k2)) || next != 0 {
		t.Fatalf("Kim's home: %v next %d; want %v", ids(rows), next, convIDs(k1, k2))
	}
	noteFree(t, "Kim's home", rows)
	for _, r := range rows {
		if r.Requester != "" || r.Messages != 0 || r.UpdatedBy != "" {
			t.Errorf("row %+v: no requester for one's own, no message count that would count notes", r)
		}
	}

	th, err := d.PortalConversation(kim.ID, k1.ID)
	if err != nil {
		t.Fatal(err)
	}
	noteFree(t, "Kim's thread", th)
	if len(th.Messages) != 2 || th.Conv.Messages != 2 || !th.CanReply || th.CanNote || th.Collaborator || th.Requester != "" {
		t.Errorf("thread %+v: want the two public messages, a reply allowed", th)
	}
	for _, m := range th.Messages {
		if m.Kind != domain.KindReply {
			t.Errorf("a customer got a %s", m.Kind)
		}
	}

	// Another customer's conversation is exactly a missing one.
	_, missing := d.PortalConversation(kim.ID, 9999)
	for what, err := range map[string]error{
		"thread": func() error { _, err := d.PortalConversation(kim.ID, l1.ID); return err }(),
		"reply":  func() error { _, err := d.PortalReply(kim.ID, l1.ID, "hi"); return err }(),
		"note":   func() error { _, err := d.PortalNote(kim.ID, l1.ID, "hi"); return err }(),
	} {
		if !domain.IsNotFound(err) || err.Error() != fmt.Sprintf("no conversation with id %d", l1.ID) {
			t.Errorf("%s of Lou's conversation as Kim: %v", what, err)
		}
	}
	if missing == nil || missing.Error() != "no conversation with id 9999" {
		t.Errorf("missing id: %v", missing)
	}
	lrows, _, _ := d.PortalConversations(lou.ID, 0, 0)
	if !slices.Equal(ids(lrows), convIDs(l1)) {
		t.Errorf("Lou's home %v", ids(lrows))
	}
	// Paging from another's conversation places nothing (else it would
	// tell that conversation's activity).
	l2 := newConv(t, d, lou.Email, "Lou's newest")
	if rows, next, err := d.PortalConversations(kim.ID, l2.ID, 0); err != nil || len(rows) != 0 || next != 0 {
		t.Errorf("Kim's home below Lou's conversation: %v %d %v", ids(rows), next, err)
	}
	// A customer cannot write a note.
	var refused *domain.PortalRefusedError
	if _, err := d.PortalNote(kim.ID, k1.ID, "psst"); !errors.As(err, &refused) {
		t.Errorf("a customer's note: %v", err)
	}
}

func TestPortalReplyReopensAndIsTheCustomers(t *testing.T) {
	d := newDesk(t)
	kim := portalUser(t, d, domain.UserInput{Email: "kim@example.com", Name: "Kim"})
	c := newConv(t, d, kim.Email, "Broken")
	if _, err := d.SetStatus(bob, c.ID, 0, domain.ConvResolved); err != nil {
		t.Fatal(err)
	}
	outBefore := len(outbox(t, d))
	m, err := d.PortalReply(kim.ID, c.ID, "  Still broken.  ")
	if err != nil {
		t.Fatal(err)
	}
	conv, msgs, err := d.Conversation(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := msgs[len(msgs)-1]
	if conv.Status != domain.ConvOpen || last.Seq != m.Seq || last.Author != "customer:kim@example.com" || !last.FromCustomer ||
		last.Via != "portal" || last.Kind != domain.KindReply || last.Body != "Still broken." || last.Mailed() {
		t.Errorf("after the reply: status %s, message %+v", conv.Status, last)
	}
	if n := len(outbox(t, d)); n != outBefore {
		t.Errorf("the customer's reply queued %d mails", n-outBefore)
	}
	es, _ := d.Audit(domain.AuditFilter{}, 0, 1)
	if len(es) != 1 || es[0].Actor != "customer:kim@example.com" || es[0].SubjectID != c.ID {
		t.Errorf("audit %+v", es)
	}
	if _, err := d.PortalReply(kim.ID, c.ID, "   "); err == nil || err.Error() != "body: is empty" {
		t.Errorf("empty reply: %v", err)
	}
	// A disabled customer cannot write, nor read.
	if _, err := d.DisableUser(ann, kim.ID, 0); err != nil {
		t.Fatal(err)
	}
	var blocked *domain.SignInError
	if _, err := d.PortalReply(kim.ID, c.ID, "again"); !errors.As(err, &blocked) {
		t.Errorf("disabled reply: %v", err)
	}
	if _, _, err := d.PortalConversations(kim.ID, 0, 0); !errors.As(err, &blocked) {
		t.Errorf("disabled list: %v", err)
	}
}

func TestPortalNewConversationNeedsPermission(t *testing.T) {
	d := newDesk(t)
	kim := portalUser(t, d, domain.UserInput{Email: "kim@example.com", Name: "Kim"})
	if ok, err := d.PortalCanOpen(kim.ID); ok || err != nil {
		t.Errorf("PortalCanOpen without conversations.create = %v %v", ok, err)
	}
	var refused *domain.PortalRefusedError
	_, err := d.PortalNewConversation(kim.ID, "Help", "Please")
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "conversations.create") {
		t.Fatalf("without permission: %v", err)
	}
	if rows, _, _ := d.PortalConversations(kim.ID, 0, 0); len(rows) != 0 {
		t.Errorf("a refused conversation was stored: %v", rows)
	}
	withPerms(t, d, kim, domain.CustConversationsCreate)
	if ok, err := d.PortalCanOpen(kim.ID); !ok || err != nil {
		t.Errorf("PortalCanOpen with conversations.create = %v %v", ok, err)
	}
	if _, err := d.PortalNewConversation(kim.ID, " \t ", "Please"); err == nil || err.Error() != "subject: is empty" {
		t.Errorf("empty subject: %v", err)
	}
	c, err := d.PortalNewConversation(kim.ID, "  Printer   jam ", "It jams.")
	if err != nil {
		t.Fatal(err)
	}
	stored, msgs, err := d.Conversation(c.ID)
	if err != nil || stored.Subject != "Printer jam" || stored.RequesterID != kim.ID || stored.Status != domain.ConvOpen ||
		len(msgs) != 1 || msgs[0].Author != "customer:kim@example.com" || !msgs[0].FromCustomer || msgs[0].Via != "portal" {
		t.Errorf("new conversation %+v %+v %v", stored, msgs, err)
	}
	rows, _, _ := d.PortalConversations(kim.ID, 0, 0)
	if !slices.Equal(ids(rows), []domain.ID{c.ID}) {
		t.Errorf("home after /new: %v", ids(rows))
	}

	// A pending user with the permission still cannot write.
	pen := mustUser(t, d, domain.UserInput{Email: "pen@example.com"})
	withPerms(t, d, pen, domain.CustConversationsCreate)
	if _, err := d.PortalNewConversation(pen.ID, "Hi", "Hello"); !errors.As(err, &refused) || !strings.Contains(err.Error(), "pending") {
		t.Errorf("pending user: %v", err)
	}
}

func TestPortalOrgPermissionSeesExactlyTheSubtree(t *testing.T) {
	d := newDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Holding", Domains: []string{"holding.example"}})
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.example"}, Parent: "Holding"})
	mustOrg(t, d, domain.OrgInput{Name: "Acme Labs", Domains: []string{"labs.acme.example"}, Parent: "Acme"})
	mustOrg(t, d, domain.OrgInput{Name: "Acme Deep", Domains: []string{"deep.labs.acme.example"}, Parent: "Acme Labs"})
	mustOrg(t, d, domain.OrgInput{Name: "Beta", Domains: []string{"beta.example"}, Parent: "Holding"})

	boss := portalUser(t, d, domain.UserInput{Email: "boss@acme.example", Name: "Boss"})
	peer := portalUser(t, d, domain.UserInput{Email: "peer@acme.example", Name: "Peer"})
	withPerms(t, d, boss, domain.CustConversationsOrg)
	for _, e := range []string{"ann@acme.example", "lab@labs.acme.example", "dee@deep.labs.acme.example", "hq@holding.example", "bea@beta.example", "someone@elsewhere.example"} {
		mustUser(t, d, domain.UserInput{Email: e})
	}
	mine := newConv(t, d, boss.Email, "mine")
	acme := newConv(t, d, "ann@acme.example", "acme")
	labs := newConv(t, d, "lab@labs.acme.example", "labs")
	deep := newConv(t, d, "dee@deep.labs.acme.example", "deep")
	parent := newConv(t, d, "hq@holding.example", "holding")
	sibling := newConv(t, d, "bea@beta.example", "beta")
	outside := newConv(t, d, "someone@elsewhere.example", "no org")
	if _, err := d.Reply(bob, labs.ID, secretNote, true); err != nil {
		t.Fatal(err)
	}

	rows, _, err := d.PortalConversations(boss.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := convIDs(deep, labs, acme, mine)
	if !slices.Equal(ids(rows), want) {
		t.Fatalf("Boss's home %v; want %v (not %d, %d, %d)", ids(rows), want, parent.ID, sibling.ID, outside.ID)
	}
	noteFree(t, "Boss's home", rows)
	for _, r := range rows {
		if (r.ID == mine.ID) != (r.Requester == "") {
			t.Errorf("row %d requester %q", r.ID, r.Requester)
		}
	}
	if rows[0].Requester != "dee@deep.labs.acme.example" {
		t.Errorf("requester label %q", rows[0].Requester)
	}
	th, err := d.PortalConversation(boss.ID, labs.ID)
	if err != nil || !th.CanReply || th.Requester == "" {
		t.Fatalf("labs thread %+v %v", th, err)
	}
	noteFree(t, "labs thread", th)
	for _, c := range []domain.Conversation{parent, sibling, outside} {
		if _, err := d.PortalConversation(boss.ID, c.ID); !domain.IsNotFound(err) {
			t.Errorf("conversation %q: %v", c.Subject, err)
		}
	}
	// Without the permission, a colleague sees only its own (none).
	if prow, _, _ := d.PortalConversations(peer.ID, 0, 0); len(prow) != 0 {
		t.Errorf("Peer sees %v", ids(prow))
	}
	if _, err := d.PortalConversation(peer.ID, acme.ID); !domain.IsNotFound(err) {
		t.Errorf("Peer opens Acme's: %v", err)
	}

	// Paging: two at a time, newest activity first, and a reply moves
	// a conversation to the top.
	if _, err := d.Reply(bob, acme.ID, "news", false); err != nil {
		t.Fatal(err)
	}
	var paged []domain.ID
	before := domain.ID(0)
	for range 5 {
		page, next, err := d.PortalConversations(boss.ID, before, 2)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, ids(page)...)
		if next == 0 {
			break
		}
		before = next
	}
	if want := convIDs(acme, deep, labs, mine); !slices.Equal(paged, want) {
		t.Errorf("paged %v; want %v", paged, want)
	}
}

func TestCollaboratorSeesAddedConversationsAndNotes(t *testing.T) {
	d := newDesk(t)
	col := portalUser(t, d, domain.UserInput{Email: "col@partner.example", Name: "Col", Role: "collaborator"})
	kim := portalUser(t, d, domain.UserInput{Email: "kim@example.com", Name: "Kim"})
	withPerms(t, d, col, domain.CustConversationsCreate|domain.CustConversationsOrg)
	if ok, why, err := d.CanSignIn(col.ID); !ok || err != nil {
		t.Fatalf("a collaborator cannot sign in: %s %v", why, err)
	}
	c1 := newConv(t, d, kim.Email, "with help")
	c2 := newConv(t, d, kim.Email, "without")
	if _, err := d.Reply(bob, c1.ID, secretNote, true); err != nil {
		t.Fatal(err)
	}
	if rows, _, _ := d.PortalConversations(col.ID, 0, 0); len(rows) != 0 {
		t.Errorf("before being added: %v", ids(rows))
	}
	if _, err := d.AddCollaborator(ann, c1.ID, kim.Email); err == nil || !strings.Contains(err.Error(), "role collaborator") {
		t.Errorf("adding a customer: %v", err)
	}
	if _, err := d.AddCollaborator(ann, c1.ID, "COL@partner.example"); err != nil {
		t.Fatal(err)
	}
	rows, _, err := d.PortalConversations(col.ID, 0, 0)
	if err != nil || !slices.Equal(ids(rows), convIDs(c1)) || rows[0].Requester != "Kim <kim@example.com>" {
		t.Fatalf("collaborator's home %+v %v", rows, err)
	}
	th, err := d.PortalConversation(col.ID, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !th.Collaborator || !th.CanNote || th.CanReply || len(th.Messages) != 2 || th.Messages[1].Body != secretNote {
		t.Errorf("collaborator's thread %+v", th)
	}
	if _, err := d.PortalConversation(col.ID, c2.ID); !domain.IsNotFound(err) {
		t.Errorf("not added: %v", err)
	}
	var refused *domain.PortalRefusedError
	if _, err := d.PortalReply(col.ID, c1.ID, "public words"); !errors.As(err, &refused) || err.Error() != "a collaborator cannot send a public reply; add an internal note instead" {
		t.Errorf("collaborator's reply: %v", err)
	}
	if ok, _ := d.PortalCanOpen(col.ID); ok {
		t.Error("a collaborator is offered /new")
	}
	if _, err := d.PortalNewConversation(col.ID, "x", "y"); !errors.As(err, &refused) {
		t.Errorf("collaborator's /new: %v", err)
	}
	n, err := d.PortalNote(col.ID, c1.ID, "From the partner: "+secretNote)
	if err != nil {
		t.Fatal(err)
	}
	_, msgs, _ := d.Conversation(c1.ID)
	last := msgs[len(msgs)-1]
	if last.Seq != n.Seq || last.Kind != domain.KindNote || last.Author != "collaborator:col@partner.example" || last.FromCustomer || last.Mailed() {
		t.Errorf("collaborator's note %+v", last)
	}
	// The customer sees neither the notes nor that a collaborator exists.
	kth, err := d.PortalConversation(kim.ID, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	noteFree(t, "Kim's thread", kth)
	krows, _, _ := d.PortalConversations(kim.ID, 0, 0)
	noteFree(t, "Kim's home", krows)
	if len(kth.Messages) != 1 || kth.Conv.UpdatedAt != kth.Conv.ActivityAt {
		t.Errorf("Kim's thread after the note %+v", kth)
	}

	if _, err := d.RemoveCollaborator(ann, c1.ID, col.Email); err != nil {
		t.Fatal(err)
	}
	if rows, _, _ := d.PortalConversations(col.ID, 0, 0); len(rows) != 0 {
		t.Errorf("after removal: %v", ids(rows))
	}
	if _, err := d.PortalNote(col.ID, c1.ID, "still here?"); !domain.IsNotFound(err) {
		t.Errorf("note after removal: %v", err)
	}
	if _, err := d.RemoveCollaborator(ann, c1.ID, col.Email); err == nil || !strings.Contains(err.Error(), "is not a collaborator") {
		t.Errorf("removing twice: %v", err)
	}
	var actions []string
	es, _ := d.Audit(domain.AuditFilter{}, 0, 0)
	for _, e := range es {
		if strings.HasPrefix(e.Action, "conv.collaborator") || e.Actor == "collaborator:col@partner.example" {
			actions = append(actions, e.Action+" by "+e.Actor)
		}
	}
	if want := []string{"conv.collaborator.remove by ann@desk", "conv.note by collaborator:col@partner.example", "conv.collaborator.add by ann@desk"}; !slices.Equal(actions, want) {
		t.Errorf("audit %q", actions)
	}
}

func TestDeletingACollaboratorTakesItOffItsConversations(t *testing.T) {
	d, db, _ := lcDesk(t)
	col := mustUser(t, d, domain.UserInput{Email: "col@partner.example", Role: "collaborator", Mail: "none"})
	mustUser(t, d, domain.UserInput{Email: "kim@example.com", Mail: "none"})
	c := newConv(t, d, "kim@example.com", "help")
	if _, err := d.AddCollaborator(ann, c.ID, col.Email); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DeleteUser(ann, col.ID, col.Email); err != nil {
		t.Fatal(err)
	}
	if us, err := d.Collaborators(c.ID); err != nil || len(us) != 0 {
		t.Errorf("collaborators after the user was deleted: %v %v", us, err)
	}
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("check: %v %v", problems, err)
	}
}

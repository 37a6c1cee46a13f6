package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"helpdesk/domain"
)

// mailsFor returns the outbox messages to one address, oldest first.
func mailsFor(t *testing.T, d *domain.Desk, to string) []domain.OutboxMessage {
	t.Helper()
	var out []domain.OutboxMessage
	for _, m := range outbox(t, d) {
		if m.To == to && m.Event == domain.EventReply {
			out = append([]domain.OutboxMessage{m}, out...)
		}
	}
	return out
}

func newConv(t *testing.T, d *domain.Desk, email, subject string) domain.Conversation {
	t.Helper()
	c, _, err := d.NewConversation(ann, domain.ConvInput{Requester: email, Subject: subject, Body: "Hello, how can we help?"})
	if err != nil {
		t.Fatalf("NewConversation(%s): %v", email, err)
	}
	return c
}

func TestReplyIsMailedInTheThread(t *testing.T) {
	d := newDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee", Mail: "none"})
	c, first, err := d.NewConversation(ann, domain.ConvInput{Requester: "ANN@acme.com", Subject: "Printer on fire", Body: "We saw your call."})
	if err != nil {
		t.Fatal(err)
	}
	if c.RequesterID != u.ID || c.Status != domain.ConvOpen || c.Messages != 1 || c.Version != 1 {
		t.Errorf("new conversation %+v", c)
	}
	if !strings.HasPrefix(c.ThreadID, "<conv.1.") || !strings.HasSuffix(c.ThreadID, "@helpdesk.invalid>") {
		t.Errorf("thread root %q", c.ThreadID)
	}
	ms := mailsFor(t, d, u.Email)
	if len(ms) != 1 || !first.Mailed() || ms[0].ID != first.OutboxID {
		t.Fatalf("creation queued %d mails, message %+v", len(ms), first)
	}
	if ms[0].MessageID != c.ThreadID || ms[0].Subject != "Printer on fire" || ms[0].InReplyTo != "" || ms[0].Text != "We saw your call." {
		t.Errorf("first mail %+v: want the thread root as its Message-ID and the subject as is", ms[0])
	}

	r1, err := d.Reply(bob, c.ID, "Try turning it off.", false)
	if err != nil {
		t.Fatal(err)
	}
	ms = mailsFor(t, d, u.Email)
	if len(ms) != 2 || !r1.Mailed() || ms[1].ID != r1.OutboxID {
		t.Fatalf("a public reply queued %d mails in all (want exactly one more); message %+v", len(ms), r1)
	}
	m1 := ms[1]
	if m1.Subject != "Re: Printer on fire" || m1.InReplyTo != c.ThreadID || !slices.Equal(m1.References, []string{c.ThreadID}) {
		t.Errorf("reply mail subject %q in-reply-to %q references %v", m1.Subject, m1.InReplyTo, m1.References)
	}
	if m1.MessageID == c.ThreadID || m1.MessageID == "" || m1.State != domain.MailQueued || m1.Text != "Try turning it off." {
		t.Errorf("reply mail %+v", m1)
	}
	r2, err := d.Reply(bob, c.ID, "Did it work?", false)
	if err != nil {
		t.Fatal(err)
	}
	m2 := mailsFor(t, d, u.Email)[2]
	if m2.ID != r2.OutboxID || m2.Subject != "Re: Printer on fire" || m2.InReplyTo != m1.MessageID ||
		!slices.Equal(m2.References, []string{c.ThreadID, m1.MessageID}) {
		t.Errorf("second reply: subject %q in-reply-to %q references %v", m2.Subject, m2.InReplyTo, m2.References)
	}

	// An internal note is kept and never mailed.
	note, err := d.Reply(bob, c.ID, "Customer sounds upset.", true)
	if err != nil {
		t.Fatal(err)
	}
	if note.Kind != domain.KindNote || note.Mailed() || len(mailsFor(t, d, u.Email)) != 3 {
		t.Errorf("note %+v queued mail", note)
	}
	got, msgs, err := d.Conversation(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Messages != 4 || len(msgs) != 4 || got.Version != 4 {
		t.Fatalf("conversation %+v with %d messages", got, len(msgs))
	}
	for i, m := range msgs {
		if m.Seq != i+1 || m.ConvID != c.ID {
			t.Errorf("message %d: %+v", i, m)
		}
	}
	if msgs[1].Author != "bob@desk" || msgs[1].Kind != domain.KindReply || msgs[3].Kind != domain.KindNote || msgs[3].Body != "Customer sounds upset." {
		t.Errorf("messages %+v", msgs)
	}
	// The audit trail of the conversation has each step.
	es, err := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectConv, SubjectID: c.ID}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{"conv.note", "conv.reply", "conv.reply", "conv.create"}) {
		t.Errorf("audit %v", actions)
	}
	// The user's own trail is not mixed with the conversation's.
	us, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: c.ID}, 0, 0)
	for _, e := range us {
		if strings.HasPrefix(e.Action, "conv.") {
			t.Errorf("conversation entry %s in user %d's trail", e.Action, c.ID)
		}
	}
}

func TestReSubjectIsNotStacked(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c := newConv(t, d, "ann@acme.com", "RE: your invoice")
	if _, err := d.Reply(ann, c.ID, "Paid.", false); err != nil {
		t.Fatal(err)
	}
	if ms := mailsFor(t, d, "ann@acme.com"); ms[1].Subject != "RE: your invoice" {
		t.Errorf("subject %q", ms[1].Subject)
	}
}

func TestDisabledRequesterKeepsThreadGetsNoMail(t *testing.T) {
	d := newDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann", Mail: "none"})
	c := newConv(t, d, u.Email, "Account question")
	if _, err := d.Reply(bob, c.ID, "First answer.", false); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DisableUser(ann, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	before := len(mailsFor(t, d, u.Email))
	r, err := d.Reply(bob, c.ID, "While you were away.", false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Mailed() || r.NotMailed != "requester is disabled" || r.Kind != domain.KindReply {
		t.Errorf("reply to a disabled requester: %+v", r)
	}
	if n := len(mailsFor(t, d, u.Email)); n != before {
		t.Errorf("%d mails queued to a disabled requester", n-before)
	}
	if _, err := d.Reply(bob, c.ID, "note", true); err != nil {
		t.Fatal(err)
	}
	// A new conversation with a disabled requester is stored, not mailed.
	c2, first, err := d.NewConversation(ann, domain.ConvInput{Requester: u.Email, Subject: "Another", Body: "Hi"})
	if err != nil || first.Mailed() || first.NotMailed == "" {
		t.Fatalf("new conversation for a disabled user: %v, %+v", err, first)
	}
	if n, _ := d.ConversationCount(u.ID); n != 2 {
		t.Errorf("ConversationCount %d, want 2", n)
	}
	_, msgs, err := d.Conversation(c.ID)
	if err != nil || len(msgs) != 4 {
		t.Fatalf("disabled requester's thread: %d messages, %v", len(msgs), err)
	}

	// Enabled again: the next reply is mailed, in the same thread.
	if _, err := d.EnableUser(ann, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	r, err = d.Reply(bob, c.ID, "Welcome back.", false)
	if err != nil || !r.Mailed() {
		t.Fatalf("reply after enable: %+v, %v", r, err)
	}
	ms := mailsFor(t, d, u.Email)
	if len(ms) != before+1 {
		t.Fatalf("%d mails, want %d", len(ms), before+1)
	}
	last, prev := ms[len(ms)-1], ms[len(ms)-2]
	if last.InReplyTo != prev.MessageID || last.References[0] != c.ThreadID || last.Subject != "Re: Account question" {
		t.Errorf("after enable: in-reply-to %q (previous %q), references %v", last.InReplyTo, prev.MessageID, last.References)
	}
	// The conversation that began while disabled threads on its root.
	r2, err := d.Reply(bob, c2.ID, "Now you can read this.", false)
	if err != nil || !r2.Mailed() {
		t.Fatal(r2, err)
	}
	m, _ := d.Message(r2.OutboxID)
	if m.InReplyTo != c2.ThreadID || !slices.Equal(m.References, []string{c2.ThreadID}) {
		t.Errorf("first mailed reply of c2: %q %v", m.InReplyTo, m.References)
	}
}

func TestInactiveOrganizationGetsNoMail(t *testing.T) {
	d := newDesk(t)
	parent := mustOrg(t, d, domain.OrgInput{Name: "Holding", Inactive: true})
	_ = parent
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}, Parent: "Holding"})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c, first, err := d.NewConversation(ann, domain.ConvInput{Requester: u.Email, Subject: "Hi", Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Mailed() || first.NotMailed != "organization Holding is inactive" {
		t.Errorf("first message %+v", first)
	}
	if c.OrgID != u.OrgID || c.OrgID == 0 {
		t.Errorf("conversation org %d, user's %d", c.OrgID, u.OrgID)
	}
}

func TestStatusAssignAndFilters(t *testing.T) {
	d := newDesk(t)
	a := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	b := mustUser(t, d, domain.UserInput{Email: "bob@beta.com", Mail: "none"})
	agent, err := d.AddAgent(ann, domain.AgentInput{Name: "Al", Email: "al@desk.example", Role: "agent", Keys: []string{newKey(t, "al")}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []domain.ID
	for i, who := range []string{a.Email, b.Email, a.Email, b.Email, a.Email} {
		ids = append(ids, newConv(t, d, who, "Question "+string(rune('A'+i))).ID)
	}
	// Status, with the version read.
	c, err := d.SetStatus(ann, ids[1], 1, domain.ConvPending)
	if err != nil || c.Status != domain.ConvPending || c.Version != 2 {
		t.Fatalf("SetStatus: %+v, %v", c, err)
	}
	var ce *domain.ConflictError
	if _, err := d.SetStatus(bob, ids[1], 1, domain.ConvClosed); !errors.As(err, &ce) || ce.By != "ann@desk" {
		t.Errorf("stale version: %v", err)
	}
	if _, err := d.SetStatus(ann, ids[3], 0, domain.ConvClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SetStatus(ann, ids[3], 0, "sleeping"); err == nil {
		t.Error("unknown status accepted")
	}
	if _, err := d.SetStatus(ann, 999, 0, domain.ConvOpen); !domain.IsNotFound(err) {
		t.Errorf("missing conversation: %v", err)
	}
	// Assign and unassign.
	c, err = d.Assign(ann, ids[0], "AL@desk.example")
	if err != nil || c.AssigneeID != agent.ID {
		t.Fatalf("Assign: %+v, %v", c, err)
	}
	if _, err := d.Assign(ann, ids[2], "al@desk.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Assign(ann, ids[2], ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Assign(ann, ids[4], "nobody@desk.example"); !domain.IsNotFound(err) {
		t.Errorf("unknown agent: %v", err)
	}

	list := func(f domain.ConvFilter) []domain.ID {
		t.Helper()
		cs, next, err := d.Conversations(f, 0, 0)
		if err != nil || next != 0 {
			t.Fatalf("Conversations(%+v): next %d, %v", f, next, err)
		}
		var out []domain.ID
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	cases := []struct {
		f    domain.ConvFilter
		want []domain.ID
	}{
		{domain.ConvFilter{}, []domain.ID{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{domain.ConvFilter{Status: domain.ConvOpen}, []domain.ID{ids[4], ids[2], ids[0]}},
		{domain.ConvFilter{Status: domain.ConvPending}, []domain.ID{ids[1]}},
		{domain.ConvFilter{Status: domain.ConvClosed}, []domain.ID{ids[3]}},
		{domain.ConvFilter{Status: domain.ConvResolved}, nil},
		{domain.ConvFilter{RequesterID: b.ID}, []domain.ID{ids[3], ids[1]}},
		{domain.ConvFilter{RequesterID: b.ID, Status: domain.ConvClosed}, []domain.ID{ids[3]}},
		{domain.ConvFilter{AssigneeID: agent.ID}, []domain.ID{ids[0]}},
	}
	for _, tc := range cases {
		if got := list(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("filter %+v: %v, want %v", tc.f, got, tc.want)
		}
	}
	// Paging: two at a time, newest first.
	p1, next, err := d.Conversations(domain.ConvFilter{Status: domain.ConvOpen}, 0, 2)
	if err != nil || len(p1) != 2 || next != ids[2] {
		t.Fatalf("page 1: %d, next %d, %v", len(p1), next, err)
	}
	p2, next, err := d.Conversations(domain.ConvFilter{Status: domain.ConvOpen}, next, 2)
	if err != nil || len(p2) != 1 || p2[0].ID != ids[0] || next != 0 {
		t.Fatalf("page 2: %v, next %d, %v", p2, next, err)
	}
	if n, _ := d.ConversationCount(a.ID); n != 3 {
		t.Errorf("ann has %d conversations, want 3", n)
	}
}

func TestConversationPermissionsAndValidation(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	reader := domain.Actor{Name: "agent:ro@desk", AgentID: 7, Perms: domain.PermOrgsWrite}
	var pe *domain.PermissionError
	if _, _, err := d.NewConversation(reader, domain.ConvInput{Requester: "ann@acme.com", Subject: "s", Body: "b"}); !errors.As(err, &pe) {
		t.Errorf("no users.write: %v", err)
	}
	c := newConv(t, d, "ann@acme.com", "Subject")
	if _, err := d.Reply(reader, c.ID, "x", false); !errors.As(err, &pe) {
		t.Errorf("reply without users.write: %v", err)
	}
	if _, err := d.SetStatus(reader, c.ID, 0, domain.ConvClosed); !errors.As(err, &pe) {
		t.Errorf("status without users.write: %v", err)
	}
	if _, err := d.Assign(reader, c.ID, ""); !errors.As(err, &pe) {
		t.Errorf("assign without users.write: %v", err)
	}
	var ve *domain.ValidationError
	for _, in := range []domain.ConvInput{
		{Requester: "ann@acme.com", Subject: "", Body: "b"},
		{Requester: "ann@acme.com", Subject: "a\nBcc: x@y.com", Body: "b"},
		{Requester: "ann@acme.com", Subject: "s", Body: "  "},
		{Requester: "", Subject: "s", Body: "b"},
		{Requester: "ann@acme.com", Subject: "s", Body: "b", Tags: []string{"Not OK"}},
	} {
		if _, _, err := d.NewConversation(ann, in); !errors.As(err, &ve) {
			t.Errorf("%+v: %v, want a validation error", in, err)
		}
	}
	if _, _, err := d.NewConversation(ann, domain.ConvInput{Requester: "ghost@acme.com", Subject: "s", Body: "b"}); !domain.IsNotFound(err) {
		t.Errorf("unknown requester: %v", err)
	}
	if _, err := d.Reply(ann, 42, "hello", false); !domain.IsNotFound(err) {
		t.Errorf("reply to a missing conversation: %v", err)
	}
	c2, _, err := d.NewConversation(ann, domain.ConvInput{Requester: "ann@acme.com", Subject: "  tagged   one ", Body: "b", Tags: []string{"VIP", "billing", "vip"}})
	if err != nil || c2.Subject != "tagged one" || !slices.Equal(c2.Tags, []string{"billing", "vip"}) {
		t.Errorf("tags and subject: %+v, %v", c2, err)
	}
}

func TestConversationEventsArePublished(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	ch, stop := d.Subscribe()
	defer stop()
	c := newConv(t, d, "ann@acme.com", "Hi")
	if _, err := d.Reply(ann, c.ID, "hello", true); err != nil {
		t.Fatal(err)
	}
	// The creation queued mail: the worker hears "mail", the screens "conv".
	var kinds []string
	for range 3 {
		e := <-ch
		kinds = append(kinds, e.Kind)
		if e.Kind == "conv" && e.ID != c.ID {
			t.Errorf("event %+v", e)
		}
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"conv", "conv", "mail"}) {
		t.Errorf("events %v", kinds)
	}
}

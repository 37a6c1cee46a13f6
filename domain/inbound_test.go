package domain_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"helpdesk/domain"
	"helpdesk/mailer"
)

// inboundDesk is a desk that takes mail for support@desk.example.
func inboundDesk(t *testing.T) *domain.Desk {
	t.Helper()
	d := newDesk(t)
	if _, err := d.SetSetting(ann, domain.SettingInboundAddress, "support@desk.example, help@desk.example"); err != nil {
		t.Fatal(err)
	}
	return d
}

// eml builds a plain-text mail; extra headers come first.
func eml(from, subject, body string, headers ...string) string {
	var b strings.Builder
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	fmt.Fprintf(&b, "From: %s\r\nTo: support@desk.example\r\nSubject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", from, subject, strings.ReplaceAll(body, "\n", "\r\n"))
	return b.String()
}

// receiveRaw reads a raw message as the listener and mail receive do:
// the mailer parses it, the desk applies its rules.
func receiveRaw(d *domain.Desk, rcpts []string, msg string) (domain.Received, error) {
	return mailer.Receive(context.Background(), d, mailer.Envelope{To: rcpts}, strings.NewReader(msg), 0)
}

func receive(t *testing.T, d *domain.Desk, msg string) domain.Received {
	t.Helper()
	r, err := receiveRaw(d, []string{"support@desk.example"}, msg)
	if err != nil {
		t.Fatalf("ReceiveMail: %v", err)
	}
	return r
}

func lastMessage(t *testing.T, d *domain.Desk, conv domain.ID) (domain.Conversation, domain.ConvMessage) {
	t.Helper()
	c, ms, err := d.Conversation(conv)
	if err != nil {
		t.Fatal(err)
	}
	return c, ms[len(ms)-1]
}

func TestInboundReplyThreadsByInReplyTo(t *testing.T) {
	d := inboundDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c := newConv(t, d, u.Email, "Printer on fire")
	if _, err := d.SetStatus(ann, c.ID, 0, domain.ConvResolved); err != nil {
		t.Fatal(err)
	}
	mails := len(outbox(t, d))
	r := receive(t, d, eml("Ann <ann@acme.com>", "Re: Printer on fire",
		"It is still burning.\n\nOn Mon, 23 Nov 2026 at 09:00, Helpdesk <support@desk.example> wrote:\n> Hello, how can we help?",
		"Message-ID: <a1@acme.com>", "In-Reply-To: "+c.ThreadID))
	if r.ConvID != c.ID || r.NewConversation || r.UserCreated || r.Ignored != "" {
		t.Fatalf("received %+v; want appended to conversation %d", r, c.ID)
	}
	got, m := lastMessage(t, d, c.ID)
	if !m.FromCustomer || m.Via != "email" || m.Author != "customer:ann@acme.com" || m.Body != "It is still burning." {
		t.Errorf("stored message %+v", m)
	}
	if !strings.HasPrefix(m.Quoted, "On Mon, 23 Nov 2026") || !strings.Contains(m.Quoted, "> Hello, how can we help?") {
		t.Errorf("quoted text %q: want the attribution and the quote kept", m.Quoted)
	}
	if got.Status != domain.ConvOpen || got.InReplyTo() != "<a1@acme.com>" {
		t.Errorf("conversation status %s, next reply answers %s; want open and the customer's mail", got.Status, got.InReplyTo())
	}
	if n := len(outbox(t, d)); n != mails {
		t.Errorf("receiving a reply queued %d mail(s); the desk answers nothing by itself", n-mails)
	}
	// The desk's next reply answers the customer's mail.
	if _, err := d.Reply(bob, c.ID, "On our way.", false); err != nil {
		t.Fatal(err)
	}
	ms := mailsFor(t, d, u.Email)
	last := ms[len(ms)-1]
	if last.InReplyTo != "<a1@acme.com>" || !strings.Contains(strings.Join(last.References, " "), "<a1@acme.com>") {
		t.Errorf("next reply In-Reply-To %q References %q; want the customer's mail", last.InReplyTo, last.References)
	}
}

func TestInboundReplyThreadsByReferencesAndOldMessageIDs(t *testing.T) {
	d := inboundDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c := newConv(t, d, u.Email, "Printer")
	// More replies than the conversation keeps in MailRefs: the first
	// reply's Message-ID is still known through the index.
	for i := range 12 {
		if _, err := d.Reply(bob, c.ID, fmt.Sprintf("reply %d", i), false); err != nil {
			t.Fatal(err)
		}
	}
	first := mailsFor(t, d, u.Email)[1].MessageID
	got, _, _ := d.Conversation(c.ID)
	if strings.Contains(strings.Join(got.References(), " "), first) {
		t.Fatalf("test premise: %s should have left the conversation's MailRefs", first)
	}
	r := receive(t, d, eml("ann@acme.com", "Re: Printer", "Thanks!", "Message-ID: <b1@acme.com>",
		"References: <unknown@elsewhere> "+first+" <other@elsewhere>"))
	if r.ConvID != c.ID || r.NewConversation {
		t.Fatalf("received %+v; want threaded into %d by References", r, c.ID)
	}
	// A reply to the customer's own earlier mail threads too.
	r = receive(t, d, eml("ann@acme.com", "more", "And another thing.", "Message-ID: <b2@acme.com>", "In-Reply-To: <b1@acme.com>"))
	if r.ConvID != c.ID {
		t.Errorf("a reply to the customer's own mail went to %d", r.ConvID)
	}
}

func TestInboundUnknownSenderOneUserOneConversation(t *testing.T) {
	d := inboundDesk(t)
	org := mustOrg(t, d, domain.OrgInput{Name: "Globex", Domains: []string{"globex.com"}})
	const n = 8
	var wg sync.WaitGroup
	results := make([]domain.Received, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = receiveRaw(d, []string{"support@desk.example"},
				eml("Hank Scorpio <hank@globex.com>", fmt.Sprintf("Question %d", i), "Hello?", fmt.Sprintf("Message-ID: <q%d@globex.com>", i)))
		})
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("mail %d: %v", i, errs[i])
		}
		if results[i].UserCreated {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d of %d concurrent first mails created a user; want exactly 1", created, n)
	}
	u, err := d.UserByEmail("hank@globex.com")
	if err != nil {
		t.Fatal(err)
	}
	if u.State != domain.StatePending || u.OrgID != org.ID || u.Name != "Hank Scorpio" {
		t.Errorf("created user %+v; want pending, in Globex by domain, named from the mail", u)
	}
	convs, _, err := d.Conversations(domain.ConvFilter{RequesterID: u.ID}, 0, 0)
	if err != nil || len(convs) != n {
		t.Fatalf("%d conversations (%v); want one per mail", len(convs), err)
	}
	if len(outbox(t, d)) != 0 {
		t.Errorf("a first mail queued mail; the desk sends no automatic answer")
	}
	// One mail, one user, one conversation, in one transaction: a mail
	// from a second new address.
	r := receive(t, d, eml("new@initech.com", "  Hello   there ", "Hi", "Message-ID: <n1@initech.com>"))
	c, m := lastMessage(t, d, r.ConvID)
	if !r.UserCreated || !r.NewConversation || c.Subject != "Hello there" || m.Body != "Hi" || c.RequesterID != r.UserID {
		t.Errorf("received %+v conversation %+v message %+v", r, c, m)
	}
}

func TestInboundKnownUserWithoutReferenceOpensConversation(t *testing.T) {
	d := inboundDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c := newConv(t, d, u.Email, "Old")
	r := receive(t, d, eml("ANN@acme.com", "New problem", "Something else.", "Message-ID: <c1@acme.com>", "In-Reply-To: <never-seen@acme.com>"))
	if !r.NewConversation || r.ConvID == c.ID || r.UserCreated || r.UserID != u.ID {
		t.Errorf("received %+v; want a new conversation of user %d", r, u.ID)
	}
}

func TestInboundDisabledSenderFlaggedNotMailed(t *testing.T) {
	d := inboundDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c := newConv(t, d, u.Email, "Printer")
	if _, err := d.DisableUser(ann, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	mails := len(outbox(t, d))
	r := receive(t, d, eml("ann@acme.com", "Re: Printer", "Why am I blocked?", "In-Reply-To: "+c.ThreadID))
	_, m := lastMessage(t, d, c.ID)
	if r.ConvID != c.ID || m.Flag != domain.FlagSenderDisabled || r.Flag != domain.FlagSenderDisabled {
		t.Errorf("received %+v, message flag %q; want stored on %d, flagged %q", r, m.Flag, c.ID, domain.FlagSenderDisabled)
	}
	if n := len(outbox(t, d)); n != mails || m.Mailed() {
		t.Errorf("a disabled sender's mail queued %d mail(s)", n-mails)
	}
}

func TestInboundAutoReplyStoredNeverAnswered(t *testing.T) {
	for _, h := range []string{"Auto-Submitted: auto-replied", "Precedence: bulk", "Precedence: auto_reply", "X-Autoreply: yes", "X-Autorespond: on"} {
		t.Run(h, func(t *testing.T) {
			d := inboundDesk(t)
			u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
			c := newConv(t, d, u.Email, "Printer")
			mails := len(outbox(t, d))
			r := receive(t, d, eml("ann@acme.com", "Out of office", "I am away until Monday.", h, "In-Reply-To: "+c.ThreadID))
			_, m := lastMessage(t, d, c.ID)
			if r.ConvID != c.ID || m.Flag != domain.FlagAutoReply || m.Body != "I am away until Monday." {
				t.Errorf("received %+v, message %+v; want stored, flagged auto-reply", r, m)
			}
			if n := len(outbox(t, d)); n != mails {
				t.Errorf("an auto-reply queued %d mail(s)", n-mails)
			}
		})
	}
	d := inboundDesk(t)
	r := receive(t, d, eml("ann@acme.com", "Hi", "Not automatic.", "Auto-Submitted: no"))
	if r.Flag != "" {
		t.Errorf("Auto-Submitted: no flagged %q", r.Flag)
	}
}

func TestInboundLoopsAndRepeatsDropped(t *testing.T) {
	d := inboundDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c := newConv(t, d, u.Email, "Printer")
	// The desk's own mail coming back (a bounce loop, a forward rule).
	r := receive(t, d, eml("ann@acme.com", "Printer", "Hello, how can we help?", "Message-ID: "+c.ThreadID))
	if r.Ignored == "" || !strings.Contains(r.Ignored, "loop") {
		t.Errorf("the desk's own Message-ID: %+v; want dropped as a loop", r)
	}
	if got, _, _ := d.Conversation(c.ID); got.Messages != 1 {
		t.Errorf("a looped mail was stored: %d messages", got.Messages)
	}
	// The same mail delivered twice is stored once.
	receive(t, d, eml("ann@acme.com", "Re", "once", "Message-ID: <x@acme.com>", "In-Reply-To: "+c.ThreadID))
	r = receive(t, d, eml("ann@acme.com", "Re", "once", "Message-ID: <x@acme.com>", "In-Reply-To: "+c.ThreadID))
	if got, _, _ := d.Conversation(c.ID); got.Messages != 2 || r.Ignored == "" {
		t.Errorf("a repeated delivery: %d messages, %+v", got.Messages, r)
	}
	// Mail from the desk's own address is refused.
	_, err := receiveRaw(d, nil, eml("Help <HELP@desk.example>", "x", "y"))
	var ie *domain.InboundError
	if !errors.As(err, &ie) || ie.Reason != domain.RefusedLoop {
		t.Errorf("mail from the desk's own address: %v", err)
	}
}

func TestInboundRefusals(t *testing.T) {
	d := newDesk(t)
	_, err := receiveRaw(d, []string{"support@desk.example"}, eml("a@b.com", "x", "y"))
	var ie *domain.InboundError
	if !errors.As(err, &ie) || ie.Reason != domain.RefusedNotConfigured || !ie.Temporary() {
		t.Fatalf("before any inbound-address: %v; want a temporary refusal", err)
	}
	d = inboundDesk(t)
	for _, tc := range []struct {
		rcpts []string
		msg   string
		want  domain.InboundReason
	}{
		{[]string{"support@desk.example", "someone@elsewhere.com"}, eml("a@b.com", "x", "y"), domain.RefusedRelay},
		{nil, strings.Replace(eml("a@b.com", "x", "y"), "To: support@desk.example", "To: other@elsewhere.com", 1), domain.RefusedRelay},
		{make([]string, 51), eml("a@b.com", "x", "y"), domain.RefusedRecipients},
		{[]string{"support@desk.example"}, "no header here", domain.RefusedInvalid},
		{[]string{"support@desk.example"}, eml("not an address", "x", "y"), domain.RefusedInvalid},
	} {
		_, err := receiveRaw(d, tc.rcpts, tc.msg)
		if !errors.As(err, &ie) || ie.Reason != tc.want {
			t.Errorf("rcpts %d: %v; want refused %s", len(tc.rcpts), err, tc.want)
		}
	}
	if _, err := d.SetSetting(ann, domain.SettingInboundMaxSize, "1KB"); err != nil {
		t.Fatal(err)
	}
	_, err = receiveRaw(d, nil, eml("a@b.com", "big", strings.Repeat("x", 2000)))
	if !errors.As(err, &ie) || ie.Reason != domain.RefusedSize || !strings.Contains(err.Error(), "1KB") {
		t.Errorf("a message over the limit: %v", err)
	}
	if us, _, _ := d.Users(domain.UserFilter{}, 0, 0); len(us) != 0 {
		t.Errorf("refused mail created %d user(s)", len(us))
	}
}

func TestInboundHTMLOnlyReducedToText(t *testing.T) {
	d := inboundDesk(t)
	msg := "From: ann@acme.com\r\nTo: support@desk.example\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Gr=FC=DFe,</p><div>see <a href=3D\"https://x.example/a\">this</a><br>thanks</div>" +
		"<div>On Mon, Desk wrote:</div><blockquote><p>Hello</p></blockquote></body></html>\r\n"
	r := receive(t, d, msg)
	c, m := lastMessage(t, d, r.ConvID)
	if c.Subject != "Grüße" {
		t.Errorf("subject %q", c.Subject)
	}
	if m.Body != "Grüße,\nsee this <https://x.example/a>\nthanks" {
		t.Errorf("body %q", m.Body)
	}
	if strings.ContainsAny(m.Body+m.Quoted, "<>") && strings.Contains(m.Body+m.Quoted, "<p") || strings.Contains(m.Body, "alert") || strings.Contains(m.Body, "color") {
		t.Errorf("HTML left in the text: %q / %q", m.Body, m.Quoted)
	}
	if m.Quoted != "On Mon, Desk wrote:\n> Hello" {
		t.Errorf("quoted %q", m.Quoted)
	}
}

func TestInboundAttachmentStored(t *testing.T) {
	d := inboundDesk(t)
	pdf := "%PDF-1.4 \x00\x01\x02 binary"
	msg := "From: ann@acme.com\r\nTo: support@desk.example\r\nSubject: Invoice\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
		"--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../etc/invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		b64(pdf) + "\r\n--XX--\r\n"
	r := receive(t, d, msg)
	_, m := lastMessage(t, d, r.ConvID)
	if m.Body != "See attached." || len(m.Attachments) != 1 {
		t.Fatalf("message %+v", m)
	}
	a := m.Attachments[0]
	if a.Name != "invoice.pdf" || a.Type != "application/pdf" || a.Size != int64(len(pdf)) {
		t.Errorf("attachment %+v", a)
	}
	got, data, err := d.ConversationAttachment(r.ConvID, 1)
	if err != nil || string(data) != pdf || got != a {
		t.Errorf("attachment 1: %+v %q %v", got, data, err)
	}
	if _, _, err := d.ConversationAttachment(r.ConvID, 2); !domain.IsNotFound(err) || !strings.Contains(err.Error(), "has 1 attachment") {
		t.Errorf("attachment 2: %v", err)
	}
}

func TestInboundOtherSenderOnThreadFlagged(t *testing.T) {
	d := inboundDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c := newConv(t, d, u.Email, "Printer")
	r := receive(t, d, eml("boss@acme.com", "Re: Printer", "I am Ann's boss.", "In-Reply-To: "+c.ThreadID))
	got, m := lastMessage(t, d, c.ID)
	if r.ConvID != c.ID || m.Flag != domain.FlagOtherSender || m.Author != "customer:boss@acme.com" || got.RequesterID != u.ID {
		t.Errorf("received %+v, message %+v; want on the thread, flagged, the requester unchanged", r, m)
	}
}

func TestSplitQuotedForms(t *testing.T) {
	d := inboundDesk(t)
	for _, tc := range []struct{ in, body, quoted string }{
		{"Yes.\n\n> Did it work?\n> Really?", "Yes.", "> Did it work?\n> Really?"},
		{"Answer\n\n-----Original Message-----\nFrom: Desk\nHello", "Answer", "-----Original Message-----\nFrom: Desk\nHello"},
		{"Answer\n\nFrom: Desk <support@desk.example>\nSent: Monday\nHello", "Answer", "From: Desk <support@desk.example>\nSent: Monday\nHello"},
		{"Answer\n\nOn Mon, 23 Nov 2026 at 09:00, Helpdesk\n<support@desk.example> wrote:\n> Hi", "Answer", "On Mon, 23 Nov 2026 at 09:00, Helpdesk\n<support@desk.example> wrote:\n> Hi"},
		{"> You asked\nMy answer\n> Next\nSecond answer", "> You asked\nMy answer\n> Next\nSecond answer", ""},
	} {
		r := receive(t, d, eml("ann@acme.com", "q", tc.in))
		_, m := lastMessage(t, d, r.ConvID)
		if m.Body != tc.body || m.Quoted != tc.quoted {
			t.Errorf("%q:\nbody   %q\nquoted %q", tc.in, m.Body, m.Quoted)
		}
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// Automatic mail from an address the desk does not know makes no user:
// a bounce or an auto-reply that answers no conversation is dropped,
// saying why; one that threads is stored there, flagged.
func TestInboundAutomaticMailFromUnknownAddressMakesNoUser(t *testing.T) {
	d := inboundDesk(t)
	for _, tc := range []struct {
		name string
		m    domain.InboundMail
		want string
	}{
		{"bounce", domain.InboundMail{From: "MAILER-DAEMON@mx.elsewhere.example", Subject: "Undelivered Mail Returned to Sender", Text: "This is the mail system.", Bounce: true, MessageID: "dsn1@mx.elsewhere.example"}, "a delivery report (bounce) from MAILER-DAEMON@mx.elsewhere.example"},
		{"auto-reply", domain.InboundMail{From: "stranger@elsewhere.example", Subject: "Out of office", Text: "Away.", AutoReply: true, InReplyTo: []string{"unknown@elsewhere.example"}}, "an auto-reply from stranger@elsewhere.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := d.ReceiveMail(context.Background(), []string{"support@desk.example"}, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.Ignored, tc.want) || !strings.Contains(r.Ignored, "answers no conversation") || r.ConvID != 0 || r.UserCreated {
				t.Errorf("received %+v; want dropped: %s", r, tc.want)
			}
			if !strings.HasPrefix(r.String(), "Not stored: it is ") {
				t.Errorf("the outcome reads %q", r.String())
			}
		})
	}
	if us, _, _ := d.Users(domain.UserFilter{}, 0, 0); len(us) != 0 {
		t.Errorf("automatic mail created %d user(s): %+v", len(us), us)
	}
	if convs, _, _ := d.Conversations(domain.ConvFilter{}, 0, 0); len(convs) != 0 {
		t.Errorf("automatic mail opened %d conversation(s)", len(convs))
	}

	// A bounce of the desk's own mail that names its thread is stored
	// there under its address, flagged, makes no user and is answered by
	// nothing.
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})
	c := newConv(t, d, u.Email, "Printer")
	mails := len(outbox(t, d))
	r, err := d.ReceiveMail(context.Background(), nil, domain.InboundMail{
		From: "postmaster@acme.com", AddressedTo: []string{"support@desk.example"}, Subject: "Delivery Status Notification",
		Text: "Your message could not be delivered.", Bounce: true, References: []string{c.ThreadID},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, m := lastMessage(t, d, c.ID)
	if r.ConvID != c.ID || r.Ignored != "" || r.UserCreated || !strings.Contains(m.Flag, domain.FlagBounce) || m.Author != "customer:postmaster@acme.com" || m.Body != "Your message could not be delivered." {
		t.Errorf("received %+v, message %+v; want stored on %d, flagged %q", r, m, c.ID, domain.FlagBounce)
	}
	if n := len(outbox(t, d)); n != mails {
		t.Errorf("a bounce queued %d mail(s)", n-mails)
	}
	if _, err := d.UserByEmail("postmaster@acme.com"); !domain.IsNotFound(err) {
		t.Errorf("a threaded bounce made its sender a user (%v)", err)
	}
	// A known user's auto-reply without a thread still opens a
	// conversation, flagged, as before.
	r, err = d.ReceiveMail(context.Background(), []string{"support@desk.example"}, domain.InboundMail{From: "ann@acme.com", Subject: "Away", Text: "Back Monday.", AutoReply: true})
	if err != nil || !r.NewConversation || r.Flag != domain.FlagAutoReply || r.UserID != u.ID {
		t.Errorf("a known user's auto-reply: %+v %v", r, err)
	}
}

// The desk's rules on a message read elsewhere: its size against
// inbound-max-size, the attachments' names made safe, their sizes from
// their bytes.
func TestInboundMailRulesOnParsedMessage(t *testing.T) {
	d := inboundDesk(t)
	if _, err := d.SetSetting(ann, domain.SettingInboundMaxSize, "1KB"); err != nil {
		t.Fatal(err)
	}
	_, err := d.ReceiveMail(context.Background(), []string{"support@desk.example"}, domain.InboundMail{From: "a@b.com", Text: "x", Size: 1025})
	var ie *domain.InboundError
	if !errors.As(err, &ie) || ie.Reason != domain.RefusedSize || ie.Msg != "the message is larger than this desk's limit of 1KB (inbound-max-size)" {
		t.Errorf("a 1025-byte message under a 1KB limit: %v", err)
	}
	r, err := d.ReceiveMail(context.Background(), []string{"support@desk.example"}, domain.InboundMail{
		From: "a@b.com", Text: "files", Size: 1024,
		Attachments: []domain.InboundAttachment{{Name: "..\\..\\x\u202e.exe", Type: "Application/PDF", Data: []byte("abc")}, {Data: []byte("z")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, m := lastMessage(t, d, r.ConvID)
	want := []domain.Attachment{{Name: "x_.exe", Type: "application/pdf", Size: 3}, {Name: "attachment-2", Type: "application/octet-stream", Size: 1}}
	if len(m.Attachments) != 2 || m.Attachments[0] != want[0] || m.Attachments[1].Type != want[1].Type || !strings.HasPrefix(m.Attachments[1].Name, "attachment-2") || m.Attachments[1].Size != 1 {
		t.Errorf("attachments %+v; want %+v", m.Attachments, want)
	}
}

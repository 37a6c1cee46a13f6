package mailer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/mailer/mailertest"
)

var linkPattern = regexp.MustCompile(`https://desk\.example\.com/set-password\?token=[A-Za-z0-9_-]{43}`)

func TestDeliversOverSTARTTLSWithAuth(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{TLS: mailertest.StartTLS, Users: map[string]string{"desk": "s3cret pass"}})
	d, c := newDesk(t)
	mustUser(t, d, "ann.lee@acme.example", "Ann Lee")
	queued := only(t, d)
	w := &mailer.Worker{Outbox: d, Transport: smtpTo(t, p, mailer.TLSStartTLS, "desk", "s3cret pass"), Now: c.Now}
	if n, err := w.DeliverDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("DeliverDue: %d, %v", n, err)
	}
	got := p.Next(t)
	if !got.TLS || got.User != "desk" {
		t.Errorf("session TLS %v user %q, want STARTTLS and AUTH as desk", got.TLS, got.User)
	}
	if got.From != "support@acme.example" || len(got.To) != 1 || got.To[0] != "ann.lee@acme.example" {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	h := got.Header
	from, _ := h.AddressList("From")
	to, _ := h.AddressList("To")
	if len(from) != 1 || from[0].Name != "Acme Support" || from[0].Address != "support@acme.example" {
		t.Errorf("From %v", from)
	}
	if len(to) != 1 || to[0].Name != "Ann Lee" || to[0].Address != "ann.lee@acme.example" {
		t.Errorf("To %v", to)
	}
	if s := h.Get("Subject"); s != "Confirm your email for Acme Support" {
		t.Errorf("Subject %q", s)
	}
	if id := h.Get("Message-Id"); id != queued.MessageID || id == "" {
		t.Errorf("Message-ID %q, want the outbox entry's %q", id, queued.MessageID)
	}
	if date, err := h.Date(); err != nil || !date.Equal(queued.CreatedAt.Truncate(time.Second)) {
		t.Errorf("Date %v (%v), want the time it was queued, %v", date, err, queued.CreatedAt)
	}
	if !strings.HasPrefix(got.Content, "multipart/alternative") {
		t.Errorf("Content-Type %q, want multipart/alternative", got.Content)
	}
	// The link is made when the mail is sent: the text part carries it
	// where the queued copy, as agents see it, shows a placeholder.
	link := linkPattern.FindString(got.Text)
	if link == "" || got.Text != strings.Replace(queued.Text, "[set-password link: made when the mail is sent, shown to no one]", link, 1) {
		t.Errorf("text part %q, want the queued text %q with the link", got.Text, queued.Text)
	}
	if !strings.Contains(got.HTML, `<a href="`+link+`">`) || !strings.Contains(got.HTML, "Hello Ann,<br>") {
		t.Errorf("HTML part has no link to %s or no line breaks:\n%s", link, got.HTML)
	}
	token := strings.TrimPrefix(link, "https://desk.example.com/set-password?token=")
	sent := message(t, d, queued.ID)
	if sent.State != domain.MailSent || sent.Link != "" || strings.Contains(sent.Text, token) {
		t.Errorf("after delivery: state %s, link kept %q in %q", sent.State, sent.Link, sent.Text)
	}
}

func TestImplicitTLS(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{TLS: mailertest.Implicit})
	s := smtpTo(t, p, mailer.TLSImplicit, "", "")
	m := testMessage("bob@acme.example", "Bob", "Hello", "Hi Bob")
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got := p.Next(t); !got.TLS || got.Header.Get("Message-Id") != m.MessageID {
		t.Errorf("TLS %v, Message-ID %q", got.TLS, got.Header.Get("Message-Id"))
	}
}

func TestServerCertificateIsVerified(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{TLS: mailertest.StartTLS})
	s, err := mailer.NewSMTP(mailer.SMTPConfig{Host: p.Host, Port: p.Port, From: "desk@acme.example", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), testMessage("bob@acme.example", "", "Hello", "Hi"))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a self-signed certificate was accepted without being trusted: %v", err)
	}
	if mailer.IsPermanent(err) {
		t.Errorf("a TLS failure should be retried (the relay may be fixed): %v", err)
	}
	if p.Count() != 0 {
		t.Error("the message went out over an unverified connection")
	}
}

// A CR or LF in a name or subject must not add a header: go-mail encodes
// them (RFC 2047), so they stay inside the one header they belong to.
func TestLineBreaksCannotAddHeaders(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{})
	s := smtpTo(t, p, mailer.TLSNone, "", "")
	evilName := "Ann\r\nBcc: evil@attacker.example"
	evilSubject := "Hello\r\nBcc: evil@attacker.example\nX-Injected: yes"
	m := testMessage("ann@acme.example", evilName, evilSubject, "Body\r\n.\r\nMAIL FROM:<x@y>\r\n")
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := p.Next(t)
	if len(got.To) != 1 || got.To[0] != "ann@acme.example" {
		t.Errorf("envelope recipients %v", got.To)
	}
	head, _, _ := bytes.Cut(got.Data, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		l := strings.ToLower(line)
		if strings.HasPrefix(l, "bcc:") || strings.HasPrefix(l, "x-injected:") {
			t.Errorf("injected header line %q in:\n%s", line, head)
		}
	}
	if got.Header.Get("Bcc") != "" || got.Header.Get("X-Injected") != "" {
		t.Errorf("parsed headers hold an injected one: %v", got.Header)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "ann@acme.example" || to[0].Name != evilName {
		t.Errorf("To %v (%v): the name should survive, encoded, in the one To header", to, err)
	}
	dec := new(netmail.AddressParser).WordDecoder
	if subj, err := dec.DecodeHeader(got.Header.Get("Subject")); err != nil || subj != evilSubject {
		t.Errorf("Subject %q (%v)", subj, err)
	}
	// The body's lone dot line is escaped on the wire, so the text arrives
	// whole and nothing after it is read as a command.
	if !strings.Contains(got.Text, "MAIL FROM:<x@y>") {
		t.Errorf("body lost its lines after a dot: %q", got.Text)
	}
}

func TestTLSNoneOnlyForLoopback(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "127.10.0.1", "::1", "[::1]", "localhost", "LOCALHOST"} {
		if !mailer.IsLoopbackHost(host) {
			t.Errorf("%s is loopback", host)
		}
		if _, err := mailer.NewSMTP(mailer.SMTPConfig{Host: host, TLS: mailer.TLSNone, From: "a@b.example"}); err != nil {
			t.Errorf("none refused for %s: %v", host, err)
		}
	}
	for _, host := range []string{"mail.example.com", "10.0.0.1", "192.168.1.1", "localhost.example.com", "0.0.0.0", "::"} {
		if mailer.IsLoopbackHost(host) {
			t.Errorf("%s is not loopback", host)
		}
		_, err := mailer.NewSMTP(mailer.SMTPConfig{Host: host, TLS: mailer.TLSNone, From: "a@b.example"})
		if err == nil || !strings.Contains(err.Error(), "only allowed for a loopback host") {
			t.Errorf("none to %s: %v", host, err)
		}
	}
	if _, err := mailer.ParseTLSMode("ssl"); err == nil {
		t.Error("ssl accepted as a TLS mode")
	}
}

func TestErrorsAreClassified(t *testing.T) {
	cases := []struct {
		name      string
		rcpt      error
		data      error
		user      string
		code      int
		permanent bool
	}{
		{name: "mailbox unknown", rcpt: &smtp.SMTPError{Code: 550, Message: "no such user"}, code: 550, permanent: true},
		{name: "mailbox busy", rcpt: &smtp.SMTPError{Code: 450, Message: "mailbox busy"}, code: 450},
		{name: "try later at data", data: &smtp.SMTPError{Code: 451, Message: "try again later"}, code: 451},
		{name: "content refused", data: &smtp.SMTPError{Code: 554, Message: "spam"}, code: 554, permanent: true},
		{name: "bad password", user: "wrong", code: 535, permanent: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mailertest.Start(t, mailertest.Options{TLS: mailertest.StartTLS, Users: map[string]string{"desk": "right"},
				Rcpt: func(int, string) error { return tc.rcpt }, Data: func(int, []byte) error { return tc.data }})
			pass := "right"
			if tc.user != "" {
				pass = tc.user
			}
			err := smtpTo(t, p, mailer.TLSStartTLS, "desk", pass).Send(context.Background(), testMessage("bob@acme.example", "", "Hi", "Hi"))
			var de *mailer.DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T), want a DeliveryError", err, err)
			}
			if de.Code != tc.code || de.Permanent != tc.permanent || mailer.IsPermanent(err) != tc.permanent {
				t.Errorf("code %d permanent %v, want %d %v: %v", de.Code, de.Permanent, tc.code, tc.permanent, err)
			}
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		s, err := mailer.NewSMTP(mailer.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mailer.TLSNone, From: "a@b.example", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Send(context.Background(), testMessage("bob@acme.example", "", "Hi", "Hi"))
		if err == nil || mailer.IsPermanent(err) {
			t.Errorf("a refused connection should be temporary: %v", err)
		}
	})
}

func testMessage(to, name, subject, text string) domain.OutboxMessage {
	return domain.OutboxMessage{
		ID: 99, MessageID: "<helpdesk.99.0123456789abcdef@desk.example.com>", To: to, ToName: name,
		Subject: subject, Text: text, CreatedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC),
	}
}

// A conversation's reply mail reaches the peer threaded: the first mail
// carries the thread root as its Message-ID, each reply In-Reply-To the
// previous mail and References the chain from the root, with "Re:" once.
func TestConversationRepliesAreThreaded(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{})
	d, c := newDesk(t)
	u, err := d.CreateUser(agent, domain.UserInput{Email: "ann.lee@acme.example", Name: "Ann Lee", Mail: "none"})
	if err != nil {
		t.Fatal(err)
	}
	conv, _, err := d.NewConversation(agent, domain.ConvInput{RequesterID: u.ID, Subject: "Printer on fire", Body: "We are on it."})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"Try turning it off.", "Did it work?"} {
		if _, err := d.Reply(agent, conv.ID, body, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Reply(agent, conv.ID, "internal: check the warranty", true); err != nil {
		t.Fatal(err)
	}
	w := &mailer.Worker{Outbox: d, Transport: smtpTo(t, p, mailer.TLSNone, "", ""), Now: c.Now}
	if n, err := w.DeliverDue(context.Background()); n != 3 || err != nil {
		t.Fatalf("DeliverDue: %d, %v (want the three public messages, not the note)", n, err)
	}
	got := []mailertest.Received{p.Next(t), p.Next(t), p.Next(t)}
	h0, h1, h2 := got[0].Header, got[1].Header, got[2].Header
	root := conv.ThreadID
	if h0.Get("Message-Id") != root || h0.Get("Subject") != "Printer on fire" || h0.Get("In-Reply-To") != "" {
		t.Errorf("first mail: Message-ID %q (root %q), Subject %q, In-Reply-To %q", h0.Get("Message-Id"), root, h0.Get("Subject"), h0.Get("In-Reply-To"))
	}
	if h1.Get("Subject") != "Re: Printer on fire" || h1.Get("In-Reply-To") != root || h1.Get("References") != root {
		t.Errorf("first reply: Subject %q, In-Reply-To %q, References %q", h1.Get("Subject"), h1.Get("In-Reply-To"), h1.Get("References"))
	}
	id1 := h1.Get("Message-Id")
	if id1 == "" || id1 == root {
		t.Errorf("first reply's Message-ID %q", id1)
	}
	if h2.Get("Subject") != "Re: Printer on fire" || h2.Get("In-Reply-To") != id1 || h2.Get("References") != root+" "+id1 {
		t.Errorf("second reply: Subject %q, In-Reply-To %q, References %q", h2.Get("Subject"), h2.Get("In-Reply-To"), h2.Get("References"))
	}
	if got[2].Text != "Did it work?" {
		t.Errorf("second reply text %q", got[2].Text)
	}
	for _, r := range got {
		if strings.Contains(string(r.Data), "warranty") {
			t.Error("an internal note was mailed")
		}
	}
}

// A long References chain is folded by go-mail and still parses whole.
func TestLongReferencesStayOneHeader(t *testing.T) {
	p := mailertest.Start(t, mailertest.Options{})
	s := smtpTo(t, p, mailer.TLSNone, "", "")
	m := testMessage("ann@acme.example", "Ann", "Re: Hi", "Hello")
	for i := range 10 {
		m.References = append(m.References, fmt.Sprintf("<helpdesk.%d.0123456789abcdef@desk.example.com>", i+1))
	}
	m.InReplyTo = m.References[9]
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	h := p.Next(t).Header
	if got := strings.Fields(h.Get("References")); !slices.Equal(got, m.References) {
		t.Errorf("References %q", h.Get("References"))
	}
	if h.Get("In-Reply-To") != m.InReplyTo {
		t.Errorf("In-Reply-To %q", h.Get("In-Reply-To"))
	}
}

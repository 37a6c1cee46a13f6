package mailer_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/smtp"
	"net/textproto"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/store"
)

// smtpDesk serves the inbound listener on 127.0.0.1:0 for a desk in a
// temporary folder, as serve --smtp-listen does, and returns its address.
func smtpDesk(t *testing.T, addresses string) (*domain.Desk, string) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	desk := domain.NewDesk(db)
	if addresses != "" {
		if _, err := desk.SetSetting(domain.Actor{Name: "owner:test"}, domain.SettingInboundAddress, addresses); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in, err := mailer.StartInbound(desk, ln, log.New(io.Discard, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Stop(time.Second)
		if err := <-in.Served(); err != nil {
			t.Errorf("SMTP server: %v", err)
		}
	})
	return desk, ln.Addr().String()
}

func dialSMTP(t *testing.T, addr string) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// wantCode checks an SMTP answer's code and enhanced code.
func wantCode(t *testing.T, what string, err error, code int, enhanced string) {
	t.Helper()
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != code || !strings.HasPrefix(te.Msg, enhanced) {
		t.Errorf("%s: %v; want %d %s", what, err, code, enhanced)
	}
}

func TestSMTPRefusesRelayAtRcptAndTooManyRecipients(t *testing.T) {
	_, addr := smtpDesk(t, "support@desk.example")
	c := dialSMTP(t, addr)
	if err := c.Mail("spammer@elsewhere.com"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "RCPT to another domain", c.Rcpt("victim@elsewhere.com"), 550, "5.7.1")
	wantCode(t, "RCPT to the desk's domain, another mailbox", c.Rcpt("postmaster@desk.example"), 550, "5.7.1")
	for i := range 50 {
		if err := c.Rcpt("Support@desk.example"); err != nil {
			t.Fatalf("recipient %d: %v", i+1, err)
		}
	}
	wantCode(t, "the 51st recipient", c.Rcpt("support@desk.example"), 452, "4.5.3")
}

func TestSMTPRefusesWhileNotConfigured(t *testing.T) {
	_, addr := smtpDesk(t, "")
	c := dialSMTP(t, addr)
	wantCode(t, "MAIL before any inbound-address", c.Mail("ann@acme.com"), 451, "4.3.0")
}

func TestSMTPRefusesOversizeAtData(t *testing.T) {
	desk, addr := smtpDesk(t, "support@desk.example")
	c := dialSMTP(t, addr)
	if ok, size := c.Extension("SIZE"); !ok || size != fmt.Sprint(domain.DefaultInboundMaxSize) {
		t.Errorf("EHLO advertises SIZE %q (%v); want %d", size, ok, domain.DefaultInboundMaxSize)
	}
	if err := c.Mail("ann@acme.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("support@desk.example"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	// 20 MB streamed in lines of 1000 bytes from one small buffer.
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "From: ann@acme.com\r\nTo: support@desk.example\r\nSubject: big\r\n\r\n")
	line := strings.Repeat("x", 998) + "\r\n"
	for range 20 << 20 / len(line) {
		if _, err := bw.WriteString(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "a 20 MB message at the end of DATA", w.Close(), 552, "5.3.4")
	if convs, _, _ := desk.Conversations(domain.ConvFilter{}, 0, 0); len(convs) != 0 {
		t.Errorf("an oversize message was stored: %d conversations", len(convs))
	}
	// The connection is still good for the next message.
	if err := c.Reset(); err != nil {
		t.Errorf("RSET after the refusal: %v", err)
	}
}

func TestSMTPReplyThreadsIntoConversation(t *testing.T) {
	desk, addr := smtpDesk(t, "support@desk.example")
	owner := domain.Actor{Name: "owner:test"}
	if _, err := desk.CreateUser(owner, domain.UserInput{Email: "ann@acme.com", Mail: "none"}); err != nil {
		t.Fatal(err)
	}
	conv, _, err := desk.NewConversation(owner, domain.ConvInput{Requester: "ann@acme.com", Subject: "Printer", Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	msg := "From: ann@acme.com\r\nTo: support@desk.example\r\nSubject: Re: Printer\r\nMessage-ID: <s1@acme.com>\r\nIn-Reply-To: " + conv.ThreadID + "\r\n\r\nFixed, thanks.\r\n"
	if err := smtp.SendMail(addr, nil, "ann@acme.com", []string{"support@desk.example"}, []byte(msg)); err != nil {
		t.Fatalf("send: %v", err)
	}
	_, ms, err := desk.Conversation(conv.ID)
	if err != nil || len(ms) != 2 || ms[1].Body != "Fixed, thanks." || !ms[1].FromCustomer || ms[1].MailMessageID != "<s1@acme.com>" {
		t.Fatalf("conversation after the reply: %+v %v", ms, err)
	}
	// Mail from the desk's own address is a loop: refused at DATA.
	loop := "From: support@desk.example\r\nTo: support@desk.example\r\nSubject: x\r\n\r\ny\r\n"
	wantCode(t, "mail from the desk's own address", smtp.SendMail(addr, nil, "support@desk.example", []string{"support@desk.example"}, []byte(loop)), 550, "5.4.6")
}

// A bounce (MAIL FROM:<>) is never bounced: from an unknown address that
// answers no conversation it is taken (250) and dropped, making no user;
// one that names a conversation is stored there, flagged.
func TestSMTPTakesBouncesWithoutMakingUsers(t *testing.T) {
	desk, addr := smtpDesk(t, "support@desk.example")
	dsn := "From: Mail Delivery Subsystem <mailer@mx.elsewhere.example>\r\nTo: support@desk.example\r\nSubject: Undelivered\r\nMessage-ID: <dsn1@mx.elsewhere.example>\r\n\r\nYour message could not be delivered.\r\n"
	if err := smtp.SendMail(addr, nil, "", []string{"support@desk.example"}, []byte(dsn)); err != nil {
		t.Fatalf("a bounce from an unknown address: %v; want 250", err)
	}
	if us, _, _ := desk.Users(domain.UserFilter{}, 0, 0); len(us) != 0 {
		t.Errorf("a bounce made %d user(s)", len(us))
	}
	if convs, _, _ := desk.Conversations(domain.ConvFilter{}, 0, 0); len(convs) != 0 {
		t.Errorf("a bounce opened %d conversation(s)", len(convs))
	}

	owner := domain.Actor{Name: "owner:test"}
	if _, err := desk.CreateUser(owner, domain.UserInput{Email: "ann@acme.com", Mail: "none"}); err != nil {
		t.Fatal(err)
	}
	conv, _, err := desk.NewConversation(owner, domain.ConvInput{Requester: "ann@acme.com", Subject: "Printer", Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	threaded := strings.Replace(dsn, "Message-ID: <dsn1@", "References: "+conv.ThreadID+"\r\nMessage-ID: <dsn2@", 1)
	if err := smtp.SendMail(addr, nil, "", []string{"support@desk.example"}, []byte(threaded)); err != nil {
		t.Fatalf("a bounce naming a conversation: %v", err)
	}
	_, ms, err := desk.Conversation(conv.ID)
	if err != nil || len(ms) != 2 || !strings.Contains(ms[1].Flag, domain.FlagBounce) || ms[1].Author != "customer:mailer@mx.elsewhere.example" {
		t.Fatalf("conversation after the bounce: %+v %v", ms, err)
	}
	if _, err := desk.UserByEmail("mailer@mx.elsewhere.example"); !domain.IsNotFound(err) {
		t.Errorf("a threaded bounce made a user (%v)", err)
	}
}

package mailer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"helpdesk/domain"
	"helpdesk/mailer"
)

func TestParseMailReadsHeadersBodyAndAttachments(t *testing.T) {
	raw := "From: =?iso-8859-1?q?J=FCrgen?= <juergen@acme.com>\r\nTo: Support <support@desk.example>\r\nCc: boss@acme.com\r\n" +
		"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <m1@acme.com>\r\nIn-Reply-To: <a@desk.example>\r\nReferences: <r1@desk.example> <a@desk.example>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n" +
		"--XX\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n" +
		"--YY\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nDanke f=FCr die Hilfe.\r\n" +
		"--YY\r\nContent-Type: text/html\r\n\r\n<p>ignored when there is plain text</p>\r\n--YY--\r\n" +
		"--XX\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"list.csv\"\r\n\r\na,b\r\n" +
		"--XX\r\nContent-Type: image/png; name=\"dot.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n--XX--\r\n"
	m, err := mailer.ParseMail([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.From != "juergen@acme.com" || m.FromName != "Jürgen" || m.Subject != "Grüße" || m.MessageID != "m1@acme.com" {
		t.Errorf("headers: from %q %q subject %q id %q", m.From, m.FromName, m.Subject, m.MessageID)
	}
	if strings.Join(m.InReplyTo, " ") != "a@desk.example" || strings.Join(m.References, " ") != "r1@desk.example a@desk.example" || strings.Join(m.AddressedTo, " ") != "support@desk.example boss@acme.com" {
		t.Errorf("threading and recipients: %q %q %q", m.InReplyTo, m.References, m.AddressedTo)
	}
	if strings.TrimSpace(m.Text) != "Danke für die Hilfe." || m.TextFromHTML || m.AutoReply || m.Bounce || m.Size != int64(len(raw)) {
		t.Errorf("body %q fromHTML %v auto %v bounce %v size %d", m.Text, m.TextFromHTML, m.AutoReply, m.Bounce, m.Size)
	}
	if len(m.Attachments) != 2 ||
		m.Attachments[0].Name != "list.csv" || m.Attachments[0].Type != "text/csv" || string(m.Attachments[0].Data) != "a,b" ||
		m.Attachments[1].Name != "dot.png" || m.Attachments[1].Type != "image/png" || string(m.Attachments[1].Data) != "\x89PNG\r\n" {
		t.Errorf("attachments %+v", m.Attachments)
	}
}

func TestParseMailHTMLOnly(t *testing.T) {
	m, err := mailer.ParseMail([]byte("From: a@b.com\r\nContent-Type: text/html\r\n\r\n<div>Hi<br>there <a href=\"https://x.example/\">link</a></div><script>x()</script>\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "Hi\nthere link <https://x.example/>\n" || !m.TextFromHTML {
		t.Errorf("text %q fromHTML %v", m.Text, m.TextFromHTML)
	}
}

func TestParseMailRecognisesBouncesAndAutoReplies(t *testing.T) {
	for _, tc := range []struct {
		headers         string
		bounce, autoRep bool
	}{
		{"From: ann@acme.com\r\n", false, false},
		{"From: MAILER-DAEMON@mx.acme.com\r\n", true, false},
		{"From: Mail Delivery System <Postmaster@acme.com>\r\n", true, false},
		{"From: ann@acme.com\r\nReturn-Path: <>\r\n", true, false},
		{"From: ann@acme.com\r\nReturn-Path: <ann@acme.com>\r\n", false, false},
		{"From: ann@acme.com\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\r\n", true, false},
		{"From: ann@acme.com\r\nAuto-Submitted: auto-replied\r\n", false, true},
		{"From: ann@acme.com\r\nAuto-Submitted: no\r\n", false, false},
		{"From: ann@acme.com\r\nPrecedence: bulk\r\n", false, true},
		{"From: ann@acme.com\r\nX-Autoreply: yes\r\n", false, true},
	} {
		body := "\r\nhello\r\n"
		if strings.Contains(tc.headers, "multipart/report") {
			body = "\r\n--B\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--B--\r\n"
		}
		m, err := mailer.ParseMail([]byte(tc.headers + body))
		if err != nil {
			t.Errorf("%q: %v", tc.headers, err)
			continue
		}
		if m.Bounce != tc.bounce || m.AutoReply != tc.autoRep {
			t.Errorf("%q: bounce %v auto-reply %v; want %v %v", tc.headers, m.Bounce, m.AutoReply, tc.bounce, tc.autoRep)
		}
	}
}

func TestParseMailRefusesWhatItCannotRead(t *testing.T) {
	for _, raw := range []string{"no header here", "From: a@b.com, c@d.com\r\n\r\nx\r\n", "To: a@b.com\r\n\r\nx\r\n"} {
		_, err := mailer.ParseMail([]byte(raw))
		var ie *domain.InboundError
		if !errors.As(err, &ie) || ie.Reason != domain.RefusedInvalid || ie.Temporary() {
			t.Errorf("%q: %v; want refused as invalid", raw, err)
		}
	}
}

// Receive reads at most the desk's limit, and a null reverse-path on the
// envelope marks the message as a bounce.
func TestReceiveSizeLimitAndNullSender(t *testing.T) {
	desk, _ := newDesk(t)
	if _, err := desk.SetSetting(agent, domain.SettingInboundAddress, "support@desk.example"); err != nil {
		t.Fatal(err)
	}
	big := "From: a@b.com\r\n\r\n" + strings.Repeat("x", 3000) + "\r\n"
	_, err := mailer.Receive(context.Background(), desk, mailer.Envelope{To: []string{"support@desk.example"}}, strings.NewReader(big), 2048)
	var ie *domain.InboundError
	if !errors.As(err, &ie) || ie.Reason != domain.RefusedSize || !strings.Contains(ie.Msg, "2KB") {
		t.Errorf("a 3 KB message over a 2 KB read limit: %v", err)
	}
	r, err := mailer.Receive(context.Background(), desk, mailer.Envelope{To: []string{"support@desk.example"}, NullSender: true}, strings.NewReader("From: ann@acme.com\r\nSubject: Undeliverable\r\n\r\nNot delivered.\r\n"), 0)
	if err != nil || r.Ignored == "" || !strings.Contains(r.Ignored, "delivery report") {
		t.Errorf("a null-sender message from an unknown address: %+v %v; want dropped as a bounce", r, err)
	}
	if _, err := desk.UserByEmail("ann@acme.com"); !domain.IsNotFound(err) {
		t.Errorf("a bounce made a user (%v)", err)
	}
}

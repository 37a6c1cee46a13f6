package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"helpdesk/domain"
)

// SMTPConfig says where and how to submit mail.
type SMTPConfig struct {
	Host string
	// Port 0 means the TLS mode's usual port (587, 465 or 25).
	Port int
	TLS  TLSMode
	// Username and Password turn on SMTP AUTH. Over TLS the strongest
	// mechanism the server offers is used (SCRAM, then PLAIN or LOGIN);
	// without TLS, which only a loopback host allows, PLAIN.
	Username, Password string
	// From is the sender of a message that carries none (OutboxMessage.From,
	// set from the desk settings), "Name <address>" or a bare address.
	From string
	// RootCAs replaces the system roots for verifying the server's
	// certificate (a private CA, a test certificate). Verification itself
	// is never turned off.
	RootCAs *x509.CertPool
	// Timeout bounds the connection and each SMTP command; 0 means 30s.
	Timeout time.Duration
}

// SMTP is the Transport over an SMTP server, through go-mail. Each Send
// opens its own connection: the worker sends one message at a time, and a
// fresh connection never carries a half-failed previous transaction.
type SMTP struct {
	cfg    SMTPConfig
	from   *netmail.Address
	client *mail.Client
}

// NewSMTP checks the configuration and prepares the client; it does not
// connect.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	cfg.Host = strings.TrimSpace(cfg.Host)
	if cfg.Host == "" {
		return nil, errors.New("no SMTP host")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if _, err := ParseTLSMode(string(cfg.TLS)); err != nil {
		return nil, err
	}
	if cfg.TLS == TLSNone && !IsLoopbackHost(cfg.Host) {
		return nil, fmt.Errorf("TLS mode none is only allowed for a loopback host (127.0.0.1, ::1, localhost), not %s", cfg.Host)
	}
	if cfg.Port == 0 {
		cfg.Port = cfg.TLS.DefaultPort()
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("SMTP port %d is not between 1 and 65535", cfg.Port)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	// The sender may come from the desk's settings, message by message
	// (OutboxMessage.From); a configured one is the fallback.
	var from *netmail.Address
	if cfg.From != "" {
		var err error
		if from, err = ParseFrom(cfg.From); err != nil {
			return nil, err
		}
	}
	if cfg.Password != "" && cfg.Username == "" {
		return nil, errors.New("an SMTP password needs a username")
	}
	// The host without brackets is what certificates name and what go-mail
	// joins with the port.
	host := strings.TrimSuffix(strings.TrimPrefix(cfg.Host, "["), "]")
	opts := []mail.Option{
		mail.WithPort(cfg.Port),
		mail.WithTimeout(cfg.Timeout),
		mail.WithTLSConfig(&tls.Config{ServerName: host, RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}),
		// A fresh connection needs no NOOP probe before the transaction.
		mail.WithoutNoop(),
	}
	switch cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if cfg.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if cfg.TLS == TLSNone {
			// go-mail will not send PLAIN in clear except to names it
			// knows as local; we allow clear text only to loopback hosts
			// (checked above), so say so explicitly.
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	client, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client: %w", err)
	}
	return &SMTP{cfg: cfg, from: from, client: client}, nil
}

// ParseFrom reads a sender, "Name <address>" or a bare address.
func ParseFrom(s string) (*netmail.Address, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("no sender address (From)")
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a sender address such as \"Support <support@example.com>\": %w", s, err)
	}
	return a, nil
}

// Config is the configuration in effect, defaults filled in.
func (s *SMTP) Config() SMTPConfig { return s.cfg }

// Send delivers one message and returns nil once the server answered 250
// to its data. Errors are *DeliveryError, temporary or permanent.
func (s *SMTP) Send(ctx context.Context, m domain.OutboxMessage) error {
	msg, err := s.build(m, time.Now())
	if err != nil {
		return err
	}
	err = s.client.DialAndSendWithContext(ctx, msg)
	if msg.IsDelivered() {
		// The 250 came back; a failure after it (RSET, QUIT) must not make
		// the worker send the message again.
		return nil
	}
	if err != nil {
		return classify(err)
	}
	return nil
}

// build makes the MIME message. Every header goes through go-mail's
// setters, which encode (RFC 2047) whatever is not plain printable ASCII,
// CR and LF included: a name or subject can never start a header of its
// own.
func (s *SMTP) build(m domain.OutboxMessage, now time.Time) (*mail.Msg, error) {
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, errNoAddress(m.To, err)
	}
	if to.Address != m.To {
		return nil, errNoAddress(m.To, errors.New("more than a bare address"))
	}
	to.Name = m.ToName
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	from := s.from
	if m.From != "" {
		if from, err = ParseFrom(m.From); err != nil {
			return nil, Permanent(fmt.Errorf("the desk's sender %q: %w", m.From, err))
		}
	}
	if from == nil {
		return nil, errors.New(`no sender: set one with helpdesk config set from "Support <support@example.com>" (or --from)`)
	}
	msg.FromMailAddress(from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	if id := strings.Trim(m.MessageID, "<> "); id != "" {
		// go-mail adds the angle brackets.
		msg.SetMessageIDWithValue(id)
	} else {
		return nil, Permanent(fmt.Errorf("message %d has no Message-ID", m.ID))
	}
	// A conversation's reply names the message it answers and the thread's
	// chain, so mail clients keep the thread together. Message-IDs are ours
	// (domain builds them), set through go-mail's encoding setter like
	// every other header.
	if id := strings.TrimSpace(m.InReplyTo); id != "" {
		msg.SetGenHeader(mail.HeaderInReplyTo, id)
	}
	var refs []string
	for _, r := range m.References {
		if r = strings.TrimSpace(r); r != "" {
			refs = append(refs, r)
		}
	}
	if len(refs) > 0 {
		// One value: go-mail joins several with commas, and References is
		// a space-separated list (RFC 5322 3.6.4).
		msg.SetGenHeader(mail.HeaderReferences, strings.Join(refs, " "))
	}
	// The Date is when the message was queued (RFC 5322: when it was ready
	// to enter the mail system), which also keeps a resend identical.
	date := m.CreatedAt
	if date.IsZero() {
		date = now
	}
	msg.SetDateWithValue(date)
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, HTMLFromText(m.Text))
	return msg, nil
}

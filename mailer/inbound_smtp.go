package mailer

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"helpdesk/domain"
)

// The SMTP listener of serve --smtp-listen: customers' mail to the desk's
// addresses (config set inbound-address). It checks recipients at RCPT
// and hands each message to Receive, the same rules as mail receive; the
// answers are SMTP's:
//
//	451 4.3.0  no inbound-address set yet, or the desk could not store it
//	550 5.7.1  a recipient that is not the desk's (no open relay)
//	452 4.5.3  more than 50 recipients (go-smtp, from MaxRecipients)
//	552 5.3.4  over inbound-max-size (advertised in EHLO as SIZE)
//	550 5.6.0  not a mail the desk can read or answer
//	550 5.4.6  from the desk's own address (a loop)
//	250        stored, or dropped as a loop, a repeat or automatic mail
//	           from an unknown address (a bounce is never bounced)
//
// The size limit is read when the listener starts (it is advertised); a
// lower limit set meanwhile applies at once, a higher one after a restart.

// InboundServer is a running SMTP listener.
type InboundServer struct {
	srv    *smtp.Server
	served chan error
}

// StartInbound serves SMTP on ln until Stop; messages go to desk and what
// happens to each is logged to logger.
func StartInbound(desk InboundDesk, ln net.Listener, logger *log.Logger) (*InboundServer, error) {
	max, err := desk.InboundMaxSize()
	if err != nil {
		return nil, err
	}
	s := smtp.NewServer(&inboundBackend{desk: desk, log: logger})
	if s.Domain, err = os.Hostname(); err != nil || s.Domain == "" {
		s.Domain = "localhost"
	}
	s.MaxRecipients = domain.MaxInboundRecipients
	s.MaxMessageBytes = max
	s.ReadTimeout = 5 * time.Minute
	s.WriteTimeout = time.Minute
	s.ErrorLog = logger
	in := &InboundServer{srv: s, served: make(chan error, 1)}
	go func() {
		err := s.Serve(ln)
		if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
			err = nil
		}
		in.served <- err
	}()
	return in, nil
}

// Served delivers the listener's end: nil after Stop, else why it failed.
func (in *InboundServer) Served() <-chan error { return in.served }

// Stop stops accepting, lets messages in progress finish for up to drain,
// then closes what is left.
func (in *InboundServer) Stop(drain time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := in.srv.Shutdown(ctx); err != nil {
		in.srv.Close()
	}
}

type inboundBackend struct {
	desk InboundDesk
	log  *log.Logger
}

func (b *inboundBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &inboundSession{desk: b.desk, log: b.log, remote: c.Conn().RemoteAddr().String()}, nil
}

type inboundSession struct {
	desk   InboundDesk
	log    *log.Logger
	remote string
	from   string
	rcpts  []string
}

func (s *inboundSession) Reset()        { s.from, s.rcpts = "", nil }
func (s *inboundSession) Logout() error { return nil }

func (s *inboundSession) Mail(from string, _ *smtp.MailOptions) error {
	// Taking nothing while the desk has no address: the sender retries.
	if err := s.desk.InboundReady(); err != nil {
		return s.smtpError(err)
	}
	s.from = from
	return nil
}

func (s *inboundSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.desk.CheckRecipient(to); err != nil {
		return s.smtpError(err)
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *inboundSession) Data(r io.Reader) error {
	// go-smtp gives MAIL FROM:<> as the empty string.
	env := Envelope{To: s.rcpts, NullSender: s.from == ""}
	res, err := Receive(context.Background(), s.desk, env, r, 0)
	if err != nil {
		return s.smtpError(err)
	}
	s.log.Printf("inbound mail from %s (envelope <%s>): %s", s.remote, smtpText(clip(s.from, 200)), res)
	return nil
}

// smtpError turns a refusal into its SMTP answer; any other error (the
// database) is logged and answered as temporary, so the sender retries.
func (s *inboundSession) smtpError(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se // go-smtp's own, such as the size limit at DATA
	}
	var ie *domain.InboundError
	if !errors.As(err, &ie) {
		s.log.Printf("inbound mail from %s: %v", s.remote, err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "the desk could not store the message; try again later"}
	}
	s.log.Printf("inbound mail from %s refused: %s", s.remote, ie.Msg)
	code, enh := smtpCode(ie.Reason)
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode(enh), Message: smtpText(ie.Msg)}
}

// smtpCode is the SMTP reply code and enhanced status code of a refusal.
func smtpCode(r domain.InboundReason) (int, [3]int) {
	switch r {
	case domain.RefusedNotConfigured:
		return 451, [3]int{4, 3, 0}
	case domain.RefusedRelay:
		return 550, [3]int{5, 7, 1}
	case domain.RefusedRecipients:
		return 452, [3]int{4, 5, 3}
	case domain.RefusedSize:
		return 552, [3]int{5, 3, 4}
	case domain.RefusedLoop:
		return 550, [3]int{5, 4, 6}
	}
	return 550, [3]int{5, 6, 0}
}

// smtpText is a reply or log line's text: printable ASCII only.
func smtpText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// clip cuts s to at most n bytes.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

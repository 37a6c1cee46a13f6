package main

import (
	"context"
	"errors"
	"fmt"
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
// and hands each message to Desk.ReceiveMail, the same rules as mail
// receive; the answers are SMTP's:
//
//	451 4.3.0  no inbound-address set yet, or the desk could not store it
//	550 5.7.1  a recipient that is not the desk's (no open relay)
//	452 4.5.3  more than 50 recipients (go-smtp, from MaxRecipients)
//	552 5.3.4  over inbound-max-size (advertised in EHLO as SIZE)
//	550 5.6.0  not a mail the desk can read or answer
//	550 5.4.6  from the desk's own address (a loop)
//
// The size limit is read when serve starts (it is advertised); a lower
// limit set meanwhile applies at once, a higher one after a restart.

type smtpConfig struct {
	ln net.Listener
}

type inboundServer struct {
	srv    *smtp.Server
	served chan error
}

// startInbound serves SMTP on ln until stop.
func startInbound(desk *domain.Desk, ln net.Listener, logger *log.Logger) (*inboundServer, error) {
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
	in := &inboundServer{srv: s, served: make(chan error, 1)}
	go func() {
		err := s.Serve(ln)
		if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
			err = nil
		}
		in.served <- err
	}()
	return in, nil
}

// stop stops accepting, lets messages in progress finish for up to drain,
// then closes what is left.
func (in *inboundServer) stop(drain time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := in.srv.Shutdown(ctx); err != nil {
		in.srv.Close()
	}
}

type inboundBackend struct {
	desk *domain.Desk
	log  *log.Logger
}

func (b *inboundBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &inboundSession{desk: b.desk, log: b.log, remote: c.Conn().RemoteAddr().String()}, nil
}

type inboundSession struct {
	desk   *domain.Desk
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
	res, err := s.desk.ReceiveMail(context.Background(), s.rcpts, r)
	if err != nil {
		return s.smtpError(err)
	}
	s.log.Printf("inbound mail from %s (envelope %s): %s", s.remote, oneLine(s.from, 200), res)
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
	code, enh := 550, smtp.EnhancedCode{5, 6, 0}
	switch ie.Reason {
	case domain.RefusedNotConfigured:
		code, enh = 451, smtp.EnhancedCode{4, 3, 0}
	case domain.RefusedRelay:
		code, enh = 550, smtp.EnhancedCode{5, 7, 1}
	case domain.RefusedRecipients:
		code, enh = 452, smtp.EnhancedCode{4, 5, 3}
	case domain.RefusedSize:
		code, enh = 552, smtp.EnhancedCode{5, 3, 4}
	case domain.RefusedLoop:
		code, enh = 550, smtp.EnhancedCode{5, 4, 6}
	}
	s.log.Printf("inbound mail from %s refused: %s", s.remote, ie.Msg)
	return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: smtpText(ie.Msg)}
}

// smtpText is a reply line's text: printable ASCII only.
func smtpText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// inboundLine says where the desk takes mail, for serve's start.
func inboundLine(desk *domain.Desk, ln net.Listener) string {
	st, err := desk.DeskSettings()
	if err != nil || len(st.InboundAddresses) == 0 {
		return fmt.Sprintf("Receiving mail on %s: no inbound-address is set yet, so mail is refused for now (helpdesk config set inbound-address support@example.com).", ln.Addr())
	}
	return fmt.Sprintf("Receiving mail for %s on %s.", strings.Join(st.InboundAddresses, ", "), ln.Addr())
}

package main

import (
	"fmt"
	"log"
	"net"
	"strings"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer"
)

// The SMTP listener of serve --smtp-listen: the server and its rules are
// mailer's (mailer/inbound_smtp.go); serve listens, starts it with the
// rest, says where mail goes and stops it on shutdown.

type smtpConfig struct {
	ln net.Listener
}

type inboundServer struct {
	srv    *mailer.InboundServer
	served <-chan error
}

// startInbound serves SMTP on ln until stop.
func startInbound(desk *domain.Desk, ln net.Listener, logger *log.Logger) (*inboundServer, error) {
	srv, err := mailer.StartInbound(desk, ln, logger)
	if err != nil {
		return nil, err
	}
	return &inboundServer{srv: srv, served: srv.Served()}, nil
}

// stop stops accepting, lets messages in progress finish for up to drain,
// then closes what is left.
func (in *inboundServer) stop(drain time.Duration) { in.srv.Stop(drain) }

// inboundLine says where the desk takes mail, for serve's start.
func inboundLine(desk *domain.Desk, ln net.Listener) string {
	st, err := desk.DeskSettings()
	if err != nil || len(st.InboundAddresses) == 0 {
		return fmt.Sprintf("Receiving mail on %s: no inbound-address is set yet, so mail is refused for now (helpdesk config set inbound-address support@example.com).", ln.Addr())
	}
	return fmt.Sprintf("Receiving mail for %s on %s.", strings.Join(st.InboundAddresses, ", "), ln.Addr())
}

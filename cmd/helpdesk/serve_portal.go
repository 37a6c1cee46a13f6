package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"helpdesk/domain"
	"helpdesk/web"
)

// The customer portal (package web) runs in the process that holds the
// database: beside the SSH server (helpdesk serve --http) or beside the
// local console (helpdesk --http).

// The portal's HTTP limits: a client gets a bounded time to send its
// headers and body and to read the answer, and a bounded header size, so
// slow or oversized requests cannot hold connections open.
const (
	portalReadHeaderTimeout = 10 * time.Second
	portalReadTimeout       = 30 * time.Second
	portalWriteTimeout      = 60 * time.Second
	portalIdleTimeout       = 2 * time.Minute
	portalMaxHeaderBytes    = 64 << 10
	// portalPurgeEvery is how often ended customer sessions are removed.
	portalPurgeEvery = 10 * time.Minute
)

// portalConfig is how the portal is served: its listener, TLS (nil for
// plain HTTP) and whether a reverse proxy's X-Forwarded-* are believed.
type portalConfig struct {
	ln         net.Listener
	tls        *tls.Config
	trustProxy bool
	// mailbox, in a demo, holds the mail the desk "sent"; the portal
	// shows it at /demo/mail.
	mailbox web.Mailbox
}

// url is the portal's own address: the listener's, with 127.0.0.1 for an
// address that listens on every interface.
func (c *portalConfig) url() string {
	scheme := "http"
	if c.tls != nil {
		scheme = "https"
	}
	addr := c.ln.Addr().String()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return scheme + "://" + addr
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// loadTLS reads the portal's certificate and key (PEM files).
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("cannot load the portal's certificate from --tls-cert %s and --tls-key %s: %w", certFile, keyFile, unwrapPath(err))
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, nil
}

// portal is the portal being served.
type portal struct {
	srv *http.Server
	url string
	// served delivers Serve's return: at shutdown, or on a failure.
	served    chan error
	stopPurge func()
	demoMail  bool // the demo mailbox page is served
}

// startPortal serves the portal on the desk until stop; it also removes
// ended customer sessions every portalPurgeEvery. Failures go to logger.
func startPortal(desk *domain.Desk, cfg *portalConfig, logger *log.Logger) (*portal, error) {
	h, err := web.New(web.Options{Desk: desk, TrustProxy: cfg.trustProxy, TLS: cfg.tls != nil, Log: logger, Mailbox: cfg.mailbox})
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: portalReadHeaderTimeout,
		ReadTimeout:       portalReadTimeout,
		WriteTimeout:      portalWriteTimeout,
		IdleTimeout:       portalIdleTimeout,
		MaxHeaderBytes:    portalMaxHeaderBytes,
		TLSConfig:         cfg.tls,
		ErrorLog:          logger,
	}
	p := &portal{srv: srv, url: cfg.url(), served: make(chan error, 1), demoMail: cfg.mailbox != nil}
	go func() {
		var err error
		if cfg.tls != nil {
			err = srv.ServeTLS(cfg.ln, "", "")
		} else {
			err = srv.Serve(cfg.ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		p.served <- err
	}()
	p.stopPurge = purgeSessions(desk, logger, portalPurgeEvery)
	return p, nil
}

// stop stops accepting, lets requests in progress finish within drain,
// then closes what is left.
func (p *portal) stop(drain time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := p.srv.Shutdown(ctx); err != nil {
		_ = p.srv.Close()
	}
	p.stopPurge()
}

// purgeSessions removes ended sessions every period until stop, which
// waits for a purge in progress.
func purgeSessions(desk *domain.Desk, logger *log.Logger, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := desk.PurgeSessions(); err != nil {
					logger.Printf("portal: removing ended sessions: %v", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// portalLine is the line that says where the portal is, and where mailed
// links go when that is elsewhere (a base-url set behind a proxy).
func portalLine(p *portal, desk *domain.Desk) string {
	line := "Serving the customer portal on " + p.url
	if mailed := desk.PortalURL(); mailed != p.url {
		line += " (mailed links go to " + mailed + ")"
	}
	if p.demoMail {
		line += "; the demo's mail is at " + p.url + "/demo/mail"
	}
	return line
}

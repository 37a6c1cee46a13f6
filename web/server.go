// Package web is the customer portal: set a password from a mailed link,
// sign in, sign up, accept the agreement and keep a profile up to date.
// It talks only to *domain.Desk.
package web

import (
	"errors"
	"html/template"
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
	// Mailbox, for a demo only, is where the desk's mail went instead of
	// out: the portal shows it at /demo/mail. nil: no such page.
	Mailbox Mailbox
}

// server holds what every handler needs: the desk, the parsed templates and
// the options that shape cookies and client addresses.
type server struct {
	desk       *domain.Desk
	log        *log.Logger
	trustProxy bool
	tls        bool
	pages      map[string]*template.Template
	mux        *http.ServeMux
	mailbox    Mailbox
}

// New returns the portal's handler: every route, wrapped once in the middleware.
func New(o Options) (http.Handler, error) {
	if o.Desk == nil {
		return nil, errors.New("web: Options.Desk is nil")
	}
	if o.Log == nil {
		o.Log = log.Default()
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &server{desk: o.Desk, log: o.Log, trustProxy: o.TrustProxy, tls: o.TLS, pages: pages, mailbox: o.Mailbox}
	s.mux = s.routes()
	return s.middleware(http.HandlerFunc(s.dispatch)), nil
}

// routes declares every route of the portal, in one place.
func (s *server) routes() *http.ServeMux {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /{$}", s.signedIn(s.home))
	mux.HandleFunc("GET /account", s.signedIn(s.account))
	mux.HandleFunc("GET /c/{id}", s.signedIn(s.conversation))
	mux.HandleFunc("POST /c/{id}/reply", s.signedIn(s.reply))
	mux.HandleFunc("POST /c/{id}/note", s.signedIn(s.note))
	mux.HandleFunc("GET /new", s.signedIn(s.newConvForm))
	mux.HandleFunc("POST /new", s.signedIn(s.newConv))

	mux.HandleFunc("GET /signin", s.signinForm)
	mux.HandleFunc("POST /signin", s.signin)
	mux.HandleFunc("POST /signout", s.signout)

	mux.HandleFunc("GET /set-password", s.setPasswordForm)
	mux.HandleFunc("POST /set-password", s.setPassword)

	mux.HandleFunc("GET /reset", s.resetForm)
	mux.HandleFunc("POST /reset", s.reset)

	mux.HandleFunc("GET /signup", s.signupForm)
	mux.HandleFunc("POST /signup", s.signup)

	mux.HandleFunc("GET /agreement", s.signedIn(s.agreementForm))
	mux.HandleFunc("POST /agreement", s.signedIn(s.acceptAgreement))

	mux.HandleFunc("GET /profile", s.signedIn(s.profileForm))
	mux.HandleFunc("POST /profile", s.signedIn(s.saveProfile))

	if s.mailbox != nil {
		mux.HandleFunc("GET /demo/mail", s.demoMailbox)
	}

	mux.HandleFunc("GET /static/style.css", s.stylesheet)
	mux.HandleFunc("GET /brand/{file}", s.brandStylesheet)
	mux.HandleFunc("GET /brand/{slug}/logo", s.brandLogo)
	return mux
}

// dispatch serves a request through the mux, answering a path or method
// it does not know with the portal's own error page.
func (s *server) dispatch(w http.ResponseWriter, r *http.Request) {
	if h, pattern := s.mux.Handler(r); pattern == "" {
		rec := &recorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		switch rec.code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			if allow := rec.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			s.fail(w, r, rec.code, nil)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// recorder keeps only the status and headers of the mux's own answers.
type recorder struct {
	header http.Header
	code   int
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return len(b), nil
}
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"helpdesk/domain"
)

// maxBody caps every request body: the portal's forms are small.
const maxBody = 64 << 10

// sessionCookie names the cookie holding the session id.
const sessionCookie = "helpdesk_session"

// contentSecurityPolicy allows nothing but the portal's own stylesheets,
// images and forms, and no framing.
const contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// middleware wraps the mux once: panics become the error page, every
// answer gets the security headers, bodies are capped, cross-origin
// writes are refused, and the session is looked up.
func (s *server) middleware(h http.Handler) http.Handler {
	for _, m := range []func(http.Handler) http.Handler{
		s.agreementGate,
		s.session,
		s.crossOrigin,
		s.limitBody,
		securityHeaders,
		s.recoverPanic,
	} {
		h = m(h)
	}
	return h
}

// recoverPanic answers a handler's panic with the error page.
func (s *server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every answer carries. Pages are not
// cached; the static handlers allow it for themselves.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// limitBody caps the request body; a body announced as too large is
// refused at once, one found too large while reading gets the same 413
// from the form parser (see formError).
func (s *server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			w.Header().Set("Connection", "close")
			s.fail(w, r, http.StatusRequestEntityTooLarge, nil)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests from other sites with the
// error page.
func (s *server) crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, nil)
	}))
	return p.Handler(next)
}

// visitor is who is asking: the signed-in customer, if any.
type visitor struct {
	user domain.User
	sid  string
}

type visitorKey struct{}

func visitorOf(r *http.Request) (visitor, bool) {
	v, ok := r.Context().Value(visitorKey{}).(visitor)
	return v, ok
}

// static reports whether a path is an asset, served without a session.
func static(path string) bool {
	return strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/brand/")
}

// session finds the signed-in customer from the cookie. A cookie naming no
// live session (ended, expired, or of a customer who may no longer sign
// in) is cleared.
func (s *server) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" || static(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.desk.SessionUser(c.Value)
		if errors.Is(err, domain.ErrNoSession) {
			s.clearCookie(w, r)
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("look up the session: %w", err))
			return
		}
		ctx := context.WithValue(r.Context(), visitorKey{}, visitor{user: u, sid: c.Value})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// agreementGate sends a signed-in customer with a pending agreement to
// /agreement first, from every page but the agreement itself, sign-out,
// a mailed link and the assets.
func (s *server) agreementGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := visitorOf(r)
		switch p := r.URL.Path; {
		case !ok, p == "/agreement", p == "/signout", p == "/set-password", p == "/demo/mail", static(p):
			next.ServeHTTP(w, r)
			return
		}
		pending, err := s.pending(v.user.ID)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if pending {
			http.Redirect(w, r, "/agreement", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *server) pending(userID domain.ID) (bool, error) {
	st, err := s.desk.AgreementStatus(userID)
	if err != nil {
		return false, fmt.Errorf("read the agreement status of user %d: %w", userID, err)
	}
	return st.Pending(), nil
}

// signedIn lets only a signed-in customer through; others go to /signin.
func (s *server) signedIn(h func(http.ResponseWriter, *http.Request, visitor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, ok := visitorOf(r)
		if !ok {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		h(w, r, v)
	}
}

// secure reports whether the client reached the portal over HTTPS.
func (s *server) secure(r *http.Request) bool {
	if s.tls || r.TLS != nil {
		return true
	}
	return s.trustProxy && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// setSession gives the client the cookie of a new session.
func (s *server) setSession(w http.ResponseWriter, r *http.Request, sid string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

func (s *server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// clientAddr is the client's address: the connection's peer, or behind a
// trusted proxy the last address of X-Forwarded-For, the one the proxy
// added. Earlier ones come from the client and could be anything, which
// would let one client dodge the per-address sign-in throttle.
func (s *server) clientAddr(r *http.Request) string {
	if s.trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			hops := strings.Split(xff[len(xff)-1], ",")
			if a, err := netip.ParseAddr(strings.TrimSpace(hops[len(hops)-1])); err == nil {
				return a.Unmap().String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

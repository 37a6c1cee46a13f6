package web_test

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"helpdesk/domain"
	"helpdesk/web"
)

var pngLogo = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)

const svgLogo = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#0055aa"/></svg>`

func brandOrg(t *testing.T, e *env, name, slug, title, color string, logo []byte) domain.Organization {
	t.Helper()
	o, err := e.desk.CreateOrg(owner, domain.OrgInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	in := domain.BrandInput{Slug: &slug, Logo: logo}
	if title != "" {
		in.Title = &title
	}
	if color != "" {
		in.Color = &color
	}
	if o, err = e.desk.SetBranding(owner, o.ID, in); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestBranding(t *testing.T) {
	e := newEnv(t)
	brandOrg(t, e, "Acme Europe", "acme-eu", "Acme Support <EU>", "#0055AA", pngLogo)
	brandOrg(t, e, "Plain Co", "plain", "", "", []byte(svgLogo))
	c := e.client()

	p := c.get("/signin?branding=acme-eu")
	wantPage(t, p, http.StatusOK, "Acme Support &lt;EU&gt;", `<img src="/brand/acme-eu/logo"`, `href="/brand/acme-eu.css"`,
		`name="branding" value="acme-eu"`, `name="email"`, `name="password"`)
	css := c.get("/brand/acme-eu.css")
	wantPage(t, css, http.StatusOK, "--accent: #0055aa;")
	if ct := css.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Fatalf("brand stylesheet type %q", ct)
	}
	logo := c.get("/brand/acme-eu/logo")
	if logo.StatusCode != http.StatusOK || logo.Header.Get("Content-Type") != "image/png" || logo.Body != string(pngLogo) {
		t.Fatalf("logo: %d %q", logo.StatusCode, logo.Header.Get("Content-Type"))
	}

	// No title: the organization's name; no colour: no stylesheet.
	p = c.get("/signin?branding=plain")
	wantPage(t, p, http.StatusOK, "Plain Co", `<img src="/brand/plain/logo"`)
	if strings.Contains(p.Body, "/brand/plain.css") {
		t.Fatal("a stylesheet is linked for a brand without colour")
	}
	wantPage(t, c.get("/brand/plain.css"), http.StatusNotFound)
	svg := c.get("/brand/plain/logo")
	if svg.StatusCode != http.StatusOK || svg.Header.Get("Content-Type") != "image/svg+xml" ||
		svg.Header.Get("Content-Security-Policy") != "default-src 'none'; style-src 'unsafe-inline'; sandbox" {
		t.Fatalf("svg logo: %d %q %q", svg.StatusCode, svg.Header.Get("Content-Type"), svg.Header.Get("Content-Security-Policy"))
	}

	// An unknown slug: the plain page, no error.
	plain := c.get("/signin")
	for _, slug := range []string{"nobody", "ACME-EU%3Cscript%3E", "../etc"} {
		p = c.get("/signin?branding=" + slug)
		if p.StatusCode != http.StatusOK || p.Body != plain.Body {
			t.Fatalf("branding=%s: %d\n%s", slug, p.StatusCode, p.Body)
		}
	}
	wantPage(t, c.get("/brand/nobody/logo"), http.StatusNotFound)
	wantPage(t, c.get("/brand/nobody.css"), http.StatusNotFound)

	// A failed sign-in on a branded page keeps the branding.
	p = c.post("/signin", url.Values{"email": {"x@example.com"}, "password": {"wrong password"}, "branding": {"acme-eu"}})
	wantPage(t, p, http.StatusOK, "Acme Support &lt;EU&gt;", html(domain.ErrSignInFailed.Error()))
}

func TestResetSameAnswer(t *testing.T) {
	e := newEnv(t)
	e.createUser("ola@example.com", "Ola", "")
	c := e.client()
	wantPage(t, c.get("/reset"), http.StatusOK, `name="email"`, `action="/reset"`)
	const sent = "If an account exists for that address, we sent a link to set a new password. It works once, for 7 days."
	known := c.post("/reset", url.Values{"email": {"ola@example.com"}})
	unknown := c.post("/reset", url.Values{"email": {"nobody@example.com"}})
	junk := c.post("/reset", url.Values{"email": {"not an address"}})
	wantPage(t, known, http.StatusOK, sent)
	if known.Body != unknown.Body || known.Body != junk.Body {
		t.Fatal("the reset answer differs by address")
	}
	m, tok := e.mailTo("ola@example.com")
	if m.Event != domain.EventReset || tok == "" {
		t.Fatalf("mail %s", m.Event)
	}
	e.noMail()
	wantRedirect(t, c.post("/set-password", url.Values{"token": {tok}, "password": {goodPassword}}), "/")
}

func TestErrorPages(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, tc := range []struct {
		method, path string
		status       int
		says         string
	}{
		{"GET", "/no/such/page", http.StatusNotFound, "There is no page at this address."},
		{"GET", "/static/missing.css", http.StatusNotFound, "There is no page at this address."},
		{"PUT", "/signin", http.StatusMethodNotAllowed, "This page does not take that kind of request."},
		{"DELETE", "/", http.StatusMethodNotAllowed, "This page does not take that kind of request."},
		{"POST", "/static/style.css", http.StatusMethodNotAllowed, "This page does not take that kind of request."},
	} {
		req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, nil)
		p := c.do(req)
		wantPage(t, p, tc.status, tc.says, "<h1>", "<title>")
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s %s: %q", tc.method, tc.path, p.Header.Get("Content-Type"))
		}
	}

	// Too large a body: 413, announced or not.
	big := url.Values{"email": {strings.Repeat("a", 70<<10)}, "password": {"x"}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/signin", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantPage(t, c.do(req), http.StatusRequestEntityTooLarge, "too large")
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/reset", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantPage(t, c.do(req), http.StatusRequestEntityTooLarge, "too large")

	// The stylesheet.
	css := c.get("/static/style.css")
	if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") || !strings.Contains(css.Body, "--accent") {
		t.Fatalf("style.css: %d %q", css.StatusCode, css.Header.Get("Content-Type"))
	}
	// Signed-out pages that need a session go to sign-in.
	for _, path := range []string{"/", "/profile", "/agreement"} {
		wantRedirect(t, c.get(path), "/signin")
	}
	wantRedirect(t, c.post("/profile", url.Values{"name": {"x"}}), "/signin")
	wantRedirect(t, c.post("/agreement", url.Values{"accept": {"yes"}}), "/signin")
}

// A failure inside the desk: the error page says one sentence, the log
// gets the reason.
func TestInternalErrorPage(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("pia@example.com", "Pia", "")
	c := e.activate(tok)
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	p := c.get("/")
	wantPage(t, p, http.StatusInternalServerError, "Something went wrong on our side")
	if strings.Contains(strings.ToLower(p.Body), "database") || strings.Contains(p.Body, "bolt") {
		t.Fatalf("the page shows the internal error:\n%s", p.Body)
	}
	if e.log.String() == "" {
		t.Fatal("nothing logged")
	}
	if sid := c.cookie(); strings.Contains(e.log.String(), sid) {
		t.Fatal("the log holds the session id")
	}
}

func TestProxyAndTLS(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("quin@example.com", "Quin", "")
	var logs bytes.Buffer
	proxied, err := web.New(web.Options{Desk: e.desk, TrustProxy: true, Log: log.New(&logs, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"token": {tok}, "password": {goodPassword}}.Encode()
	req := httptest.NewRequest(http.MethodPost, "/set-password", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-For", "203.0.113.7, 10.0.0.1")
	rec := httptest.NewRecorder()
	proxied.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	u, _ := e.desk.UserByEmail("quin@example.com")
	req = httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(url.Values{"email": {"quin@example.com"}, "password": {goodPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// The proxy appends the address it saw; what comes before is the
	// client's word.
	req.Header.Set("X-Forwarded-For", "203.0.113.66, 198.51.100.9")
	rec = httptest.NewRecorder()
	proxied.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") {
		t.Fatalf("plain http behind the proxy: %d %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	st, err := e.desk.SignInState(u.ID)
	if err != nil || st.LastAddr != "198.51.100.9" {
		t.Fatalf("sign-in from %q (%v)", st.LastAddr, err)
	}

	// Without TrustProxy the headers are ignored; with TLS the cookie is Secure.
	direct, err := web.New(web.Options{Desk: e.desk, TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	req = httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(url.Values{"email": {"quin@example.com"}, "password": {goodPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "198.51.100.10")
	rec = httptest.NewRecorder()
	direct.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") {
		t.Fatalf("TLS: %d %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	if st, _ := e.desk.SignInState(u.ID); st.LastAddr != "192.0.2.1" {
		t.Fatalf("sign-in from %q, want the connection's address", st.LastAddr)
	}
	if logs.Len() != 0 {
		t.Fatalf("logged: %s", logs.String())
	}
}

func TestNewNeedsDesk(t *testing.T) {
	if _, err := web.New(web.Options{}); err == nil {
		t.Fatal("New without a desk")
	}
}

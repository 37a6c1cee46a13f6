package web_test

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
	"helpdesk/web"
)

var owner = domain.Actor{Name: "owner:test (local)"}

// clock is the desk's time, which a test may move on.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer is the portal's log, read by the test at the end.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a portal on a real store, and what the test learned from it: the
// tokens read from mail, which no page may show but the link's own.
type env struct {
	t      *testing.T
	desk   *domain.Desk
	db     *store.DB
	clock  *clock
	srv    *httptest.Server
	log    *syncBuffer
	mu     sync.Mutex
	tokens []string
	// foreign are strings (other users' data) no page of this test may show.
	foreign []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	e := &env{t: t, db: db, clock: &clock{t: time.Now()}, log: &syncBuffer{}}
	e.desk = domain.NewDesk(db, domain.WithClock(e.clock.Now))
	h, err := web.New(web.Options{Desk: e.desk, Log: log.New(e.log, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	t.Cleanup(func() {
		out := e.log.String()
		for _, tok := range e.allTokens() {
			if strings.Contains(out, tok) {
				t.Errorf("the log holds a token: %q", out)
			}
		}
	})
	return e
}

func (e *env) allTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.tokens...)
}

var linkPattern = regexp.MustCompile(`/set-password\?token=([A-Za-z0-9_-]+)`)

// mailTo takes the queued messages in order until one to the address,
// marking each sent, and returns it with the token of its link ("" when
// it has none).
func (e *env) mailTo(addr string) (domain.OutboxMessage, string) {
	e.t.Helper()
	for range 100 {
		m, ok, err := e.desk.ClaimNext("test", e.clock.Now().Add(time.Hour), 0)
		if err != nil {
			e.t.Fatal(err)
		}
		if !ok {
			break
		}
		if err := e.desk.RecordSent("test", m.ID, e.clock.Now()); err != nil {
			e.t.Fatal(err)
		}
		tok := ""
		if sm := linkPattern.FindStringSubmatch(m.Text); sm != nil {
			tok = sm[1]
			e.remember(tok)
		}
		if strings.EqualFold(m.To, addr) {
			return m, tok
		}
	}
	e.t.Fatalf("no mail to %s", addr)
	return domain.OutboxMessage{}, ""
}

func (e *env) remember(tok string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens = append(e.tokens, tok)
}

// signupToken is the token of the create-account mail to an address.
func (e *env) signupToken(addr string) string {
	e.t.Helper()
	m, tok := e.mailTo(addr)
	if m.Event != domain.EventCreateAccount || tok == "" {
		e.t.Fatalf("mail %s to %s, with a link: %v", m.Event, addr, tok != "")
	}
	return tok
}

// noMail checks that nothing more is queued.
func (e *env) noMail() {
	e.t.Helper()
	m, ok, err := e.desk.ClaimNext("test", e.clock.Now().Add(time.Hour), 0)
	if err != nil {
		e.t.Fatal(err)
	}
	if ok {
		e.t.Errorf("unexpected mail %s to %s", m.Event, m.To)
	}
}

// createUser makes a user and returns its set-password token from the
// verify mail.
func (e *env) createUser(email, name, org string) (domain.User, string) {
	e.t.Helper()
	u, err := e.desk.CreateUser(owner, domain.UserInput{Email: email, Name: name, Org: org})
	if err != nil {
		e.t.Fatal(err)
	}
	_, tok := e.mailTo(email)
	if tok == "" {
		e.t.Fatalf("the mail to %s has no link", email)
	}
	return u, tok
}

// client is one browser: its own cookies, redirects not followed.
type client struct {
	e    *env
	http *http.Client
}

func (e *env) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// page is an answer, its body read.
type page struct {
	*http.Response
	Body string
}

func (c *client) do(req *http.Request) page {
	c.e.t.Helper()
	return c.doOwn(req, req.URL.Query().Get("token"))
}

// doOwn sends a request that carries a token of its own (in a posted
// form), which the answer may show back.
func (c *client) doOwn(req *http.Request, own string) page {
	c.e.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		c.e.t.Fatal(err)
	}
	p := page{Response: resp, Body: string(b)}
	c.e.check(req, p, own)
	return p
}

func (c *client) get(path string) page {
	c.e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values) page {
	c.e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.doOwn(req, form.Get("token"))
}

// cookie is the client's session cookie value ("" when none).
func (c *client) cookie() string {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "helpdesk_session" {
			return ck.Value
		}
	}
	return ""
}

// check is what every answer must satisfy: the security headers, and no
// page showing a password hash, a token other than its own link's, or
// another user's data.
func (e *env) check(req *http.Request, p page, own string) {
	e.t.Helper()
	h := p.Header
	if csp := h.Get("Content-Security-Policy"); csp == "" {
		e.t.Errorf("%s %s: no Content-Security-Policy", req.Method, req.URL.Path)
	} else if !strings.HasPrefix(h.Get("Content-Type"), "image/svg") &&
		csp != "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'" {
		e.t.Errorf("%s %s: Content-Security-Policy %q", req.Method, req.URL.Path, csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		e.t.Errorf("%s %s: X-Content-Type-Options %q", req.Method, req.URL.Path, got)
	}
	if got := h.Get("Referrer-Policy"); got != "no-referrer" {
		e.t.Errorf("%s %s: Referrer-Policy %q", req.Method, req.URL.Path, got)
	}
	if strings.HasPrefix(h.Get("Content-Type"), "text/html") && h.Get("Cache-Control") != "no-store" {
		e.t.Errorf("%s %s: Cache-Control %q on a page", req.Method, req.URL.Path, h.Get("Cache-Control"))
	}
	if strings.Contains(p.Body, "$argon2id$") {
		e.t.Errorf("%s %s: the page holds a password hash", req.Method, req.URL.Path)
	}
	for _, tok := range e.allTokens() {
		if tok != own && strings.Contains(p.Body, tok) {
			e.t.Errorf("%s %s: the page holds a token that is not its own", req.Method, req.URL.Path)
		}
	}
	for _, s := range e.foreign {
		if strings.Contains(p.Body, s) {
			e.t.Errorf("%s %s: the page shows another user's %q", req.Method, req.URL.Path, s)
		}
	}
	if strings.Contains(p.Body, "<script") {
		e.t.Errorf("%s %s: the page holds a script", req.Method, req.URL.Path)
	}
}

// wantRedirect checks a 303 to the path.
func wantRedirect(t *testing.T, p page, to string) {
	t.Helper()
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != to {
		t.Fatalf("got %d to %q, want 303 to %q; body:\n%s", p.StatusCode, p.Header.Get("Location"), to, p.Body)
	}
}

func wantPage(t *testing.T, p page, status int, texts ...string) {
	t.Helper()
	if p.StatusCode != status {
		t.Fatalf("status %d, want %d; body:\n%s", p.StatusCode, status, p.Body)
	}
	for _, s := range texts {
		if !strings.Contains(p.Body, s) {
			t.Fatalf("the page lacks %q:\n%s", s, p.Body)
		}
	}
}

// html is a text as the page shows it (html/template escapes quotes).
func html(s string) string {
	r := strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")
	return r.Replace(s)
}

const goodPassword = "correct horse battery staple"

// activate sets a user's password through its link and returns the
// signed-in client.
func (e *env) activate(token string) *client {
	e.t.Helper()
	c := e.client()
	p := c.post("/set-password", url.Values{"token": {token}, "password": {goodPassword}})
	if p.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("set-password: %d\n%s", p.StatusCode, p.Body)
	}
	return c
}

// signIn signs a new client in and returns it.
func (e *env) signIn(email, password string) *client {
	e.t.Helper()
	c := e.client()
	p := c.post("/signin", url.Values{"email": {email}, "password": {password}})
	if p.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("signin: %d\n%s", p.StatusCode, p.Body)
	}
	return c
}

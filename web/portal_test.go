package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

func TestSetPasswordLinkWorksOnce(t *testing.T) {
	e := newEnv(t)
	u, tok := e.createUser("ann@example.com", "Ann Lee", "")
	c := e.client()

	p := c.get("/set-password?token=" + tok)
	wantPage(t, p, http.StatusOK, "ann@example.com", `name="token" value="`+tok+`"`, `name="password"`)

	// A weak password: the form again, the token kept, the password not echoed.
	p = c.post("/set-password", url.Values{"token": {tok}, "password": {"short"}})
	wantPage(t, p, http.StatusOK, "at least 10 characters", `value="`+tok+`"`)
	if strings.Contains(p.Body, `value="short"`) {
		t.Fatal("the password is echoed back")
	}
	// Differing confirmation.
	p = c.post("/set-password", url.Values{"token": {tok}, "password": {goodPassword}, "password_confirm": {"something else"}})
	wantPage(t, p, http.StatusOK, "The two passwords differ")

	p = c.post("/set-password", url.Values{"token": {tok}, "password": {goodPassword}, "password_confirm": {goodPassword}})
	wantRedirect(t, p, "/")
	if ck := p.Header.Get("Set-Cookie"); !strings.Contains(ck, "helpdesk_session=") || !strings.Contains(ck, "HttpOnly") ||
		!strings.Contains(ck, "SameSite=Lax") || !strings.Contains(ck, "Path=/") || strings.Contains(ck, "Secure") {
		t.Fatalf("cookie %q", ck)
	}
	wantPage(t, c.get("/"), http.StatusOK, "Ann Lee", "ann@example.com", `href="/account"`, `href="/profile"`, `action="/signout"`)
	p = c.get("/account")
	wantPage(t, p, http.StatusOK, "Ann Lee", "ann@example.com", "active", "view and manage your own account", `href="/profile"`, `action="/signout"`)
	got, err := e.desk.User(u.ID)
	if err != nil || got.State != domain.StateActive {
		t.Fatalf("user %v %v", got.State, err)
	}

	// The second use: the link says it does not work, and offers a new one.
	other := e.client()
	invalid := html(domain.ErrTokenInvalid.Error())
	p = other.get("/set-password?token=" + tok)
	wantPage(t, p, http.StatusOK, invalid, `href="/reset"`)
	if strings.Contains(p.Body, `name="password"`) {
		t.Fatal("a spent link still shows the form")
	}
	p = other.post("/set-password", url.Values{"token": {tok}, "password": {"another good passphrase"}})
	wantPage(t, p, http.StatusOK, invalid, `href="/reset"`)
	if other.cookie() != "" {
		t.Fatal("a spent link signed in")
	}
	// An unknown token and none at all say the same.
	wantPage(t, other.get("/set-password?token=nonsense"), http.StatusOK, invalid)
	wantPage(t, other.get("/set-password"), http.StatusOK, invalid)
}

func TestSetPasswordExpiredLink(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("bob@example.com", "Bob", "")
	e.clock.Add(domain.DefaultTokenTTL + time.Hour)
	c := e.client()
	invalid := html(domain.ErrTokenInvalid.Error())
	wantPage(t, c.get("/set-password?token="+tok), http.StatusOK, invalid, `href="/reset"`)
	p := c.post("/set-password", url.Values{"token": {tok}, "password": {goodPassword}})
	wantPage(t, p, http.StatusOK, invalid)
	if c.cookie() != "" {
		t.Fatal("an expired link signed in")
	}
}

func TestSetPasswordDisabledUser(t *testing.T) {
	e := newEnv(t)
	u, tok := e.createUser("dan@example.com", "Dan", "")
	if _, err := e.desk.DisableUser(owner, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	wantPage(t, e.client().get("/set-password?token="+tok), http.StatusOK, html(domain.ErrTokenInvalid.Error()))
}

func TestSignupOffIsNotFound(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	wantPage(t, c.get("/signup"), http.StatusNotFound, "There is no page at this address.")
	p := c.post("/signup", url.Values{"email": {"new@example.com"}})
	wantPage(t, p, http.StatusNotFound, "There is no page at this address.")
	e.noMail()
}

func enableSignup(t *testing.T, e *env) domain.Organization {
	t.Helper()
	parent, err := e.desk.CreateOrg(owner, domain.OrgInput{Name: "Self-Created Customer Accounts"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.SetSetting(owner, "self-signup", "on"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.SetSetting(owner, "signup-parent", "Self-Created Customer Accounts"); err != nil {
		t.Fatal(err)
	}
	return parent
}

const signupSent = "Check your mail: we sent a link to finish creating your account."

func TestSignupNewAccount(t *testing.T) {
	e := newEnv(t)
	parent := enableSignup(t, e)
	c := e.client()
	wantPage(t, c.get("/signup"), http.StatusOK, `name="email"`, `name="organization"`, `name="time_zone"`, `name="language"`)

	// A bad time zone: the form again, with what was typed.
	p := c.post("/signup", url.Values{"email": {"cat@newco.example"}, "name": {"Cat Ng"}, "organization": {"Newco"}, "time_zone": {"Mars/Olympus"}})
	wantPage(t, p, http.StatusOK, "is not an IANA time zone", `value="cat@newco.example"`, `value="Cat Ng"`, `value="Newco"`, `value="Mars/Olympus"`)

	p = c.post("/signup", url.Values{"email": {"cat@newco.example"}, "name": {"Cat Ng"}, "organization": {"Newco"},
		"time_zone": {"Europe/Paris"}, "language": {"fr"}})
	wantPage(t, p, http.StatusOK, signupSent)

	tok := e.signupToken("cat@newco.example")
	wantPage(t, c.get("/set-password?token="+tok), http.StatusOK, "cat@newco.example", "Finish creating your account")
	wantRedirect(t, c.post("/set-password", url.Values{"token": {tok}, "password": {goodPassword}}), "/")
	wantPage(t, c.get("/account"), http.StatusOK, "Cat Ng", "cat@newco.example", "Newco", "active")

	u, err := e.desk.UserByEmail("cat@newco.example")
	if err != nil {
		t.Fatal(err)
	}
	org, err := e.desk.OrgByName("Newco")
	if err != nil {
		t.Fatal(err)
	}
	if u.State != domain.StateActive || u.OrgID != org.ID || org.ParentID != parent.ID || u.TimeZone != "Europe/Paris" {
		t.Fatalf("user %+v, org %+v", u, org)
	}
	// The account is made once: the link is spent.
	wantPage(t, e.client().get("/set-password?token="+tok), http.StatusOK, html(domain.ErrTokenInvalid.Error()))
}

func TestSignupExistingEmail(t *testing.T) {
	e := newEnv(t)
	enableSignup(t, e)
	existing, tok := e.createUser("dee@example.com", "Dee", "")
	_ = tok
	c := e.client()
	fresh := c.post("/signup", url.Values{"email": {"someone.new@example.com"}, "organization": {"Fresh Org"}})
	wantPage(t, fresh, http.StatusOK, signupSent)
	e.signupToken("someone.new@example.com")

	p := c.post("/signup", url.Values{"email": {"dee@example.com"}, "name": {"Impostor"}, "organization": {"Dee Corp"}})
	wantPage(t, p, http.StatusOK, signupSent)
	if p.Body != fresh.Body {
		t.Fatalf("the answer differs for an existing address:\n%s\n---\n%s", p.Body, fresh.Body)
	}
	m, _ := e.mailTo("dee@example.com")
	if m.Event != domain.EventAccountExists {
		t.Fatalf("mail %s to the owner, want %s", m.Event, domain.EventAccountExists)
	}
	e.noMail()
	if _, err := e.desk.OrgByName("Dee Corp"); !domain.IsNotFound(err) {
		t.Fatalf("an organization was created: %v", err)
	}
	u, err := e.desk.User(existing.ID)
	if err != nil || u.Name != "Dee" || u.Version != existing.Version {
		t.Fatalf("the existing user changed: %+v %v", u, err)
	}
}

func TestInactiveOrganizationCannotSignIn(t *testing.T) {
	e := newEnv(t)
	org, err := e.desk.CreateOrg(owner, domain.OrgInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	_, tok := e.createUser("eve@acme.example", "Eve", "Acme")
	_, unused := e.createUser("fox@acme.example", "Fox", "Acme")
	live := e.activate(tok)
	wantPage(t, live.get("/"), http.StatusOK, "Acme")
	if _, err := e.desk.DeactivateOrg(owner, org.ID); err != nil {
		t.Fatal(err)
	}
	// A session begun before ends.
	wantRedirect(t, live.get("/"), "/signin")

	c := e.client()
	p := c.post("/signin", url.Values{"email": {"eve@acme.example"}, "password": {goodPassword}})
	wantPage(t, p, http.StatusOK, "organization Acme is inactive", `value="eve@acme.example"`)
	if c.cookie() != "" {
		t.Fatal("signed in under an inactive organization")
	}
	// A link mailed before says why it cannot help, and spends nothing.
	p = c.get("/set-password?token=" + unused)
	wantPage(t, p, http.StatusOK, "organization Acme is inactive")
	if strings.Contains(p.Body, `name="password"`) {
		t.Fatal("the form is shown for a user who may not sign in")
	}
	p = c.post("/set-password", url.Values{"token": {unused}, "password": {goodPassword}})
	wantPage(t, p, http.StatusOK, "organization Acme is inactive")
	if c.cookie() != "" {
		t.Fatal("signed in under an inactive organization")
	}
}

func TestSignInSameAnswerForUnknownAndWrong(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("fay@example.com", "Fay", "")
	e.activate(tok)
	c := e.client()
	wrong := c.post("/signin", url.Values{"email": {"fay@example.com"}, "password": {"not the password"}})
	unknown := c.post("/signin", url.Values{"email": {"nobody@example.com"}, "password": {"not the password"}})
	wantPage(t, wrong, http.StatusOK, html(domain.ErrSignInFailed.Error()), `value="fay@example.com"`)
	if strings.Contains(wrong.Body, "not the password") {
		t.Fatal("the password is echoed back")
	}
	a := strings.ReplaceAll(wrong.Body, "fay@example.com", "EMAIL")
	b := strings.ReplaceAll(unknown.Body, "nobody@example.com", "EMAIL")
	if a != b || wrong.StatusCode != unknown.StatusCode {
		t.Fatalf("the answers differ:\n%s\n---\n%s", a, b)
	}
}

func TestSignInLocksAfterFiveFailures(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("gus@example.com", "Gus", "")
	e.activate(tok)
	c := e.client()
	for range domain.ThrottleFailures {
		p := c.post("/signin", url.Values{"email": {"gus@example.com"}, "password": {"wrong password here"}})
		wantPage(t, p, http.StatusOK, html(domain.ErrSignInFailed.Error()))
	}
	p := c.post("/signin", url.Values{"email": {"gus@example.com"}, "password": {goodPassword}})
	wantPage(t, p, http.StatusOK, "too many failed sign-ins", `value="gus@example.com"`)
	if c.cookie() != "" {
		t.Fatal("signed in while locked")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("hal@example.com", "Hal", "")
	e.activate(tok)
	c := e.client()
	for _, path := range []string{"/signin", "/signout", "/reset", "/set-password"} {
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+path,
			strings.NewReader(url.Values{"email": {"hal@example.com"}, "password": {goodPassword}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		p := c.do(req)
		wantPage(t, p, http.StatusForbidden, "came from another site")
	}
	if c.cookie() != "" {
		t.Fatal("a cross-site sign-in set a cookie")
	}
	e.noMail()
}

func TestSessionEndsOnDisable(t *testing.T) {
	e := newEnv(t)
	u, tok := e.createUser("ida@example.com", "Ida", "")
	c := e.activate(tok)
	wantPage(t, c.get("/"), http.StatusOK, "ida@example.com")
	if _, err := e.desk.DisableUser(owner, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	p := c.get("/")
	wantRedirect(t, p, "/signin")
	if !strings.Contains(p.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("the dead cookie is not cleared: %q", p.Header.Get("Set-Cookie"))
	}
	wantRedirect(t, c.get("/profile"), "/signin")
}

func TestSignOutEndsSession(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("jo@example.com", "Jo", "")
	e.activate(tok)
	c := e.signIn("jo@example.com", goodPassword)
	sid := c.cookie()
	if sid == "" {
		t.Fatal("no session cookie")
	}
	wantPage(t, c.get("/"), http.StatusOK, "jo@example.com")
	wantRedirect(t, c.post("/signout", nil), "/signin")
	if c.cookie() != "" {
		t.Fatal("the cookie is still there")
	}
	wantRedirect(t, c.get("/"), "/signin")
	// The old id, replayed, is dead.
	if _, err := e.desk.SessionUser(sid); err != domain.ErrNoSession {
		t.Fatalf("the session lives on: %v", err)
	}
	replay := e.client()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "helpdesk_session", Value: sid})
	wantRedirect(t, replay.do(req), "/signin")
}

func TestNewSessionAtEverySignIn(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("kim@example.com", "Kim", "")
	first := e.activate(tok).cookie()
	c := e.client()
	u, _ := url.Parse(e.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "helpdesk_session", Value: first}})
	wantRedirect(t, c.post("/signin", url.Values{"email": {"kim@example.com"}, "password": {goodPassword}}), "/")
	if c.cookie() == "" || c.cookie() == first {
		t.Fatal("sign-in kept the old session id")
	}
	if _, err := e.desk.SessionUser(first); err != domain.ErrNoSession {
		t.Fatalf("the earlier session lives on: %v", err)
	}
}

func TestAgreementGate(t *testing.T) {
	e := newEnv(t)
	org, err := e.desk.CreateOrg(owner, domain.OrgInput{Name: "Globex"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.SetAgreement(owner, org.ID, "Standard Rates", "1. We help.\n2. You pay.\n   Indented <b>line</b>."); err != nil {
		t.Fatal(err)
	}
	u, tok := e.createUser("lee@globex.example", "Lee", "Globex")
	c := e.client()
	wantRedirect(t, c.post("/set-password", url.Values{"token": {tok}, "password": {goodPassword}}), "/agreement")
	wantRedirect(t, c.get("/"), "/agreement")
	wantRedirect(t, c.get("/profile"), "/agreement")
	wantRedirect(t, c.post("/profile", url.Values{"name": {"Sneaky"}}), "/agreement")
	p := c.get("/agreement")
	wantPage(t, p, http.StatusOK, "Standard Rates", "Version 1", "1. We help.\n2. You pay.\n   Indented &lt;b&gt;line&lt;/b&gt;.", "<pre", `name="accept"`, `value="yes"`)
	// The stylesheet is not behind the gate.
	if p := c.get("/static/style.css"); p.StatusCode != http.StatusOK {
		t.Fatalf("style.css: %d", p.StatusCode)
	}

	wantPage(t, c.post("/agreement", url.Values{}), http.StatusOK, "Tick the box to accept, or sign out.")
	wantRedirect(t, c.post("/agreement", url.Values{"accept": {"yes"}}), "/")
	wantPage(t, c.get("/account"), http.StatusOK, "Standard Rates: accepted on", "(version 1)")
	wantRedirect(t, c.get("/agreement"), "/")

	entries, err := e.desk.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range entries {
		if a.Action == "user.agreement.accept" {
			found = true
			if a.Actor != "customer:lee@globex.example" {
				t.Fatalf("accepted by %q", a.Actor)
			}
		}
	}
	if !found {
		t.Fatal("no audit entry for the acceptance")
	}

	// A new version is pending again, from a fresh sign-in too.
	if _, err := e.desk.SetAgreement(owner, org.ID, "Standard Rates", "New terms."); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, c.get("/"), "/agreement")
	wantRedirect(t, e.client().post("/signin", url.Values{"email": {"lee@globex.example"}, "password": {goodPassword}}), "/agreement")
}

func TestProfile(t *testing.T) {
	e := newEnv(t)
	_, tok := e.createUser("max@example.com", "Max", "")
	_, otherTok := e.createUser("ned@example.com", "Ned Other", "")
	_ = otherTok
	e.foreign = []string{"ned@example.com", "Ned Other"}
	c := e.activate(tok)
	p := c.get("/profile")
	wantPage(t, p, http.StatusOK, `name="name"`, `name="time_zone"`, `name="language"`, `name="phone"`, `name="version"`,
		`name="notify_reply"`, `name="notify_verify"`, `name="notify_welcome"`, `name="notify_reset"`, `<option value="sms"`)
	u, _ := e.desk.UserByEmail("max@example.com")
	version := func(u domain.User) string { return strconv.FormatUint(u.Version, 10) }

	// SMS without a phone: refused with the domain's sentence.
	p = c.post("/profile", url.Values{"version": {version(u)}, "notify_reply": {"sms"}})
	wantPage(t, p, http.StatusOK, "needs a mobile number")

	p = c.post("/profile", url.Values{"version": {version(u)}, "name": {"Max Power"}, "phone": {"+33 6 12 34 56 78"},
		"notify_reply": {"sms"}, "notify_welcome": {"none"}})
	wantPage(t, p, http.StatusOK, "Saved.", `value="Max Power"`, `value="&#43;33 6 12 34 56 78"`)
	got, _ := e.desk.UserByEmail("max@example.com")
	if got.Name != "Max Power" || got.Phone != "+33 6 12 34 56 78" || got.Channel(domain.EventReply) != domain.ChannelSMS ||
		got.Channel(domain.EventWelcome) != domain.ChannelNone || got.Channel(domain.EventReset) != domain.ChannelEmail {
		t.Fatalf("saved %+v", got)
	}

	// Only what the form sent changes.
	p = c.post("/profile", url.Values{"version": {version(got)}, "language": {"pt-br"}})
	wantPage(t, p, http.StatusOK, "Saved.")
	after, _ := e.desk.UserByEmail("max@example.com")
	if after.Language != "pt-BR" || after.Name != "Max Power" || after.Phone != "+33 6 12 34 56 78" || after.Channel(domain.EventReply) != domain.ChannelSMS {
		t.Fatalf("after a partial save %+v", after)
	}

	// A bad time zone: the domain's sentence, the typed values kept.
	p = c.post("/profile", url.Values{"version": {version(after)}, "name": {"Typed Name"}, "time_zone": {"Mars/Olympus"}})
	wantPage(t, p, http.StatusOK, html(`"Mars/Olympus" is not an IANA time zone`), `value="Typed Name"`, `value="Mars/Olympus"`)
	if now, _ := e.desk.UserByEmail("max@example.com"); now.Name != "Max Power" || now.TimeZone != "" {
		t.Fatalf("a refused form changed the user: %+v", now)
	}

	// A stale form: refused, nothing changed.
	p = c.post("/profile", url.Values{"version": {version(u)}, "name": {"Stale"}})
	wantPage(t, p, http.StatusOK, "changed elsewhere")
	if now, _ := e.desk.UserByEmail("max@example.com"); now.Name != "Max Power" {
		t.Fatalf("a stale form changed the user: %+v", now)
	}
}

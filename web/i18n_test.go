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

// getIn asks for a page with the browser's Accept-Language.
func (c *client) getIn(path, acceptLanguage string) page {
	c.e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	return c.do(req)
}

func (c *client) postIn(path, acceptLanguage string, form url.Values) page {
	c.e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	return c.do(req)
}

func wantNot(t *testing.T, p page, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(p.Body, s) {
			t.Fatalf("the page holds %q:\n%s", s, p.Body)
		}
	}
}

func TestSignedOutVisitorGetsTheBrowsersLanguage(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	p := c.getIn("/signin", "de-DE,de;q=0.9,en;q=0.5")
	wantPage(t, p, http.StatusOK, `<html lang="de">`, "<title>Anmelden - Helpdesk</title>", "<h1>Anmelden</h1>",
		`<label for="password">Passwort</label>`, "Passwort vergessen oder noch keines gesetzt?", "Konto anlegen")
	wantNot(t, p, "Forgot your password", "Sign in<")

	// A wrong password: the domain's sentence in German too.
	p = c.postIn("/signin", "de", url.Values{"email": {"nobody@example.com"}, "password": {"wrong password here"}})
	wantPage(t, p, http.StatusOK, "E-Mail und Passwort passen zu keinem Konto")

	// A page that does not exist, in German.
	p = c.getIn("/no/such/page", "de")
	wantPage(t, p, http.StatusNotFound, "<h1>Nicht gefunden</h1>", "Unter dieser Adresse gibt es keine Seite.", "Zur Startseite")

	// Without German in the browser: English.
	for _, al := range []string{"", "en-GB", "fr, es;q=0.8"} {
		p = c.getIn("/signin", al)
		wantPage(t, p, http.StatusOK, `<html lang="en">`, "<h1>Sign in</h1>", "Forgot your password, or never set one?")
	}

	// The desk's default language, for a browser asking for none we have.
	if _, err := e.desk.SetSetting(owner, "language", "de"); err != nil {
		t.Fatal(err)
	}
	wantPage(t, c.getIn("/reset", "fr"), http.StatusOK, `<html lang="de">`, "<h1>Neues Passwort setzen</h1>", "Link senden")
	wantPage(t, c.getIn("/reset", "en"), http.StatusOK, `<html lang="en">`, "<h1>Set a new password</h1>")
}

func TestSignedInCustomerGetsTheirLanguage(t *testing.T) {
	e := newEnv(t)
	if _, err := e.desk.CreateUser(owner, domain.UserInput{Email: "jonas@example.com", Name: "Jonas", Language: "de-DE"}); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo("jonas@example.com")
	// The set-password page is in the browser's language until signed in.
	wantPage(t, e.client().getIn("/set-password?token="+tok, "de"), http.StatusOK,
		"Adresse bestätigen und Passwort wählen", "Dieser Link gilt für jonas@example.com.", "Mindestens 10 Zeichen")
	c := e.activate(tok)

	// The customer's own language wins over the browser's.
	p := c.getIn("/profile", "en-US")
	wantPage(t, p, http.StatusOK, `<html lang="de">`, "<h1>Ihr Profil</h1>", `<label for="time_zone">Zeitzone</label>`,
		"Wie wir Sie benachrichtigen", "Passwort-Links", `<option value="none">keine</option>`, "Speichern", "Abmelden")
	wantNot(t, p, "Your profile", "How we tell you", ">Save<")

	u, err := e.desk.UserByEmail("jonas@example.com")
	if err != nil {
		t.Fatal(err)
	}
	// Switching to English: the page that says "Saved." is already English.
	p = c.postIn("/profile", "de", url.Values{"version": {strconv.FormatUint(u.Version, 10)}, "language": {"en"}})
	wantPage(t, p, http.StatusOK, `<html lang="en">`, "Saved.", "<h1>Your profile</h1>")
	// And back: German, the form's sentences too.
	u, _ = e.desk.UserByEmail("jonas@example.com")
	p = c.postIn("/profile", "en", url.Values{"version": {strconv.FormatUint(u.Version, 10)}, "language": {"de"}})
	wantPage(t, p, http.StatusOK, "Gespeichert.", "<h1>Ihr Profil</h1>")
	p = c.postIn("/profile", "en", url.Values{"version": {"x"}, "name": {"Jo"}})
	wantPage(t, p, http.StatusOK, "Dieses Formular ist veraltet")
}

// TestTimesInTheCustomersZone: a moment on a page is in the signed-in
// customer's zone and names it, in their language.
func TestTimesInTheCustomersZone(t *testing.T) {
	e := newEnv(t)
	org, err := e.desk.CreateOrg(owner, domain.OrgInput{Name: "Globex"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.SetAgreement(owner, org.ID, "Standard Rates", "We help."); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.CreateUser(owner, domain.UserInput{Email: "jonas@globex.example", Name: "Jonas", Org: "Globex",
		Language: "de", TimeZone: "Asia/Kolkata"}); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo("jonas@globex.example")
	c := e.activate(tok)
	wantPage(t, c.get("/agreement"), http.StatusOK, "Version 1, von Globex. Lesen und akzeptieren Sie sie, um fortzufahren.", "Ich akzeptiere Standard Rates (Version 1)")
	wantRedirect(t, c.post("/agreement", url.Values{"accept": {"yes"}}), "/")
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	at := e.clock.Now().In(kolkata) // the desk's clock stands still in this test
	wantPage(t, c.get("/account"), http.StatusOK, "Standard Rates: akzeptiert am "+strconv.Itoa(at.Day())+". ",
		at.Format(" 2006, 15:04 IST")+" (Version 1).")
}

// TestSignupInTheBrowsersLanguage: the signup form offers the language
// the page is read in, and the create-account mail comes in it.
func TestSignupInTheBrowsersLanguage(t *testing.T) {
	e := newEnv(t)
	if _, err := e.desk.SetSetting(owner, "self-signup", "on"); err != nil {
		t.Fatal(err)
	}
	subject, body := "Konto bei {DESK_NAME} fertig anlegen", "Hallo {FIRST_NAME},\n\nhier geht es weiter: {MESSAGE}\n"
	if _, err := e.desk.SetTemplate(owner, "create-account", domain.TemplateEdit{Language: "de", Subject: &subject, Body: &body}); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	wantPage(t, c.getIn("/signup", "de-AT,de;q=0.9"), http.StatusOK, `<h1>Konto anlegen</h1>`, `name="language" value="de"`)
	wantPage(t, c.getIn("/signup", "en-GB"), http.StatusOK, `name="language" value="en"`)
	// A language the portal does not speak is not guessed.
	wantPage(t, c.getIn("/signup", "fr"), http.StatusOK, `name="language" value=""`)

	p := c.postIn("/signup", "de", url.Values{"email": {"lea@example.com"}, "name": {"Lea"}, "language": {"de"}})
	wantPage(t, p, http.StatusOK, "Sehen Sie in Ihre E-Mails")
	m, tok := e.mailTo("lea@example.com")
	if m.Subject != "Konto bei Helpdesk fertig anlegen" || !strings.HasPrefix(m.Text, "Hallo Lea,") || tok == "" {
		t.Errorf("create-account mail: %q %q", m.Subject, m.Text)
	}
}

package domain_test

import (
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

const (
	germanVerifySubject = "Bestätigen Sie Ihre E-Mail für {DESK_NAME}"
	germanVerifyBody    = "Hallo {FIRST_NAME},\n\nbitte bestätigen Sie {EMAIL} und wählen Sie ein Passwort:\n\n{MESSAGE}\n\nIhr {DESK_NAME}-Team\n"
)

func translate(t *testing.T, d *domain.Desk, name, lang, subject, body string) domain.Template {
	t.Helper()
	tr, err := d.SetTemplate(ann, name, domain.TemplateEdit{Language: lang, Subject: &subject, Body: &body})
	if err != nil {
		t.Fatalf("translate %s into %s: %v", name, lang, err)
	}
	return tr
}

// lastSubject is the subject of the newest queued mail, as it is stored
// (and goes out).
func lastSubject(t *testing.T, d *domain.Desk) string {
	t.Helper()
	return outbox(t, d)[0].Subject
}

func TestMailLanguageFallback(t *testing.T) {
	d := newDesk(t)
	translate(t, d, "verify", "de", germanVerifySubject, germanVerifyBody)
	const english, german = "Confirm your email for Helpdesk", "Bestätigen Sie Ihre E-Mail für Helpdesk"

	// The customer's language, also by its base language.
	for _, c := range []struct{ email, lang, want string }{
		{"de@x.com", "de", german},
		{"dede@x.com", "de-DE", german},
		{"at@x.com", "de-AT", german},
		{"fr@x.com", "fr", english}, // no French, no desk default: the base template
		{"none@x.com", "", english},
	} {
		mustUser(t, d, domain.UserInput{Email: c.email, Language: c.lang})
		if got := lastSubject(t, d); got != c.want {
			t.Errorf("language %q: subject %q, want %q", c.lang, got, c.want)
		}
	}

	// Then the desk's default language.
	if _, err := d.SetSetting(ann, "language", "de"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ email, lang, want string }{
		{"fr2@x.com", "fr", german},
		{"none2@x.com", "", german},
		{"en@x.com", "en-US", english}, // the template as written is English
	} {
		mustUser(t, d, domain.UserInput{Email: c.email, Language: c.lang})
		if got := lastSubject(t, d); got != c.want {
			t.Errorf("desk default de, language %q: subject %q, want %q", c.lang, got, c.want)
		}
	}
	// The customer's own language wins over the desk's.
	translate(t, d, "verify", "fr", "Confirmez votre adresse pour {DESK_NAME}", "Bonjour {FIRST_NAME},\n\n{MESSAGE}\n")
	mustUser(t, d, domain.UserInput{Email: "fr3@x.com", Language: "fr-CA"})
	if got := lastSubject(t, d); got != "Confirmez votre adresse pour Helpdesk" {
		t.Errorf("French customer on a German desk: subject %q", got)
	}
	// An event without a translation goes out as its base template.
	mustUser(t, d, domain.UserInput{Email: "w@x.com", Language: "de", Mail: "welcome"})
	if got := lastSubject(t, d); got != "Welcome to Helpdesk" {
		t.Errorf("welcome without translation: subject %q", got)
	}
	// Unset, the desk default no longer applies.
	if _, err := d.SetSetting(ann, "language", ""); err != nil {
		t.Fatal(err)
	}
	mustUser(t, d, domain.UserInput{Email: "none3@x.com"})
	if got := lastSubject(t, d); got != english {
		t.Errorf("desk default unset: subject %q", got)
	}
	// A desk default that is not a language is refused by name.
	if _, err := d.SetSetting(ann, "language", "deutsch!"); err == nil || !strings.Contains(err.Error(), "language") {
		t.Errorf("bad desk language: %v", err)
	}
}

func TestGermanMailAsTheWorkerSendsIt(t *testing.T) {
	d := newDesk(t)
	if _, err := d.SetSetting(ann, "desk-name", "Acme Hilfe"); err != nil {
		t.Fatal(err)
	}
	translate(t, d, "verify", "de", germanVerifySubject, germanVerifyBody)
	mustUser(t, d, domain.UserInput{Email: "jonas@x.com", Name: "Jonas Weber", Language: "de-DE"})
	m, ok, err := d.ClaimNext("worker", time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), time.Minute)
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if m.Subject != "Bestätigen Sie Ihre E-Mail für Acme Hilfe" {
		t.Errorf("subject %q", m.Subject)
	}
	want := "Hallo Jonas,\n\nbitte bestätigen Sie jonas@x.com und wählen Sie ein Passwort:\n\n" + m.Link + "\n\nIhr Acme Hilfe-Team\n"
	if m.Link == "" || !strings.Contains(m.Link, "/set-password?token=") || m.Text != want {
		t.Errorf("text %q\nwant %q", m.Text, want)
	}
}

func TestTranslationRules(t *testing.T) {
	d := newDesk(t)
	s, b := "Hallo", "Hallo {NAME}"
	// The base template must exist; it gives the event.
	if _, err := d.SetTemplate(ann, "nosuch", domain.TemplateEdit{Language: "de", Subject: &s, Body: &b}); !domain.IsNotFound(err) {
		t.Errorf("translation of a missing template: %v", err)
	}
	// The same rules as the base: a verify mail needs its link.
	if _, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Language: "de", Subject: &s, Body: &b}); err == nil || !strings.Contains(err.Error(), "{MESSAGE}") {
		t.Errorf("German verify without a link: %v", err)
	}
	bad := "Hallo {VORNAME} {MESSAGE}"
	if _, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Language: "de", Subject: &s, Body: &bad}); err == nil || !strings.Contains(err.Error(), "{VORNAME}") {
		t.Errorf("unknown tag: %v", err)
	}
	if _, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Language: "de", Subject: &s}); err == nil || !strings.Contains(err.Error(), "subject and a body") {
		t.Errorf("new translation without a body: %v", err)
	}
	welcome := domain.EventWelcome
	if _, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Language: "de", Event: &welcome, Subject: &s, Body: &b}); err == nil {
		t.Error("a translation of verify for welcome mail was accepted")
	}
	if _, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Language: "not a tag!", Subject: &s, Body: &b}); err == nil || !strings.Contains(err.Error(), "language") {
		t.Errorf("bad language: %v", err)
	}

	tr := translate(t, d, "verify", "DE-de", germanVerifySubject, germanVerifyBody)
	if tr.Language != "de-DE" || tr.Event != domain.EventVerify || tr.Version != 1 {
		t.Errorf("saved %+v", tr)
	}
	// An edit of one field keeps the other; the base is untouched.
	ns := "Neu: {DESK_NAME}"
	tr, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Language: "de-DE", Subject: &ns})
	if err != nil || tr.Subject != ns || tr.Body != germanVerifyBody || tr.Version != 2 {
		t.Errorf("edit: %+v %v", tr, err)
	}
	base, err := d.Template("verify")
	if err != nil || !base.Shipped || base.Language != "" || !strings.HasPrefix(base.Subject, "Confirm") {
		t.Errorf("base after translating: %+v %v", base, err)
	}
	// Lists: the templates once each, the translations apart.
	ts, err := d.Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range ts {
		if tm.Language != "" {
			t.Errorf("Templates lists a translation: %+v", tm)
		}
	}
	trs, err := d.Translations()
	if err != nil || len(trs) != 1 || trs[0].Name != "verify" || trs[0].Language != "de-DE" {
		t.Errorf("translations %+v %v", trs, err)
	}
	if got, err := d.TemplateTranslation("verify", "de-de"); err != nil || got.Subject != ns {
		t.Errorf("TemplateTranslation: %+v %v", got, err)
	}
	if _, err := d.TemplateTranslation("verify", "fr"); !domain.IsNotFound(err) || !strings.Contains(err.Error(), "--language fr") {
		t.Errorf("missing translation: %v", err)
	}
	// A translation is not a template of its own.
	if _, err := d.SetSetting(ann, "default-template.verify", "verify/de-DE"); err == nil {
		t.Error("a translation was accepted as the default template")
	}
	// Audited under NAME/LANG.
	es, err := d.Audit(domain.AuditFilter{}, 0, 1)
	if err != nil || len(es) != 1 || es[0].Action != "template.set" || es[0].Subject != "verify/de-DE" {
		t.Errorf("audit %+v %v", es, err)
	}
}

func TestSignupMailInTheLanguageTyped(t *testing.T) {
	d := newDesk(t)
	if _, err := d.SetSetting(ann, "self-signup", "on"); err != nil {
		t.Fatal(err)
	}
	translate(t, d, "create-account", "de", "Konto bei {DESK_NAME} anlegen", "Hallo {FIRST_NAME}, hier weiter: {MESSAGE}\n")
	if err := d.Signup(domain.SignupRequest{Email: "lea@x.com", Name: "Lea", Language: "de"}); err != nil {
		t.Fatal(err)
	}
	if got := lastSubject(t, d); got != "Konto bei Helpdesk anlegen" {
		t.Errorf("signup in German: subject %q", got)
	}
}

func TestLinkExpiryInTheCustomersZone(t *testing.T) {
	d := newDesk(t)
	s, b := "Ihr Link für {DESK_NAME}", "Hallo {FIRST_NAME}: {MESSAGE}\nGültig bis {EXPIRES}.\n"
	if _, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Language: "de", Subject: &s, Body: &b}); err != nil {
		t.Fatal(err)
	}
	eb := "Hello {FIRST_NAME}: {MESSAGE}\nThe link works until {EXPIRES}.\n"
	if _, err := d.SetTemplate(ann, "verify", domain.TemplateEdit{Body: &eb}); err != nil {
		t.Fatal(err)
	}
	// A mail without a link has no expiry to tell.
	wb := "Welcome, until {EXPIRES}"
	if _, err := d.SetTemplate(ann, "welcome", domain.TemplateEdit{Body: &wb}); err == nil || !strings.Contains(err.Error(), "{EXPIRES}") {
		t.Errorf("{EXPIRES} in a welcome mail: %v", err)
	}
	mustUser(t, d, domain.UserInput{Email: "jonas@x.com", Name: "Jonas", Language: "de", TimeZone: "Europe/Berlin"})
	mustUser(t, d, domain.UserInput{Email: "kim@x.com", Name: "Kim", TimeZone: "America/New_York"})
	mustUser(t, d, domain.UserInput{Email: "lee@x.com", Name: "Lee"})
	// Agents see where the expiry goes, not a made-up one.
	for _, m := range outbox(t, d) {
		if strings.Contains(m.Text, "{EXPIRES}") || !strings.Contains(m.Text, "[the link's expiry, in the customer's time zone]") {
			t.Errorf("as agents see message %d: %q", m.ID, m.Text)
		}
	}
	// The desk's clock is at 2026-11-23 09:00 UTC; links last 7 days.
	claimed := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	want := map[string]string{
		"jonas@x.com": "Gültig bis 2026-11-30 10:00 CET.",
		"kim@x.com":   "The link works until 2026-11-30 04:00 EST.",
		"lee@x.com":   "The link works until 2026-11-30 09:00 UTC.",
	}
	for range want {
		m, ok, err := d.ClaimNext("worker", claimed, time.Minute)
		if err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if !strings.Contains(m.Text, want[m.To]) || !strings.Contains(m.Text, m.Link) {
			t.Errorf("mail to %s as sent: %q, want %q", m.To, m.Text, want[m.To])
		}
	}
}

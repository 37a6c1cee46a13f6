package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

// newestMail is the latest message queued to an address.
func newestMail(t *testing.T, d *domain.Desk, to string) domain.OutboxMessage {
	t.Helper()
	ms := lcMails(t, d, to)
	if len(ms) == 0 {
		t.Fatalf("no mail to %s", to)
	}
	return ms[len(ms)-1]
}

// verifiedCustomer creates a user and sets its password through its mail.
func verifiedCustomer(t *testing.T, d *domain.Desk, email, password string) domain.User {
	t.Helper()
	u := mustUser(t, d, domain.UserInput{Email: email, Name: "Cus Tomer"})
	ms := lcMails(t, d, email)
	if _, _, err := d.RedeemLink(tokenFrom(t, d, ms[0]), password, "127.0.0.1"); err != nil {
		t.Fatalf("set the password of %s: %v", email, err)
	}
	u, _ = d.User(u.ID)
	return u
}

func TestSettingsAreStoredCheckedAndAudited(t *testing.T) {
	d, _, _ := lcDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Self-Created Customer Accounts"})
	for key, value := range map[string]string{
		"base-url": "https://desk.example.com/", "desk-name": "Acme Support", "from": "Support <support@acme.com>",
		"self-signup": "on", "signup-parent": "self-created customer accounts", "default-template.verify": "verify",
	} {
		if _, err := d.SetSetting(ann, key, value); err != nil {
			t.Errorf("set %s %q: %v", key, value, err)
		}
	}
	s, _ := d.DeskSettings()
	names := func(domain.ID) string { return "Self-Created Customer Accounts" }
	if s.BaseURL != "https://desk.example.com" || s.DeskName != "Acme Support" || !s.SelfSignup ||
		s.SettingValue("signup-parent", names) != "Self-Created Customer Accounts" || s.From != "Support <support@acme.com>" {
		t.Errorf("stored %+v", s)
	}
	for key, value := range map[string]string{
		"base-url": "desk.example.com", "self-signup": "maybe", "signup-parent": "Nobody Inc",
		"default-template.verify": "welcome", "from": "not an address", "colour": "blue",
	} {
		if _, err := d.SetSetting(ann, key, value); err == nil {
			t.Errorf("set %s %q accepted", key, value)
		}
	}
	if _, err := d.SetSetting(domain.Actor{Name: "agent", AgentID: 7}, "self-signup", "off"); err == nil || !strings.Contains(err.Error(), "templates permission") {
		t.Errorf("an agent without the templates permission: %v", err)
	}
	es, _ := d.Audit(domain.AuditFilter{}, 0, 0)
	if es[0].Action != "settings.set" || es[0].Actor != ann.Name {
		t.Errorf("newest audit entry %+v", es[0])
	}
}

func TestMailIsComposedWithTheSettingsInForceWhenSent(t *testing.T) {
	d, _, _ := lcDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann"})
	m := lcMails(t, d, u.Email)[0]
	if strings.Contains(m.Text, "token=") || m.Link != "" {
		t.Fatalf("a queued mail shows its link to agents: %q", m.Text)
	}
	// The settings change after the mail was queued: the mail as sent
	// carries the new ones.
	if _, err := d.SetSetting(ann, "base-url", "https://help.acme.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SetSetting(ann, "desk-name", "Acme Help"); err != nil {
		t.Fatal(err)
	}
	sent := d.Sendable(m.ID)
	if !strings.HasPrefix(sent.Link, "https://help.acme.com/set-password?token=") || !strings.Contains(sent.Text, sent.Link) ||
		sent.Subject != "Confirm your email for Acme Help" {
		t.Errorf("as sent: %q %q %q", sent.Subject, sent.Link, sent.Text)
	}
	// A process's own override wins over the stored setting.
	over := domain.NewDesk(d.Store(), domain.WithMailConfig(domain.MailConfig{BaseURL: "https://other.example"}))
	if got := over.Sendable(m.ID).Link; !strings.HasPrefix(got, "https://other.example/set-password?token=") {
		t.Errorf("override: %q", got)
	}
}

func TestSignInThrottlesAndNeverTellsWhichPartWasWrong(t *testing.T) {
	d, _, clock := lcDesk(t)
	verifiedCustomer(t, d, "ann@acme.com", "correct horse battery")
	if _, _, err := d.SignIn("nobody@acme.com", "whatever12345", "10.0.0.1"); !errors.Is(err, domain.ErrSignInFailed) {
		t.Errorf("unknown email: %v", err)
	}
	if _, _, err := d.SignIn("ann@acme.com", "wrong password", "10.0.0.2"); !errors.Is(err, domain.ErrSignInFailed) {
		t.Errorf("wrong password: %v", err)
	}
	for i := 0; i < 4; i++ {
		d.SignIn("ann@acme.com", "wrong password", "10.0.0.3")
	}
	_, _, err := d.SignIn("ann@acme.com", "correct horse battery", "10.0.0.4")
	var th *domain.ThrottledError
	if !errors.As(err, &th) || !strings.Contains(err.Error(), "try again after") {
		t.Fatalf("the right password after 5 failures: %v", err)
	}
	u, _ := d.UserByEmail("ann@acme.com")
	st, _ := d.SignInState(u.ID)
	if st.LockedUntil.IsZero() || !strings.Contains(st.String(), "sign-in locked until") {
		t.Errorf("agents see %+v", st)
	}
	es, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 0)
	if es[0].Action != "user.signin.locked" {
		t.Errorf("the lock is not in the user's history: %+v", es[0])
	}
	clock.Advance(domain.ThrottleLock + time.Second)
	got, sid, err := d.SignIn("ann@acme.com", "correct horse battery", "10.0.0.4")
	if err != nil || sid == "" || got.ID != u.ID {
		t.Fatalf("after the lock: %v", err)
	}
	if st, _ := d.SignInState(u.ID); !strings.HasPrefix(st.String(), "signed in last at 2026-11-23") {
		t.Errorf("after signing in: %q", st)
	}
}

func TestSessionsEndOnDisableNewPasswordIdleAndAge(t *testing.T) {
	d, _, clock := lcDesk(t)
	u := verifiedCustomer(t, d, "ann@acme.com", "correct horse battery")
	signIn := func() string {
		t.Helper()
		_, sid, err := d.SignIn("ann@acme.com", "correct horse battery", "")
		if err != nil {
			t.Fatal(err)
		}
		return sid
	}
	sid := signIn()
	if got, err := d.SessionUser(sid); err != nil || got.ID != u.ID {
		t.Fatalf("a fresh session: %v", err)
	}
	u, _ = d.User(u.ID)
	if _, err := d.DisableUser(ann, u.ID, u.Version); err != nil {
		t.Fatal(err)
	}
	u, _ = d.User(u.ID)
	if _, err := d.EnableUser(ann, u.ID, u.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SessionUser(sid); !errors.Is(err, domain.ErrNoSession) {
		t.Errorf("a session survived disable and enable: %v", err)
	}
	// A new password (a reset link) ends the sessions started before.
	sid = signIn()
	if err := d.RequestReset("ann@acme.com"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.RedeemLink(tokenFrom(t, d, newestMail(t, d, "ann@acme.com")), "another good password", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SessionUser(sid); !errors.Is(err, domain.ErrNoSession) {
		t.Errorf("a session survived a new password: %v", err)
	}
	// Idle for 30 minutes: gone; kept alive by use: gone after 12 hours.
	_, sid, _ = d.SignIn("ann@acme.com", "another good password", "")
	clock.Advance(domain.SessionIdle + time.Second)
	if _, err := d.SessionUser(sid); !errors.Is(err, domain.ErrNoSession) {
		t.Errorf("an idle session: %v", err)
	}
	_, sid, _ = d.SignIn("ann@acme.com", "another good password", "")
	for i := 0; i < 12*3; i++ {
		clock.Advance(20 * time.Minute)
		if _, err := d.SessionUser(sid); err != nil {
			if i < 12*3-1 {
				t.Fatalf("a used session ended after %d minutes: %v", (i+1)*20, err)
			}
		}
	}
	if _, err := d.SessionUser(sid); !errors.Is(err, domain.ErrNoSession) {
		t.Errorf("a session older than 12 hours: %v", err)
	}
	if err := d.SignOut(sid); err != nil {
		t.Errorf("signing out of an ended session: %v", err)
	}
	if n, err := d.PurgeSessions(); err != nil || n == 0 {
		t.Errorf("purge: %d, %v", n, err)
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                    false,
		"1234567890":               false, // common
		"Password123":              false, // common, any case
		"QWERTYUIOP":               false,
		"zagrebelni":               false, // deep in the list
		"correct horse battery":    true,
		strings.Repeat("é", 10):    true,
		strings.Repeat("x", 257):   false,
		"ten chars!":               true,
		"\xff\xfe invalid utf8 xx": false,
	} {
		if err := domain.ValidatePassword(pw); (err == nil) != ok {
			t.Errorf("ValidatePassword(%q) = %v", pw, err)
		}
	}
}

func TestSignupCreatesAccountAndOrganizationOnlyWhenTheLinkIsFollowed(t *testing.T) {
	d, db, _ := lcDesk(t)
	parent := mustOrg(t, d, domain.OrgInput{Name: "Self-Created Customer Accounts"})
	req := domain.SignupRequest{Email: "kim@newco.example", Name: "Kim Lee", Organization: "NewCo", TimeZone: "Europe/Paris"}
	if err := d.Signup(req); !errors.Is(err, domain.ErrSignupOff) {
		t.Fatalf("signup while off: %v", err)
	}
	d.SetSetting(ann, "self-signup", "on")
	d.SetSetting(ann, "signup-parent", parent.Name)
	if err := d.Signup(req); err != nil {
		t.Fatal(err)
	}
	if _, err := d.UserByEmail(req.Email); !domain.IsNotFound(err) {
		t.Fatalf("the account exists before the link was followed: %v", err)
	}
	ms := lcMails(t, d, req.Email)
	if len(ms) != 1 || ms[0].Event != domain.EventCreateAccount || ms[0].UserID != 0 {
		t.Fatalf("mails %+v", ms)
	}
	// The worker sends it: an address with no account is no reason to
	// cancel.
	if m, ok, err := d.ClaimNext("w1", time.Now().Add(time.Hour), 0); err != nil || !ok || m.ID != ms[0].ID || !strings.Contains(m.Text, "/set-password?token=") {
		t.Fatalf("the create-account mail is not due for sending: %+v %v %v", m, ok, err)
	}
	tok := tokenFrom(t, d, ms[0])
	if _, _, err := d.RedeemLink(tok, "short", ""); err == nil {
		t.Fatal("a short password accepted")
	}
	u, sid, err := d.RedeemLink(tok, "a long enough password", "192.0.2.7")
	if err != nil || sid == "" {
		t.Fatal(err)
	}
	if st, _ := d.SignInState(u.ID); !strings.Contains(st.String(), "from 192.0.2.7") {
		t.Errorf("following the link signed in, but agents see %q", st)
	}
	if u.State != domain.StateActive || u.Name != "Kim Lee" || u.TimeZone != "Europe/Paris" || u.UpdatedBy != "customer:kim@newco.example" {
		t.Errorf("user %+v", u)
	}
	org, err := d.OrgByName("NewCo")
	if err != nil || org.ParentID != parent.ID || u.OrgID != org.ID {
		t.Errorf("organization %+v (%v), user's %d", org, err, u.OrgID)
	}
	if _, _, err := d.RedeemLink(tok, "a long enough password", ""); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("the link worked twice: %v", err)
	}
	// The same address again: the same answer, nothing created, and the
	// owner is told, with a reset link.
	before := auditCount(t, d)
	if err := d.Signup(req); err != nil {
		t.Fatal(err)
	}
	if after := auditCount(t, d); after != before {
		t.Errorf("a signup for an existing address wrote %d audit entries", after-before)
	}
	if m := newestMail(t, d, req.Email); m.Event != domain.EventAccountExists || m.UserID != u.ID {
		t.Errorf("newest mail %+v", m)
	}
	// Typing the name of an existing organization never joins it.
	req2 := domain.SignupRequest{Email: "eve@elsewhere.example", Organization: "newco"}
	d.Signup(req2)
	eve, _, err := d.RedeemLink(tokenFrom(t, d, lcMails(t, d, req2.Email)[0]), "a long enough password", "")
	if err != nil || eve.OrgID != 0 {
		t.Errorf("eve joined %d: %v", eve.OrgID, err)
	}
	lcCheck(t, db)
}

func TestResendKillsEarlierLinksAndCustomerAcceptsAgreement(t *testing.T) {
	d, _, _ := lcDesk(t)
	acme := mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com"})
	old := tokenFrom(t, d, lcMails(t, d, u.Email)[0])
	if _, err := d.ResendVerification(ann, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RedeemToken(old, "a long enough password"); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("the earlier link still works: %v", err)
	}
	// The first mail, still queued, would carry the dead link: it is
	// cancelled; only the new one goes.
	if ms := lcMails(t, d, u.Email); len(ms) != 2 || ms[0].State != domain.MailCancelled || ms[1].State != domain.MailQueued {
		t.Errorf("after resend: %v", ms)
	}
	if _, err := d.RedeemToken(tokenFrom(t, d, newestMail(t, d, u.Email)), "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ResendVerification(ann, u.ID); err == nil || !strings.Contains(err.Error(), "user reset") {
		t.Errorf("resend to an active user: %v", err)
	}
	if _, err := d.SetAgreement(ann, acme.ID, "Terms", "Be nice."); err != nil {
		t.Fatal(err)
	}
	st, err := d.AcceptAgreement(u.ID)
	if err != nil || !st.Accepted {
		t.Fatalf("accept: %+v %v", st, err)
	}
	got, _ := d.User(u.ID)
	if got.Acceptance.RecordedBy != "customer:ann@acme.com" || got.UpdatedBy != "customer:ann@acme.com" {
		t.Errorf("acceptance %+v", got.Acceptance)
	}
}

func TestBrandingSlugAndLogo(t *testing.T) {
	d, db, _ := lcDesk(t)
	acme := mustOrg(t, d, domain.OrgInput{Name: "Acme Europe"})
	other := mustOrg(t, d, domain.OrgInput{Name: "Other"})
	title, color := "Acme Support", "#0055AA"
	png := []byte("\x89PNG\r\n\x1a\nrest")
	o, err := d.SetBranding(ann, acme.ID, domain.BrandInput{Title: &title, Color: &color, Logo: png})
	if err != nil {
		t.Fatal(err)
	}
	if o.Brand.Slug != "acme-europe" || o.Brand.Color != "#0055aa" || o.Brand.LogoType != "image/png" {
		t.Errorf("brand %+v", o.Brand)
	}
	if got, err := d.BrandBySlug("acme-europe"); err != nil || got.ID != acme.ID {
		t.Errorf("by slug: %v", err)
	}
	if ct, b, err := d.Logo(acme.ID); err != nil || ct != "image/png" || string(b) != string(png) {
		t.Errorf("logo %q %v", ct, err)
	}
	slug := "acme-europe"
	if _, err := d.SetBranding(ann, other.ID, domain.BrandInput{Slug: &slug}); err == nil {
		t.Error("a second organization took the same slug")
	}
	for name, logo := range map[string][]byte{
		"script": []byte(`<svg><script>alert(1)</script></svg>`),
		"onload": []byte(`<svg onload="alert(1)"></svg>`),
		"gif":    []byte("GIF89a"),
		"big":    append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, domain.MaxLogoSize)...),
	} {
		if _, err := d.SetBranding(ann, other.ID, domain.BrandInput{Logo: logo}); err == nil {
			t.Errorf("logo %s accepted", name)
		}
	}
	renamed := "acme-eu"
	if _, err := d.SetBranding(ann, acme.ID, domain.BrandInput{Slug: &renamed}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.BrandBySlug("acme-europe"); !domain.IsNotFound(err) {
		t.Errorf("the old slug still answers: %v", err)
	}
	lcCheck(t, db)
}

func TestCancelledLinkMailRetriedGetsANewLink(t *testing.T) {
	d, _, _ := lcDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com"})
	u, _ = d.DisableUser(ann, u.ID, u.Version)
	if _, ok, err := d.ClaimNext("w1", time.Now().Add(time.Hour), 0); ok || err != nil {
		t.Fatalf("a mail to a disabled user is due: %v %v", ok, err)
	}
	m := newestMail(t, d, u.Email)
	if m.State != domain.MailCancelled || !strings.Contains(m.Text, "[link not sent; not kept]") {
		t.Fatalf("cancelled mail as agents see it: %s %q", m.State, m.Text)
	}
	if _, err := d.EnableUser(ann, u.ID, u.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RetryMessage(ann, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RedeemToken(tokenFrom(t, d, m), "a long enough password"); err != nil {
		t.Errorf("the retried mail's link does not work: %v", err)
	}
}

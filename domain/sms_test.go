package domain_test

import (
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

func TestSMSSegments(t *testing.T) {
	for _, c := range []struct {
		text     string
		segments int
		ucs2     bool
	}{
		{"", 1, false},
		{strings.Repeat("a", 160), 1, false},
		{strings.Repeat("a", 161), 2, false},
		{strings.Repeat("a", 306), 2, false},
		{strings.Repeat("a", 307), 3, false},
		{strings.Repeat("a", 459), 3, false},
		{strings.Repeat("a", 460), 4, false},
		// An extension character takes two septets.
		{strings.Repeat("€", 80), 1, false},
		{strings.Repeat("€", 81), 2, false},
		// ... and is never split across two parts: 152 + an escape pair
		// does not fit in 153.
		{strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), 2, false},
		{strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152), 3, false},
		// GSM-7 has é, ü, Δ; it has no ç, no "…" and no emoji.
		{"Café Δ über", 1, false},
		{strings.Repeat("ç", 70), 1, true},
		{strings.Repeat("ç", 71), 2, true},
		{strings.Repeat("ç", 134), 2, true},
		{strings.Repeat("ç", 135), 3, true},
		{strings.Repeat("a", 150) + "…", 3, true},
		// An emoji is a surrogate pair: two UTF-16 units.
		{strings.Repeat("😀", 35), 1, true},
		{strings.Repeat("😀", 36), 2, true},
	} {
		n, ucs2 := domain.SMSSegments(c.text)
		if n != c.segments || ucs2 != c.ucs2 {
			t.Errorf("SMSSegments(%.20q… %d runes) = %d, ucs2 %v; want %d, %v", c.text, len([]rune(c.text)), n, ucs2, c.segments, c.ucs2)
		}
	}
}

const testLink = "https://desk.example.com/set-password?token=Zx8_aB3-q9RtYuIoP1LkJhGfDsAqWeRtYuIoPlKjHgF"

func words(n int, w string) string {
	return strings.TrimSpace(strings.Repeat(w+" ", n))
}

func TestFitSMSKeepsTheLinkWhole(t *testing.T) {
	for _, c := range []struct {
		name, text, link string
		ucs2             bool
	}{
		{"short, untouched", "Hello Ann,\nset your password here:\n" + testLink + "\nThe team", testLink, false},
		{"long tail", "Hello Ann, choose a password here:\n" + testLink + "\n" + words(200, "tail"), testLink, false},
		{"long head and tail", words(200, "head") + "\n" + testLink + "\n" + words(200, "tail"), testLink, false},
		{"long head, UCS-2", words(200, "façade") + "\n" + testLink + "\nmerci", testLink, true},
		{"link first", testLink + "\n" + words(300, "tail"), testLink, false},
		{"link last", words(300, "head") + " " + testLink, testLink, false},
		{"no link", words(300, "reply"), "", false},
		{"one long word", strings.Repeat("x", 1000), "", false},
		{"extension characters", strings.Repeat("{} ", 200) + testLink, testLink, false},
	} {
		got := domain.FitSMS(c.text, c.link, domain.SMSMaxSegments)
		n, ucs2 := domain.SMSSegments(got)
		if n > domain.SMSMaxSegments {
			t.Errorf("%s: %d segments: %q", c.name, n, got)
		}
		if c.link != "" && !strings.Contains(got, c.link) {
			t.Errorf("%s: the link was cut: %q", c.name, got)
		}
		if got == c.text {
			if c.name != "short, untouched" {
				t.Errorf("%s: not cut: %d segments", c.name, n)
			}
			continue
		}
		ell := "..."
		if c.ucs2 {
			ell = "…"
		}
		if !strings.Contains(got, ell) || (ucs2 && !c.ucs2) {
			t.Errorf("%s: cut without %q or turned UCS-2 (%v): %q", c.name, ell, ucs2, got)
		}
		// Nothing is cut that fitted: one more word would not.
		if n2, _ := domain.SMSSegments(got + strings.Repeat("x", 160)); n2 <= domain.SMSMaxSegments && c.name != "link first" {
			t.Errorf("%s: cut too much (%d runes kept): %q", c.name, len([]rune(got)), got)
		}
	}
	// A cut falls between words.
	got := domain.FitSMS("Hello Ann,\n"+testLink+"\n"+words(200, "word"), testLink, 3)
	if !strings.HasSuffix(got, " word...") && !strings.HasSuffix(got, "\nword...") {
		t.Errorf("cut inside a word: %q", got)
	}
	// The head is cut from its start: the words next to the link stay.
	got = domain.FitSMS(words(300, "head")+" choose one here: "+testLink, testLink, 3)
	if !strings.HasPrefix(got, "...") || !strings.HasSuffix(got, "choose one here: "+testLink) {
		t.Errorf("head cut: %q", got)
	}
	// A link too long for three segments goes alone, whole.
	long := "https://desk.example.com/" + strings.Repeat("a", 500)
	if got := domain.FitSMS("Hello "+long+" bye", long, 3); got != long {
		t.Errorf("overlong link: %q", got)
	}
}

func TestSMSText(t *testing.T) {
	in := "Hello Ann,\r\n\r\n  An account was created   for you.\nPlease confirm it\r\nhere:\n\n\n\tThe team\n"
	if got := domain.SMSText(in); got != "Hello Ann,\nAn account was created for you. Please confirm it here:\nThe team" {
		t.Errorf("SMSText = %q", got)
	}
}

func TestSMSSettings(t *testing.T) {
	d := newDesk(t)
	s, _ := d.DeskSettings()
	if got := strings.Join(s.SMSMissing(), ","); got != "sms-url,sms-account,sms-from" {
		t.Errorf("missing on a new desk: %q", got)
	}
	for _, c := range []struct{ key, value, err string }{
		{"sms-url", "http://api.twilio.com", "plain http"},
		{"sms-url", "ftp://api.twilio.com", "not an https URL"},
		{"sms-url", "https://api.twilio.com?x=1", "not an https URL"},
		{"sms-account", "AC 123", "not an account id"},
		{"sms-from", "0612345678", "not an E.164 number"},
	} {
		if _, err := d.SetSetting(ann, c.key, c.value); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s %q: %v", c.key, c.value, err)
		}
	}
	for _, kv := range [][2]string{{"sms-url", "https://api.twilio.com/"}, {"sms-account", "AC0123"}, {"sms-from", "+1 501 712 2661"}} {
		if _, err := d.SetSetting(ann, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	s, _ = d.DeskSettings()
	if s.SMSURL != "https://api.twilio.com" || s.SMSAccount != "AC0123" || s.SMSFrom != "+15017122661" || len(s.SMSMissing()) != 0 {
		t.Errorf("stored: %+v", s)
	}
	// http to this machine is allowed (a local relay, a test).
	if _, err := d.SetSetting(ann, "sms-url", "http://127.0.0.1:8080"); err != nil {
		t.Error(err)
	}
}

// smsDesk is a desk with a customer who chose SMS for every event.
func smsDesk(t *testing.T, withSettings bool) (*domain.Desk, domain.User) {
	t.Helper()
	d, _, _ := lcDesk(t)
	if withSettings {
		for _, kv := range [][2]string{{"sms-url", "https://sms.example.com"}, {"sms-account", "AC42"}, {"sms-from", "+15017122661"}, {"base-url", "https://desk.example.com"}} {
			if _, err := d.SetSetting(ann, kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee", Phone: "+33 6 12 34 56 78", Mail: "none"})
	all := map[domain.MailEvent]domain.Channel{}
	for _, e := range domain.NotifyEvents {
		all[e] = domain.ChannelSMS
	}
	u, err := d.SetPreferences(ann, u.ID, domain.Preferences{Notify: all})
	if err != nil {
		t.Fatal(err)
	}
	return d, u
}

func TestVerifyForAnSMSCustomerGoesBySMSWithAWorkingLink(t *testing.T) {
	d, u := smsDesk(t, true)
	if _, err := d.ResendVerification(ann, u.ID); err != nil {
		t.Fatal(err)
	}
	ms := outbox(t, d)
	if len(ms) != 1 || ms[0].Via() != domain.ChannelSMS || ms[0].To != "+33612345678" || ms[0].State != domain.MailQueued {
		t.Fatalf("queued: %+v", ms)
	}
	// An email-only worker leaves it queued.
	if m, ok, err := d.ClaimNextOn("mail-only", time.Now().Add(time.Hour), 0, []domain.Channel{domain.ChannelEmail}); ok || err != nil {
		t.Fatalf("an email worker claimed an SMS: %+v %v", m, err)
	}
	m, ok, err := d.ClaimNextOn("w1", time.Now().Add(time.Hour), 0, []domain.Channel{domain.ChannelSMS})
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if m.Via() != domain.ChannelSMS || m.To != "+33612345678" || m.From != "+15017122661" ||
		m.Gateway == nil || m.Gateway.URL != "https://sms.example.com" || m.Gateway.Account != "AC42" {
		t.Errorf("composed: %+v", m)
	}
	if !strings.HasPrefix(m.Link, "https://desk.example.com/set-password?token=") || !strings.Contains(m.Text, m.Link) ||
		!strings.HasPrefix(m.Text, "Hello Ann,\n") || strings.Contains(m.Text, "\n\n") {
		t.Errorf("text: %q (link %q)", m.Text, m.Link)
	}
	if n, _ := domain.SMSSegments(m.Text); n > domain.SMSMaxSegments {
		t.Errorf("%d segments", n)
	}
	// The link works: the customer sets a password with it.
	token := m.Link[strings.Index(m.Link, "token=")+len("token="):]
	if got, err := d.RedeemToken(token, "correct horse battery"); err != nil || got.State != domain.StateActive {
		t.Errorf("redeem: %+v %v", got, err)
	}
}

func TestSMSWaitsWithoutSettingsAndFollowsTheCustomersChoice(t *testing.T) {
	d, u := smsDesk(t, false)
	if _, err := d.SendReset(ann, u.ID); err != nil {
		t.Fatal(err)
	}
	// Without SMS settings no worker takes it, whatever it sends.
	if m, ok, err := d.ClaimNext("any", time.Now().Add(time.Hour), 0); ok || err != nil {
		t.Fatalf("claimed without settings: %+v %v", m, err)
	}
	ms := outbox(t, d)
	if len(ms) != 1 || ms[0].State != domain.MailQueued || ms[0].Via() != domain.ChannelSMS {
		t.Fatalf("%+v", ms)
	}
	// The customer goes back to email for resets: the waiting message
	// follows and goes to the address.
	if _, err := d.SetPreferences(ann, u.ID, domain.Preferences{Notify: map[domain.MailEvent]domain.Channel{domain.EventReset: domain.ChannelEmail}}); err != nil {
		t.Fatal(err)
	}
	m, ok, err := d.ClaimNextOn("mail", time.Now().Add(time.Hour), 0, []domain.Channel{domain.ChannelEmail})
	if err != nil || !ok || m.Via() != domain.ChannelEmail || m.To != "ann@acme.com" || m.Gateway != nil || !strings.Contains(m.Text, "\n\n") {
		t.Fatalf("after going back to email: %v %v %+v", ok, err, m)
	}
}

func TestSMSWithoutAPhoneIsCancelledWithTheReason(t *testing.T) {
	d, u := smsDesk(t, true)
	if _, err := d.SendReset(ann, u.ID); err != nil {
		t.Fatal(err)
	}
	empty := ""
	if _, err := d.UpdateUser(ann, u.ID, 0, domain.UserPatch{Phone: &empty}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := d.ClaimNext("w", time.Now().Add(time.Hour), 0); ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	ms := outbox(t, d)
	if len(ms) != 1 || ms[0].State != domain.MailCancelled || ms[0].LastError != "recipient chose SMS for reset notifications but has no E.164 mobile number" {
		t.Errorf("%+v", ms)
	}
}

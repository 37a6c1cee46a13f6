package domain_test

import (
	"strings"
	"testing"

	"helpdesk/domain"
)

func TestPreferencesChannelsAndSMSNeedsE164(t *testing.T) {
	d, db, clock := lcDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann", Phone: "01 23 45 67 89", Mail: "none"})
	sms := map[domain.MailEvent]domain.Channel{domain.EventReply: domain.ChannelSMS}
	if _, err := d.SetPreferences(ann, u.ID, domain.Preferences{Notify: sms}); err == nil ||
		err.Error() != `channel: SMS for reply needs an E.164 mobile number: ann@acme.com's phone "01 23 45 67 89" is not one; use a form such as +33612345678` {
		t.Errorf("SMS with a national number: %v", err)
	}
	phone := "+33 6 12 34 56 78"
	if _, err := d.UpdateUser(ann, u.ID, 0, domain.UserPatch{Phone: &phone}); err != nil {
		t.Fatal(err)
	}
	lang := "pt-br"
	got, err := d.SetPreferences(bob, u.ID, domain.Preferences{Language: &lang, Notify: map[domain.MailEvent]domain.Channel{
		domain.EventReply: domain.ChannelSMS, domain.EventWelcome: domain.ChannelNone, domain.EventReset: domain.ChannelEmail}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Language != "pt-BR" || got.Channel(domain.EventReply) != domain.ChannelSMS || got.Channel(domain.EventVerify) != domain.ChannelEmail ||
		got.NotifySummary() != "welcome by none, reply by sms" {
		t.Errorf("after preferences: %+v %q", got, got.NotifySummary())
	}
	es, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 1)
	var fields []string
	for _, c := range es[0].Changes {
		fields = append(fields, c.Field+"="+c.After)
	}
	if es[0].Action != "user.preferences" || strings.Join(fields, " ") != "language=pt-BR notify.welcome=none notify.reply=sms" {
		t.Errorf("audit %+v", es[0])
	}
	if _, err := d.SetPreferences(ann, u.ID, domain.Preferences{Notify: map[domain.MailEvent]domain.Channel{"birthday": domain.ChannelNone}}); err == nil ||
		!strings.Contains(err.Error(), `"birthday" is not a notification event`) {
		t.Errorf("unknown event: %v", err)
	}

	// A reply to a customer who chose SMS is queued as an SMS to their
	// phone; while the desk has no SMS settings no worker takes it.
	_, first, err := d.NewConversation(ann, domain.ConvInput{RequesterID: u.ID, Subject: "Hi", Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Mailed() || first.NotMailed != "" {
		t.Errorf("reply to an SMS customer: queued %v, not queued because %q", first.Mailed(), first.NotMailed)
	}
	if m, ok, err := d.ClaimNext("w1", clock.Now(), 0); err != nil || ok {
		t.Errorf("an SMS is claimed on a desk without SMS settings: %+v %v", m, err)
	}
	if ms := lcMails(t, d, "+33612345678"); len(ms) != 1 || ms[0].Via() != domain.ChannelSMS || ms[0].State != domain.MailQueued {
		t.Errorf("reply SMS: %+v", ms)
	}
	if ms := lcMails(t, d, u.Email); len(ms) != 0 {
		t.Errorf("reply mail queued: %+v", ms)
	}
	// Back to email: nothing is stored for the default.
	email := map[domain.MailEvent]domain.Channel{domain.EventReply: domain.ChannelEmail, domain.EventWelcome: domain.ChannelEmail}
	if got, err := d.SetPreferences(ann, u.ID, domain.Preferences{Notify: email}); err != nil || got.Notify != (domain.NotifyPrefs{}) {
		t.Errorf("back to email: %+v %v", got.Notify, err)
	}
	lcCheck(t, db)
}

func TestE164(t *testing.T) {
	for in, want := range map[string]string{"+33 6 12 34 56 78": "+33612345678", "+1-212-555-0100": "+12125550100", "+6834002": "+6834002"} {
		if got, err := domain.E164(in); err != nil || got != want {
			t.Errorf("E164(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0612345678", "+0612345678", "+44 (0)20 7946 0000", "+1234567890123456", "+12345"} {
		if got, err := domain.E164(in); err == nil {
			t.Errorf("E164(%q) accepted as %q", in, got)
		}
	}
}

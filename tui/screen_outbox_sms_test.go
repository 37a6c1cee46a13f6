package tui

import (
	"testing"

	"helpdesk/domain"
)

// A message that goes by SMS says so, with the phone it goes to.
func TestOutboxShowsAnSMS(t *testing.T) {
	desk := newMailDesk(t)
	u, err := desk.CreateUser(testActor, domain.UserInput{Email: "ann@example.com", Name: "Ann Lee", Phone: "+33 6 12 34 56 78", Mail: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.SetPreferences(testActor, u.ID, domain.Preferences{Notify: map[domain.MailEvent]domain.Channel{domain.EventVerify: domain.ChannelSMS}}); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.ResendVerification(testActor, u.ID); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 80, 24)
	d.keys("4", "m")
	activeAs[*outboxScreen](t, d)
	d.mustShow("verify SMS to Ann Lee <+33612345678>")
	d.mustNotShow("mail to")
}

package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
)

var resetToken = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// activeCustomer makes a demo user active the way a customer does: a reset
// link mailed and redeemed with a password.
func activeCustomer(t *testing.T, desk *domain.Desk, email string) domain.User {
	t.Helper()
	u, err := desk.UserByEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.SendReset(domain.Actor{Name: "owner"}, u.ID); err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		m, ok, err := desk.ClaimNext("test", fixedNow.Add(time.Hour), time.Minute)
		if err != nil || !ok {
			t.Fatalf("no reset mail to %s (%v)", email, err)
		}
		if err := desk.RecordSent("test", m.ID, fixedNow); err != nil {
			t.Fatal(err)
		}
		if sm := resetToken.FindStringSubmatch(m.Text); sm != nil && strings.EqualFold(m.To, email) {
			if u, err = desk.RedeemToken(sm[1], "correct horse battery staple"); err != nil {
				t.Fatal(err)
			}
			return u
		}
	}
	t.Fatalf("no reset mail to %s", email)
	return u
}

// A customer's reply on the portal reaches the open Conversation screen
// through the real subscription, marked as the customer's; back in the
// Inbox the conversation carries the customer's mark until the desk
// answers.
func TestConvCustomerReplyLiveAndMarked(t *testing.T) {
	f := newConvFixture(t)
	kofi := activeCustomer(t, f.desk, "kofi.nguyen@acme.com")
	tm := teatest.NewTestModel(t, f.model(), teatest.WithInitialTermSize(120, 40))
	sendKeys(tm, "i")
	waitWords(t, tm, "Printer on fire", "1 of 2")
	sendKeys(tm, "enter")
	waitWords(t, tm, "Please step away")
	if _, err := f.desk.PortalReply(kofi.ID, f.printer.ID, "Kofi here: it is still smoking."); err != nil {
		t.Fatal(err)
	}
	waitWords(t, tm, "◆ customer · Kofi Nguyen", "via portal", "Kofi here: it is still smoking.")
	sendKeys(tm, "esc")
	waitWords(t, tm, "◆ Printer on fire", "the customer wrote last")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

func TestInboxCustomerMarkClearsOnReply(t *testing.T) {
	f := newConvFixture(t)
	kofi := activeCustomer(t, f.desk, "kofi.nguyen@acme.com")
	if _, err := f.desk.PortalReply(kofi.ID, f.zz.ID, "Still locked out."); err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, f.model(), 80, 24)
	d.keys("i")
	d.mustShow("◆ Account locked", "the customer wrote last")
	if strings.Contains(d.view(), "◆ Printer on fire") {
		t.Fatalf("a conversation the desk wrote last is marked:\n%s", d.view())
	}
	d.keys("down", "enter")
	activeAs[*convScreen](t, d)
	d.mustShow("◆ customer · Kofi Nguyen", "via portal", "Still locked out.")
	d.mustNotShow("not mailed:")
	d.keys("r", "Unlocked; try again.", "ctrl+s")
	d.mustShow("Reply stored; mail to kofi.nguyen@acme.com queued")
	d.keys("esc")
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectConv, ID: f.zz.ID}}})
	d.mustShow("Account locked")
	d.mustNotShow("◆", "the customer wrote last")
}

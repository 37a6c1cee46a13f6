package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

// activeDesk is a mail desk whose one user, ann@acme.com, set its
// password through its verification link: an active user.
func activeDesk(t *testing.T) (*domain.Desk, domain.User) {
	t.Helper()
	desk := newMailDesk(t, "ann@acme.com")
	redeemFirstLink(t, desk, "plum orchard lantern 42")
	return desk, userByEmail(t, desk, "ann@acme.com")
}

// redeemFirstLink follows the link of the first mail due, as the customer
// would, setting a password.
func redeemFirstLink(t *testing.T, desk *domain.Desk, password string) {
	t.Helper()
	m, ok, err := desk.ClaimNext("test", fixedNow, 0)
	if err != nil || !ok {
		t.Fatalf("no mail due: %v", err)
	}
	_, token, found := strings.Cut(m.Link, "token=")
	if !found {
		t.Fatalf("no token in %q", m.Link)
	}
	if _, _, err := desk.RedeemLink(token, password, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
}

// queuedTo counts the queued messages of an event to an address.
func queuedTo(t *testing.T, desk *domain.Desk, email string, event domain.MailEvent) int {
	t.Helper()
	ms, err := desk.Outbox(domain.MailQueued, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if m.To == email && m.Event == event {
			n++
		}
	}
	return n
}

// R asks first, saying earlier links keep working; only yes queues the
// link, and the status line says queued, not sent.
func TestUserSendResetAsksThenSaysQueued(t *testing.T) {
	desk, u := activeDesk(t)
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustShow("R send a set-password link", "R sends a set-password link")
	d.mustNotShow("V resend")

	d.keys("R")
	d.mustShow("Queue a set-password link to "+u.Email+"?", "Earlier links keep working.", "y Queue link")
	if n := queuedTo(t, desk, u.Email, domain.EventReset); n != 0 {
		t.Fatalf("%d reset mails queued before the confirm", n)
	}
	d.keys("n")
	d.mustShow("Cancelled.")
	if n := queuedTo(t, desk, u.Email, domain.EventReset); n != 0 {
		t.Fatalf("%d reset mails queued after cancel", n)
	}

	d.keys("R", "y")
	d.mustShow("✓ Set-password link queued for " + u.Email + ", held: no transport configured.")
	d.mustNotShow("sent for")
	if n := queuedTo(t, desk, u.Email, domain.EventReset); n != 1 {
		t.Fatalf("%d reset mails queued, want 1", n)
	}
	d.mustShow("reset", "set-password link queued") // the history line
}

// V is offered while the user is pending; its confirm says earlier links
// stop working, and they do.
func TestUserResendVerificationAsksThenSaysQueued(t *testing.T) {
	desk := newMailDesk(t, "ann@acme.com")
	u := userByEmail(t, desk, "ann@acme.com")
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustShow("○ pending", "V resend the verification link", "V resends the verification link")

	d.keys("V")
	d.mustShow("Queue a new verification link to ann@acme.com?", "Earlier links stop working.")
	d.keys("y")
	d.mustShow("✓ Verification link queued for ann@acme.com, held: no transport configured; earlier links no longer work.")
	// The first mail, whose link died, is cancelled: only the new one goes.
	if n := queuedTo(t, desk, "ann@acme.com", domain.EventVerify); n != 1 {
		t.Fatalf("%d verify mails queued, want only the new one", n)
	}
	// The first mail never went, so no link of it ever existed.
	d.mustShow("resend", "0 earlier links no longer work")
}

// V on a user that is not pending says why, without a confirm.
func TestUserResendOnlyForPending(t *testing.T) {
	desk, u := activeDesk(t)
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.keys("V")
	if d.m.dlg != nil {
		t.Fatal("V opened a confirm for an active user")
	}
	d.mustShow(u.Email + " is not pending: its address is verified already. R sends a set-password link.")
	d.keys("?")
	d.mustShow("R", "send a set-password link")
	d.mustNotShow("resend the verification link")
}

// A refused link (a disabled user gets no mail) says the desk's reason.
func TestUserSendResetRefusedSaysWhy(t *testing.T) {
	desk, u := activeDesk(t)
	if _, err := desk.DisableUser(testActor, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustNotShow("R send a set-password link") // not offered to a disabled user
	d.keys("R", "y")
	d.mustShow("! Not queued: mail: no mail can go to " + u.Email + ": recipient is disabled")
}

// An agent without users.write is offered neither link; the keys say why.
func TestUserLinksFollowPermissions(t *testing.T) {
	desk := newMailDesk(t, "ann@acme.com")
	u := userByEmail(t, desk, "ann@acme.com")
	viewer := domain.Actor{Name: "agent:val@example.com", AgentID: 7, Perms: domain.PermOrgsWrite}
	d := newDriverWith(t, New(Options{Desk: desk, Actor: viewer, Renderer: asciiRenderer(), Location: time.UTC}), 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustShow("never signed in")
	d.mustNotShow("V resend", "R send", "resends the verification link")
	d.keys("V")
	if d.m.dlg != nil {
		t.Fatal("V opened a confirm for an agent without users.write")
	}
	d.mustShow("needs the users.write permission")
	d.keys("R")
	if d.m.dlg != nil {
		t.Fatal("R opened a confirm for an agent without users.write")
	}
	d.keys("?")
	d.mustNotShow("send a set-password link", "resend the verification link")
}

// The user screen shows the customer's sign-ins on the portal beside the
// state, read with the user, and the customer's own actions in its
// history, worded as the customer's.
func TestUserSignInStateAndCustomerHistory(t *testing.T) {
	desk := newMailDesk(t, "ann@acme.com")
	u := userByEmail(t, desk, "ann@acme.com")
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustShow("Sign-in         never signed in")

	const pw = "plum orchard lantern 42"
	redeemFirstLink(t, desk, pw)
	if _, _, err := desk.SignIn("ann@acme.com", pw, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: u.ID}}})
	d.mustShow("● active", "Sign-in         signed in last at 2026-11-22 09:30 UTC from 127.0.0.1", "R sends a set-password link")
	// On its own screen the customer acting on itself is "customer".
	d.mustShow("09:30  customer    signin        signed in on the portal from 127.0.0.1",
		"09:30  customer    password.set  state: pending → active; password: set by the customer")

	for range domain.ThrottleFailures {
		if _, _, err := desk.SignIn("ann@acme.com", "not the password", "127.0.0.1"); err == nil {
			t.Fatal("a wrong password signed in")
		}
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: u.ID}}})
	// Too long for one line at 120 columns: one part a line, the lock whole.
	d.mustShow("Sign-in         signed in last at 2026-11-22 09:30 UTC from 127.0.0.1  ",
		"                sign-in locked until 09:45 UTC after failed tries  ",
		"signin.locked", "portal")

	// The audit log names the customer in full.
	d.keys("esc", "4")
	d.mustShow("customer:ann@acm")
}

// A sign-in state that could not be read is an error on screen, never
// "never signed in".
func TestUserSignInStateLoadErrorIsShownAsError(t *testing.T) {
	desk, u := activeDesk(t)
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	s := activeAs[*userScreen](t, d)
	life := s.life
	life.signIns, life.signInsErr = domain.SignInState{}, errors.New("database read failed")
	d.send(userLoadedMsg{req: s.loadReq, user: s.user, life: life})
	d.mustShow("Sign-in         could not read the sign-ins: database read failed")
	d.mustNotShow("never signed in")
}

// The sign-in state is read in the same command as the user: the load's
// message carries it.
func TestUserLoadCarriesSignInState(t *testing.T) {
	desk, u := activeDesk(t)
	d := newDriver(t, desk, 120, 40)
	s := newUserScreen(d.m.c, u.ID)
	msg, ok := s.load()().(userLoadedMsg)
	if !ok || msg.err != nil {
		t.Fatalf("load gave %#v", msg)
	}
	// The customer set its password from the link, which signs in.
	if msg.life.signInsErr != nil || !strings.HasPrefix(msg.life.signIns.String(), "signed in last at ") || !strings.HasSuffix(msg.life.signIns.String(), " from 127.0.0.1") {
		t.Fatalf("sign-ins %q, %v", msg.life.signIns.String(), msg.life.signInsErr)
	}
}

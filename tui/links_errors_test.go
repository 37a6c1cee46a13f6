package tui

import (
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

// tokenLike is anything on screen that could be a link's token.
var tokenLike = regexp.MustCompile(`token=([^\s&"<>]+)|([A-Za-z0-9_-]{20,})`)

// noUsableTokenOnScreen tries every token-like string of a view: none may
// work as a link.
func noUsableTokenOnScreen(t *testing.T, desk *domain.Desk, view string) {
	t.Helper()
	for _, m := range tokenLike.FindAllStringSubmatch(view, -1) {
		if _, err := desk.CheckLink(m[1] + m[2]); err == nil {
			t.Errorf("the screen shows a usable token %q:\n%s", m[1]+m[2], view)
		}
	}
}

// The message screen never shows a usable link: not while the message is
// being sent with a live link in the transport's hands, not after a failed
// attempt, and not when a message's text itself holds a link (a database
// from before send-time links, an agent's reply): domain.MaskLinks hides it.
func TestMessageScreenShowsNoUsableLink(t *testing.T) {
	desk := newMailDesk(t, "ann@example.com")
	m := messageTo(t, desk, "ann@example.com")
	failed, ok, err := desk.ClaimNext("w1", fixedNow, time.Minute)
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if err := desk.RecordFailure("w1", m.ID, errors.New("451 try later"), fixedNow); err != nil {
		t.Fatal(err)
	}
	sending, ok, err := desk.ClaimNext("w2", fixedNow, time.Hour)
	if err != nil || !ok || !strings.Contains(sending.Link, "token=") {
		t.Fatalf("second claim: %v %v %q", ok, err, sending.Link)
	}
	_, live, _ := strings.Cut(sending.Link, "token=")
	if _, err := desk.CheckLink(live); err != nil {
		t.Fatalf("the link in the transport's hands does not work: %v", err)
	}

	d := newDriver(t, desk, 120, 40)
	d.keys("4", "m", "enter")
	s := activeAs[*messageScreen](t, d)
	d.mustShow("sending · verify mail · sending by w2 until", "[set-password link: made when the mail is sent, shown to no one]")
	view := d.view()
	noUsableTokenOnScreen(t, desk, view)
	for _, link := range []string{failed.Link, sending.Link} {
		if strings.Contains(view, link) {
			t.Errorf("the screen shows a link handed to the transport:\n%s", view)
		}
	}

	// A text that holds the live link itself is masked on the screen.
	withLink := s.msg
	withLink.Text = "Hello Customer,\n\nChoose a password here:\n\n" + sending.Link + "\n\nor paste " + live + "\n"
	d.send(messageLoadedMsg{req: s.loadReq, msg: withLink})
	d.mustShow("Choose a password here:", domain.LinkHidden)
	view = d.view()
	if strings.Contains(view, live) {
		t.Errorf("the screen shows the token of a link in the text:\n%s", view)
	}
	noUsableTokenOnScreen(t, desk, view)
}

// faultStore is a real store whose organization and group reads fail
// while fail is set, and whose user reads fail while failUsers is, as a
// damaged record or a failing disk would.
type faultStore struct {
	domain.Store
	fail, failUsers *atomic.Bool
}

type faultTx struct {
	domain.Tx
	fail, failUsers *atomic.Bool
}

var errRead = errors.New("read failed: page 12 is damaged")

func (s faultStore) View(fn func(domain.Tx) error) error {
	return s.Store.View(func(tx domain.Tx) error { return fn(faultTx{tx, s.fail, s.failUsers}) })
}

func (t faultTx) Org(id domain.ID) (domain.Organization, error) {
	if t.fail.Load() {
		return domain.Organization{}, errRead
	}
	return t.Tx.Org(id)
}

func (t faultTx) User(id domain.ID) (domain.User, error) {
	if t.failUsers != nil && t.failUsers.Load() {
		return domain.User{}, errRead
	}
	return t.Tx.User(id)
}

func (t faultTx) Group(id domain.ID) (domain.Group, error) {
	if t.fail.Load() {
		return domain.Group{}, errRead
	}
	return t.Tx.Group(id)
}

// A failed lookup of the agreement, the groups or the sign-in block on the
// user screen shows as an error where the value goes, never as "none", no
// groups, or a user who may sign in.
func TestUserScreenLookupErrorsShowAsErrors(t *testing.T) {
	desk, fail := faultDesk(t)
	org, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.SetAgreement(testActor, org.ID, "Terms", "Be nice."); err != nil {
		t.Fatal(err)
	}
	u, err := desk.CreateUser(testActor, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee", Mail: "none"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := desk.CreateGroup(testActor, domain.GroupInput{Name: "Buyers"})
	if err != nil {
		t.Fatal(err)
	}
	if err := desk.AddToGroup(testActor, g.ID, u.ID); err != nil {
		t.Fatal(err)
	}

	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustShow("Buyers", "Terms")

	fail.Store(true)
	d.keys("esc")
	d.send(openUserMsg{id: u.ID})
	d.mustShow("could not read whether the user may sign in: cannot tell whether user",
		"Agreement       could not read the agreement: "+errRead.Error(),
		"Groups          could not read the customer groups: group "+itoa(int(g.ID))+" of user "+itoa(int(u.ID))+": "+errRead.Error())
	d.mustNotShow("none", "Groups          Buyers", "Terms v1")
	d.keys("A")
	d.mustShow("Could not read the agreement of Ann Lee")
}

// A conversation whose reply mail could not be checked says so as an
// error: never "Replies are mailed to ...".
func TestConversationMailCheckErrorShowsAsError(t *testing.T) {
	desk, fail := faultDesk(t)
	if _, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}}); err != nil {
		t.Fatal(err)
	}
	u, err := desk.CreateUser(testActor, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee", Mail: "none"})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := desk.NewConversation(testActor, domain.ConvInput{RequesterID: u.ID, Subject: "Printer", Body: "It jams."})
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openConvMsg{id: c.ID})
	d.mustShow("Replies to ann@acme.com are queued, held: no transport configured")

	fail.Store(true)
	d.keys("esc")
	d.send(openConvMsg{id: c.ID})
	d.mustShow("Could not tell whether replies are mailed: " + errRead.Error())
	d.mustNotShow("Replies are mailed to", "Replies to ann@acme.com are queued")
	d.keys("r")
	d.mustShow("Reply — could not tell whether it will be mailed")
	d.mustNotShow("Reply — mailed to")
}

// faultDesk is a desk over a real store whose organization and group reads
// fail while the returned flag is set.
func faultDesk(t *testing.T) (*domain.Desk, *atomic.Bool) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "helpdesk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fail := &atomic.Bool{}
	return domain.NewDesk(faultStore{Store: db, fail: fail}, domain.WithClock(func() time.Time { return fixedNow })), fail
}

// On the new user form, a failed lookup of the organization owning the
// typed domain is said; the form never shows it as no organization. An
// address still being typed (it does not parse yet) says nothing.
func TestNewUserOrgLookupErrorShowsAsError(t *testing.T) {
	desk, fail := faultDesk(t)
	if _, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.keys("n", "new@acme.com")
	d.mustShow("Acme (from acme.com)")
	d.keys("ctrl+x", "new@ac")
	d.mustNotShow("unavailable")

	fail.Store(true)
	d.keys("ctrl+x", "other@acme.com")
	d.mustShow("Organization by domain unavailable: " + errRead.Error())
	d.mustNotShow("(from acme.com)")
}

// A requester that cannot be read fails the Inbox page with the error; it
// is never shown as a requester who is gone ("#id").
func TestInboxRequesterReadErrorShowsAsError(t *testing.T) {
	desk, _ := faultDesk(t)
	fail := &atomic.Bool{}
	u, err := desk.CreateUser(testActor, domain.UserInput{Email: "ann@example.com", Name: "Ann Lee", Mail: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := desk.NewConversation(testActor, domain.ConvInput{RequesterID: u.ID, Subject: "Printer", Body: "It jams."}); err != nil {
		t.Fatal(err)
	}
	fail.Store(true)
	d := newDriver(t, domain.NewDesk(faultStore{Store: desk.Store(), fail: &atomic.Bool{}, failUsers: fail}, domain.WithClock(func() time.Time { return fixedNow })), 120, 40)
	d.keys("i")
	activeAs[*inboxScreen](t, d)
	d.mustShow(errRead.Error())
	d.mustNotShow("#"+itoa(int(u.ID)), "Printer")
}

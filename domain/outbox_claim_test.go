package domain_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

func TestMaskLinksHidesAnythingLinkLike(t *testing.T) {
	const token = "Q2hvb3NlIGEgcGFzc3dvcmQgaGVyZSBwbGVhc2UhIQ0"
	for _, tc := range []struct{ in, want string }{
		{"Go to https://help.acme.com/set-password?token=" + token + " now.", "Go to [link hidden] now."},
		{"help.acme.com/set-password?token=" + token, "[link hidden]"},
		{"the token is " + token, "the token is [link hidden]"},
		{"token=abc", "[link hidden]"},
		{"See https://acme.com/docs?page=2&x=1", "See [link hidden]"},
		{"See https://acme.com/docs/printers for help.", "See https://acme.com/docs/printers for help."},
		{"pneumonoultramicroscopicsilicovolcanoconiosis", "pneumonoultramicroscopicsilicovolcanoconiosis"},
		{"[set-password link: made when the mail is sent, shown to no one]", "[set-password link: made when the mail is sent, shown to no one]"},
	} {
		if got := domain.MaskLinks(tc.in); got != tc.want {
			t.Errorf("MaskLinks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// failingStore is a real store whose organization reads fail while fail is
// set.
type failingStore struct {
	domain.Store
	fail *atomic.Bool
}

type failingTx struct {
	domain.Tx
	fail *atomic.Bool
}

var errDamaged = errors.New("read failed: page 7 is damaged")

func (s failingStore) View(fn func(domain.Tx) error) error {
	return s.Store.View(func(tx domain.Tx) error { return fn(failingTx{tx, s.fail}) })
}

func (t failingTx) Org(id domain.ID) (domain.Organization, error) {
	if t.fail.Load() {
		return domain.Organization{}, errDamaged
	}
	return t.Tx.Org(id)
}

// CanSignIn returns a failed lookup as an error, never as the reason a
// user cannot sign in.
func TestCanSignInReturnsALookupErrorAsAnError(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fail := &atomic.Bool{}
	d := domain.NewDesk(failingStore{db, fail})
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann"})
	if ok, why, err := d.CanSignIn(u.ID); !ok || why != "" || err != nil {
		t.Fatalf("before the fault: %v %q %v", ok, why, err)
	}
	fail.Store(true)
	ok, why, err := d.CanSignIn(u.ID)
	if ok || why != "" || !errors.Is(err, errDamaged) {
		t.Errorf("with a failing read: ok %v, reason %q, error %v; want the error and no reason", ok, why, err)
	}
}

// The store refuses an outbox message that holds a link: only a token's
// hash may be kept.
func TestTheStoreRefusesAMessageHoldingALink(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(func(tx domain.Tx) error {
		return tx.PutMessage(&domain.OutboxMessage{To: "ann@acme.com", Event: domain.EventVerify, State: domain.MailQueued,
			Link: "https://help.acme.com/set-password?token=abc"})
	})
	if err == nil || !strings.Contains(err.Error(), "refusing to store a link") {
		t.Errorf("PutMessage with a link: %v", err)
	}
}

// A resend while the verification mail is being sent cancels it: the
// worker's outcome is refused and the link it carries is dead; only the
// new mail's link will work.
func TestResendWhileSendingKillsTheClaimedLink(t *testing.T) {
	d := newDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann"})
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	m, ok, err := d.ClaimNext("w1", at, time.Hour)
	if err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	_, tok, _ := strings.Cut(m.Link, "token=")
	if _, err := d.CheckLink(tok); err != nil {
		t.Fatalf("the claimed link does not work: %v", err)
	}
	if _, err := d.ResendVerification(ann, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CheckLink(tok); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("the cancelled mail's link still works: %v", err)
	}
	if err := d.RecordSent("w1", m.ID, at); !errors.Is(err, domain.ErrClaimLost) {
		t.Errorf("the worker's outcome after the cancel: %v, want ErrClaimLost", err)
	}
	got, err := d.Message(m.ID)
	if err != nil || got.State != domain.MailCancelled || got.Holder != "" {
		t.Errorf("the claimed mail after the resend: %s held by %q (%v)", got.State, got.Holder, err)
	}
}

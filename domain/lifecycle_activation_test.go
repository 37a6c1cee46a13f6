package domain_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

// lcDesk is a fresh desk with a settable clock and its store, so tests can
// run the store's integrity check after the operations.
func lcDesk(t *testing.T) (*domain.Desk, *store.DB, *testClock) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &testClock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	return domain.NewDesk(db, domain.WithClock(c.Now)), db, c
}

func lcCheck(t *testing.T, db *store.DB) {
	t.Helper()
	probs, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Errorf("store check: %s", p)
	}
}

func TestInactiveOrganizationChainBlocksSignIn(t *testing.T) {
	d, db, _ := lcDesk(t)
	holding := mustOrg(t, d, domain.OrgInput{Name: "Holding"})
	acme := mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}, Parent: "Holding"})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee"})
	free := mustUser(t, d, domain.UserInput{Email: "zed@other.com"})

	if ok, why, _ := d.CanSignIn(u.ID); !ok || why != "" {
		t.Fatalf("active chain: CanSignIn = %v %q", ok, why)
	}
	if _, err := d.DeactivateOrg(ann, holding.ID); err != nil {
		t.Fatal(err)
	}
	if ok, why, _ := d.CanSignIn(u.ID); ok || why != "organization Holding is inactive" {
		t.Errorf("parent inactive: CanSignIn = %v %q", ok, why)
	}
	if ok, _, _ := d.CanSignIn(free.ID); !ok {
		t.Error("a user outside the chain cannot sign in")
	}
	if ok, why, _ := d.CanSignIn(9999); ok || why != "no user with id 9999" {
		t.Errorf("missing user: %v %q", ok, why)
	}

	// The link is valid but refused with the reason, and not spent.
	var link domain.OutboxMessage
	for _, m := range outbox(t, d) {
		if m.UserID == u.ID {
			link = m
		}
	}
	tok := tokenFrom(t, d, link)
	_, err := d.RedeemToken(tok, "a long password")
	var se *domain.SignInError
	if !errors.As(err, &se) || se.Reason != "organization Holding is inactive" || !errors.Is(err, domain.ErrTokenInvalid) {
		t.Fatalf("redeem under an inactive parent: %v", err)
	}
	if !strings.Contains(err.Error(), "organization Holding is inactive") {
		t.Errorf("refusal %q does not name the organization", err)
	}

	// The organization itself inactive, the parent active again.
	if _, err := d.ActivateOrg(ann, holding.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DeactivateOrg(ann, acme.ID); err != nil {
		t.Fatal(err)
	}
	if ok, why, _ := d.CanSignIn(u.ID); ok || why != "organization Acme is inactive" {
		t.Errorf("own organization inactive: %v %q", ok, why)
	}
	if _, err := d.ActivateOrg(ann, acme.ID); err != nil {
		t.Fatal(err)
	}
	got, err := d.RedeemToken(tok, "a long password")
	if err != nil || got.State != domain.StateActive {
		t.Fatalf("redeem after reactivation: %+v %v", got, err)
	}
	// Disabled users are still told only that the link is not valid.
	if _, err := d.DisableUser(ann, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	if ok, why, _ := d.CanSignIn(u.ID); ok || why != "user is disabled" {
		t.Errorf("disabled: %v %q", ok, why)
	}
	lcCheck(t, db)
}

func TestActivationIsAuditedAndRefusesNoOps(t *testing.T) {
	d, db, _ := lcDesk(t)
	o := mustOrg(t, d, domain.OrgInput{Name: "Acme", Inactive: true})
	if o.Active {
		t.Fatal("OrgInput.Inactive made an active organization")
	}
	if _, err := d.DeactivateOrg(ann, o.ID); err == nil || err.Error() != "active: Acme is already inactive" {
		t.Errorf("deactivating an inactive organization: %v", err)
	}
	a, err := d.ActivateOrg(bob, o.ID)
	if err != nil || !a.Active || a.Version != o.Version+1 || a.UpdatedBy != bob.Name {
		t.Fatalf("activate: %+v %v", a, err)
	}
	if _, err := d.ActivateOrg(ann, o.ID); err == nil || err.Error() != "active: Acme is already active" {
		t.Errorf("activating an active organization: %v", err)
	}
	if _, err := d.DeactivateOrg(ann, o.ID); err != nil {
		t.Fatal(err)
	}
	es, err := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectOrg, SubjectID: o.ID}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	if got := strings.Join(actions, ", "); got != "ann@desk org.deactivate, bob@desk org.activate, ann@desk org.create" {
		t.Errorf("audit trail: %s", got)
	}
	// An agent without orgs.write is refused, naming the permission.
	limited := domain.Actor{Name: "agent:x", AgentID: 5, Perms: domain.PermUsersWrite}
	if _, err := d.ActivateOrg(limited, o.ID); err == nil || !strings.Contains(err.Error(), "orgs.write") {
		t.Errorf("agent without orgs.write: %v", err)
	}
	lcCheck(t, db)
}

func TestQueuedMailUnderInactiveOrganizationIsCancelled(t *testing.T) {
	d, db, clock := lcDesk(t)
	holding := mustOrg(t, d, domain.OrgInput{Name: "Holding"})
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}, Parent: "Holding"})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com"})
	other := mustUser(t, d, domain.UserInput{Email: "bob@else.com"})
	if _, err := d.DeactivateOrg(ann, holding.ID); err != nil {
		t.Fatal(err)
	}
	m, ok, err := d.ClaimNext("w1", clock.Now(), 0)
	if err != nil || !ok || m.UserID != other.ID {
		t.Fatalf("next due: %+v %v %v (want bob's message)", m, ok, err)
	}
	for _, msg := range outbox(t, d) {
		if msg.UserID != u.ID {
			continue
		}
		if msg.State != domain.MailCancelled || msg.LastError != "organization Holding is inactive" || msg.Link != "" {
			t.Errorf("message to a user under an inactive parent: state %s, last error %q", msg.State, msg.LastError)
		}
	}
	lcCheck(t, db)
}

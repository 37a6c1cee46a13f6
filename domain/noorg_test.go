package domain_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

func noSyncDesk(t *testing.T) *domain.Desk {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	return domain.NewDesk(db, domain.WithClock(func() time.Time { return now }))
}

// NoOrg changes nothing but the organization: permission, validation,
// duplicate check, mail and audit stay as for any creation.
func TestCreateUserNoOrgJoinsNone(t *testing.T) {
	d := noSyncDesk(t)
	owner := domain.Actor{Name: "owner"}
	acme, err := d.CreateOrg(owner, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	if err != nil {
		t.Fatal(err)
	}
	with, err := d.CreateUser(owner, domain.UserInput{Email: "with@acme.com", Name: "With"})
	if err != nil {
		t.Fatal(err)
	}
	without, err := d.CreateUser(owner, domain.UserInput{Email: "without@acme.com", Name: "Without", Org: "Acme", NoOrg: true})
	if err != nil {
		t.Fatal(err)
	}
	if with.OrgID != acme.ID || without.OrgID != 0 {
		t.Fatalf("organizations: with %d (want %d), without %d (want 0)", with.OrgID, acme.ID, without.OrgID)
	}
	if with.State != without.State || with.Version != without.Version || with.Role != without.Role {
		t.Fatalf("differ beyond the organization:\n%+v\n%+v", with, without)
	}
	msgs, err := d.Outbox("", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	queued := map[string]bool{}
	for _, m := range msgs {
		queued[m.To] = true
	}
	if !queued["with@acme.com"] || !queued["without@acme.com"] {
		t.Fatalf("account mail queued for %v", queued)
	}
	es, err := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: without.ID}, 0, 0)
	if err != nil || len(es) != 1 || es[0].Action != "user.create" {
		t.Fatalf("audit %+v, %v", es, err)
	}

	var dup *domain.DuplicateEmailError
	if _, err := d.CreateUser(owner, domain.UserInput{Email: "WITH@acme.com", NoOrg: true}); !errors.As(err, &dup) || dup.Existing.ID != with.ID {
		t.Fatalf("duplicate: %v", err)
	}
	var ve *domain.ValidationError
	if _, err := d.CreateUser(owner, domain.UserInput{Email: "nobody", NoOrg: true}); !errors.As(err, &ve) {
		t.Fatalf("invalid email: %v", err)
	}
	agent := domain.Actor{Name: "agent", AgentID: 7}
	var pe *domain.PermissionError
	if _, err := d.CreateUser(agent, domain.UserInput{Email: "x@acme.com", NoOrg: true}); !errors.As(err, &pe) {
		t.Fatalf("agent without users.write: %v", err)
	}
}

func TestOrgNames(t *testing.T) {
	d := noSyncDesk(t)
	owner := domain.Actor{Name: "owner"}
	a, _ := d.CreateOrg(owner, domain.OrgInput{Name: "Acme"})
	b, _ := d.CreateOrg(owner, domain.OrgInput{Name: "Globex"})
	names, err := d.OrgNames()
	if err != nil || len(names) != 2 || names[a.ID] != "Acme" || names[b.ID] != "Globex" {
		t.Fatalf("%v %v", names, err)
	}
}

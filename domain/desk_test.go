package domain_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

var (
	ann = domain.Actor{Name: "ann@desk"}
	bob = domain.Actor{Name: "bob@desk"}
)

// newDesk opens a fresh store in a temp dir with a fixed clock.
func newDesk(t *testing.T) *domain.Desk {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	return domain.NewDesk(db, domain.WithClock(func() time.Time { now = now.Add(time.Second); return now }))
}

func mustOrg(t *testing.T, d *domain.Desk, in domain.OrgInput) domain.Organization {
	t.Helper()
	o, err := d.CreateOrg(ann, in)
	if err != nil {
		t.Fatalf("CreateOrg(%s): %v", in.Name, err)
	}
	return o
}

func mustUser(t *testing.T, d *domain.Desk, in domain.UserInput) domain.User {
	t.Helper()
	u, err := d.CreateUser(ann, in)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", in.Email, err)
	}
	return u
}

func auditCount(t *testing.T, d *domain.Desk) int {
	t.Helper()
	es, err := d.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func TestCreateUserAssignsOrganizationByDomain(t *testing.T) {
	d := newDesk(t)
	acme := mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	acmeUK := mustOrg(t, d, domain.OrgInput{Name: "Acme UK", Domains: []string{"acme.co.uk"}})
	other := mustOrg(t, d, domain.OrgInput{Name: "Other"})

	cases := []struct {
		email, org string
		want       domain.ID
	}{
		{"ann@acme.com", "", acme.ID},
		{"bea@sales.acme.com", "", acme.ID}, // parent domain
		{"cy@eu.acme.co.uk", "", acmeUK.ID}, // nearest parent above the public suffix
		{"dee@ACME.COM", "", acme.ID},       // domain case folded
		{"eve@acme.com", "other", other.ID}, // the agent's pick wins, any letter case
		{"fay@gmail.com", "", 0},            // nobody owns gmail
		{"gus@co.uk", "", 0},                // a public suffix is never a candidate
		{"hal@notacme.com", "", 0},          // suffix match is by label, not by string
	}
	for _, c := range cases {
		u, err := d.CreateUser(ann, domain.UserInput{Email: c.email, Org: c.org})
		if err != nil {
			t.Errorf("CreateUser(%s): %v", c.email, err)
			continue
		}
		if u.OrgID != c.want {
			t.Errorf("%s joined organization %d, want %d", c.email, u.OrgID, c.want)
		}
		if u.State != domain.StatePending || u.Version != 1 || u.UpdatedBy != ann.Name {
			t.Errorf("%s: state %s version %d by %q; want pending, 1, %s", c.email, u.State, u.Version, u.UpdatedBy, ann.Name)
		}
	}
	members, _, err := d.Users(domain.UserFilter{OrgID: acme.ID}, 0, 0)
	if err != nil || len(members) != 3 {
		t.Errorf("Acme has %d members (%v), want 3", len(members), err)
	}
}

func TestCreateUserRefusesDuplicateNamingOwner(t *testing.T) {
	d := newDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	owner := mustUser(t, d, domain.UserInput{Email: "john.smith@acme.com", Name: "John Smith"})
	before := auditCount(t, d)

	_, err := d.CreateUser(bob, domain.UserInput{Email: "JOHN.SMITH@Acme.Com", Name: "Johnny"})
	var dup *domain.DuplicateEmailError
	if !errors.As(err, &dup) {
		t.Fatalf("duplicate in other letter case: got %v, want DuplicateEmailError", err)
	}
	if dup.Existing.ID != owner.ID || !strings.Contains(err.Error(), "John Smith") {
		t.Errorf("error %q does not name the owner %d John Smith", err, owner.ID)
	}
	if n := auditCount(t, d); n != before {
		t.Errorf("a refused save wrote %d audit entries", n-before)
	}
	counts, _ := d.UserCounts()
	if counts[domain.StatePending] != 1 {
		t.Errorf("pending count %d after a refused save, want 1", counts[domain.StatePending])
	}
}

func TestCreateUserValidatesEveryField(t *testing.T) {
	d := newDesk(t)
	cases := []struct {
		in     domain.UserInput
		reason string
	}{
		{domain.UserInput{Email: "nobody"}, "email: missing @"},
		{domain.UserInput{Email: "a@b.com", TimeZone: "Moon/Base"}, "time zone"},
		{domain.UserInput{Email: "a@b.com", Language: "??"}, "language"},
		{domain.UserInput{Email: "a@b.com", Phone: "abc"}, "phone"},
		{domain.UserInput{Email: "a@b.com", Role: "boss"}, "role"},
		{domain.UserInput{Email: "a@b.com", Org: "Nope"}, `no organization named "Nope"`},
		{domain.UserInput{Email: "a@b.com", Name: "x\x1b]0;pwned\x07"}, "control character"},
	}
	for _, c := range cases {
		_, err := d.CreateUser(ann, c.in)
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("CreateUser(%+v) = %v; want an error mentioning %q", c.in, err, c.reason)
		}
	}
	if n := auditCount(t, d); n != 0 {
		t.Errorf("refused creations left %d audit entries", n)
	}
}

func TestCreateUserAudit(t *testing.T) {
	d := newDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee"})
	es, err := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 0)
	if err != nil || len(es) != 1 {
		t.Fatalf("audit for the new user: %v %v", es, err)
	}
	e := es[0]
	if e.Actor != ann.Name || e.Action != "user.create" || e.At.IsZero() {
		t.Errorf("audit entry %+v: want actor %s action user.create and a time", e, ann.Name)
	}
	found := false
	for _, c := range e.Changes {
		if c.Field == "name" && c.Before == "" && c.After == "Ann Lee" {
			found = true
		}
	}
	if !found {
		t.Errorf("audit changes %+v lack name: \"\" -> Ann Lee", e.Changes)
	}
}

func TestUpdateUser(t *testing.T) {
	d := newDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann"})
	mustUser(t, d, domain.UserInput{Email: "bob@acme.com"})

	newEmail, name := "Ann.Lee@acme.com", "Ann Lee"
	up, err := d.UpdateUser(ann, u.ID, u.Version, domain.UserPatch{Email: &newEmail, Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != u.Version+1 || up.Email != newEmail || up.Name != name {
		t.Errorf("updated user %+v", up)
	}
	if _, err := d.UserByEmail("ann@acme.com"); !domain.IsNotFound(err) {
		t.Errorf("old email still finds the user: %v", err)
	}
	if got, err := d.UserByEmail("ANN.LEE@ACME.COM"); err != nil || got.ID != u.ID {
		t.Errorf("new email in other case: %v %v", got.ID, err)
	}

	// Another user's email, in any case, is refused and names its owner.
	taken := "BOB@acme.com"
	_, err = d.UpdateUser(ann, u.ID, up.Version, domain.UserPatch{Email: &taken})
	var dup *domain.DuplicateEmailError
	if !errors.As(err, &dup) || dup.Existing.Email != "bob@acme.com" {
		t.Errorf("changing to a taken email: %v", err)
	}
	// Changing only the letter case of one's own email is fine.
	lower := "ann.lee@acme.com"
	if _, err := d.UpdateUser(ann, u.ID, up.Version, domain.UserPatch{Email: &lower}); err != nil {
		t.Errorf("changing the case of one's own email: %v", err)
	}
}

func TestUpdateUserStaleVersionNamesWhoChangedIt(t *testing.T) {
	d := newDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com"})
	n1, n2 := "Bob's edit", "Ann's edit"
	if _, err := d.UpdateUser(bob, u.ID, u.Version, domain.UserPatch{Name: &n1}); err != nil {
		t.Fatal(err)
	}
	_, err := d.UpdateUser(ann, u.ID, u.Version, domain.UserPatch{Name: &n2})
	var conflict *domain.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("stale save: got %v, want ConflictError", err)
	}
	if conflict.By != bob.Name || !strings.Contains(err.Error(), bob.Name) {
		t.Errorf("conflict %q does not name %s", err, bob.Name)
	}
	got, _ := d.User(u.ID)
	if got.Name != n1 {
		t.Errorf("stored name %q; the stale save must not overwrite %q", got.Name, n1)
	}
}

func TestDisableEnableRoundTripKeepsData(t *testing.T) {
	d := newDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee", Phone: "+1 555 0100", Notes: "VIP", TimeZone: "Europe/Paris"})

	off, err := d.DisableUser(ann, u.ID, u.Version)
	if err != nil {
		t.Fatal(err)
	}
	if off.State != domain.StateDisabled {
		t.Fatalf("state after disable: %s", off.State)
	}
	if _, err := d.DisableUser(ann, u.ID, off.Version); err == nil || !strings.Contains(err.Error(), "already disabled") {
		t.Errorf("disabling twice: %v", err)
	}
	counts, _ := d.UserCounts()
	if counts[domain.StateDisabled] != 1 || counts[domain.StatePending] != 0 {
		t.Errorf("counts after disable: %v", counts)
	}
	on, err := d.EnableUser(bob, u.ID, off.Version)
	if err != nil {
		t.Fatal(err)
	}
	if on.State != domain.StatePending {
		t.Errorf("enable restored %s; the user was pending before", on.State)
	}
	if on.Name != u.Name || on.Phone != u.Phone || on.Notes != u.Notes || on.OrgID != u.OrgID || on.TimeZone != u.TimeZone || on.Email != u.Email {
		t.Errorf("data changed across disable/enable: before %+v after %+v", u, on)
	}
	es, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 0)
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action+" by "+e.Actor)
	}
	want := "user.enable by bob@desk,user.disable by ann@desk,user.create by ann@desk"
	if strings.Join(actions, ",") != want {
		t.Errorf("audit trail %v, want %s", actions, want)
	}
}

func TestOrganizationRules(t *testing.T) {
	d := newDesk(t)
	acme := mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	if _, err := d.CreateOrg(ann, domain.OrgInput{Name: "  ACME "}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("same name in other case: %v", err)
	}
	_, err := d.CreateOrg(ann, domain.OrgInput{Name: "Globex", Domains: []string{"ACME.com"}})
	var taken *domain.DomainTakenError
	if !errors.As(err, &taken) || taken.Owner != "Acme" {
		t.Errorf("domain owned by Acme: %v", err)
	}
	if _, err := d.CreateOrg(ann, domain.OrgInput{Name: "Mail", Domains: []string{"gmail.com"}}); err == nil || !strings.Contains(err.Error(), "public mail provider") {
		t.Errorf("gmail.com as an org domain: %v", err)
	}
	child := mustOrg(t, d, domain.OrgInput{Name: "Acme Labs", Parent: "acme"})
	grand := mustOrg(t, d, domain.OrgInput{Name: "Acme Labs Paris", Parent: "Acme Labs"})
	if child.ParentID != acme.ID {
		t.Errorf("parent %d, want %d", child.ParentID, acme.ID)
	}
	p := "Acme Labs Paris"
	if _, err := d.UpdateOrg(ann, acme.ID, 0, domain.OrgPatch{Parent: &p}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("making Acme a child of its grandchild: %v", err)
	}
	self := "Acme"
	if _, err := d.UpdateOrg(ann, acme.ID, 0, domain.OrgPatch{Parent: &self}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("making Acme its own parent: %v", err)
	}
	// Renaming frees the old name and takes the new one.
	newName := "Acme Corp"
	if _, err := d.UpdateOrg(ann, acme.ID, acme.Version, domain.OrgPatch{Name: &newName}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.OrgByName("acme corp"); err != nil {
		t.Errorf("new name not found: %v", err)
	}
	if _, err := d.CreateOrg(ann, domain.OrgInput{Name: "Acme"}); err != nil {
		t.Errorf("the old name should be free again: %v", err)
	}
	// Stale version names who changed it.
	notes := "x"
	if _, err := d.UpdateOrg(bob, grand.ID, grand.Version, domain.OrgPatch{Notes: &notes}); err != nil {
		t.Fatal(err)
	}
	var conflict *domain.ConflictError
	if _, err := d.UpdateOrg(ann, grand.ID, grand.Version, domain.OrgPatch{Notes: &notes}); !errors.As(err, &conflict) || conflict.By != bob.Name {
		t.Errorf("stale org save: %v", err)
	}
}

func TestAddDomainPreviewAndBackfill(t *testing.T) {
	d := newDesk(t)
	other := mustOrg(t, d, domain.OrgInput{Name: "Other"})
	hooli := mustOrg(t, d, domain.OrgInput{Name: "Hooli"})
	a := mustUser(t, d, domain.UserInput{Email: "a@hooli.com"})
	b := mustUser(t, d, domain.UserInput{Email: "b@eng.hooli.com"})
	mustUser(t, d, domain.UserInput{Email: "c@hooli.com", Org: "Other"}) // has an organization: stays
	mustUser(t, d, domain.UserInput{Email: "d@nothooli.com"})            // another domain

	pv, err := d.PreviewDomain(hooli.ID, "hooli.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := emails(pv.Users); got != "a@hooli.com b@eng.hooli.com" {
		t.Errorf("preview lists %q", got)
	}
	if h, _ := d.Org(hooli.ID); len(h.Domains) != 0 {
		t.Errorf("a preview changed the organization: %v", h.Domains)
	}
	// Adding without backfill: the domain is added, nobody moves.
	pv, err = d.AddDomain(ann, hooli.ID, "hooli.com", false)
	if err != nil || pv.Moved || len(pv.Org.Domains) != 1 {
		t.Fatalf("AddDomain without backfill: %+v %v", pv, err)
	}
	if u, _ := d.User(a.ID); u.OrgID != 0 {
		t.Errorf("a moved without backfill")
	}
	// Backfill moves exactly the previewed users.
	pv, err = d.AddDomain(bob, hooli.ID, "hooli.com", true)
	if err != nil || !pv.Moved {
		t.Fatalf("AddDomain with backfill: %+v %v", pv, err)
	}
	for _, id := range []domain.ID{a.ID, b.ID} {
		if u, _ := d.User(id); u.OrgID != hooli.ID || u.UpdatedBy != bob.Name {
			t.Errorf("user %d: org %d by %s after backfill", id, u.OrgID, u.UpdatedBy)
		}
	}
	members, _, _ := d.Users(domain.UserFilter{OrgID: other.ID}, 0, 0)
	if len(members) != 1 {
		t.Errorf("Other lost its member: %d", len(members))
	}
	// A new user at the domain joins; removing the domain moves nobody.
	e := mustUser(t, d, domain.UserInput{Email: "e@hooli.com"})
	if e.OrgID != hooli.ID {
		t.Errorf("new user at hooli.com joined %d", e.OrgID)
	}
	if _, err := d.RemoveDomain(ann, hooli.ID, "hooli.com"); err != nil {
		t.Fatal(err)
	}
	if u, _ := d.User(e.ID); u.OrgID != hooli.ID {
		t.Errorf("removing the domain moved a user")
	}
	if f := mustUser(t, d, domain.UserInput{Email: "f@hooli.com"}); f.OrgID != 0 {
		t.Errorf("after removing the domain a new user still joined %d", f.OrgID)
	}
	if _, err := d.PreviewDomain(hooli.ID, "yahoo.com"); err == nil || !strings.Contains(err.Error(), "public mail provider") {
		t.Errorf("previewing a provider: %v", err)
	}
}

func emails(us []domain.User) string {
	var s []string
	for _, u := range us {
		s = append(s, u.Email)
	}
	return strings.Join(s, " ")
}

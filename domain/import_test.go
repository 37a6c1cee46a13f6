package domain_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"helpdesk/domain"
)

func runImport(t *testing.T, d *domain.Desk, csv string, dry bool) (domain.ImportReport, []string, error) {
	t.Helper()
	var rows []string
	rep, err := d.ImportUsers(context.Background(), ann, strings.NewReader(csv), domain.ImportOptions{
		DryRun: dry, Source: "test.csv",
		RowError: func(e domain.RowError) { rows = append(rows, e.String()) },
	})
	return rep, rows, err
}

const importFile = `Email,name,organization,time_zone,language,phone,role
ann@acme.com,Ann Lee,,Europe/Paris,en,+1 555 0100,customer
bob@globex.com,Bob,Globex,,,,collaborator
not-an-email,Nobody,,,,,
ANN@acme.com,Ann Twin,,,,,
cy@acme.com,Cy,,Moon/Base,,,
taken@acme.com,Already,,,,,
dee@eu.acme.com,Dee,,,,,
`

func TestImportReportsBadRowsAndImportsTheRest(t *testing.T) {
	for _, dry := range []bool{true, false} {
		d := newDesk(t)
		acme := mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
		mustUser(t, d, domain.UserInput{Email: "Taken@acme.com"})

		rep, rows, err := runImport(t, d, importFile, dry)
		if err != nil {
			t.Fatal(err)
		}
		// Rows failing on their own come as they are read; duplicates
		// inside the file come from the final sorted pass.
		want := []string{
			"line 4: not-an-email: email: missing @",
			`line 6: cy@acme.com: time zone: "Moon/Base" is not an IANA time zone; use a name such as Europe/Paris or America/New_York`,
			"line 7: taken@acme.com: already on the desk (user 1)",
			"line 5: ann@acme.com: duplicate of line 2 in this file",
		}
		if strings.Join(rows, "\n") != strings.Join(want, "\n") {
			t.Errorf("dry=%v row errors:\n%s\nwant:\n%s", dry, strings.Join(rows, "\n"), strings.Join(want, "\n"))
		}
		if rep.Rows != 7 || rep.Imported != 3 || rep.Failed != 4 || strings.Join(rep.OrgsCreated, ",") != "Globex" {
			t.Errorf("dry=%v report %+v", dry, rep)
		}
		users, _, _ := d.Users(domain.UserFilter{}, 0, 0)
		if dry {
			if len(users) != 1 {
				t.Errorf("a dry run wrote %d users", len(users)-1)
			}
			if _, err := d.OrgByName("Globex"); !domain.IsNotFound(err) {
				t.Errorf("a dry run created Globex: %v", err)
			}
			continue
		}
		if len(users) != 4 {
			t.Fatalf("%d users after import, want 4", len(users))
		}
		a, err := d.UserByEmail("ann@acme.com")
		if err != nil || a.OrgID != acme.ID || a.TimeZone != "Europe/Paris" || a.Phone != "+1 555 0100" || a.Name != "Ann Lee" {
			t.Errorf("ann imported as %+v (%v)", a, err)
		}
		dee, _ := d.UserByEmail("dee@eu.acme.com")
		if dee.OrgID != acme.ID {
			t.Errorf("dee@eu.acme.com joined %d, want Acme by parent domain", dee.OrgID)
		}
		b, _ := d.UserByEmail("bob@globex.com")
		if g, err := d.OrgByName("globex"); err != nil || b.OrgID != g.ID || b.Role != domain.RoleCollaborator {
			t.Errorf("bob: org %d role %s; Globex %v", b.OrgID, b.Role, err)
		}
		counts, _ := d.UserCounts()
		if counts[domain.StatePending] != 4 {
			t.Errorf("pending count %d, want 4", counts[domain.StatePending])
		}
		es, _ := d.Audit(domain.AuditFilter{}, 0, 1)
		if len(es) != 1 || es[0].Action != "user.import" || !strings.Contains(es[0].Note, "imported 3 users from test.csv") {
			t.Errorf("newest audit entry %+v", es)
		}
	}
}

func TestImportRefusesBadHeader(t *testing.T) {
	d := newDesk(t)
	cases := map[string]string{
		"email,nickname,shoe size\n": `unknown column "nickname", "shoe size"`,
		"name\nAnn\n":                "no email column",
		"email,email\n":              "appears twice",
		"":                           "the file is empty",
	}
	for file, reason := range cases {
		_, _, err := runImport(t, d, file, false)
		if err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("header %q: %v; want %q", file, err, reason)
		}
	}
}

func TestImportRowWithWrongFieldCount(t *testing.T) {
	d := newDesk(t)
	rep, rows, err := runImport(t, d, "email,name\na@b.com,A,extra\nc@d.com,C\n", false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 1 || len(rows) != 1 || !strings.Contains(rows[0], "line 2") || !strings.Contains(rows[0], "3 fields") {
		t.Errorf("report %+v rows %v", rep, rows)
	}
}

func TestSuggestFollowsCommits(t *testing.T) {
	d := newDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	owner := mustUser(t, d, domain.UserInput{Email: "john.smith@acme.com", Name: "John Smith"})
	if err := d.WaitSuggestReady(); err != nil {
		t.Fatal(err)
	}
	s, err := d.Suggest("JOHN.SMITH@ACME.COM", 8)
	if err != nil {
		t.Fatal(err)
	}
	ex, ok := s.Exact()
	if !ok || ex.User.ID != owner.ID || ex.Org != "Acme" || ex.User.Name != "John Smith" {
		t.Errorf("exact suggestion %+v %v", ex, ok)
	}

	// A user committed after the index was built is suggested at once.
	mustUser(t, d, domain.UserInput{Email: "jane.doe@acme.com", Name: "Jane"})
	s, _ = d.Suggest("jane.d", 8)
	if len(s.Items) == 0 || s.Items[0].User.Email != "jane.doe@acme.com" || s.Items[0].Kind != "prefix" {
		t.Errorf("new user not suggested: %+v", s.Items)
	}

	// A changed email is found by its new address and not its old.
	newEmail := "j.smith@acme.com"
	if _, err := d.UpdateUser(ann, owner.ID, 0, domain.UserPatch{Email: &newEmail}); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Suggest("j.smith@acme.com", 8); func() bool { e, ok := s.Exact(); return !ok || e.User.ID != owner.ID }() {
		t.Errorf("new address not exact: %+v", s.Items)
	}
	if s, _ := d.Suggest("john.smith@acme.com", 8); func() bool { _, ok := s.Exact(); return ok }() {
		t.Errorf("old address still exact: %+v", s.Items)
	}

	// Imported users are suggested once the import commits.
	if _, _, err := runImport(t, d, "email\nimported.one@acme.com\n", false); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Suggest("imported.one@acme.com", 8); func() bool { _, ok := s.Exact(); return !ok }() {
		t.Errorf("imported user not suggested: %+v", s.Items)
	}
}

// An agent who creates a user while an import runs keeps it; the import's
// row for the same email is reported and its record removed.
func TestImportYieldsToUserCreatedMeanwhile(t *testing.T) {
	d := newDesk(t)
	var rows []string
	rep, err := d.ImportUsers(context.Background(), ann, strings.NewReader("email,name\nrace@acme.com,From file\nok@acme.com,Fine\n"), domain.ImportOptions{
		RowError: func(e domain.RowError) { rows = append(rows, e.String()) },
		Progress: func(int) {
			if _, err := d.CreateUser(bob, domain.UserInput{Email: "RACE@acme.com", Name: "Bob's"}); err != nil {
				t.Errorf("create during import: %v", err)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 1 || len(rows) != 1 || rows[0] != "line 2: race@acme.com: created by someone else while the import ran" {
		t.Errorf("report %+v rows %q", rep, rows)
	}
	u, err := d.UserByEmail("race@acme.com")
	if err != nil || u.Name != "Bob's" {
		t.Errorf("the agent's user: %+v %v", u, err)
	}
	all, _, _ := d.Users(domain.UserFilter{}, 0, 0)
	if len(all) != 2 {
		t.Errorf("%d users, want 2 (no orphan record left by the import)", len(all))
	}
	counts, _ := d.UserCounts()
	if counts[domain.StatePending] != 2 {
		t.Errorf("pending count %d, want 2", counts[domain.StatePending])
	}
}

func TestImportKeepsStatesFromAnotherDesk(t *testing.T) {
	d := newDesk(t)
	rep, rows, err := runImport(t, d, "email,state\na@x.com,active\nb@x.com,Disabled\nc@x.com,\nd@x.com,asleep\n", false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 3 || len(rows) != 1 || !strings.Contains(rows[0], `line 5: d@x.com: state: "asleep" is not a state`) {
		t.Errorf("report %+v rows %q", rep, rows)
	}
	counts, _ := d.UserCounts()
	if counts[domain.StateActive] != 1 || counts[domain.StateDisabled] != 1 || counts[domain.StatePending] != 1 {
		t.Errorf("counts %v", counts)
	}
	b, _ := d.UserByEmail("b@x.com")
	if on, err := d.EnableUser(ann, b.ID, 0); err != nil || on.State != domain.StateActive {
		t.Errorf("enabling an imported disabled user: %v %v", on.State, err)
	}
}

// An import stopped by its context (Ctrl-C, a closed SSH session) after it
// wrote a batch and created an organization removes both before it returns:
// the desk is as it was, suggestions included, and the audit says so.
func TestCancelledImportLeavesTheDeskAsItWas(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "kept@acme.com"})
	var b strings.Builder
	b.WriteString("email,organization\n")
	for i := range 25_000 {
		fmt.Fprintf(&b, "row%05d@acme.com,New Org\n", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := d.ImportUsers(ctx, ann, strings.NewReader(b.String()), domain.ImportOptions{
		Source:   "big.csv",
		Progress: func(int) { cancel() }, // after the first batch is written
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import returned %v; want context.Canceled", err)
	}
	if rep.Imported != 0 || len(rep.OrgsCreated) != 0 {
		t.Errorf("report after a cancelled import: %+v; want nothing imported or created", rep)
	}
	if users, _, err := d.Users(domain.UserFilter{}, 0, 0); err != nil || len(users) != 1 {
		t.Errorf("users after a cancelled import: %d, %v; want only the one made before", len(users), err)
	}
	if _, err := d.OrgByName("New Org"); !domain.IsNotFound(err) {
		t.Errorf("the organization the cancelled import created: %v; want it removed", err)
	}
	s, err := d.Suggest("row00001@acme.com", 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range s.Items {
		if strings.HasPrefix(it.User.Email, "row") {
			t.Errorf("suggestion %q after a cancelled import; want none of its rows", it.User.Email)
		}
	}
	es, err := d.Audit(domain.AuditFilter{}, 0, 1)
	if err != nil || len(es) != 1 || es[0].Action != "user.import.rollback" || !strings.Contains(es[0].Note, "its 10000 users and 1 organizations were removed") {
		t.Errorf("newest audit entry: %+v, %v; want the roll-back of 10000 users and 1 organization", es, err)
	}
}

package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

func coreImportBatch(prefix string, n int) []domain.User {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	us := make([]domain.User, n)
	for i := range us {
		us[i] = domain.User{Email: fmt.Sprintf("%s%d@acme.com", prefix, i), Name: "Imported", Role: domain.RoleCustomer,
			State: domain.StatePending, Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: "importer@desk"}
	}
	return us
}

func coreEntries(us []domain.User) []domain.IndexEntry {
	var es []domain.IndexEntry
	for _, u := range us {
		es = append(es, domain.IndexEntry{Key: u.EmailKey(), ID: u.ID})
	}
	slices.SortFunc(es, func(a, b domain.IndexEntry) int { return strings.Compare(a.Key, b.Key) })
	return es
}

func coreProblems(t *testing.T, db *store.DB) []string {
	t.Helper()
	ps, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, string(p))
	}
	return out
}

// An import that wrote records but never their index (the process died) is
// rolled back at the next open: its records are gone, users created by
// agents meanwhile stay, the counters are right again, and the audit trail
// says what happened.
func TestOpenRollsBackUnfinishedImport(t *testing.T) {
	path := corePath(t)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := domain.NewDesk(db)
	ann := coreMustUser(t, d, "ann@acme.com", "Ann")
	bob := coreMustUser(t, d, "bob@acme.com", "Bob")
	if _, err := d.DisableUser(coreAgent, bob.ID, 0); err != nil {
		t.Fatal(err)
	}
	first, second := coreImportBatch("first", 3), coreImportBatch("second", 2)
	if err := db.Update(func(tx domain.Tx) error {
		if err := tx.BulkBegin(); err != nil {
			return err
		}
		return tx.BulkAppendUsers(first)
	}); err != nil {
		t.Fatal(err)
	}
	during := coreMustUser(t, d, "during@acme.com", "Made During The Import")
	if err := db.Update(func(tx domain.Tx) error { return tx.BulkAppendUsers(second) }); err != nil {
		t.Fatal(err)
	}
	if n := coreTotal(t, d); n != 8 {
		t.Fatalf("counters during the import say %d users; want 8", n)
	}
	db.Close() // the crash: no BulkIndex, no BulkEnd

	// A read-only look, as on a copy, does not repair but says what is wrong.
	ro, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	problems := coreProblems(t, ro)
	ro.Close()
	if len(problems) != 6 || !strings.Contains(problems[0], "an import is marked unfinished") ||
		!strings.Contains(strings.Join(problems, "\n"), "user 3 (first0@acme.com) has no email index entry") {
		t.Errorf("check of the unrepaired file: %q", problems)
	}

	db = coreOpen(t, path)
	d = domain.NewDesk(db)
	coreCheck(t, db)
	if got := coreIDs(coreAllUsers(t, d)); !slices.Equal(got, []domain.ID{ann.ID, bob.ID, during.ID}) {
		t.Errorf("users after the rollback: %v; want %v", got, []domain.ID{ann.ID, bob.ID, during.ID})
	}
	counts, err := d.UserCounts()
	if err != nil {
		t.Fatal(err)
	}
	if counts[domain.StatePending] != 2 || counts[domain.StateDisabled] != 1 || counts[domain.StateActive] != 0 {
		t.Errorf("counts after the rollback: %v; want 2 pending, 1 disabled", counts)
	}
	es, err := d.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if es[0].Action != "user.import.rollback" || es[0].Actor != "helpdesk" || !strings.Contains(es[0].Note, "5 users") {
		t.Errorf("newest audit entry after the rollback: %+v", es[0])
	}
	// The imported emails are free again.
	coreMustUser(t, d, "FIRST0@acme.com", "Typed Again")
	coreCheck(t, db)
	db.Close()

	// Opening again finds nothing to roll back.
	db = coreOpen(t, path)
	d = domain.NewDesk(db)
	again, err := d.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(es)+1 {
		t.Errorf("a second open wrote %d more audit entries", len(again)-len(es)-1)
	}
}

// The index is written a chunk per transaction, so a crash can come after
// some users of an import got their index entries. An import is all or
// nothing: the open after the crash removes every user it wrote, indexed or
// not, keeps a user an agent created while it ran (between its batches), and
// says so in the audit trail.
func TestRecoveredImportIsAllOrNothing(t *testing.T) {
	for _, indexed := range []int{0, 3, 10} {
		t.Run(fmt.Sprintf("%d of 10 indexed", indexed), func(t *testing.T) {
			path := corePath(t)
			db, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			d := domain.NewDesk(db)
			coreMustUser(t, d, "ann@acme.com", "Ann")
			first, second := coreImportBatch("imported", 5), coreImportBatch("more", 5)
			if err := db.Update(func(tx domain.Tx) error {
				if err := tx.BulkBegin(); err != nil {
					return err
				}
				return tx.BulkAppendUsers(first)
			}); err != nil {
				t.Fatal(err)
			}
			meanwhile := coreMustUser(t, d, "meanwhile@acme.com", "Made While Importing")
			if err := db.Update(func(tx domain.Tx) error { return tx.BulkAppendUsers(second) }); err != nil {
				t.Fatal(err)
			}
			all := append(first, second...)
			if err := db.Update(func(tx domain.Tx) error {
				_, err := tx.BulkIndex(coreEntries(all[:indexed]))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			db.Close() // the crash: the last chunk and BulkEnd never ran

			db = coreOpen(t, path)
			d = domain.NewDesk(db)
			coreCheck(t, db)
			users := coreAllUsers(t, d)
			if len(users) != 2 || users[0].Email != "ann@acme.com" || users[1].ID != meanwhile.ID {
				t.Errorf("users after recovery: %v; want ann and the one made while importing", users)
			}
			for _, u := range all {
				if got, err := d.UserByEmail(u.Email); !domain.IsNotFound(err) {
					t.Errorf("imported user %s after recovery: %v, %v; want it gone", u.Email, got.ID, err)
				}
			}
			if n := coreTotal(t, d); n != 2 {
				t.Errorf("user counters say %d after recovery; want 2", n)
			}
			es, err := d.Audit(domain.AuditFilter{}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if es[0].Action != "user.import.rollback" || !strings.Contains(es[0].Note, "its 10 users") || !strings.Contains(es[0].Note, "as it was before") {
				t.Errorf("newest audit entry %q %q; want user.import.rollback saying its 10 users were removed", es[0].Action, es[0].Note)
			}
		})
	}
}

// An agent may open a user that an import has written but not yet indexed
// (lists page over the records) and change it. The import must not then
// delete that user and report its row as "created by someone else", leaving
// an index entry that points at nothing.
func TestImportKeepsUserAnAgentChangedWhileItRan(t *testing.T) {
	db := coreOpen(t, corePath(t))
	d := domain.NewDesk(db)
	coreMustUser(t, d, "before@acme.com", "Before")
	var changed domain.User
	var changeErr error
	var rowErrs []string
	csv := "email,name\n"
	for i := range 10 {
		csv += fmt.Sprintf("row%d@acme.com,Row %d\n", i, i)
	}
	rep, err := d.ImportUsers(context.Background(), coreAgent, strings.NewReader(csv), domain.ImportOptions{
		RowError: func(e domain.RowError) { rowErrs = append(rowErrs, e.String()) },
		Progress: func(int) {
			if changed.ID != 0 {
				return
			}
			// The records are written; their index is not yet.
			newest, err := d.UsersBefore(domain.UserFilter{}, 0, 1)
			if err != nil || len(newest) != 1 {
				t.Errorf("newest user during the import: %v %v", newest, err)
				return
			}
			changed = newest[0]
			var after domain.User
			if after, changeErr = d.DisableUser(coreAgent, changed.ID, changed.Version); changeErr == nil {
				changed = after
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if changed.ID == 0 {
		t.Fatal("the progress callback never ran")
	}
	t.Logf("disabling %s during the import: %v", changed.Email, changeErr)
	if rep.Imported != 10 || rep.Failed != 0 || len(rowErrs) != 0 {
		t.Errorf("import report %+v, row errors %q; want all 10 imported", rep, rowErrs)
	}
	for i := range 10 {
		email := fmt.Sprintf("row%d@acme.com", i)
		u, err := d.UserByEmail(email)
		if err != nil {
			t.Errorf("%s after the import: %v", email, err)
			continue
		}
		if u.ID == changed.ID && changeErr == nil && u.State != domain.StateDisabled {
			t.Errorf("%s was disabled during the import; now %s", email, u.State)
		}
	}
	coreCheck(t, db)
}

// The same, when the agent changes the email (and so the organization, by
// domain) of a user the import has written but not yet indexed: afterwards
// the user is found by the new email only, nothing points at it by the old
// one, and its membership follows the record.
func TestImportKeepsEmailAnAgentChangedWhileItRan(t *testing.T) {
	db := coreOpen(t, corePath(t))
	d := domain.NewDesk(db)
	if _, err := d.CreateOrg(coreAgent, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}}); err != nil {
		t.Fatal(err)
	}
	var changed domain.User
	var changeErr error
	csv := "email,name\n"
	for i := range 10 {
		csv += fmt.Sprintf("row%d@acme.com,Row %d\n", i, i)
	}
	newEmail := "moved@globex.com"
	rep, err := d.ImportUsers(context.Background(), coreAgent, strings.NewReader(csv), domain.ImportOptions{
		Progress: func(int) {
			if changed.ID != 0 {
				return
			}
			newest, err := d.UsersBefore(domain.UserFilter{}, 0, 1)
			if err != nil || len(newest) != 1 {
				t.Errorf("newest user during the import: %v %v", newest, err)
				return
			}
			changed = newest[0]
			org := ""
			var after domain.User
			if after, changeErr = d.UpdateUser(coreAgent, changed.ID, changed.Version, domain.UserPatch{Email: &newEmail, Org: &org}); changeErr == nil {
				changed = after
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if changed.ID == 0 {
		t.Fatal("the progress callback never ran")
	}
	t.Logf("changing the email during the import: %v; report %+v", changeErr, rep)
	if changeErr == nil {
		if u, err := d.UserByEmail(newEmail); err != nil || u.ID != changed.ID {
			t.Errorf("%s after the import: %v, %v; want user %d", newEmail, u.ID, err, changed.ID)
		}
		if u, err := d.UserByEmail("row9@acme.com"); err == nil {
			t.Errorf("the old email row9@acme.com still finds user %d %s", u.ID, u.Email)
		}
	}
	coreCheck(t, db)
}

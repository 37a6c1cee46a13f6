package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// A user stored decomposed by an older version is stored composed after
// migration 9, found by either spelling, with an audit entry; one whose
// composed address another user already has is left as it was and the
// audit says so.
func TestMigrationComposesDecomposedEmails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const nfd, nfc = "e\u0301lodie@acme.com", "\u00e9lodie@acme.com"
	var decomposed, composedTwin, twin domain.User
	err = db.Update(func(dt domain.Tx) error {
		decomposed = domain.User{Email: nfd, Name: "Élodie", State: domain.StatePending, Version: 1}
		composedTwin = domain.User{Email: "\u00e9mile@acme.com", Name: "Émile", State: domain.StatePending, Version: 1}
		twin = domain.User{Email: "e\u0301mile@acme.com", Name: "Émile again", State: domain.StatePending, Version: 1}
		for _, u := range []*domain.User{&decomposed, &composedTwin, &twin} {
			if err := dt.PutUser(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, itob(8)) }); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := domain.NewDesk(db)
	for _, spelling := range []string{nfc, nfd} {
		u, err := d.UserByEmail(spelling)
		if err != nil || u.ID != decomposed.ID || u.Email != nfc {
			t.Errorf("UserByEmail(%q) after migrating: %q (user %d), %v; want user %d stored composed", spelling, u.Email, u.ID, err, decomposed.ID)
		}
	}
	if u, err := d.User(twin.ID); err != nil || u.Email != twin.Email {
		t.Errorf("the decomposed twin of user %d: %q, %v; want it left as it was", composedTwin.ID, u.Email, err)
	}
	es, err := d.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, e := range es {
		notes = append(notes, e.Subject+": "+e.Note)
	}
	all := strings.Join(notes, "\n")
	if !strings.Contains(all, nfc+": email stored composed") || !strings.Contains(all, "the same address twice") {
		t.Errorf("audit after migrating:\n%s\nwant the composed user and the twin explained", all)
	}
	problems, err := db.Check(context.Background())
	if err != nil || len(problems) > 0 {
		t.Errorf("check after migrating: %v, %v", problems, err)
	}
}

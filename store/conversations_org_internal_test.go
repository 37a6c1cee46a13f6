package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

var owner = domain.Actor{Name: "owner"}

// portalDesk is a desk with an organization tree, a customer in each
// organization, a collaborator on one conversation and one conversation
// without an organization.
func portalDesk(t *testing.T, path string) (*DB, *domain.Desk, map[string]domain.ID) {
	t.Helper()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	d := domain.NewDesk(db, domain.WithClock(func() time.Time { now = now.Add(time.Second); return now }))
	ids := map[string]domain.ID{}
	for _, o := range []domain.OrgInput{
		{Name: "Acme", Domains: []string{"acme.example"}},
		{Name: "Labs", Domains: []string{"labs.example"}, Parent: "Acme"},
	} {
		org, err := d.CreateOrg(owner, o)
		if err != nil {
			t.Fatal(err)
		}
		ids[o.Name] = org.ID
	}
	for _, u := range []domain.UserInput{
		{Email: "ann@acme.example"}, {Email: "lab@labs.example"}, {Email: "free@else.example"},
		{Email: "col@partner.example", Role: "collaborator"},
	} {
		u.Mail = "none"
		got, err := d.CreateUser(owner, u)
		if err != nil {
			t.Fatal(err)
		}
		ids[u.Email] = got.ID
	}
	for _, email := range []string{"ann@acme.example", "lab@labs.example", "free@else.example"} {
		c, _, err := d.NewConversation(owner, domain.ConvInput{Requester: email, Subject: "from " + email, Body: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		ids["conv "+email] = c.ID
	}
	if _, err := d.AddCollaborator(owner, ids["conv lab@labs.example"], "col@partner.example"); err != nil {
		t.Fatal(err)
	}
	return db, d, ids
}

func positions(seq func(func(domain.ConvPos) bool)) []domain.ID {
	var out []domain.ID
	for p := range seq {
		out = append(out, p.ID)
	}
	return out
}

// portalIndexes lists every entry of the three indexes as "bucket owner conv".
func portalIndexes(t *testing.T, db *DB) []string {
	t.Helper()
	var out []string
	err := db.bolt.View(func(btx *bolt.Tx) error {
		for _, b := range portalBuckets {
			err := btx.Bucket(b).ForEach(func(k, _ []byte) error {
				out = append(out, fmt.Sprintf("%s %d %d", b, btoi(k[:8]), btoi(k[16:])))
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Migration 10 fills the portal's indexes from the conversations of a
// file written before them, whose records have no activity time yet.
func TestMigration10FillsPortalIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "desk.db")
	db, _, ids := portalDesk(t, path)
	want := portalIndexes(t, db)
	if len(want) != 6 { // three requesters, two with an organization, one collaborator
		t.Fatalf("a new desk's portal indexes: %q", want)
	}
	// Make it a version 9 file: no portal buckets, records without
	// ActivityAt.
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		t := &tx{btx: btx}
		var convs []domain.Conversation
		_ = t.bucket(bucketConversations).ForEach(func(k, v []byte) error {
			var c domain.Conversation
			if err := decode(v, &c); err != nil {
				return err
			}
			c.ActivityAt = time.Time{}
			convs = append(convs, c)
			return nil
		})
		for _, c := range convs {
			v, err := encode(&c)
			if err != nil {
				return err
			}
			if err := t.bucket(bucketConversations).Put(idKey(c.ID), v); err != nil {
				return err
			}
		}
		return asVersion(btx, 9, portalBuckets...)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Fatalf("check after migration 10: %v %v", problems, err)
	}
	got := portalIndexes(t, db)
	// The entries' owners and conversations are the same; their activity
	// is now the records' UpdatedAt.
	if !slices.Equal(got, want) {
		t.Errorf("after migrating: %q; want %q", got, want)
	}
	d := domain.NewDesk(db)
	rows, _, err := d.PortalConversations(ids["col@partner.example"], 0, 0)
	if err != nil || len(rows) != 1 || rows[0].ID != ids["conv lab@labs.example"] {
		t.Errorf("collaborator's home after migrating: %+v %v", rows, err)
	}
	err = db.View(func(t2 domain.Tx) error {
		if g := positions(t2.ConvsByOrg(ids["Labs"], domain.ConvPos{})); !slices.Equal(g, []domain.ID{ids["conv lab@labs.example"]}) {
			t.Errorf("Labs' index: %v", g)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Check finds a missing and a stray portal index entry; salvage writes
// them right; PutConversation re-keys an organization change and
// DeleteConversation leaves nothing behind.
func TestPortalIndexesCheckedSalvagedAndKeptInStep(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "desk.db")
	db, _, ids := portalDesk(t, path)
	labs := ids["conv lab@labs.example"]
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		b := btx.Bucket(bucketConvByCollaborator)
		k, _ := b.Cursor().First()
		if err := b.Delete(k); err != nil {
			return err
		}
		return btx.Bucket(bucketConvByOrg).Put(activityKey(ids["Acme"], domain.ConvPos{At: 5, ID: labs}), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	problems, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	joined := fmt.Sprint(problems)
	for _, w := range []string{
		fmt.Sprintf("conversation %d is missing from the collaborator index of %d", labs, ids["col@partner.example"]),
		fmt.Sprintf("organization index says conversation %d belongs to %d at activity 5; the conversation disagrees", labs, ids["Acme"]),
	} {
		if !strings.Contains(joined, w) {
			t.Errorf("check lacks %q: %v", w, problems)
		}
	}
	if len(problems) != 2 {
		t.Errorf("check found %d problems, want 2: %v", len(problems), problems)
	}
	db.Close()

	sdb, _ := salvageOpen(t, path, filepath.Join(dir, "salvaged.db"))
	if problems, err := sdb.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("check after salvage: %v %v", problems, err)
	}
	if got := portalIndexes(t, sdb); len(got) != 6 {
		t.Errorf("salvaged indexes %q", got)
	}

	// An organization change moves the entry; deleting removes them all.
	err = sdb.Update(func(t2 domain.Tx) error {
		c, err := t2.Conversation(labs)
		if err != nil {
			return err
		}
		c.OrgID = ids["Acme"]
		if err := t2.PutConversation(&c); err != nil {
			return err
		}
		if g := positions(t2.ConvsByOrg(ids["Labs"], domain.ConvPos{})); len(g) != 0 {
			t.Errorf("Labs still lists %v", g)
		}
		if g := positions(t2.ConvsByOrg(ids["Acme"], domain.ConvPos{})); !slices.Equal(g, []domain.ID{labs, ids["conv ann@acme.example"]}) {
			t.Errorf("Acme lists %v", g)
		}
		return t2.DeleteConversation(labs)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range portalIndexes(t, sdb) {
		if strings.HasSuffix(e, fmt.Sprintf(" %d", labs)) {
			t.Errorf("deleted conversation left %q", e)
		}
	}
	if problems, err := sdb.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("check after the move and delete: %v %v", problems, err)
	}
}

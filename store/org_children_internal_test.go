package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// orgTreeDesk is a desk with a hierarchy: Holding > Acme > Acme Labs >
// Acme Deep, Holding > Beta, and Solo at the top level.
func orgTreeDesk(t *testing.T, path string) (*DB, *domain.Desk, map[string]domain.ID) {
	t.Helper()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := domain.NewDesk(db)
	ids := map[string]domain.ID{}
	for _, o := range []domain.OrgInput{
		{Name: "Holding"}, {Name: "Acme", Parent: "Holding"}, {Name: "Acme Labs", Parent: "Acme"},
		{Name: "Acme Deep", Parent: "Acme Labs"}, {Name: "Beta", Parent: "Holding"}, {Name: "Solo"},
	} {
		org, err := d.CreateOrg(owner, o)
		if err != nil {
			t.Fatal(err)
		}
		ids[o.Name] = org.ID
	}
	return db, d, ids
}

// orgChildren lists every org_children entry as "parent>child" by name.
func orgChildren(t *testing.T, db *DB, ids map[string]domain.ID) []string {
	t.Helper()
	name := map[uint64]string{}
	for n, id := range ids {
		name[uint64(id)] = n
	}
	var out []string
	err := db.bolt.View(func(btx *bolt.Tx) error {
		return btx.Bucket(bucketOrgChildren).ForEach(func(k, _ []byte) error {
			out = append(out, name[btoi(k[:8])]+">"+name[btoi(k[8:])])
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// children asks the store through the port.
func children(t *testing.T, db *DB, parent domain.ID) []domain.ID {
	t.Helper()
	var out []domain.ID
	err := db.View(func(tx domain.Tx) error {
		out = slices.Collect(tx.OrgChildren(parent))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func noProblems(t *testing.T, db *DB, when string) {
	t.Helper()
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("check %s: %v %v", when, problems, err)
	}
}

var treeEntries = []string{"Acme Labs>Acme Deep", "Acme>Acme Labs", "Holding>Acme", "Holding>Beta"}

// Migration 12 fills org_children from the organizations of a version 11
// file, which has no such bucket.
func TestMigration12FillsOrgChildren(t *testing.T) {
	path := filepath.Join(t.TempDir(), "desk.db")
	db, _, ids := orgTreeDesk(t, path)
	if got := orgChildren(t, db, ids); !slices.Equal(got, treeEntries) {
		t.Fatalf("a new desk's children index: %q", got)
	}
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		return asVersion(btx, 11, bucketOrgChildren)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// A read-only open of the version 11 file is refused, as for every
	// older file.
	if ro, err := Open(path, Options{ReadOnly: true}); err == nil {
		ro.Close()
		t.Fatal("a read-only open of a version 11 file was not refused")
	}
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v := db.schemaVersion(t); v != 12 {
		t.Errorf("schema after migrating: %d", v)
	}
	noProblems(t, db, "after migration 12")
	if got := orgChildren(t, db, ids); !slices.Equal(got, treeEntries) {
		t.Errorf("after migrating: %q; want %q", got, treeEntries)
	}
	if got := children(t, db, ids["Holding"]); !slices.Equal(got, []domain.ID{ids["Acme"], ids["Beta"]}) {
		t.Errorf("Holding's children: %v", got)
	}
	if got := children(t, db, ids["Solo"]); len(got) != 0 {
		t.Errorf("Solo's children: %v", got)
	}
}

func (db *DB) schemaVersion(t *testing.T) int {
	t.Helper()
	var v int
	if err := db.bolt.View(func(btx *bolt.Tx) error { v = readSchema(btx); return nil }); err != nil {
		t.Fatal(err)
	}
	return v
}

// Moving an organization moves its entry; moving it to the top level
// removes it; check then finds nothing.
func TestOrgChildrenFollowAMove(t *testing.T) {
	db, d, ids := orgTreeDesk(t, filepath.Join(t.TempDir(), "desk.db"))
	defer db.Close()
	solo := "Solo"
	if _, err := d.UpdateOrg(owner, ids["Acme Labs"], 0, domain.OrgPatch{Parent: &solo}); err != nil {
		t.Fatal(err)
	}
	want := []string{"Acme Labs>Acme Deep", "Holding>Acme", "Holding>Beta", "Solo>Acme Labs"}
	if got := orgChildren(t, db, ids); !slices.Equal(got, want) {
		t.Errorf("after moving Acme Labs under Solo: %q; want %q", got, want)
	}
	if got := children(t, db, ids["Acme"]); len(got) != 0 {
		t.Errorf("Acme still has children %v", got)
	}
	top := ""
	if _, err := d.UpdateOrg(owner, ids["Beta"], 0, domain.OrgPatch{Parent: &top}); err != nil {
		t.Fatal(err)
	}
	// A change that keeps the parent keeps the entry.
	notes := "renamed"
	if _, err := d.UpdateOrg(owner, ids["Acme"], 0, domain.OrgPatch{Notes: &notes}); err != nil {
		t.Fatal(err)
	}
	want = []string{"Acme Labs>Acme Deep", "Holding>Acme", "Solo>Acme Labs"}
	if got := orgChildren(t, db, ids); !slices.Equal(got, want) {
		t.Errorf("after moving Beta to the top level: %q; want %q", got, want)
	}
	noProblems(t, db, "after the moves")
}

// Check finds a missing and a stray entry; salvage writes the index from
// the organizations.
func TestOrgChildrenCheckedAndSalvaged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "desk.db")
	db, _, ids := orgTreeDesk(t, path)
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		b := btx.Bucket(bucketOrgChildren)
		if err := b.Delete(pairKey(ids["Acme"], ids["Acme Labs"])); err != nil {
			return err
		}
		return b.Put(pairKey(ids["Solo"], ids["Beta"]), nil)
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
		fmt.Sprintf("organization %d (Acme Labs) is under %d but missing from the children index", ids["Acme Labs"], ids["Acme"]),
		fmt.Sprintf("children index says organization %d is under %d; the organization disagrees", ids["Beta"], ids["Solo"]),
	} {
		if !strings.Contains(joined, w) {
			t.Errorf("check lacks %q: %v", w, problems)
		}
	}
	if len(problems) != 2 {
		t.Errorf("check found %d problems, want 2: %v", len(problems), problems)
	}
	db.Close()

	sdb, rep := salvageOpen(t, path, filepath.Join(dir, "salvaged.db"))
	if rep.Lost() != 0 || len(rep.Notes) != 0 {
		t.Errorf("salvage lost %d, notes %q", rep.Lost(), rep.Notes)
	}
	noProblems(t, sdb, "after salvage")
	if got := orgChildren(t, sdb, ids); !slices.Equal(got, treeEntries) {
		t.Errorf("salvaged index: %q; want %q", got, treeEntries)
	}
}

// Salvage keeps an organization under a parent created after it (moved
// there), and breaks a cycle that only damage can write at its lowest id.
func TestSalvageKeepsNewerParentsAndBreaksACycle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "desk.db")
	db, d, ids := orgTreeDesk(t, path)
	solo := "Solo"
	if _, err := d.UpdateOrg(owner, ids["Holding"], 0, domain.OrgPatch{Parent: &solo}); err != nil {
		t.Fatal(err)
	}
	want := append([]string{"Solo>Holding"}, treeEntries...)
	slices.Sort(want)
	db.Close()

	sdb, rep := salvageOpen(t, path, filepath.Join(dir, "salvaged.db"))
	if rep.Lost() != 0 || len(rep.Notes) != 0 {
		t.Errorf("salvage lost %d, notes %q", rep.Lost(), rep.Notes)
	}
	if got := orgChildren(t, sdb, ids); !slices.Equal(got, want) {
		t.Errorf("salvaged index: %q; want %q", got, want)
	}

	// Damage: Solo's record names Acme Deep as its parent, a cycle
	// Solo > Holding > Acme > Acme Labs > Acme Deep > Solo.
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.Update(func(btx *bolt.Tx) error {
		t := &tx{btx: btx}
		o, err := t.Org(ids["Solo"])
		if err != nil {
			return err
		}
		o.ParentID = ids["Acme Deep"]
		v, err := encode(&o)
		if err != nil {
			return err
		}
		return t.bucket(bucketOrgs).Put(idKey(o.ID), v)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	sdb, rep = salvageOpen(t, path, filepath.Join(dir, "salvaged-cycle.db"))
	wantNote := fmt.Sprintf("organization %d (Holding): its parent %d was lost; it is now a top-level organization", ids["Holding"], ids["Solo"])
	if rep.Lost() != 0 || !slices.Equal(rep.Notes, []string{wantNote}) {
		t.Errorf("salvage of a cycle lost %d, notes %q", rep.Lost(), rep.Notes)
	}
	want = append([]string{"Acme Deep>Solo"}, treeEntries...)
	slices.Sort(want)
	if got := orgChildren(t, sdb, ids); !slices.Equal(got, want) {
		t.Errorf("salvaged cycle's index: %q; want %q", got, want)
	}
}

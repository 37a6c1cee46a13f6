package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Each migration, applied to a file at the version before it, brings the
// file to the current version with every bucket and a clean check.
func TestEachMigrationFromThePreviousVersion(t *testing.T) {
	for i, m := range migrations {
		t.Run(fmt.Sprintf("v%d %s", m.version, m.what), func(t *testing.T) {
			if m.version != i+1 {
				t.Fatalf("migration %d has version %d; versions must count up from 1", i, m.version)
			}
			path := filepath.Join(t.TempDir(), "desk.db")
			b, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, prev := range migrations[:i] {
				err := b.Update(func(tx *bolt.Tx) error {
					if err := prev.apply(tx); err != nil {
						return err
					}
					return tx.Bucket(bucketMeta).Put(keySchema, itob(uint64(prev.version)))
				})
				if err != nil {
					t.Fatalf("bring the file to version %d: %v", prev.version, err)
				}
			}
			b.Close()

			db, err := Open(path, Options{})
			if err != nil {
				t.Fatalf("migrate from version %d: %v", i, err)
			}
			defer db.Close()
			problems, err := db.Check(context.Background())
			if err != nil || len(problems) > 0 {
				t.Errorf("check after migrating: %v %v", problems, err)
			}
			err = db.bolt.View(func(tx *bolt.Tx) error {
				if v := readSchema(tx); v != SchemaVersion() {
					t.Errorf("schema version %d after migrating; want %d", v, SchemaVersion())
				}
				var got []string
				_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error { got = append(got, string(name)); return nil })
				if want := coreAllBuckets(t); !slices.Equal(got, want) {
					t.Errorf("buckets after migrating from version %d: %v; a new file has %v", i, got, want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A migration that fails leaves the file exactly as it was: nothing it
// wrote, the old version, and a message naming the migration.
func TestFailedMigrationLeavesFileAsItWas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(slices.Clone(saved), migration{SchemaVersion() + 1, "a migration that fails half-way", func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("half_done")); err != nil {
			return err
		}
		return errors.New("disk says no")
	}})
	_, err = Open(path, Options{})
	if err == nil {
		t.Fatal("open succeeded although a migration failed")
	}
	if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("version %d", len(saved)+1)) ||
		!strings.Contains(msg, "a migration that fails half-way") || !strings.Contains(msg, "disk says no") {
		t.Errorf("error %q does not name the migration and its cause", msg)
	}
	migrations = saved

	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatalf("the failed open left the file locked or damaged: %v", err)
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("half_done")) != nil {
			t.Error("the failed migration's bucket was kept")
		}
		if v := readSchema(tx); v != len(saved) {
			t.Errorf("schema version %d after a failed migration; want %d", v, len(saved))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// coreAllBuckets lists the buckets of a database made from nothing, and
// checks that it holds every bucket the design names.
func coreAllBuckets(t *testing.T) []string {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "fresh.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var names []string
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error { names = append(names, string(name)); return nil })
	})
	for _, want := range []string{"meta", "users", "users_by_email", "orgs", "orgs_by_name", "org_domains",
		"org_members", "agents", "agent_keys", "templates", "outbox", "audit"} {
		if !slices.Contains(names, want) {
			t.Errorf("a new database has no %s bucket", want)
		}
	}
	return names
}

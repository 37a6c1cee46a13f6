package store_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
	"helpdesk/store"
)

const lockedText = "database in use by another helpdesk process"

// A second helpdesk process opening a database in use gets the sentence
// that tells the agent what to do, within the lock timeout, never a hang;
// once the first process lets go, the file opens.
func TestOpenHeldByAnotherProcessFailsWithClearSentence(t *testing.T) {
	path := corePath(t)
	coreMustUser(t, domain.NewDesk(coreOpen(t, path)), "ann@acme.com", "Ann")
	// Held by this very process (another open file description): refused too.
	reopen, err := store.Open(path, store.Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("a second open in this process: %v (%v); want ErrLocked", err, reopen)
	}

	path = corePath(t)
	holder := startCrashChild(t, "hold", path, "")
	if line, ok := holder.next(); !ok || line != "ready" {
		holder.wait()
		t.Fatalf("holder said %q; stderr:\n%s", line, holder.stderr.String())
	}
	const timeout = 300 * time.Millisecond
	for _, ro := range []bool{false, true} {
		start := time.Now()
		db, err := store.Open(path, store.Options{LockTimeout: timeout, ReadOnly: ro})
		took := time.Since(start)
		if err == nil {
			db.Close()
			t.Fatalf("read-only=%v: opened a database another process holds", ro)
		}
		if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), lockedText) {
			t.Errorf("read-only=%v: error %q; want ErrLocked saying %q", ro, err, lockedText)
		}
		if !strings.Contains(err.Error(), "connect with ssh or stop it") {
			t.Errorf("read-only=%v: error %q does not say what to do", ro, err)
		}
		// Not a performance budget: a guard that Open gives up instead of
		// waiting for the other process.
		if took > 20*timeout {
			t.Errorf("read-only=%v: Open took %v with a %v lock timeout", ro, took, timeout)
		}
	}
	holder.stdin.Close()
	holder.wait()
	db, err := store.Open(path, store.Options{LockTimeout: timeout})
	if err != nil {
		t.Fatalf("open once the other process ended: %v", err)
	}
	coreCheck(t, db)
	db.Close()
}

// The database file is private to its owner, in a private folder created
// on demand.
func TestOpenCreatesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var", "helpdesk")
	path := filepath.Join(dir, "desk.db")
	db := coreOpen(t, path)
	coreMustUser(t, domain.NewDesk(db), "ann@acme.com", "Ann")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode %v; want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("database folder mode %v; want 0700", di.Mode().Perm())
	}
}

func coreSchema(t *testing.T, path string) uint64 {
	t.Helper()
	var v uint64
	coreRaw(t, path, func(tx *bolt.Tx) error {
		if meta := tx.Bucket([]byte("meta")); meta != nil {
			v = coreU64(meta.Get([]byte("schema")))
		}
		return nil
	})
	return v
}

func coreAssertBuckets(t *testing.T, path string) {
	t.Helper()
	coreRaw(t, path, func(tx *bolt.Tx) error {
		for _, name := range coreBuckets {
			if tx.Bucket([]byte(name)) == nil {
				t.Errorf("bucket %s is missing", name)
			}
		}
		return nil
	})
}

// Opening writes the schema version; a database from a newer helpdesk is
// refused with a sentence that says so, and is left untouched.
func TestSchemaVersionWrittenAndNewerRefused(t *testing.T) {
	path := corePath(t)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if v := coreSchema(t, path); v != uint64(store.SchemaVersion()) || v == 0 {
		t.Fatalf("schema version in meta is %d; want %d", v, store.SchemaVersion())
	}

	newer := uint64(store.SchemaVersion() + 1)
	coreRaw(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), coreKey(newer))
	})
	for _, ro := range []bool{false, true} {
		db, err := store.Open(path, store.Options{ReadOnly: ro})
		if err == nil {
			db.Close()
			t.Fatalf("read-only=%v: opened a database with schema version %d", ro, newer)
		}
		msg := err.Error()
		if !strings.Contains(msg, fmt.Sprintf("schema version %d", newer)) || !strings.Contains(msg, "helpdesk") {
			t.Errorf("read-only=%v: %q does not name the version found", ro, msg)
		}
		if !ro && (!strings.Contains(msg, "newer than this helpdesk understands") || !strings.Contains(msg, "use a newer helpdesk")) {
			t.Errorf("refusal %q does not say the file is newer and what to do", msg)
		}
	}
	if v := coreSchema(t, path); v != newer {
		t.Errorf("a refused open changed the schema version to %d", v)
	}
	// The file still opens for nobody, but it is not damaged: put the
	// version back and it opens.
	coreRaw(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), coreKey(uint64(store.SchemaVersion())))
	})
	coreCheck(t, coreOpen(t, path))
}

// Migrations run from nothing: a bbolt file without any bucket comes out
// with every bucket and the current version. A zero-byte file is refused,
// never initialised over. A read-only open does not migrate and says how to.
func TestMigrationsCreateEveryBucket(t *testing.T) {
	t.Run("empty file", func(t *testing.T) {
		path := corePath(t)
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, ro := range []bool{false, true} {
			db, err := store.Open(path, store.Options{ReadOnly: ro})
			var damaged *store.DamagedError
			if !errors.As(err, &damaged) || !strings.Contains(err.Error(), "the file is empty") {
				if err == nil {
					db.Close()
				}
				t.Fatalf("open a zero-byte file (read-only %v): %v; want it refused as empty", ro, err)
			}
		}
		if info, err := os.Stat(path); err != nil || info.Size() != 0 {
			t.Errorf("the refused file was changed: %v %v", info.Size(), err)
		}
	})
	t.Run("bbolt file of version 0", func(t *testing.T) {
		path := corePath(t)
		coreRaw(t, path, func(tx *bolt.Tx) error { return nil })
		db, err := store.Open(path, store.Options{ReadOnly: true})
		if err == nil {
			db.Close()
			t.Fatal("a read-only open accepted a file that needs migrating")
		} else if !strings.Contains(err.Error(), "schema version 0") || !strings.Contains(err.Error(), "open it once read-write to migrate") {
			t.Errorf("read-only open of version 0: %q", err)
		}
		db, err = store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("migrate: %v", err)
		}
		d := domain.NewDesk(db)
		coreMustUser(t, d, "ann@acme.com", "Ann")
		coreCheck(t, db)
		db.Close()
		coreAssertBuckets(t, path)
		// Opening again migrates nothing and keeps the data.
		db = coreOpen(t, path)
		if _, err := domain.NewDesk(db).UserByEmail("ANN@acme.com"); err != nil {
			t.Errorf("after a second open: %v", err)
		}
	})
}

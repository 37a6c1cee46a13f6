package store_test

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
	"helpdesk/store"
)

// Helpers shared by the core store tests and benchmarks. Their names start
// with "core" so they cannot collide with other test files of this package.

var coreAgent = domain.Actor{Name: "tester@desk"}

// coreBuckets are the buckets DESIGN.md and doc.go promise.
var coreBuckets = []string{
	"meta", "users", "users_by_email", "orgs", "orgs_by_name", "org_domains",
	"org_members", "audit", "audit_by_subject", "templates", "outbox",
	"outbox_queue", "tokens", "agents", "agent_keys",
}

// corePath is a fresh database path in the test's own temp dir.
func corePath(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "desk.db")
}

// coreOpen opens (creating) a store and closes it when the test ends.
func coreOpen(t testing.TB, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(path), err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// coreCheck asserts that store.Check finds nothing wrong.
func coreCheck(t testing.TB, db *store.DB) {
	t.Helper()
	problems, err := db.Check(context.Background())
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if len(problems) > 0 {
		var b strings.Builder
		for i, p := range problems {
			if i == 20 {
				b.WriteString("\n  ...")
				break
			}
			b.WriteString("\n  " + string(p))
		}
		t.Fatalf("check found %d problems:%s", len(problems), b.String())
	}
}

// coreMustUser creates a user through the desk.
func coreMustUser(t testing.TB, d *domain.Desk, email, name string) domain.User {
	t.Helper()
	u, err := d.CreateUser(coreAgent, domain.UserInput{Email: email, Name: name})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// coreAllUsers lists every user in id order.
func coreAllUsers(t testing.TB, d *domain.Desk) []domain.User {
	t.Helper()
	us, next, err := d.Users(domain.UserFilter{}, 0, 0)
	if err != nil || next != 0 {
		t.Fatalf("list users: next %d, %v", next, err)
	}
	return us
}

// coreTotal sums the stored per-state user counters.
func coreTotal(t testing.TB, d *domain.Desk) int {
	t.Helper()
	m, err := d.UserCounts()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

// coreRaw opens the file with bbolt directly, to look at or damage what the
// store wrote. The store must be closed.
func coreRaw(t testing.TB, path string, fn func(*bolt.Tx) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatalf("bbolt open: %v", err)
	}
	defer b.Close()
	if err := b.Update(fn); err != nil {
		t.Fatalf("bbolt update: %v", err)
	}
}

func coreU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func coreKey(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

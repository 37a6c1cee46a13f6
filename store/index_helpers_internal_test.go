package store

import (
	"context"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Helpers of the tests of later indexes: a file taken back to the version
// before its migration, and a salvaged copy.

// asVersion makes an open file look like one of an older schema version:
// the buckets that version did not have are dropped and meta/schema set,
// so the next read-write Open runs the later migrations on it.
func asVersion(btx *bolt.Tx, version uint64, buckets ...[]byte) error {
	for _, b := range buckets {
		if err := btx.DeleteBucket(b); err != nil {
			return err
		}
	}
	return btx.Bucket(bucketMeta).Put(keySchema, itob(version))
}

// salvageOpen salvages path into out and opens the result (closed when the
// test ends), failing the test if either step fails.
func salvageOpen(t *testing.T, path, out string) (*DB, SalvageReport) {
	t.Helper()
	rep, err := Salvage(context.Background(), path, out)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, rep
}

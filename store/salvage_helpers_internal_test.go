package store

import (
	"context"
	"testing"
)

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

package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the database to path while the desk
// keeps serving: one read transaction sees a fixed snapshot. The copy is
// written beside the target and renamed into place, so a failed backup never
// leaves a half file under the name asked for.
func (db *DB) Backup(path string) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, fmt.Errorf("create backup file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename this is a no-op
	var n int64
	err = db.guard(func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			var err error
			n, err = tx.WriteTo(tmp)
			return err
		})
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("write backup %s: %w", path, err)
	}
	return n, nil
}

// WriteTo streams a consistent copy of the database to w.
func (db *DB) WriteTo(w io.Writer) (int64, error) {
	var n int64
	err := db.guard(func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			var err error
			n, err = tx.WriteTo(w)
			return err
		})
	})
	return n, err
}

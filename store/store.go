package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"helpdesk/domain"
)

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("database in use by another helpdesk process; connect with ssh or stop it")

// Options tune Open.
type Options struct {
	// LockTimeout is how long to wait for another process to let go of the
	// file; zero means one second.
	LockTimeout time.Duration
	// ReadOnly opens for reading only (backup, check, export).
	ReadOnly bool
	// NoSync skips fsync: only for benchmarks of non-durable loads.
	NoSync bool
}

// DB is the bbolt-backed store.
type DB struct {
	bolt *bolt.DB
	path string
	// broken is set once a read faulted or bbolt panicked: every later
	// call returns it.
	broken atomic.Pointer[DamagedError]
}

var _ domain.Store = (*DB)(nil)

// Open opens (creating if needed) the database file, with mode 0600 in a
// folder of mode 0700, migrates it to the current schema and rolls back an
// import that a crash cut short. An empty or truncated file is refused
// with a DamagedError, never initialised over; so is a file whose reading
// faults or makes bbolt panic.
func Open(path string, opts Options) (db *DB, err error) {
	if err := checkFileShape(path); err != nil {
		return nil, err
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create the database folder: %w", err)
		}
	}
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	// The free list is read at open in both modes, so that a damaged one
	// shows here, on this goroutine, and not in bbolt's own check goroutine.
	var b *bolt.DB
	what, damaged := recoverDamage(func() {
		b, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: opts.ReadOnly, NoSync: opts.NoSync, PreLoadFreelist: true})
	})
	if damaged {
		return nil, &DamagedError{Path: path, What: what}
	}
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	if d := boltDamage(path, err); d != nil {
		return nil, d
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db = &DB{bolt: b, path: path}
	if err := db.checkRoot(); err != nil {
		b.Close()
		return nil, err
	}
	if opts.ReadOnly {
		if err := db.guard(db.checkSchemaReadOnly); err != nil {
			b.Close()
			return nil, err
		}
		return db, nil
	}
	if err := db.guard(db.migrate); err != nil {
		b.Close()
		return nil, err
	}
	if err := db.guard(db.recoverImport); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close releases the file.
func (db *DB) Close() error { return db.bolt.Close() }

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(domain.Tx) error) error {
	return db.guard(func() error {
		return db.bolt.View(func(btx *bolt.Tx) error { return fn(&tx{btx: btx}) })
	})
}

// Update runs fn in a read-write transaction, committed only if fn returns
// nil.
func (db *DB) Update(fn func(domain.Tx) error) error {
	return db.guard(func() error {
		return db.bolt.Update(func(btx *bolt.Tx) error { return fn(&tx{btx: btx}) })
	})
}

// tx implements domain.Tx over one bbolt transaction.
type tx struct {
	btx *bolt.Tx
}

func (t *tx) bucket(name []byte) *bolt.Bucket {
	b := t.btx.Bucket(name)
	if b == nil {
		// Migrations create every bucket at open; a missing one is a damaged
		// file, which check reports.
		panic(missingBucket(name))
	}
	return b
}

// checkRoot refuses a file whose root bucket or bucket headers are damaged,
// before any cursor follows them.
func (db *DB) checkRoot() error {
	var broken []string
	err := db.bolt.View(func(btx *bolt.Tx) error {
		var err error
		broken, err = walkPages(db.path, btx, true)
		return err
	})
	if err != nil {
		return fmt.Errorf("open database %s: %w", db.path, err)
	}
	if len(broken) > 0 {
		return &DamagedError{Path: db.path, What: broken[0]}
	}
	return nil
}

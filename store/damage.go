package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	berrors "go.etcd.io/bbolt/errors"
)

// DamagedError says the database file holds bytes that neither bbolt nor
// the store wrote: a fault while reading the mapped file, a bbolt panic on a
// damaged page, a missing bucket, a record whose checksum fails, or a file
// that is empty or shorter than its header says.
type DamagedError struct {
	Path string // the database file
	What string // what is damaged
}

func (e *DamagedError) Error() string {
	if e.Path == "" {
		// Raised below the store's boundary, which names the file.
		return fmt.Sprintf("the database is damaged (%s): run `helpdesk check`, then restore the last backup or copy what is intact with `helpdesk salvage FILE OUT`", e.What)
	}
	return fmt.Sprintf("database %s is damaged (%s): run `helpdesk check`, then restore the last backup or copy what is intact with `helpdesk salvage %s OUT`", e.Path, e.What, e.Path)
}

// missingBucket is the panic of tx.bucket for a bucket the migrations
// should have created: the file is damaged.
type missingBucket string

// guard runs fn with faults on this goroutine turned into panics, and turns
// a fault, a panic raised inside bbolt or a missing bucket into a
// DamagedError. The DB refuses every later call once that happened: bbolt's
// state after a panic in the middle of a read is not to be trusted. Other
// panics (bugs of the caller's own code) go on unchanged.
func (db *DB) guard(fn func() error) (err error) {
	if d := db.broken.Load(); d != nil {
		return d
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		what, ok := damageOf(r)
		if !ok {
			panic(r)
		}
		d := &DamagedError{Path: db.path, What: what}
		db.broken.Store(d)
		err = d
	}()
	err = fn()
	return db.named(err)
}

// named fills in the file of a DamagedError raised below the boundary
// (decode does not know which file it reads).
func (db *DB) named(err error) error {
	var d *DamagedError
	if errors.As(err, &d) && d.Path == "" {
		d.Path = db.path
	}
	return err
}

// recoverDamage runs fn on this goroutine with faults turned into panics
// and reports a fault, a bbolt panic or a missing bucket as what was
// damaged; other panics go on.
func recoverDamage(fn func()) (what string, damaged bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if what, damaged = damageOf(r); !damaged {
				panic(r)
			}
		}
	}()
	fn()
	return "", false
}

// damageOf decides whether a recovered panic value means a damaged file.
// It must be called from the deferred function that recovered, while the
// panicking frames are still on the stack.
func damageOf(r any) (string, bool) {
	if m, ok := r.(missingBucket); ok {
		return fmt.Sprintf("bucket %s is missing", string(m)), true
	}
	if re, ok := r.(interface{ Addr() uintptr }); ok {
		if _, isRuntime := r.(runtime.Error); isRuntime {
			return fmt.Sprintf("reading the file faulted at address %#x", re.Addr()), true
		}
	}
	if panickedInBbolt() {
		return fmt.Sprintf("bbolt: %v", r), true
	}
	return "", false
}

// panickedInBbolt reports whether the frame that raised the current panic
// (the first one below runtime.gopanic that is not the runtime's own) is
// bbolt's code.
func panickedInBbolt() bool {
	pcs := make([]uintptr, 256)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	inPanic := false
	for {
		f, more := frames.Next()
		if !inPanic {
			inPanic = f.Function == "runtime.gopanic"
		} else if !strings.HasPrefix(f.Function, "runtime.") {
			return strings.HasPrefix(f.Function, "go.etcd.io/bbolt")
		}
		if !more {
			return false
		}
	}
}

// bbolt's meta page, as it lays it out (native byte order) after the
// 16-byte page header.
const (
	pageHeaderSize = 16
	metaSize       = 64
	metaMagic      = 0xED0CDAED
)

type metaPage struct {
	pageSize uint32
	freelist uint64
	pgid     uint64 // high water mark: pages [0, pgid) are in use
	txid     uint64
}

// readMeta parses one meta page; ok is false when it is not a valid one.
func readMeta(b []byte) (m metaPage, ok bool) {
	if len(b) < pageHeaderSize+metaSize {
		return m, false
	}
	b = b[pageHeaderSize : pageHeaderSize+metaSize]
	e := binary.NativeEndian
	if e.Uint32(b[0:]) != metaMagic || e.Uint32(b[4:]) != 2 {
		return m, false
	}
	h := fnv.New64a()
	h.Write(b[:56])
	if h.Sum64() != e.Uint64(b[56:]) {
		return m, false
	}
	m = metaPage{pageSize: e.Uint32(b[8:]), freelist: e.Uint64(b[32:]), pgid: e.Uint64(b[40:]), txid: e.Uint64(b[48:])}
	return m, m.pageSize >= 512 && m.pageSize&(m.pageSize-1) == 0
}

// checkFileShape refuses, before bbolt maps it, a file that bbolt would
// initialise over (empty) or whose pages its header points at are not all
// there (truncated). A file that does not exist is fine: Open creates it.
func checkFileShape(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	size := info.Size()
	if size == 0 {
		return &DamagedError{Path: path, What: "the file is empty"}
	}
	head := make([]byte, 2*65536)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return fmt.Errorf("read database %s: %w", path, err)
	}
	head = head[:n]
	best, found := readMeta(head)
	// The second meta page sits one page further on: try the page size the
	// first one names, then the usual sizes.
	for _, ps := range []int{int(best.pageSize), 4096, 8192, 16384, 65536} {
		if ps <= 0 || ps >= len(head) {
			continue
		}
		if m, ok := readMeta(head[ps:]); ok && int(m.pageSize) == ps && (!found || m.txid > best.txid) {
			best, found = m, true
			break
		}
	}
	if !found {
		return &DamagedError{Path: path, What: "neither of its two header pages is valid"}
	}
	if size%int64(best.pageSize) != 0 {
		return &DamagedError{Path: path, What: fmt.Sprintf("its size, %d bytes, is not a whole number of %d-byte pages: it was cut short", size, best.pageSize)}
	}
	if need := int64(best.pgid) * int64(best.pageSize); size < need {
		return &DamagedError{Path: path, What: fmt.Sprintf("it is %d bytes but its header needs %d: it was cut short", size, need)}
	}
	return nil
}

// boltDamage turns bbolt's errors about an invalid file into a
// DamagedError.
func boltDamage(path string, err error) error {
	for _, e := range []error{berrors.ErrInvalid, berrors.ErrChecksum, berrors.ErrVersionMismatch, berrors.ErrInvalidMapping} {
		if errors.Is(err, e) {
			return &DamagedError{Path: path, What: "bbolt: " + err.Error()}
		}
	}
	return nil
}

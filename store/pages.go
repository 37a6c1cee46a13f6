package store

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
)

// bbolt's page layout (native byte order): a 16-byte header (id u64, flags
// u16, count u16, overflow u32), then count 16-byte elements. A branch
// element is pos u32, ksize u32, child pgid u64; a leaf element is flags
// u32, pos u32, ksize u32, vsize u32; pos counts from the element itself.
// A leaf element with flag 0x01 is a bucket: its value is the bucket's root
// pgid u64 and sequence u64, followed, when the root is 0, by the bucket's
// one page inline.
const (
	pageBranch    = 0x01
	pageLeaf      = 0x02
	leafIsBucket  = 0x01
	elementSize   = 16
	bucketHdrSize = 16
)

// pageWalker checks, reading the file itself rather than bbolt's mapping
// (so a damaged page cannot fault), that every page reachable from a root
// is a branch or leaf page where its parent says, within the pages in use,
// and that each of its elements lies inside it. bbolt's own check reads
// them all on a goroutine of its own, where a bad offset is a crash that
// cannot be recovered: it runs only on pages this walk passed.
type pageWalker struct {
	f        io.ReaderAt
	pageSize uint64
	highMark uint64 // pages [0, highMark) are in use
	seen     map[uint64]bool
	problems []string
	// shallow stops at the root page of each bucket of the root bucket:
	// Open checks that much, so that a damaged bucket header is refused
	// before a cursor follows it.
	shallow bool
	// leaf, when set, is given every key and value of a leaf element that
	// lies inside its page, with the name of the top-level bucket holding
	// it; bucket, every top-level bucket's name and sequence.
	leaf   func(bucket, k, v []byte)
	bucket func(name []byte, seq uint64)
}

func (w *pageWalker) bad(format string, args ...any) {
	if len(w.problems) < 100 {
		w.problems = append(w.problems, fmt.Sprintf(format, args...))
	}
}

// walkPages checks the pages of one read transaction: all of them, or
// (shallow) the root bucket's and the root page of each bucket in it.
func walkPages(path string, btx *bolt.Tx, shallow bool) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ps := uint64(btx.DB().Info().PageSize)
	w := &pageWalker{f: f, pageSize: ps, highMark: uint64(btx.Size()) / ps, seen: map[uint64]bool{}, shallow: shallow}
	w.special(btx)
	w.page(uint64(btx.Cursor().Bucket().Root()), "the root bucket", 0, 0, nil)
	return w.problems, nil
}

// special checks the headers of the pages bbolt's check reads besides the
// trees: the two meta pages and the free list of the transaction's meta.
func (w *pageWalker) special(btx *bolt.Tx) {
	const metaFlag, freelistFlag, noFreelist = 0x04, 0x10, ^uint64(0)
	freelist := noFreelist
	for id := uint64(0); id < 2; id++ {
		buf := make([]byte, w.pageSize)
		if _, err := w.f.ReadAt(buf, int64(id*w.pageSize)); err != nil {
			w.bad("meta page %d cannot be read: %v", id, err)
			continue
		}
		e := binary.NativeEndian
		if e.Uint64(buf) != id || e.Uint16(buf[8:]) != metaFlag {
			w.bad("meta page %d: its page header is damaged", id)
		}
		if m, ok := readMeta(buf); ok && m.txid == uint64(btx.ID()) {
			freelist = m.freelist
		}
	}
	if freelist == noFreelist {
		return
	}
	head := make([]byte, 16)
	e := binary.NativeEndian
	if freelist < 2 || freelist >= w.highMark {
		w.bad("the free list's page %d is outside the pages in use", freelist)
	} else if _, err := w.f.ReadAt(head, int64(freelist*w.pageSize)); err != nil {
		w.bad("the free list's page %d cannot be read: %v", freelist, err)
	} else if e.Uint64(head) != freelist || e.Uint16(head[8:]) != freelistFlag || freelist+uint64(e.Uint32(head[12:])) >= w.highMark {
		w.bad("the free list's page %d is damaged", freelist)
	} else {
		w.seen[freelist] = true
	}
}

func (w *pageWalker) page(id uint64, where string, depth, level int, bucket []byte) {
	if depth > 64 {
		w.bad("page %d (%s): the tree is deeper than any bbolt writes", id, where)
		return
	}
	if id < 2 || id >= w.highMark {
		w.bad("page %d (%s): outside the pages in use (2 to %d)", id, where, w.highMark-1)
		return
	}
	if w.seen[id] {
		w.bad("page %d (%s): reached twice", id, where)
		return
	}
	w.seen[id] = true
	head := make([]byte, 16)
	if _, err := w.f.ReadAt(head, int64(id*w.pageSize)); err != nil {
		w.bad("page %d (%s): cannot be read: %v", id, where, err)
		return
	}
	e := binary.NativeEndian
	if got := e.Uint64(head); got != id {
		w.bad("page %d (%s): says it is page %d", id, where, got)
		return
	}
	overflow := uint64(e.Uint32(head[12:]))
	if id+overflow >= w.highMark {
		w.bad("page %d (%s): its %d overflow pages run past the pages in use", id, where, overflow)
		return
	}
	if flags := e.Uint16(head[8:]); flags != pageBranch && flags != pageLeaf {
		w.bad("page %d (%s): neither a branch nor a leaf (flags %#x)", id, where, flags)
		return
	}
	if w.shallow && level > 0 {
		return
	}
	buf := make([]byte, (overflow+1)*w.pageSize)
	if _, err := w.f.ReadAt(buf, int64(id*w.pageSize)); err != nil {
		w.bad("page %d (%s): cannot be read: %v", id, where, err)
		return
	}
	w.elements(buf, id, where, depth, level, bucket)
}

// elements checks the elements of one page (buf is all of it) and walks on
// to its children and buckets.
func (w *pageWalker) elements(buf []byte, id uint64, where string, depth, level int, bucket []byte) {
	e := binary.NativeEndian
	flags, count := e.Uint16(buf[8:]), uint64(e.Uint16(buf[10:]))
	size := uint64(len(buf))
	if flags != pageBranch && flags != pageLeaf {
		w.bad("page %d (%s): neither a branch nor a leaf (flags %#x)", id, where, flags)
		return
	}
	if flags == pageBranch && count == 0 {
		w.bad("page %d (%s): a branch with no elements", id, where)
		return
	}
	if 16+count*elementSize > size {
		w.bad("page %d (%s): %d elements do not fit in it", id, where, count)
		return
	}
	for i := range count {
		off := 16 + i*elementSize
		el := buf[off : off+elementSize]
		if flags == pageBranch {
			pos, ksize := uint64(e.Uint32(el)), uint64(e.Uint32(el[4:]))
			if off+pos+ksize > size {
				w.bad("page %d (%s): element %d points outside the page", id, where, i)
				continue
			}
			w.page(e.Uint64(el[8:]), where, depth+1, level, bucket)
			continue
		}
		lflags, pos, ksize, vsize := e.Uint32(el), uint64(e.Uint32(el[4:])), uint64(e.Uint32(el[8:])), uint64(e.Uint32(el[12:]))
		if off+pos+ksize+vsize > size {
			w.bad("page %d (%s): element %d points outside the page", id, where, i)
			continue
		}
		key := buf[off+pos : off+pos+ksize]
		v := buf[off+pos+ksize : off+pos+ksize+vsize]
		if lflags&leafIsBucket == 0 {
			if w.leaf != nil && level > 0 {
				w.leaf(bucket, key, v)
			}
			continue
		}
		subBucket := bucket
		if level == 0 {
			subBucket = key
			if w.bucket != nil && vsize >= bucketHdrSize {
				w.bucket(key, e.Uint64(v[8:]))
			}
		}
		sub := fmt.Sprintf("bucket %s", keyName(key))
		if vsize < bucketHdrSize {
			w.bad("page %d (%s): %s has a header of %d bytes", id, where, sub, vsize)
			continue
		}
		if root := e.Uint64(v); root != 0 {
			w.page(root, sub, depth+1, level+1, subBucket)
		} else if len(v) < bucketHdrSize+16 {
			w.bad("page %d (%s): %s is inline but holds no page", id, where, sub)
		} else {
			w.elements(v[bucketHdrSize:], id, sub+" (inline)", depth+1, level+1, subBucket)
		}
	}
}

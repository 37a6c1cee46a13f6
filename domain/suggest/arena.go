package suggest

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sort"
)

// base is an immutable, sorted snapshot of the emails. All emails live in
// one byte arena addressed by offsets: at a million users that is three
// allocations instead of a million strings, which keeps the heap small and
// gives the garbage collector almost nothing to scan.
type base struct {
	arena []byte
	offs  []uint32 // len n+1; email i is arena[offs[i]:offs[i+1]]
	ids   []uint64

	// near is nil until the background build has finished for this base.
	// It is written once, under Index.mu, and read under Index.mu.
	near *nearIndex
}

func (b *base) len() int { return len(b.ids) }

// email returns email i as a view into the arena; callers must not keep it
// past the base's life or modify it.
func (b *base) email(i int) []byte {
	return b.arena[b.offs[i]:b.offs[i+1]:b.offs[i+1]]
}

// lowerBound returns the first index whose email is >= q.
func (b *base) lowerBound(q []byte) int {
	return sort.Search(b.len(), func(i int) bool { return bytes.Compare(b.email(i), q) >= 0 })
}

// find returns the index of q if it is in the base.
func (b *base) find(q []byte) (int, bool) {
	i := b.lowerBound(q)
	return i, i < b.len() && bytes.Equal(b.email(i), q)
}

// prefixRange returns [lo, hi): the emails that start with q. They are
// contiguous because the arena is sorted.
func (b *base) prefixRange(q []byte) (int, int) {
	lo := b.lowerBound(q)
	hi := lo + sort.Search(b.len()-lo, func(i int) bool { return !bytes.HasPrefix(b.email(lo+i), q) })
	return lo, hi
}

// builder copies emails into an arena as they stream in from the store.
// The store hands out memory that is only valid during the callback, so
// copying is mandatory. The count is not known in advance, so everything
// goes into fixed-size chunks first and is joined once at the end: growing
// one slice by append would copy the arena several times over and leave up
// to a quarter of it unused, and the garbage those copies make costs the
// console extra collections right when it starts.
type builder struct {
	arena    chunks[byte]
	offs     chunks[uint32] // end offset of each email
	ids      chunks[uint64]
	size     uint64 // bytes in arena
	last     []byte // the previous email, a view into the arena chunk (or lastBuf)
	lastBuf  []byte // holds the previous email when it straddles two chunks
	unsorted bool   // input was not strictly ascending: sort and dedupe at the end
}

// chunks is an append-only sequence stored in fixed-size blocks.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

// chunkLen is the number of values per block: 64 KiB of arena, 512 KiB of
// ids; a few hundred blocks at a million emails.
const chunkLen = 1 << 16

func (c *chunks[T]) appendOne(v T) {
	if len(c.cur) == cap(c.cur) {
		c.grow()
	}
	c.cur = append(c.cur, v)
	c.n++
}

// appendMany appends vs and returns where they landed when contiguous
// (nil when they straddle two blocks).
func (c *chunks[T]) appendMany(vs []T) []T {
	start := len(c.cur)
	if cap(c.cur)-len(c.cur) >= len(vs) {
		c.cur = append(c.cur, vs...)
		c.n += len(vs)
		return c.cur[start:len(c.cur):len(c.cur)]
	}
	for len(vs) > 0 {
		if len(c.cur) == cap(c.cur) {
			c.grow()
		}
		k := copy(c.cur[len(c.cur):cap(c.cur)], vs)
		c.cur = c.cur[:len(c.cur)+k]
		c.n += k
		vs = vs[k:]
	}
	return nil
}

func (c *chunks[T]) grow() {
	if c.cur != nil {
		c.full = append(c.full, c.cur)
	}
	c.cur = make([]T, 0, chunkLen)
}

// join returns prefix followed by the values, in one slice of exactly the
// right size.
func (c *chunks[T]) join(prefix ...T) []T {
	out := make([]T, 0, len(prefix)+c.n)
	out = append(out, prefix...)
	for _, b := range c.full {
		out = append(out, b...)
	}
	return append(out, c.cur...)
}

func (bb *builder) add(email []byte, id uint64) {
	if bb.ids.n > 0 && !bb.unsorted && bytes.Compare(bb.last, email) >= 0 {
		bb.unsorted = true
	}
	if bb.size+uint64(len(email)) > math.MaxUint32 {
		// Offsets are 32-bit to halve their cost; 4 GiB of addresses is
		// far beyond any desk this index is meant for.
		panic(fmt.Sprintf("suggest: email arena would exceed 4 GiB at %d emails", bb.ids.n))
	}
	if bb.last = bb.arena.appendMany(email); bb.last == nil {
		bb.lastBuf = append(bb.lastBuf[:0], email...)
		bb.last = bb.lastBuf
	}
	bb.size += uint64(len(email))
	bb.offs.appendOne(uint32(bb.size))
	bb.ids.appendOne(id)
}

func (bb *builder) finish() *base {
	b := &base{arena: bb.arena.join(), offs: bb.offs.join(0), ids: bb.ids.join()}
	if bb.unsorted {
		return sortBase(b)
	}
	return b
}

// sortBase orders a base built from unsorted input and drops repeated
// emails, keeping the last id seen (the latest write wins, as in the store).
// The store's cursor yields sorted keys, so this is only a safety net.
func sortBase(b *base) *base {
	n := b.len()
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return bytes.Compare(b.email(x), b.email(y)) })
	var out builder
	for k, i := range order {
		if k+1 < n && bytes.Equal(b.email(i), b.email(order[k+1])) {
			continue
		}
		out.add(b.email(i), b.ids[i])
	}
	return out.finish()
}

// mergeBase builds the next base from the old one minus its tombstones plus
// the sorted additions, in one sorted pass: no re-sorting is needed.
func mergeBase(old *base, dead []uint64, adds []entry) *base {
	var bb builder
	n := old.len()
	i, j := 0, 0
	for i < n || j < len(adds) {
		if i < n && bitSet(dead, i) {
			i++
			continue
		}
		if j < len(adds) && (i >= n || bytes.Compare([]byte(adds[j].email), old.email(i)) < 0) {
			bb.add([]byte(adds[j].email), adds[j].id)
			j++
			continue
		}
		bb.add(old.email(i), old.ids[i])
		i++
	}
	return bb.finish()
}

package suggest

import (
	"slices"
	"strings"
)

// entry is one email added since the base was built.
type entry struct {
	email string
	id    uint64
	skel  uint64 // skelHash of the local part
}

// delta holds the changes made since the base was built: additions in a
// small sorted slice and deletions as a bitset over the base. Both are cheap
// to update (a memmove of a few thousand entries at most, a bit flip) and
// every query consults them, so a commit is visible to the very next
// keystroke. When the delta grows past Index.mergeAt it is folded into a new
// base in the background.
//
// Invariant: an email is live in at most one place, either in the base with
// its bit clear or in adds.
type delta struct {
	adds  []entry
	dead  []uint64 // bit i set: base email i was deleted or replaced
	ndead int
}

func (d *delta) reset(baseLen int) {
	d.adds = nil
	d.dead = make([]uint64, (baseLen+63)/64)
	d.ndead = 0
}

// size is how much work queries spend on the delta; it drives merging.
func (d *delta) size() int { return len(d.adds) + d.ndead }

func bitSet(bits []uint64, i int) bool { return bits[i>>6]&(1<<(i&63)) != 0 }

func (d *delta) isDead(i int) bool { return bitSet(d.dead, i) }

func (d *delta) kill(i int) {
	if !d.isDead(i) {
		d.dead[i>>6] |= 1 << (i & 63)
		d.ndead++
	}
}

func (d *delta) search(email string) (int, bool) {
	return slices.BinarySearchFunc(d.adds, email, func(e entry, t string) int { return strings.Compare(e.email, t) })
}

func (d *delta) lookup(email string) (uint64, bool) {
	if i, ok := d.search(email); ok {
		return d.adds[i].id, true
	}
	return 0, false
}

func (d *delta) upsert(email string, id uint64) {
	i, ok := d.search(email)
	if ok {
		d.adds[i].id = id
		return
	}
	local, _ := splitEmail(email)
	d.adds = slices.Insert(d.adds, i, entry{email: strings.Clone(email), id: id, skel: skelHash(local)})
}

func (d *delta) remove(email string) {
	if i, ok := d.search(email); ok {
		d.adds = slices.Delete(d.adds, i, i+1)
	}
}

// prefixRange returns [lo, hi) of the additions starting with q.
func (d *delta) prefixRange(q string) (int, int) {
	lo, _ := d.search(q)
	hi := lo
	for hi < len(d.adds) && strings.HasPrefix(d.adds[hi].email, q) {
		hi++
	}
	return lo, hi
}

package suggest

import (
	"iter"
	"slices"
	"strings"
	"sync"
)

// defaultMergeAt is the delta size (additions plus deletions) at which the
// delta is folded into a new base. Queries scan the delta linearly for near
// and fuzzy matches, so it must stay small: at a thousand pending changes a
// keystroke's median grows by about 15 µs at a million addresses, and at
// four thousand by about 45 µs. Merging rebuilds everything in the
// background, about half a second of one core, so it must not happen
// often; a thousand changes is days of sign-ups on a busy desk.
const defaultMergeAt = 1024

// Index answers "which existing users look like this email?" for every
// session of the console. It is safe for concurrent use: queries share a
// read lock, and Put and Delete take the write lock only for a small sorted
// insert or a bit flip. Create one with Build (Build(nil) for an empty
// desk); the zero value is not usable.
type Index struct {
	mu    sync.RWMutex
	base  *base
	delta delta

	// building is closed when the running background build (the first
	// near build, or a merge) ends; nil when none runs.
	building chan struct{}
	// merging is true while a merge runs; changes made meanwhile are also
	// logged in oplog, to be replayed on the merged base.
	merging bool
	oplog   []op

	mergeAt int
	// gate, when set by tests, holds background builds until closed, so
	// the pending state can be observed without sleeping.
	gate <-chan struct{}
}

// op is one change, kept while a merge runs.
type op struct {
	email string
	id    uint64
	del   bool
}

// Build indexes emails given in ascending byte order, as a cursor over the
// store's email index yields them. The []byte passed to the sequence is
// copied, since the store's memory is only valid during the callback.
// Unsorted or repeated input is tolerated (sorted here, last id wins), only
// slower.
//
// Exact and prefix queries work as soon as Build returns. Near and fuzzy
// matches need more structures, built in a background goroutine: until they
// are ready, results carry NearPending.
func Build(seq iter.Seq2[[]byte, uint64]) *Index {
	return build(seq, nil, defaultMergeAt)
}

func build(seq iter.Seq2[[]byte, uint64], gate <-chan struct{}, mergeAt int) *Index {
	var bb builder
	if seq != nil {
		for email, id := range seq {
			bb.add(email, id)
		}
	}
	b := bb.finish()
	ix := &Index{base: b, mergeAt: mergeAt, gate: gate}
	ix.delta.reset(b.len())
	ix.mu.Lock()
	ix.startNear(b)
	ix.mu.Unlock()
	return ix
}

// startNear builds b's near structures in the background. mu must be held.
func (ix *Index) startNear(b *base) {
	done := make(chan struct{})
	ix.building = done
	gate := ix.gate
	go func() {
		if gate != nil {
			<-gate
		}
		n := buildNear(b)
		ix.mu.Lock()
		b.near = n
		ix.building = nil
		ix.maybeMerge()
		ix.mu.Unlock()
		close(done)
	}()
}

// maybeMerge starts folding the delta into a new base when it has grown
// too large. mu must be held. The merge builds the new base and its near
// structures off the lock, so queries and changes go on meanwhile; the
// changes made during the merge are replayed onto the new base when it is
// swapped in.
func (ix *Index) maybeMerge() {
	if ix.building != nil || ix.delta.size() < ix.mergeAt {
		return
	}
	old := ix.base
	dead := slices.Clone(ix.delta.dead)
	adds := slices.Clone(ix.delta.adds)
	ix.merging = true
	ix.oplog = nil
	done := make(chan struct{})
	ix.building = done
	gate := ix.gate
	go func() {
		if gate != nil {
			<-gate
		}
		nb := mergeBase(old, dead, adds)
		nb.near = buildNear(nb)
		ix.mu.Lock()
		ix.base = nb
		ix.delta.reset(nb.len())
		ix.merging = false
		for _, o := range ix.oplog {
			ix.apply(o)
		}
		ix.oplog = nil
		ix.building = nil
		ix.maybeMerge()
		ix.mu.Unlock()
		close(done)
	}()
}

// Put records that a user with this email exists: it was created, or its
// email was changed to this one (call Delete for the old address too). The
// email must be normalized like Build's input. The change is visible to the
// next Query.
func (ix *Index) Put(email string, id uint64) {
	ix.change(op{email: email, id: id})
}

// Delete records that an email no longer exists: the user was deleted or
// changed address. The change is visible to the next Query.
func (ix *Index) Delete(email string) {
	ix.change(op{email: email, del: true})
}

func (ix *Index) change(o op) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.merging {
		// The log outlives the call; the caller's string may sit over
		// memory it reuses.
		o.email = strings.Clone(o.email)
		ix.oplog = append(ix.oplog, o)
	}
	ix.apply(o)
	ix.maybeMerge()
}

// apply performs one change on base plus delta. mu must be held.
func (ix *Index) apply(o op) {
	b := ix.base
	i, inBase := b.find([]byte(o.email))
	inBase = inBase && !ix.delta.isDead(i)
	if o.del {
		ix.delta.remove(o.email)
		if inBase {
			ix.delta.kill(i)
		}
		return
	}
	if inBase {
		if b.ids[i] == o.id {
			return
		}
		ix.delta.kill(i)
	}
	ix.delta.upsert(o.email, o.id)
}

// Lookup returns the id of the user with exactly this (normalized) email.
func (ix *Index) Lookup(email string) (uint64, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.lookup(email)
}

func (ix *Index) lookup(email string) (uint64, bool) {
	if i, ok := ix.base.find([]byte(email)); ok && !ix.delta.isDead(i) {
		return ix.base.ids[i], true
	}
	return ix.delta.lookup(email)
}

// Len returns the number of emails currently indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.base.len() - ix.delta.ndead + len(ix.delta.adds)
}

// WaitNear blocks until no background build is running, so near and fuzzy
// matches are available. The console never needs it (it shows NearPending
// instead); tests and command-line tools do.
func (ix *Index) WaitNear() {
	for {
		ix.mu.RLock()
		ch := ix.building
		ix.mu.RUnlock()
		if ch == nil {
			return
		}
		<-ch
	}
}

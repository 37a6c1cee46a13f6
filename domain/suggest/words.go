package suggest

import (
	"math/bits"
	"slices"
	"sort"
)

// wordIndex lists every word start of every address, sorted by the text
// that follows it: a suffix array restricted to word starts. Fuzzy search
// uses it to find a small set of addresses that contain a piece of the query
// at a word boundary ("smith" in "jsmith" finds john.smith@...), instead of
// scoring all million addresses.
//
// Words are the runs of a local part split at '.', '_', '-', '+' and at
// letter/digit changes, plus the domain's first label (its TLD and later
// labels would match half the desk). About three per address, five bytes
// each.
type wordIndex struct {
	email []uint32 // base index of the address
	off   []uint8  // byte offset of the word in it (addresses are < 256 bytes)
	// sample holds the key of every sampleEvery-th entry. A search runs
	// on it first (a small array that stays in cache) and then over one
	// block of entries, instead of 22 steps of three scattered loads.
	sample []uint64
}

const sampleEvery = 64

// wordKeyLen is how much of a word's text orders the index: 8 bytes, packed
// big-endian into a uint64, so the build is a radix sort and a lookup
// compares integers. Longer query pieces are checked by the fuzzy scorer.
const wordKeyLen = 8

func pack8[T text](s T) uint64 {
	var k uint64
	for j := range wordKeyLen {
		k <<= 8
		if j < len(s) {
			k |= uint64(s[j])
		}
	}
	return k
}

func isSep(c byte) bool   { return c == '.' || c == '_' || c == '-' || c == '+' || c == '@' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// wordStarts calls f with the offset of each word start of e.
func wordStarts(e []byte, f func(int)) {
	local, _ := splitEmail(e)
	at := len(local)
	for j := 0; j < len(local) && j < 256; j++ {
		c := e[j]
		if isSep(c) {
			continue
		}
		if j == 0 || isSep(e[j-1]) || isDigit(e[j-1]) != isDigit(c) {
			f(j)
		}
	}
	if at < len(e) && at+1 < len(e) && at+1 < 256 {
		f(at + 1)
	}
}

func buildWords(b *base) wordIndex {
	n := b.len()
	keys := make([]uint64, 0, 3*n)
	vals := make([]uint64, 0, 3*n)
	for i := range n {
		e := b.email(i)
		wordStarts(e, func(j int) {
			keys = append(keys, pack8(e[j:]))
			vals = append(vals, uint64(i)<<8|uint64(j))
		})
	}
	radixSort(keys, vals)
	w := wordIndex{email: make([]uint32, len(vals)), off: make([]uint8, len(vals))}
	for k, v := range vals {
		w.email[k] = uint32(v >> 8)
		w.off[k] = uint8(v)
	}
	w.sample = make([]uint64, (len(keys)+sampleEvery-1)/sampleEvery)
	for s := range w.sample {
		w.sample[s] = keys[s*sampleEvery]
	}
	return w
}

func (w *wordIndex) key(b *base, k int) uint64 {
	e := b.email(int(w.email[k]))
	return pack8(e[w.off[k]:])
}

// lowerBound returns the first entry whose key is >= key.
func (w *wordIndex) lowerBound(b *base, key uint64) int {
	// Entries up to sample s-1's are < key, and sample s's is >= key, so
	// the answer is in the block between them.
	s, _ := slices.BinarySearch(w.sample, key)
	if s == 0 {
		return 0
	}
	lo := (s-1)*sampleEvery + 1
	hi := min(s*sampleEvery, len(w.email))
	return lo + sort.Search(hi-lo, func(k int) bool { return w.key(b, lo+k) >= key })
}

// commonBytes is the number of leading bytes two packed keys share, at most
// n.
func commonBytes(x, y uint64, n int) int {
	return min(bits.LeadingZeros64(x^y)/8, n)
}

// anchor is a piece of the query found at word starts: entries [lo, hi)
// start with the k bytes of the query from offset at.
type anchor struct{ lo, hi, k, at int }

// prefixAnchor finds the entries starting with the first k bytes of key.
func (w *wordIndex) prefixAnchor(b *base, key uint64, k, at int) anchor {
	shift := uint(8 * (wordKeyLen - k))
	kmin := key >> shift << shift
	kmax := kmin | (1<<shift - 1)
	lo := w.lowerBound(b, kmin)
	hi := len(w.email)
	if kmax != ^uint64(0) {
		hi = w.lowerBound(b, kmax+1)
	}
	return anchor{lo: lo, hi: hi, k: k, at: at}
}

// maxAnchors bounds the query offsets tried as word starts; each costs three
// binary searches.
const maxAnchors = 16

// candidates visits the base indices of addresses having a word that starts
// with a piece of p, most specific pieces first (longer, then rarer), until
// visit returns false, maxScan entries were visited, or enough reports true
// after a piece's entries are done (later pieces are less specific, so once
// there is enough to choose from they rarely improve the top rows). An
// address may be visited more than once.
func (w *wordIndex) candidates(b *base, p []byte, maxScan int, enough func() bool, visit func(int) bool) {
	n := len(w.email)
	var buf [2 * maxAnchors]anchor
	anchors := buf[:0]
	for at := 0; at+2 <= len(p) && at < maxAnchors; at++ {
		seg := p[at:min(at+wordKeyLen, len(p))]
		key := pack8(seg)
		lb := w.lowerBound(b, key)
		k := 0
		if lb < n {
			k = commonBytes(key, w.key(b, lb), len(seg))
		}
		if lb > 0 {
			k = max(k, commonBytes(key, w.key(b, lb-1), len(seg)))
		}
		if k < 2 {
			continue
		}
		anchors = append(anchors, w.prefixAnchor(b, key, k, at))
		// What the agent typed first is usually how the address begins:
		// "john" should also reach johan.smith through "joh". Shorter
		// pieces from the start are tried after all longer pieces.
		if at == 0 {
			for kk := k - 1; kk >= 2; kk-- {
				anchors = append(anchors, w.prefixAnchor(b, key, kk, at))
			}
		}
	}
	slices.SortFunc(anchors, func(x, y anchor) int {
		if x.k != y.k {
			return y.k - x.k
		}
		if x.hi-x.lo != y.hi-y.lo {
			return (x.hi - x.lo) - (y.hi - y.lo)
		}
		return x.at - y.at
	})
	scanned := 0
	for _, a := range anchors {
		if enough() {
			return
		}
		for i := a.lo; i < a.hi; i++ {
			if scanned >= maxScan {
				return
			}
			scanned++
			if !visit(int(w.email[i])) {
				return
			}
		}
	}
}

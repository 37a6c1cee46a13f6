package suggest

import "math/bits"

// charSet is the set of character kinds in s: one bit per letter and
// digit, other characters hashed onto 28 bits. Two uses:
//
// Edit filter. An edit adds at most one character kind and removes at most
// one, and a transposition changes neither, so two local parts within d
// edits differ by at most d set bits in each direction. Checking that costs
// a few popcounts and rejects almost every address of a large domain
// before any edit distance runs. (Folding digits to save memory was tried:
// it let 30 times more addresses through for names with numbers.)
//
// Fuzzy filter. A query whose set is not within an address's set cannot be
// a subsequence of it.
func charSet[T text](s T) uint64 {
	var set uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			set |= 1 << (c - 'a')
		case c >= '0' && c <= '9':
			set |= 1 << (26 + c - '0')
		default:
			set |= 1 << (36 + c%28)
		}
	}
	return set
}

// sigMayBeWithin is the cheap necessary condition for osa(a, b) <= d given
// their character sets. The first popcount (both directions at once) is a
// weaker form of the same test that rejects most addresses alone.
func sigMayBeWithin(a, b uint64, d int) bool {
	x := a ^ b
	if bits.OnesCount64(x) > 2*d {
		return false
	}
	return bits.OnesCount64(x&a) <= d && bits.OnesCount64(x&b) <= d
}

// bigramSet is the set of adjacent byte pairs of s, hashed onto 64 bits:
// the second, stronger edit filter. An OSA edit destroys at most three
// pairs (a transposition breaks the pair it swaps and its two neighbours),
// so two strings within d edits share at least popcount(set(a)) - 3d bits
// of a's set: removing 3d pairs removes at most 3d bits. Names spelled with
// the same common letters in another order, which pass the character-set
// test, rarely pass this one.
func bigramSet[T text](s T) uint64 {
	var set uint64
	for i := 1; i < len(s); i++ {
		h := (uint64(s[i-1])<<8 | uint64(s[i])) * 0x9e3779b97f4a7c15
		set |= 1 << (h >> 58)
	}
	return set
}

// bigramsMayBeWithin is the bigram filter for osa(a, b) <= d, given a's
// set, how many bits it has, and b's set.
func bigramsMayBeWithin(a uint64, aBits int, b uint64, d int) bool {
	return bits.OnesCount64(a&b) >= aBits-3*d
}

// maxEdits is how many edits a local part of this length may be from
// another and still be called a near duplicate. Short names are only a few
// edits from many unrelated names, so they get fewer.
func maxEdits(localLen int) int {
	switch {
	case localLen < 3:
		return 0
	case localLen < 6:
		return 1
	}
	return 2
}

// osaLimit is the longest local part the edit distance is computed for;
// real local parts are far shorter, and the bound keeps the DP on the stack.
const osaLimit = 64

// osa returns the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions, adjacent transpositions, each
// substring edited once), or k+1 if it exceeds k. OSA rather than plain
// Levenshtein because swapped letters are the most common typo and should
// count as one.
func osa[T text](a []byte, b T, k int) int {
	if len(a) > osaLimit || len(b) > osaLimit {
		return k + 1
	}
	if d := len(a) - len(b); d > k || -d > k {
		return k + 1
	}
	// Distances never exceed osaLimit, so bytes suffice; the rows are
	// zeroed on every call and small rows keep that cheap.
	var rows [3][osaLimit + 1]uint8
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = uint8(j)
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = uint8(i)
		rowMin := uint8(i)
		for j := 1; j <= len(b); j++ {
			cost := uint8(1)
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if int(rowMin) > k {
			return k + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if d := int(prev[len(b)]); d <= k {
		return d
	}
	return k + 1
}

// osaPattern holds, for a local part of at most 64 bytes, the bitmask of
// the positions of each byte: the precomputation of the bit-parallel edit
// distance, done once per query and reused for every address compared.
type osaPattern struct {
	n  int
	pm [256]uint64
}

func newOSAPattern(a []byte) *osaPattern {
	if len(a) == 0 || len(a) > 64 {
		return nil
	}
	p := &osaPattern{n: len(a)}
	for i, c := range a {
		p.pm[c] |= 1 << i
	}
	return p
}

// osaBits is osa(a, b, k) computed with Hyyrö's bit-vector algorithm
// (2003): one pass over b with a dozen word operations per byte, several
// times faster than the DP on the hundreds of addresses a large domain
// leaves after the signature filter.
// It is a function rather than a method because methods cannot be generic.
func osaBits[T text](p *osaPattern, b T, k int) int {
	if d := p.n - len(b); d > k || -d > k {
		return k + 1
	}
	vp, vn, d0, pmOld := ^uint64(0), uint64(0), uint64(0), uint64(0)
	mask := uint64(1) << (p.n - 1)
	dist := p.n
	for i := 0; i < len(b); i++ {
		pmj := p.pm[b[i]]
		tr := ((^d0 & pmj) << 1) & pmOld
		d0 = (((pmj & vp) + vp) ^ vp) | pmj | vn | tr
		hp := vn | ^(d0 | vp)
		hn := d0 & vp
		if hp&mask != 0 {
			dist++
		} else if hn&mask != 0 {
			dist--
		}
		hp = hp<<1 | 1
		hn <<= 1
		vp = hn | ^(d0 | hp)
		vn = hp & d0
		pmOld = pmj
	}
	if dist <= k {
		return dist
	}
	return k + 1
}

// isSwap reports whether b is a with exactly two adjacent characters
// swapped, to tell the agent "2 letters swapped" rather than "one typo".
func isSwap[T text](a []byte, b T) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && equalText(a[i+2:], b[i+2:])
}

// isSubsequence reports whether p's bytes appear in order in s: the cheap
// pre-filter before the fuzzy scorer, which only matches subsequences.
func isSubsequence[T text](p []byte, s T) bool {
	j := 0
	for i := 0; i < len(s) && j < len(p); i++ {
		if s[i] == p[j] {
			j++
		}
	}
	return j == len(p)
}

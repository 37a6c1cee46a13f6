package suggest

import (
	"bytes"
	"math/bits"
	"slices"
	"sort"
	"strings"
)

// nearIndex holds what near and fuzzy matching need beyond the sorted
// arena; about 56 bytes per address (canon 12, domain groups 20, words
// about 17, character sets 8). A deletion-neighbourhood index for two edits
// would need gigabytes at a million addresses, which is why typos are found
// by scanning one domain's character sets instead.
type nearIndex struct {
	// canonKeys holds canonHash of every local part, sorted; canonIdx the
	// base index for each key. One lookup finds the same mailbox written
	// with other dots or a +tag, at this domain or any other.
	canonKeys []uint64
	canonIdx  []uint32

	// skelKeys holds skelHash of every local part, sorted; skelIdx the
	// base index for each key: one lookup finds the look-alikes.
	skelKeys []uint64
	skelIdx  []uint32

	// perm lists base indices grouped by domain (groups in domain order),
	// ordered by local-part length within a group; sig holds the charSet
	// of each local part. Group g is perm[domStart[g]:domStart[g+1]]. A
	// typo search scans only one domain and only the lengths within reach,
	// with one popcount per address for most and a bigram test for the
	// rest, so only a few dozen addresses of even a provider with 120k
	// users on a million are read and compared.
	perm     []uint32
	sig      []uint64
	bigrams  []uint64 // bigramSet of each local part, in perm order
	domStart []uint32

	words wordIndex
	// chars holds charSet of each base email, in base order: the fuzzy
	// stage tests it before reading the address itself, which rejects most
	// word-index hits with one load instead of two scattered ones.
	chars []uint64
}

// buildNear builds the near structures for b. It runs in the background,
// so it favours linear passes (counting and radix sorts) that leave the
// other core to queries.
func buildNear(b *base) *nearIndex {
	n := b.len()
	nx := &nearIndex{
		canonKeys: make([]uint64, n),
		canonIdx:  make([]uint32, n),
		skelKeys:  make([]uint64, n),
		skelIdx:   make([]uint32, n),
	}
	domOf := make([]uint32, n)
	lens := make([]uint8, n)
	domIDs := make(map[string]uint32)
	var domNames []string
	for i := range n {
		local, dom := splitEmail(b.email(i))
		nx.canonKeys[i] = canonHash(local)
		nx.canonIdx[i] = uint32(i)
		nx.skelKeys[i] = skelHash(local)
		nx.skelIdx[i] = uint32(i)
		id, ok := domIDs[string(dom)]
		if !ok {
			id = uint32(len(domNames))
			domIDs[string(dom)] = id
			domNames = append(domNames, string(dom))
		}
		domOf[i] = id
		lens[i] = uint8(min(len(local), 255))
	}
	radixSort(nx.canonKeys, nx.canonIdx)
	radixSort(nx.skelKeys, nx.skelIdx)

	// Rank domains by name so a query finds its group by binary search.
	byName := make([]uint32, len(domNames))
	for i := range byName {
		byName[i] = uint32(i)
	}
	slices.SortFunc(byName, func(x, y uint32) int { return strings.Compare(domNames[x], domNames[y]) })
	rank := make([]uint32, len(domNames))
	for r, id := range byName {
		rank[id] = uint32(r)
	}

	// Two stable counting sorts: by length, then by domain rank, giving
	// (domain, length, email) order.
	var lenCount [257]uint32
	for _, l := range lens {
		lenCount[int(l)+1]++
	}
	for i := 1; i < len(lenCount); i++ {
		lenCount[i] += lenCount[i-1]
	}
	byLen := make([]uint32, n)
	for i, l := range lens {
		byLen[lenCount[l]] = uint32(i)
		lenCount[l]++
	}
	nx.domStart = make([]uint32, len(domNames)+1)
	for _, id := range domOf {
		nx.domStart[rank[id]+1]++
	}
	for g := 1; g < len(nx.domStart); g++ {
		nx.domStart[g] += nx.domStart[g-1]
	}
	next := slices.Clone(nx.domStart[:len(domNames)])
	nx.perm = make([]uint32, n)
	for _, i := range byLen {
		g := rank[domOf[i]]
		nx.perm[next[g]] = i
		next[g]++
	}
	nx.sig = make([]uint64, n)
	nx.bigrams = make([]uint64, n)
	for p, i := range nx.perm {
		local, _ := splitEmail(b.email(int(i)))
		nx.sig[p] = charSet(local)
		nx.bigrams[p] = bigramSet(local)
	}
	nx.words = buildWords(b)
	nx.chars = make([]uint64, n)
	for i := range n {
		nx.chars[i] = charSet(b.email(i))
	}
	return nx
}

// findDomain returns the perm range of the addresses at dom.
func (nx *nearIndex) findDomain(b *base, dom []byte) (int, int, bool) {
	groups := len(nx.domStart) - 1
	domainOf := func(g int) []byte {
		_, d := splitEmail(b.email(int(nx.perm[nx.domStart[g]])))
		return d
	}
	g := sort.Search(groups, func(g int) bool { return bytes.Compare(domainOf(g), dom) >= 0 })
	if g == groups || !bytes.Equal(domainOf(g), dom) {
		return 0, 0, false
	}
	return int(nx.domStart[g]), int(nx.domStart[g+1]), true
}

// Near match ranks, best first, as the agent should read them.
const (
	rankCanonical   = 0 // same mailbox: dots or +tag differ
	rankOneEdit     = 1
	rankTwoEdits    = 2
	rankOtherDomain = 3
)

const (
	reasonCanonical   = "same address without dots or +tag"
	reasonSwap        = "2 letters swapped"
	reasonOneEdit     = "one typo away"
	reasonTwoEdits    = "two typos away"
	reasonOtherDomain = "same name at another domain"
)

// maxCanonScan bounds how many addresses sharing one canonical local part
// are examined (think "info" or "admin" at thousands of domains); the UI
// shows a handful anyway.
const maxCanonScan = 4096

// maxEditChecks bounds the full edit-distance computations per query, after
// the signature filter, so an adversarial domain cannot blow the budget.
const maxEditChecks = 4096

type nearCand struct {
	email  string
	id     uint64
	rank   int
	reason string
}

// nearQuery is one near search: the parsed query and what was found.
type nearQuery struct {
	q, local, dom, canon []byte
	edits                int
	sig                  uint64
	pattern              *osaPattern // nil when the local part is too long for it
	checks               int
	cands                []nearCand
}

// consider classifies one existing address against the query. It is
// generic so base (arena bytes) and delta (strings) entries share it
// without conversions. sigChecked says the caller already applied the
// signature filter.
func consider[T text](nq *nearQuery, e T, id uint64, sigChecked bool) {
	if equalText(e, nq.q) {
		return // the exact match, listed already
	}
	local, dom := splitEmail(e)
	sameDom := equalText(dom, nq.dom)
	if len(nq.canon) > 0 && canonEqual(local, nq.canon) {
		if sameDom {
			nq.add(string(e), id, rankCanonical, reasonCanonical)
		} else {
			nq.add(string(e), id, rankOtherDomain, reasonOtherDomain)
		}
		return
	}
	if !sameDom || nq.edits == 0 || nq.checks >= maxEditChecks || (!sigChecked && !sigMayBeWithin(nq.sig, charSet(local), nq.edits)) {
		return
	}
	nq.checks++
	var d int
	if nq.pattern != nil {
		d = osaBits(nq.pattern, local, nq.edits)
	} else {
		d = osa(nq.local, local, nq.edits)
	}
	switch {
	case d == 1 && isSwap(nq.local, local):
		nq.add(string(e), id, rankOneEdit, reasonSwap)
	case d == 1:
		nq.add(string(e), id, rankOneEdit, reasonOneEdit)
	case d == 2:
		nq.add(string(e), id, rankTwoEdits, reasonTwoEdits)
	}
}

func (nq *nearQuery) add(e string, id uint64, rank int, reason string) {
	nq.cands = append(nq.cands, nearCand{email: e, id: id, rank: rank, reason: reason})
}

// nearMatches adds near duplicates of q, a full address, to c: the same
// canonical mailbox (here or at another domain) and addresses at q's domain
// within a couple of edits of its local part.
func (ix *Index) nearMatches(c *collector, q []byte) {
	if c.full() || !looksLikeAddress(q) {
		return
	}
	nq := &nearQuery{q: q}
	nq.local, nq.dom = splitEmail(q)
	nq.canon = canonical(nq.local)
	nq.edits = maxEdits(len(nq.local))
	nq.sig = charSet(nq.local)
	nq.pattern = newOSAPattern(nq.local)

	b := ix.base
	if nx := b.near; nx != nil {
		if len(nq.canon) > 0 {
			h := canonHash(nq.local)
			lo, _ := slices.BinarySearch(nx.canonKeys, h)
			for i := lo; i < len(nx.canonKeys) && nx.canonKeys[i] == h && i-lo < maxCanonScan; i++ {
				if bi := int(nx.canonIdx[i]); !ix.delta.isDead(bi) {
					consider(nq, b.email(bi), b.ids[bi], false)
				}
			}
		}
		if nq.edits > 0 {
			if lo, hi, ok := nx.findDomain(b, nq.dom); ok {
				lo, hi = nx.lengthRange(b, lo, hi, len(nq.local)-nq.edits, len(nq.local)+nq.edits)
				// The hot loop of the near stage: keep it to a load, an
				// xor and a popcount per address.
				qsig, lim := nq.sig, 2*nq.edits
				qbg := bigramSet(nq.local)
				qbgBits := bits.OnesCount64(qbg)
				bigrams := nx.bigrams[lo:hi]
				for off, sig := range nx.sig[lo:hi] {
					if bits.OnesCount64(qsig^sig) > lim || !sigMayBeWithin(qsig, sig, nq.edits) ||
						!bigramsMayBeWithin(qbg, qbgBits, bigrams[off], nq.edits) {
						continue
					}
					if bi := int(nx.perm[lo+off]); !ix.delta.isDead(bi) {
						consider(nq, b.email(bi), b.ids[bi], true)
					}
				}
			}
		}
	}
	for _, e := range ix.delta.adds {
		consider(nq, e.email, e.id, false)
	}

	slices.SortFunc(nq.cands, func(x, y nearCand) int {
		if x.rank != y.rank {
			return x.rank - y.rank
		}
		return strings.Compare(x.email, y.email)
	})
	qs := string(q)
	for _, nc := range nq.cands {
		if c.full() {
			return
		}
		if c.has(nc.email) {
			continue
		}
		c.add(Match{Email: nc.email, ID: nc.id, Kind: Near, Positions: lcsPositions(qs, nc.email), Reason: nc.reason})
	}
}

// lengthRange narrows a domain group [lo, hi), ordered by local length, to
// the local lengths in [minLen, maxLen]. Lengths are read from the arena:
// a few dozen scattered reads per query cost less than storing them.
func (nx *nearIndex) lengthRange(b *base, lo, hi, minLen, maxLen int) (int, int) {
	localLen := func(p int) int {
		l, _ := splitEmail(b.email(int(nx.perm[p])))
		return min(len(l), 255)
	}
	from := lo + sort.Search(hi-lo, func(i int) bool { return localLen(lo+i) >= minLen })
	to := from + sort.Search(hi-from, func(i int) bool { return localLen(from+i) > maxLen })
	return from, to
}

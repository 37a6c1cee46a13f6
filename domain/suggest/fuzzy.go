package suggest

import (
	"slices"
	"strings"

	"github.com/sahilm/fuzzy"
)

// Fuzzy search scores at most fuzzyMaxCand addresses with sahilm/fuzzy,
// gathered from at most fuzzyMaxScan word-index entries. Scoring the whole
// desk would take tens of milliseconds a keystroke; these bounds keep the
// stage around a hundred microseconds at the cost of sometimes missing a
// weaker match when a query piece is very common.
const (
	fuzzyMaxCand = 128
	fuzzyMaxScan = 1024
)

type fuzzyCand struct {
	email string
	id    uint64
}

// fuzzySource adapts the candidates to sahilm/fuzzy.
type fuzzySource []fuzzyCand

func (s fuzzySource) String(i int) string { return s[i].email }
func (s fuzzySource) Len() int            { return len(s) }

// fuzzyMatches fills the remaining slots with addresses containing the
// query's characters in order, best scored first.
func (ix *Index) fuzzyMatches(c *collector, q []byte) {
	if c.full() {
		return
	}
	// Agents type "john smith" for john.smith@...; addresses have no
	// spaces, so spaces only separate pieces.
	p := make([]byte, 0, len(q))
	for _, ch := range q {
		if ch != ' ' && ch != '\t' {
			p = append(p, ch)
		}
	}
	if len(p) < 2 {
		return
	}
	var cands []fuzzyCand
	b := ix.base
	if nx := b.near; nx != nil {
		pset := charSet(p)
		var taken []int // at most fuzzyMaxCand: a scan beats a map here
		// Four candidates per free row leave the scorer a real choice.
		enough := func() bool { return len(cands) >= 4*(c.limit-len(c.out)) }
		nx.words.candidates(b, p, fuzzyMaxScan, enough, func(i int) bool {
			if pset&^nx.chars[i] != 0 || ix.delta.isDead(i) {
				return true
			}
			e := b.email(i)
			if !isSubsequence(p, e) || slices.Contains(taken, i) || c.hasBytes(e) {
				return true
			}
			taken = append(taken, i)
			cands = append(cands, fuzzyCand{email: string(e), id: b.ids[i]})
			return len(cands) < fuzzyMaxCand
		})
	}
	// Recent additions get a share of the candidate budget of their own,
	// so a new address is found even when the word index fills its share.
	deltaCands := 0
	for _, e := range ix.delta.adds {
		if deltaCands == fuzzyMaxCand/2 {
			break
		}
		if isSubsequence(p, e.email) && !c.has(e.email) {
			cands = append(cands, fuzzyCand{email: e.email, id: e.id})
			deltaCands++
		}
	}
	if len(cands) == 0 {
		return
	}
	// fuzzy.FindFrom sorts stably by score, so sorting by email first
	// makes ties come out in address order, the same on every keystroke.
	slices.SortFunc(cands, func(x, y fuzzyCand) int { return strings.Compare(x.email, y.email) })
	for _, m := range fuzzy.FindFrom(string(p), fuzzySource(cands)) {
		if c.full() {
			return
		}
		fc := cands[m.Index]
		c.add(Match{Email: fc.email, ID: fc.id, Kind: Fuzzy, Positions: highlight(m.MatchedIndexes, p, fc.email)})
	}
}

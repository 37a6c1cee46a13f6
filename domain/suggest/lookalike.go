package suggest

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
)

// Look-alike addresses (Unicode TS #39): two local parts whose skeletons
// are equal read the same to a person, like "аdmin" written with a Cyrillic
// "а" and "admin". The near index keeps the hash of each local part's
// skeleton, sorted, so finding the addresses a query looks like is one
// binary search, whatever the number of users.

// asciiSkeleton is the skeleton of each ASCII character (most map to
// themselves; "m" to "rn", "1" and "|" to "l", "0" to "O", ...), taken from
// the same table as confusables.Skeleton, so the hash of an ASCII local
// part needs no allocation and no normalisation.
var asciiSkeleton = func() (t [utf8.RuneSelf]string) {
	for c := range t {
		t[c] = confusables.Skeleton(string(rune(c)))
	}
	return t
}()

// isASCII reports whether e holds only ASCII bytes.
func isASCII[T text](e T) bool {
	for i := 0; i < len(e); i++ {
		if e[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// skelHash hashes the TS #39 skeleton of a local part (FNV-1a). ASCII local
// parts, nearly all of them, take the allocation-free path.
func skelHash[T text](local T) uint64 {
	h := uint64(fnvOffset)
	if isASCII(local) {
		for i := 0; i < len(local); i++ {
			s := asciiSkeleton[local[i]]
			for j := 0; j < len(s); j++ {
				h ^= uint64(s[j])
				h *= fnvPrime
			}
		}
		return h
	}
	s := confusables.Skeleton(string(local))
	for j := 0; j < len(s); j++ {
		h ^= uint64(s[j])
		h *= fnvPrime
	}
	return h
}

// Skeleton returns the TS #39 skeleton of s: two strings with the same
// skeleton are visually confusable.
func Skeleton(s string) string {
	if isASCII(s) {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString(asciiSkeleton[s[i]])
		}
		return b.String()
	}
	return confusables.Skeleton(s)
}

// likelyScripts are tried first when naming a character's script; the rest
// of unicode.Scripts is searched only for rarer letters.
var likelyScripts = []string{"Latin", "Cyrillic", "Greek", "Armenian", "Cherokee", "Georgian",
	"Hebrew", "Arabic", "Han", "Hiragana", "Katakana", "Hangul", "Bopomofo", "Thai", "Devanagari"}

// scriptOf names the script of r; "" for characters every script shares
// (digits, punctuation, combining marks).
func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	if unicode.Is(unicode.Common, r) || unicode.Is(unicode.Inherited, r) {
		return ""
	}
	for _, name := range likelyScripts {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	for name, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return name
		}
	}
	return ""
}

// Scripts lists the scripts of the letters of s, sorted by name, without
// the characters every script shares (digits, dots, marks).
func Scripts(s string) []string {
	var out []string
	for _, r := range s {
		if sc := scriptOf(r); sc != "" && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	slices.Sort(out)
	return out
}

// MixedScripts names the scripts of a local part that mixes them, such as
// "Cyrillic and Latin"; "" when it uses one script, or one of the mixes a
// language writes (Japanese: Han, Hiragana, Katakana; Korean: Han, Hangul;
// Chinese: Han, Bopomofo; each with Latin), which TS #39 calls highly
// restrictive.
func MixedScripts(local string) string {
	scripts := Scripts(local)
	if len(scripts) < 2 {
		return ""
	}
	rest := slices.DeleteFunc(slices.Clone(scripts), func(s string) bool { return s == "Latin" || s == "Han" })
	switch {
	case len(rest) == 0: // Han and Latin
		return ""
	case allIn(rest, "Hiragana", "Katakana"), allIn(rest, "Hangul"), allIn(rest, "Bopomofo"):
		return ""
	}
	return joinWords(scripts)
}

func allIn(set []string, allowed ...string) bool {
	for _, s := range set {
		if !slices.Contains(allowed, s) {
			return false
		}
	}
	return true
}

func joinWords(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// lookalikeReason says in a few words what makes two confusable local
// parts differ: the scripts one has and the other lacks ("Cyrillic
// letters"), else "look-alike characters" (such as "rn" for "m").
func lookalikeReason(a, b string) string {
	sa, sb := Scripts(a), Scripts(b)
	var diff []string
	for _, s := range sa {
		if !slices.Contains(sb, s) {
			diff = append(diff, s)
		}
	}
	for _, s := range sb {
		if !slices.Contains(sa, s) && !slices.Contains(diff, s) {
			diff = append(diff, s)
		}
	}
	if len(diff) == 0 {
		return "look-alike characters"
	}
	slices.Sort(diff)
	return joinWords(diff) + " letters"
}

// lookalikeMatches adds the existing addresses whose local part has the
// same skeleton as q's but other characters: at q's domain first, then at
// other domains. The same mailbox with other dots or +tag is left to the
// near stage.
func (ix *Index) lookalikeMatches(c *collector, q []byte) {
	if c.full() || !looksLikeAddress(q) {
		return
	}
	local, dom := splitEmail(q)
	canon := canonical(local)
	h := skelHash(local)
	qskel := Skeleton(string(local))
	type cand struct {
		email   string
		id      uint64
		sameDom bool
	}
	var cands []cand
	consider := func(e string, id uint64) {
		el, ed := splitEmail(e)
		if equalText(el, local) || (len(canon) > 0 && canonEqual(el, canon)) {
			return
		}
		if Skeleton(el) != qskel {
			return // a hash collision
		}
		cands = append(cands, cand{email: e, id: id, sameDom: equalText(ed, dom)})
	}
	b := ix.base
	if nx := b.near; nx != nil {
		lo, _ := slices.BinarySearch(nx.skelKeys, h)
		for i := lo; i < len(nx.skelKeys) && nx.skelKeys[i] == h && i-lo < maxCanonScan; i++ {
			if bi := int(nx.skelIdx[i]); !ix.delta.isDead(bi) {
				consider(string(b.email(bi)), b.ids[bi])
			}
		}
	}
	for _, e := range ix.delta.adds {
		if e.skel == h {
			consider(e.email, e.id)
		}
	}
	slices.SortFunc(cands, func(x, y cand) int {
		if x.sameDom != y.sameDom {
			if x.sameDom {
				return -1
			}
			return 1
		}
		return strings.Compare(x.email, y.email)
	})
	qs := string(q)
	for _, cd := range cands {
		if c.full() {
			return
		}
		if c.has(cd.email) {
			continue
		}
		el, _ := splitEmail(cd.email)
		c.add(Match{Email: cd.email, ID: cd.id, Kind: Lookalike, Positions: lcsPositions(qs, cd.email),
			Reason: lookalikeReason(string(local), el)})
	}
}

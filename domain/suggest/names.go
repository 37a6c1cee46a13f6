package suggest

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NameIndex finds users by the words of their name and of their email (the
// local part's and the domain's words): a query matches a user when every
// word of the query is the start of some word of the user's, in any order
// and any case, accents folded ("jose" finds "José Núñez", "nguyen kofi"
// finds "Kofi Nguyen" and kofi.nguyen@example.com).
//
// The base is built once and never changed: the words of every user,
// deduplicated, in a sorted dictionary, each with the list of users that
// have it (slots, four bytes each), and each user's words in one text
// arena to check the other words of a query against. A query looks up the
// range of dictionary words each query word starts, walks the users of the
// smallest range and checks each against the rest.
//
// Changes since the base go to a small map (user id to words, "" for a
// deleted user) that every query consults and that shadows the base's entry
// of the same user; past nameMergeAt changes it is folded into a new base in
// the background. NameIndex is safe for concurrent use.
type NameIndex struct {
	mu      sync.RWMutex
	base    *nameBase
	delta   map[uint64]string
	merging bool
	mergeAt int
	// merged, when set by tests, hears when a background merge is swapped
	// in, so it can be awaited without sleeping.
	merged chan struct{}
}

// nameMergeAt is the number of changed users at which the delta is folded
// into a new base: every query checks each of them, about 50 ns apiece,
// and a merge reads the whole base again (a second or two of one core at a
// million users), so a thousand changes is days of sign-ups on a busy desk.
const nameMergeAt = 1024

type nameBase struct {
	// words: the distinct words, sorted; word i is wordText[wordOff[i]:wordOff[i+1]].
	wordText []byte
	wordOff  []uint32
	// postStart[i]..postStart[i+1] are the slots of the users with word i,
	// in post.
	postStart []uint32
	post      []uint32
	// postSig[p] is the signature of post[p]'s user (wordSig): a query
	// walks one word's users in order and reads the text of only those
	// whose signature has the bits of every other query word, instead of
	// one cache miss per user.
	postSig []uint64
	// Per slot: the user's id and the start of its words in text (words
	// separated by ' ', each user's list ended by 0).
	ids     []uint64
	textOff []uint32
	text    []byte
}

func (b *nameBase) words() int { return len(b.wordOff) - 1 }

func (b *nameBase) word(i int) []byte { return b.wordText[b.wordOff[i]:b.wordOff[i+1]] }

func (b *nameBase) userText(slot uint32) []byte {
	t := b.text[b.textOff[slot]:]
	if i := slices.Index(t, 0); i >= 0 {
		t = t[:i]
	}
	return t
}

// prefixRange is [lo, hi) of the dictionary words that start with p.
func (b *nameBase) prefixRange(p string) (int, int) {
	n := b.words()
	lo := sortSearch(n, func(i int) bool { return string(b.word(i)) >= p })
	hi := sortSearch(n-lo, func(i int) bool { return !hasPrefix(b.word(lo+i), p) }) + lo
	return lo, hi
}

// hasPrefix is bytes.HasPrefix for a string prefix, without a copy.
func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

// sortSearch is sort.Search: the smallest i in [0, n) for which f is
// true, or n.
func sortSearch(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(m) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// NameBuilder collects users for a new NameIndex.
type NameBuilder struct {
	ids     []uint64
	textOff []uint32
	text    []byte
	count   map[string]uint32
	buf     []string
}

// NewNameBuilder starts a NameIndex.
func NewNameBuilder() *NameBuilder {
	return &NameBuilder{count: map[string]uint32{}, text: []byte{0}}
}

// Add indexes one user. The strings are not kept.
func (nb *NameBuilder) Add(id uint64, name, email string) {
	nb.buf = UserWords(nb.buf[:0], name, email)
	nb.addWords(id, nb.buf)
}

func (nb *NameBuilder) addWords(id uint64, ws []string) {
	if len(ws) == 0 {
		return
	}
	nb.ids = append(nb.ids, id)
	nb.textOff = append(nb.textOff, uint32(len(nb.text)))
	for i, w := range ws {
		if i > 0 {
			nb.text = append(nb.text, ' ')
		}
		nb.text = append(nb.text, w...)
		nb.count[w]++
	}
	nb.text = append(nb.text, 0)
}

// Finish builds the index; the builder must not be used after.
func (nb *NameBuilder) Finish() *NameIndex {
	return &NameIndex{base: nb.finish(), delta: map[uint64]string{}, mergeAt: nameMergeAt}
}

func (nb *NameBuilder) finish() *nameBase {
	words := make([]string, 0, len(nb.count))
	for w := range nb.count {
		words = append(words, w)
	}
	slices.Sort(words)
	b := &nameBase{ids: nb.ids, textOff: nb.textOff, text: slices.Clip(nb.text)}
	b.wordOff = make([]uint32, 0, len(words)+1)
	b.postStart = make([]uint32, len(words)+1)
	rank := make(map[string]uint32, len(words))
	var total uint32
	for i, w := range words {
		b.wordOff = append(b.wordOff, uint32(len(b.wordText)))
		b.wordText = append(b.wordText, w...)
		rank[w] = uint32(i)
		b.postStart[i] = total
		total += nb.count[w]
	}
	b.wordOff = append(b.wordOff, uint32(len(b.wordText)))
	b.postStart[len(words)] = total
	nb.count = nil
	// Counting sort: each user's slot goes to the next free place of each
	// of its words, so every word's users stay in slot (id) order.
	next := slices.Clone(b.postStart[:len(words)])
	b.post = make([]uint32, total)
	b.postSig = make([]uint64, total)
	for slot, off := range b.textOff {
		sig := textSig(b.text[off:])
		t := b.text[off:]
		for len(t) > 0 && t[0] != 0 {
			end := 0
			for end < len(t) && t[end] != ' ' && t[end] != 0 {
				end++
			}
			r := rank[string(t[:end])]
			b.post[next[r]] = uint32(slot)
			b.postSig[next[r]] = sig
			next[r]++
			t = t[end:]
			if len(t) > 0 && t[0] == ' ' {
				t = t[1:]
			}
		}
	}
	return b
}

// Put indexes a user's name and email, replacing what it had.
func (ix *NameIndex) Put(id uint64, name, email string) {
	text := strings.Join(UserWords(nil, name, email), " ")
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.delta[id] = text
	ix.maybeMerge()
}

// Delete removes a user.
func (ix *NameIndex) Delete(id uint64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.delta[id] = ""
	ix.maybeMerge()
}

// maybeMerge folds the delta into a new base, off the lock, when it has
// grown large. mu must be held. Changes made during the merge stay in the
// delta: an entry is dropped after the merge only if it is still the value
// the merge folded in.
func (ix *NameIndex) maybeMerge() {
	if ix.merging || len(ix.delta) < ix.mergeAt {
		return
	}
	ix.merging = true
	old, snap := ix.base, make(map[uint64]string, len(ix.delta))
	for id, t := range ix.delta {
		snap[id] = t
	}
	go func() {
		nb := mergeNames(old, snap)
		ix.mu.Lock()
		ix.base = nb
		for id, t := range snap {
			if cur, ok := ix.delta[id]; ok && cur == t {
				delete(ix.delta, id)
			}
		}
		ix.merging = false
		done := ix.merged
		ix.mu.Unlock()
		if done != nil {
			done <- struct{}{}
		}
	}()
}

func mergeNames(old *nameBase, snap map[uint64]string) *nameBase {
	nb := NewNameBuilder()
	var ws []string
	split := func(t []byte) []string {
		ws = ws[:0]
		for w := range strings.SplitSeq(string(t), " ") {
			if w != "" {
				ws = append(ws, w)
			}
		}
		return ws
	}
	var added []uint64
	for id, t := range snap {
		if t != "" {
			added = append(added, id)
		}
	}
	slices.Sort(added)
	// Keep slots in id order: walk the old base and the additions together.
	i := 0
	for slot, id := range old.ids {
		for i < len(added) && added[i] < id {
			nb.addWords(added[i], split([]byte(snap[added[i]])))
			i++
		}
		if _, changed := snap[id]; changed {
			continue
		}
		nb.addWords(id, split(old.userText(uint32(slot))))
	}
	for ; i < len(added); i++ {
		nb.addWords(added[i], split([]byte(snap[added[i]])))
	}
	return nb.finish()
}

// Len is the number of users indexed.
func (ix *NameIndex) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := len(ix.base.ids)
	for id, t := range ix.delta {
		if ix.inBase(id) {
			n--
		}
		if t != "" {
			n++
		}
	}
	return n
}

func (ix *NameIndex) inBase(id uint64) bool {
	_, ok := slices.BinarySearch(ix.base.ids, id)
	return ok
}

// Bytes is the memory the index holds in its arrays (the delta counted at
// its text), for reports.
func (ix *NameIndex) Bytes() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	b := ix.base
	n := len(b.wordText) + 4*len(b.wordOff) + 4*len(b.postStart) + 4*len(b.post) + 8*len(b.postSig) + 8*len(b.ids) + 4*len(b.textOff) + len(b.text)
	for _, t := range ix.delta {
		n += 8 + 16 + len(t)
	}
	return n
}

// Query returns the ids of up to limit users every word of q starts a word
// of, in the order of the dictionary words of q's most selective word (so
// users with that exact word come first), then by id; changed users after.
func (ix *NameIndex) Query(q string, limit int) []uint64 {
	qs := UserWords(nil, q, "") // sorted, repeats dropped
	if len(qs) == 0 || limit <= 0 {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	b := ix.base
	// The most selective word drives; the others are checked per user.
	drive, lo, hi := -1, 0, 0
	for i, w := range qs {
		l, h := b.prefixRange(w)
		if drive < 0 || int(b.postStart[h]-b.postStart[l]) < int(b.postStart[hi]-b.postStart[lo]) {
			drive, lo, hi = i, l, h
		}
	}
	rest := slices.Delete(slices.Clone(qs), drive, drive+1)
	var need uint64
	for _, w := range rest {
		need |= wordSig(w)
	}
	var out []uint64
	var seen map[uint64]struct{}
	if hi-lo > 1 {
		seen = map[uint64]struct{}{}
	}
	for p := b.postStart[lo]; p < b.postStart[hi] && len(out) < limit; p++ {
		if b.postSig[p]&need != need {
			continue
		}
		slot := b.post[p]
		id := b.ids[slot]
		if len(ix.delta) > 0 {
			if _, changed := ix.delta[id]; changed {
				continue
			}
		}
		if seen != nil {
			if _, dup := seen[id]; dup {
				continue
			}
		}
		if len(rest) > 0 && !hasAllPrefixes(b.userText(slot), rest) {
			continue
		}
		out = append(out, id)
		if seen != nil {
			seen[id] = struct{}{}
		}
	}
	if len(out) < limit && len(ix.delta) > 0 {
		var ids []uint64
		for id, t := range ix.delta {
			if t != "" && hasAllPrefixes([]byte(t), qs) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		out = append(out, ids[:min(len(ids), limit-len(out))]...)
	}
	return out
}

// hasAllPrefixes reports whether every word of qs starts some word of text
// (words separated by ' ').
func hasAllPrefixes(text []byte, qs []string) bool {
next:
	for _, q := range qs {
		t := text
		for len(t) > 0 {
			end := 0
			for end < len(t) && t[end] != ' ' {
				end++
			}
			if end >= len(q) && string(t[:len(q)]) == q {
				continue next
			}
			if end == len(t) {
				break
			}
			t = t[end+1:]
		}
		return false
	}
	return true
}

// wordSig is a word's bits in a user's signature: the low 32 bits say
// which letter a word starts with (a to z exactly, anything else in six
// shared bits), the high 32 a hash of its first two and first three bytes.
// A user whose words start with a query word has all of the query word's
// bits, so a signature without them rules the user out at once.
func wordSig(w string) uint64 {
	var sig uint64
	if len(w) == 0 {
		return 0
	}
	if c := w[0]; c >= 'a' && c <= 'z' {
		sig |= 1 << (c - 'a')
	} else {
		sig |= 1 << (26 + uint(c)%6)
	}
	if len(w) >= 2 {
		sig |= 1 << (32 + (uint(w[0])*31+uint(w[1]))%32)
	}
	if len(w) >= 3 {
		sig |= 1 << (32 + (uint(w[0])*961+uint(w[1])*31+uint(w[2])*7+5)%32)
	}
	return sig
}

// textSig is the signature of a user's words (separated by ' ', ended by
// 0 or the end of text).
func textSig(t []byte) uint64 {
	var sig uint64
	for len(t) > 0 && t[0] != 0 {
		end := 0
		for end < len(t) && t[end] != ' ' && t[end] != 0 {
			end++
		}
		sig |= wordSig(string(t[:end]))
		t = t[end:]
		if len(t) > 0 && t[0] == ' ' {
			t = t[1:]
		}
	}
	return sig
}

// UserWords appends to dst the distinct words of a name and of an email's
// local part and domain, folded: lower case, accents and other marks
// dropped, compatibility forms composed ("ﬁ" is "fi"), split at anything
// that is not a letter or a digit. Queries are split the same way, so
// "nguyen.kofi" is the two words "nguyen" and "kofi".
func UserWords(dst []string, name, email string) []string {
	start := len(dst)
	dst = foldWords(dst, name)
	dst = foldWords(dst, email)
	added := dst[start:]
	slices.Sort(added)
	added = slices.Compact(added)
	return dst[:start+len(added)]
}

func foldWords(dst []string, s string) []string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(s); {
			for i < len(s) && !isAlnumASCII(s[i]) {
				i++
			}
			j := i
			for j < len(s) && isAlnumASCII(s[j]) {
				j++
			}
			if j > i {
				dst = append(dst, strings.ToLower(s[i:j]))
			}
			i = j
		}
		return dst
	}
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			dst = append(dst, w.String())
			w.Reset()
		}
	}
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a mark folded away: "é" is "e"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return dst
}

func isAlnumASCII(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

package suggest

import "strings"

// defaultLimit is how many suggestions fit the console's suggestion box.
const defaultLimit = 8

// Query returns the existing users whose email resembles q, best first, no
// email twice, at most limit (8 when limit <= 0):
//
//  1. Exact: q (trimmed, lower-cased) is an existing address.
//  2. Prefix: addresses starting with q, in sorted order.
//  3. Lookalike, once q looks like a full address: addresses whose local
//     part has the same Unicode TS #39 skeleton but other characters (a
//     Cyrillic "а" for a Latin "a"), at q's domain first.
//  4. Near, once q looks like a full address: the same mailbox with other
//     dots or +tag, then one or two typos in the local part at the same
//     domain, then the same name at other domains.
//  5. Fuzzy: addresses containing q's characters in order, scored by
//     sahilm/fuzzy over a small candidate set.
//
// Stages 3 to 5 only cover the addresses loaded by Build once its
// background build is done; until then the result has NearPending set.
func (ix *Index) Query(q string, limit int) Result {
	if limit <= 0 {
		limit = defaultLimit
	}
	qb := []byte(strings.ToLower(strings.TrimSpace(q)))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	res := Result{NearPending: ix.base.near == nil}
	if len(qb) == 0 {
		return res
	}
	c := collector{limit: limit}
	ix.exactMatch(&c, qb)
	ix.prefixMatches(&c, qb)
	ix.lookalikeMatches(&c, qb)
	ix.nearMatches(&c, qb)
	ix.fuzzyMatches(&c, qb)
	res.Matches = c.out
	return res
}

// NearDuplicates returns only the lookalike and near matches of q, a full
// address, best first, at most limit (8 when limit <= 0): what a new user
// with this address may duplicate. Like Query, it covers the addresses
// loaded by Build only once the background build is done (NearPending).
func (ix *Index) NearDuplicates(q string, limit int) Result {
	if limit <= 0 {
		limit = defaultLimit
	}
	qb := []byte(strings.ToLower(strings.TrimSpace(q)))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	res := Result{NearPending: ix.base.near == nil}
	c := collector{limit: limit}
	if id, ok := ix.lookup(string(qb)); ok {
		// The address itself is no near duplicate of its owner.
		c.out = append(c.out, Match{Email: string(qb), ID: id})
	}
	skip := len(c.out)
	ix.lookalikeMatches(&c, qb)
	ix.nearMatches(&c, qb)
	res.Matches = c.out[skip:]
	return res
}

func (ix *Index) exactMatch(c *collector, q []byte) {
	qs := string(q)
	if id, ok := ix.lookup(qs); ok {
		c.add(Match{Email: qs, ID: id, Kind: Exact, Positions: runeStarts(qs, len(qs))})
	}
}

// prefixMatches merges the base's and the delta's prefix ranges in order.
func (ix *Index) prefixMatches(c *collector, q []byte) {
	b, d := ix.base, &ix.delta
	i, hi := b.prefixRange(q)
	j, dhi := d.prefixRange(string(q))
	for !c.full() && (i < hi || j < dhi) {
		if i < hi && d.isDead(i) {
			i++
			continue
		}
		var email string
		var id uint64
		if j < dhi && (i >= hi || d.adds[j].email < string(b.email(i))) {
			email, id = d.adds[j].email, d.adds[j].id
			j++
		} else {
			if c.hasBytes(b.email(i)) {
				i++
				continue
			}
			email, id = string(b.email(i)), b.ids[i]
			i++
		}
		if !c.has(email) {
			c.add(Match{Email: email, ID: id, Kind: Prefix, Positions: runeStarts(email, len(q))})
		}
	}
}

// collector gathers the matches of one query and keeps emails unique.
type collector struct {
	limit int
	out   []Match
	seen  map[string]struct{} // only for large limits; a short list is scanned
}

// seenMapAt is the result count above which a map beats scanning the list.
const seenMapAt = 16

func (c *collector) full() bool { return len(c.out) >= c.limit }

func (c *collector) has(email string) bool {
	if c.seen != nil {
		_, ok := c.seen[email]
		return ok
	}
	for i := range c.out {
		if c.out[i].Email == email {
			return true
		}
	}
	return false
}

// hasBytes is has for an arena view, without allocating a string.
func (c *collector) hasBytes(email []byte) bool {
	if c.seen != nil {
		_, ok := c.seen[string(email)]
		return ok
	}
	for i := range c.out {
		if c.out[i].Email == string(email) {
			return true
		}
	}
	return false
}

func (c *collector) add(m Match) {
	c.out = append(c.out, m)
	if c.seen != nil {
		c.seen[m.Email] = struct{}{}
	} else if len(c.out) > seenMapAt {
		c.seen = make(map[string]struct{}, 2*len(c.out))
		for _, o := range c.out {
			c.seen[o.Email] = struct{}{}
		}
	}
}

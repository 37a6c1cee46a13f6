package domain

import (
	"iter"
	"strings"

	"helpdesk/domain/suggest"
)

// Suggestion is an existing user whose email resembles what an agent typed.
type Suggestion struct {
	User User
	Org  string
	// Kind is "exact" (blocks the save), "prefix", "near" (possible
	// duplicate: needs a confirm) or "fuzzy".
	Kind string
	// Positions are byte offsets into User.Email of the matched characters.
	Positions []int
	// Reason says why a near match is suspect, e.g. "2 letters swapped".
	Reason string
}

// Suggestions answers one keystroke.
type Suggestions struct {
	Items []Suggestion
	// NearPending: the near-match structures are still being built after
	// start-up; the box says so instead of showing fewer.
	NearPending bool
}

// Exact returns the suggestion that owns the typed email, if any.
func (s Suggestions) Exact() (Suggestion, bool) {
	for _, it := range s.Items {
		if it.Kind == suggest.Exact.String() {
			return it, true
		}
	}
	return Suggestion{}, false
}

// Near returns the possible duplicates.
func (s Suggestions) Near() []Suggestion {
	var out []Suggestion
	for _, it := range s.Items {
		if it.Kind == suggest.Near.String() {
			out = append(out, it)
		}
	}
	return out
}

// Suggest lists up to limit existing users whose email matches q, best
// first. The first call builds the index from the store's email keys; after
// that each call costs a few microseconds plus reading the matched users.
func (d *Desk) Suggest(q string, limit int) (Suggestions, error) {
	ix, err := d.suggestIndex()
	if err != nil {
		return Suggestions{}, err
	}
	res := ix.Query(strings.TrimSpace(q), limit)
	out := Suggestions{NearPending: res.NearPending}
	err = d.store.View(func(tx Tx) error {
		name := orgNamer(tx)
		for _, m := range res.Matches {
			u, err := tx.User(ID(m.ID))
			if IsNotFound(err) {
				continue // deleted between the query and this read
			}
			if err != nil {
				return err
			}
			out.Items = append(out.Items, Suggestion{User: u, Org: name(u.OrgID), Kind: m.Kind.String(), Positions: m.Positions, Reason: m.Reason})
		}
		return nil
	})
	return out, err
}

// WarmSuggest builds the suggestion index now (at start-up) rather than on
// the first keystroke.
func (d *Desk) WarmSuggest() error {
	_, err := d.suggestIndex()
	return err
}

// WaitSuggestReady blocks until near matches are available too.
func (d *Desk) WaitSuggestReady() error {
	ix, err := d.suggestIndex()
	if err == nil {
		ix.WaitNear()
	}
	return err
}

func (d *Desk) suggestIndex() (*suggest.Index, error) {
	d.indexMu.Lock()
	defer d.indexMu.Unlock()
	if d.index != nil {
		return d.index, nil
	}
	// Holding indexMu while reading the snapshot orders the build against
	// commits: a commit either is in the snapshot or applies its change to
	// the index after this returns.
	err := d.store.View(func(tx Tx) error {
		d.index = suggest.Build(iter.Seq2[[]byte, uint64](func(yield func([]byte, uint64) bool) {
			for k, id := range tx.Emails("") {
				if !yield(k, uint64(id)) {
					return
				}
			}
		}))
		return nil
	})
	return d.index, err
}

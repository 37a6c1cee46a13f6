package domain

import (
	"fmt"
	"iter"
	"strings"

	"golang.org/x/text/unicode/norm"

	"helpdesk/domain/suggest"
)

// Suggestion is an existing user whose email resembles what an agent typed.
type Suggestion struct {
	User User
	Org  string
	// Kind is "exact" (blocks the save), "prefix", "near" (possible
	// duplicate: needs a confirm), "lookalike" (reads like an existing
	// address but is written with other characters, such as a Cyrillic
	// "а": needs a confirm too) or "fuzzy".
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
	// Mixed names the scripts a typed address's local part mixes, such as
	// "Cyrillic and Latin", which is how look-alike addresses are made;
	// empty when it uses one script. Saving such an address needs a
	// confirm even when no existing address looks like it.
	Mixed string
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

// Near returns the possible duplicates: near and lookalike matches.
func (s Suggestions) Near() []Suggestion {
	var out []Suggestion
	for _, it := range s.Items {
		if it.IsNear() {
			out = append(out, it)
		}
	}
	return out
}

// IsNear reports whether the suggestion is a possible duplicate that needs
// a confirm: a near or a lookalike match.
func (s Suggestion) IsNear() bool {
	return s.Kind == suggest.Near.String() || s.Kind == suggest.Lookalike.String()
}

// Describe words a near duplicate for an agent, naming the existing user:
// "looks like user 3 admin@acme.com (Cyrillic letters)" for a lookalike,
// "may be user 3 ann.lee@acme.com (one typo away)" for a near match.
func (s Suggestion) Describe() string {
	verb := "may be"
	if s.Kind == suggest.Lookalike.String() {
		verb = "looks like"
	}
	out := fmt.Sprintf("%s user %d %s", verb, s.User.ID, s.User.Email)
	if s.Reason != "" {
		out += " (" + s.Reason + ")"
	}
	return out
}

// NearDuplicateError refuses an address that may be an existing user
// written another way (a lookalike, a typo, other dots or +tag, the same
// name at another domain), or whose local part mixes scripts, when the
// caller did not allow near duplicates.
type NearDuplicateError struct {
	Email string
	// Near are the existing users it may duplicate, best first; empty when
	// only Mixed is set.
	Near []Suggestion
	// Mixed names the scripts the local part mixes ("Cyrillic and Latin").
	Mixed string
}

func (e *NearDuplicateError) Error() string {
	return e.Email + " is a " + nearReason(e.Near, e.Mixed)
}

// nearReason words why an address is a possible duplicate, naming the
// kind and the first existing user: "possible duplicate (lookalike): looks
// like user 3 admin@acme.com (Cyrillic letters)".
func nearReason(near []Suggestion, mixed string) string {
	if len(near) == 0 {
		return fmt.Sprintf("possible duplicate (%s): it mixes %s letters, as look-alike addresses do", suggest.Lookalike, mixed)
	}
	out := fmt.Sprintf("possible duplicate (%s): it %s", near[0].Kind, near[0].Describe())
	if len(near) > 1 {
		out += ", and others"
	}
	return out
}

// CheckNear returns a *NearDuplicateError when email may duplicate an
// existing user or mixes scripts, and nil otherwise, also for an address
// that does not parse (CreateUser says what is wrong with it) or that
// exists exactly (CreateUser names its owner). It waits for the suggestion
// index's near matches, so it is meant for commands and imports, not for
// each keystroke.
func (d *Desk) CheckNear(email string) error {
	e, err := ParseEmail(email)
	if err != nil {
		return nil
	}
	if err := d.WaitSuggestReady(); err != nil {
		return err
	}
	near, mixed, err := d.nearDuplicates(e, 4)
	if err != nil || len(near) == 0 && mixed == "" {
		return err
	}
	return &NearDuplicateError{Email: e.Address, Near: near, Mixed: mixed}
}

// nearDuplicates reads the users behind the near and lookalike matches of
// e, and names the scripts its local part mixes. It finds nothing when e
// itself exists: that is an exact duplicate, named by the caller's own
// check. The index must be built.
func (d *Desk) nearDuplicates(e Email, limit int) ([]Suggestion, string, error) {
	ix, err := d.suggestIndex()
	if err != nil {
		return nil, "", err
	}
	if _, ok := ix.Lookup(e.Key); ok {
		return nil, "", nil
	}
	mixed := suggest.MixedScripts(e.Local)
	res := ix.NearDuplicates(e.Key, limit)
	if len(res.Matches) == 0 {
		return nil, mixed, nil
	}
	out, err := d.suggestionsOf(res.Matches)
	return out, mixed, err
}

// suggestionsOf reads the users the index matched, in its order.
func (d *Desk) suggestionsOf(matches []suggest.Match) ([]Suggestion, error) {
	var out []Suggestion
	err := d.store.View(func(tx Tx) error {
		name := orgNamer(tx)
		for _, m := range matches {
			u, err := tx.User(ID(m.ID))
			if IsNotFound(err) {
				continue // deleted between the query and this read
			}
			if err != nil {
				return err
			}
			out = append(out, Suggestion{User: u, Org: name(u.OrgID), Kind: m.Kind.String(), Positions: m.Positions, Reason: m.Reason})
		}
		return nil
	})
	return out, err
}

// Suggest lists up to limit existing users whose email matches q, best
// first. The first call builds the index from the store's email keys; after
// that each call costs a few microseconds plus reading the matched users.
func (d *Desk) Suggest(q string, limit int) (Suggestions, error) {
	ix, err := d.suggestIndex()
	if err != nil {
		return Suggestions{}, err
	}
	// A decomposed accent ("e" + U+0301) is the same address as the
	// composed one, as ParseEmail stores it.
	q = norm.NFC.String(strings.TrimSpace(q))
	res := ix.Query(q, limit)
	out := Suggestions{NearPending: res.NearPending}
	if at := strings.LastIndexByte(q, '@'); at > 0 {
		out.Mixed = suggest.MixedScripts(q[:at])
	}
	out.Items, err = d.suggestionsOf(res.Matches)
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

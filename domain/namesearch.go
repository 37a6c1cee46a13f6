package domain

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"helpdesk/domain/suggest"
)

// nameSearch holds the name index behind FindUsers: built from every user
// record once (in the background at start-up, WarmNames, or at the first
// search), then kept current after each commit from the users the commit
// names (their user events and email index entries), read again after it.
//
// The build reads a million records in a few seconds, so it runs without
// the lock; commits that land meanwhile are noted in pending and read
// again when the build ends. Reading a user and applying it happen under
// mu, so of two commits to one user the later state is the one kept.
type nameSearch struct {
	mu       sync.Mutex
	ix       *suggest.NameIndex
	building chan struct{} // closed when the running build ends; nil if none
	pending  map[ID]struct{}
	// stale: a change too large to list (an import, its roll-back) landed
	// during the build, which must start again.
	stale bool
}

// nameRebuildAt is how many users one commit may name before the index is
// dropped and built again at its next use rather than updated user by user.
const nameRebuildAt = 10_000

// UserHits answers a search of the users list.
type UserHits struct {
	// Users are the users found, best first: those whose name or email has
	// every word typed, then (for a single word) the email suggestions.
	Users []User
}

// FindUsers finds up to limit users by name or email: every word of q
// must start a word of the user's name or of their email's local part or
// domain, in any order and letter case, accents folded ("kofi nguyen",
// "Nguyen Kofi", "nguyen.kofi" and "jose" for "José"). For a query of one
// word the email suggestions (prefix, near and fuzzy matches of the
// address) follow. The first call waits for the name index to be built.
func (d *Desk) FindUsers(q string, limit int) (UserHits, error) {
	q = norm.NFC.String(strings.TrimSpace(q))
	if q == "" || limit <= 0 {
		return UserHits{}, nil
	}
	ix, err := d.nameIndex()
	if err != nil {
		return UserHits{}, err
	}
	ids := ix.Query(q, limit)
	var out UserHits
	seen := make(map[ID]bool, len(ids))
	err = d.store.View(func(tx Tx) error {
		for _, id := range ids {
			u, err := tx.User(ID(id))
			if IsNotFound(err) {
				continue // deleted between the query and this read
			}
			if err != nil {
				return err
			}
			seen[u.ID] = true
			out.Users = append(out.Users, u)
		}
		return nil
	})
	if err != nil || len(out.Users) >= limit || strings.ContainsFunc(q, unicode.IsSpace) {
		return out, err
	}
	sug, err := d.Suggest(q, limit)
	if err != nil {
		return out, err
	}
	for _, it := range sug.Items {
		if len(out.Users) == limit {
			break
		}
		if !seen[it.User.ID] {
			seen[it.User.ID] = true
			out.Users = append(out.Users, it.User)
		}
	}
	return out, nil
}

// WarmNames builds the name index now (at start-up, in the background)
// rather than at the first search.
func (d *Desk) WarmNames() error {
	_, err := d.nameIndex()
	return err
}

func (d *Desk) nameIndex() (*suggest.NameIndex, error) {
	n := &d.names
	for {
		n.mu.Lock()
		if n.ix != nil {
			ix := n.ix
			n.mu.Unlock()
			return ix, nil
		}
		if wait := n.building; wait != nil {
			n.mu.Unlock()
			<-wait
			continue
		}
		done := make(chan struct{})
		n.building, n.pending, n.stale = done, map[ID]struct{}{}, false
		n.mu.Unlock()

		ix, err := d.buildNames()

		n.mu.Lock()
		if err == nil && !n.stale {
			err = d.applyNames(ix, n.pending)
			if err == nil {
				n.ix = ix
			}
		}
		n.building, n.pending = nil, nil
		n.mu.Unlock()
		close(done)
		if err != nil {
			return nil, err
		}
	}
}

func (d *Desk) buildNames() (*suggest.NameIndex, error) {
	nb := suggest.NewNameBuilder()
	err := d.store.View(func(tx Tx) error {
		for u, err := range tx.Users(0) {
			if err != nil {
				return err
			}
			nb.Add(uint64(u.ID), u.Name, u.Email)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nb.Finish(), nil
}

// applyNames reads the given users again and puts them in the index (or
// removes them, when gone). n.mu must be held.
func (d *Desk) applyNames(ix *suggest.NameIndex, ids map[ID]struct{}) error {
	if len(ids) == 0 {
		return nil
	}
	return d.store.View(func(tx Tx) error {
		for id := range ids {
			u, err := tx.User(id)
			switch {
			case IsNotFound(err):
				ix.Delete(uint64(id))
			case err != nil:
				return err
			default:
				ix.Put(uint64(id), u.Name, u.Email)
			}
		}
		return nil
	})
}

// namesCommitted brings the name index up to date with a commit, before
// its events are published (so a search answering an event finds the new
// name). A read that fails drops the index, built again at its next use.
func (d *Desk) namesCommitted(c *commit) {
	ids := map[ID]struct{}{}
	for _, e := range c.events {
		if e.Kind == SubjectUser && e.ID != 0 {
			ids[e.ID] = struct{}{}
		}
	}
	// An import's users come as email index entries, or as rebuildIndex
	// when there are too many to list.
	for _, e := range c.addedEmails {
		ids[e.ID] = struct{}{}
	}
	if len(ids) == 0 && !c.rebuildIndex {
		return
	}
	n := &d.names
	n.mu.Lock()
	defer n.mu.Unlock()
	drop := c.rebuildIndex || len(ids) > nameRebuildAt
	switch {
	case n.building != nil && drop:
		n.stale = true
	case n.building != nil:
		for id := range ids {
			n.pending[id] = struct{}{}
		}
	case n.ix == nil:
	case drop:
		n.ix = nil
	default:
		if d.applyNames(n.ix, ids) != nil {
			n.ix = nil
		}
	}
}

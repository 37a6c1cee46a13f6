package domain

import (
	"iter"
	"slices"
)

// UserOrder is an order the users list can page through cheaply, from an
// index the store keeps: creation (the id order of the users bucket) or
// email (the users_by_email index), each either way. Name, organization
// and state have no such index; sorting a million users by them would mean
// reading them all, so they are not offered (state is the list's filter).
type UserOrder struct {
	ByEmail bool // false: by creation (id)
	Desc    bool
}

// Column names the order's column, as the list's header shows it.
func (o UserOrder) Column() string {
	if o.ByEmail {
		return "email"
	}
	return "created"
}

// UserCursor is where a page starts: after (or, Incl, at) a user already
// shown. The zero cursor is the list's first user going forward and its
// last going backward.
type UserCursor struct {
	ID       ID
	EmailKey string // the user's email key, for the email order
	Incl     bool
}

// CursorAt is the cursor at u.
func CursorAt(u User, incl bool) UserCursor {
	return UserCursor{ID: u.ID, EmailKey: u.EmailKey(), Incl: incl}
}

// UsersPage returns up to limit users that pass the filter, in the list's
// order o: with forward, those after the cursor; otherwise those just
// before it (still in list order, so the last is next to the cursor). more
// says whether the list goes on in that direction.
func (d *Desk) UsersPage(f UserFilter, o UserOrder, from UserCursor, forward bool, limit int) (us []User, more bool, err error) {
	// Walking the list backward is walking its index the other way.
	up := forward != o.Desc
	err = d.store.View(func(tx Tx) error {
		us, more = nil, false
		for u, err := range orderedUsers(tx, o.ByEmail, up, from) {
			if err != nil {
				return err
			}
			if (f.State != "" && u.State != f.State) || (f.OrgID != 0 && u.OrgID != f.OrgID) {
				continue
			}
			if limit > 0 && len(us) == limit {
				more = true
				return nil
			}
			us = append(us, u)
		}
		return nil
	})
	if !forward {
		slices.Reverse(us)
	}
	return us, more, err
}

// orderedUsers yields users by id or by email key, ascending (up) or
// descending, from the cursor.
func orderedUsers(tx Tx, byEmail, up bool, from UserCursor) iter.Seq2[User, error] {
	if !byEmail {
		switch {
		case up && from.Incl && from.ID > 0:
			return tx.Users(from.ID - 1)
		case up:
			return tx.Users(from.ID)
		case from.Incl && from.ID > 0:
			return tx.UsersBackward(from.ID + 1)
		default:
			return tx.UsersBackward(from.ID)
		}
	}
	return func(yield func(User, error) bool) {
		var keys iter.Seq2[[]byte, ID]
		if up {
			keys = tx.Emails(from.EmailKey)
		} else {
			keys = tx.EmailsBackward(from.EmailKey)
			if from.Incl && from.EmailKey != "" {
				// At the cursor: the key itself first, then below it.
				keys = withFirst(tx, from.EmailKey, keys)
			}
		}
		for k, id := range keys {
			if up && !from.Incl && from.EmailKey != "" && string(k) == from.EmailKey {
				continue // Emails starts at the cursor's own key
			}
			u, err := tx.User(id)
			if IsNotFound(err) {
				continue // an import's entry ahead of its record
			}
			if !yield(u, err) || err != nil {
				return
			}
		}
	}
}

// withFirst yields the index entry of key, if any, then rest.
func withFirst(tx Tx, key string, rest iter.Seq2[[]byte, ID]) iter.Seq2[[]byte, ID] {
	return func(yield func([]byte, ID) bool) {
		if id, err := tx.UserIDByEmail(key); err == nil {
			if !yield([]byte(key), id) {
				return
			}
		}
		rest(yield)
	}
}

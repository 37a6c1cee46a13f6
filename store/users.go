package store

import (
	"bytes"
	"errors"
	"fmt"
	"iter"

	"helpdesk/domain"
)

func (t *tx) User(id domain.ID) (domain.User, error) {
	var u domain.User
	v := t.bucket(bucketUsers).Get(idKey(id))
	if v == nil {
		return u, domain.ErrNotFound
	}
	if err := decode(v, &u); err != nil {
		return u, fmt.Errorf("decode user %d: %w", id, err)
	}
	return u, nil
}

func (t *tx) UserIDByEmail(key string) (domain.ID, error) {
	v := t.bucket(bucketUsersByEmail).Get([]byte(key))
	if v == nil {
		return 0, domain.ErrNotFound
	}
	return domain.ID(btoi(v)), nil
}

// PutUser writes a user and keeps users_by_email, org_members and the state
// counters in step with it. A new user (ID 0) gets the next id.
func (t *tx) PutUser(u *domain.User) error {
	users := t.bucket(bucketUsers)
	var old *domain.User
	if u.ID == 0 {
		seq, err := users.NextSequence()
		if err != nil {
			return err
		}
		u.ID = domain.ID(seq)
	} else if prev, err := t.User(u.ID); err == nil {
		old = &prev
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	key := []byte(u.EmailKey())
	byEmail := t.bucket(bucketUsersByEmail)
	if owner := byEmail.Get(key); owner != nil && domain.ID(btoi(owner)) != u.ID {
		// The domain checks first and names the owner; this is the last line
		// against two records sharing one email.
		return fmt.Errorf("email %s already indexed for user %d", u.Email, btoi(owner))
	}
	v, err := encode(u)
	if err != nil {
		return err
	}
	if err := users.Put(idKey(u.ID), v); err != nil {
		return err
	}
	if old != nil && old.EmailKey() != string(key) {
		if err := byEmail.Delete([]byte(old.EmailKey())); err != nil {
			return err
		}
	}
	if err := byEmail.Put(key, idKey(u.ID)); err != nil {
		return err
	}
	members := t.bucket(bucketOrgMembers)
	if old != nil && old.OrgID != 0 && old.OrgID != u.OrgID {
		if err := members.Delete(pairKey(old.OrgID, u.ID)); err != nil {
			return err
		}
	}
	if u.OrgID != 0 {
		if err := members.Put(pairKey(u.OrgID, u.ID), nil); err != nil {
			return err
		}
	}
	var oldState domain.State
	if old != nil {
		oldState = old.State
	}
	return t.moveCount(oldState, u.State, 1)
}

// DeleteUser removes a user record with its users_by_email and org_members
// entries and takes it off its state counter. A missing user is ErrNotFound.
func (t *tx) DeleteUser(id domain.ID) error {
	u, err := t.User(id)
	if err != nil {
		return err
	}
	byEmail := t.bucket(bucketUsersByEmail)
	if owner := byEmail.Get([]byte(u.EmailKey())); owner != nil && domain.ID(btoi(owner)) == id {
		if err := byEmail.Delete([]byte(u.EmailKey())); err != nil {
			return err
		}
	}
	if u.OrgID != 0 {
		if err := t.bucket(bucketOrgMembers).Delete(pairKey(u.OrgID, id)); err != nil {
			return err
		}
	}
	if err := t.bucket(bucketUsers).Delete(idKey(id)); err != nil {
		return err
	}
	return t.moveCount(u.State, "", 1)
}

// moveCount moves n users from one state counter to another ("" for none).
func (t *tx) moveCount(from, to domain.State, n int) error {
	if from == to {
		return nil
	}
	meta := t.bucket(bucketMeta)
	if from != "" {
		c := btoi(meta.Get(countKey(from)))
		if uint64(n) > c {
			return fmt.Errorf("user count for state %s would go below zero", from)
		}
		if err := meta.Put(countKey(from), itob(c-uint64(n))); err != nil {
			return err
		}
	}
	if to != "" {
		c := btoi(meta.Get(countKey(to)))
		if err := meta.Put(countKey(to), itob(c+uint64(n))); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) UserCounts() (map[domain.State]int, error) {
	meta := t.bucket(bucketMeta)
	m := map[domain.State]int{}
	for _, s := range domain.States {
		m[s] = int(btoi(meta.Get(countKey(s))))
	}
	return m, nil
}

func (t *tx) Users(after domain.ID) iter.Seq2[domain.User, error] {
	return func(yield func(domain.User, error) bool) {
		c := t.bucket(bucketUsers).Cursor()
		k, v := c.Seek(idKey(after + 1))
		for ; k != nil; k, v = c.Next() {
			var u domain.User
			if err := decode(v, &u); err != nil {
				yield(u, fmt.Errorf("decode user %d: %w", btoi(k), err))
				return
			}
			if !yield(u, nil) {
				return
			}
		}
	}
}

func (t *tx) UsersBackward(before domain.ID) iter.Seq2[domain.User, error] {
	return func(yield func(domain.User, error) bool) {
		c := t.bucket(bucketUsers).Cursor()
		k, v := c.Last()
		if before != 0 {
			k, v = seekBefore(c, idKey(before))
		}
		for ; k != nil; k, v = c.Prev() {
			var u domain.User
			if err := decode(v, &u); err != nil {
				yield(u, fmt.Errorf("decode user %d: %w", btoi(k), err))
				return
			}
			if !yield(u, nil) {
				return
			}
		}
	}
}

func (t *tx) Emails(from string) iter.Seq2[[]byte, domain.ID] {
	return func(yield func([]byte, domain.ID) bool) {
		c := t.bucket(bucketUsersByEmail).Cursor()
		var k, v []byte
		if from == "" {
			k, v = c.First()
		} else {
			k, v = c.Seek([]byte(from))
		}
		for ; k != nil; k, v = c.Next() {
			if !yield(k, domain.ID(btoi(v))) {
				return
			}
		}
	}
}

func (t *tx) EmailsBackward(before string) iter.Seq2[[]byte, domain.ID] {
	return func(yield func([]byte, domain.ID) bool) {
		c := t.bucket(bucketUsersByEmail).Cursor()
		var k, v []byte
		if before == "" {
			k, v = c.Last()
		} else if k, v = c.Seek([]byte(before)); k == nil {
			k, v = c.Last() // every key is below before
		} else {
			k, v = c.Prev() // Seek found the first key at or above before
		}
		for ; k != nil; k, v = c.Prev() {
			if !yield(k, domain.ID(btoi(v))) {
				return
			}
		}
	}
}

func (t *tx) Members(org domain.ID) iter.Seq[domain.ID] {
	return func(yield func(domain.ID) bool) {
		prefix := idKey(org)
		c := t.bucket(bucketOrgMembers).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if !yield(domain.ID(btoi(k[8:]))) {
				return
			}
		}
	}
}

func (t *tx) MemberCount(org domain.ID) int {
	n := 0
	for range t.Members(org) {
		n++
	}
	return n
}

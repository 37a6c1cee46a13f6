package store

import (
	"bytes"
	"errors"
	"fmt"
	"iter"

	"helpdesk/domain"
)

func (t *tx) Group(id domain.ID) (domain.Group, error) {
	var g domain.Group
	v := t.bucket(bucketGroups).Get(idKey(id))
	if v == nil {
		return g, domain.ErrNotFound
	}
	if err := decode(v, &g); err != nil {
		return g, fmt.Errorf("decode group %d: %w", id, err)
	}
	return g, nil
}

func (t *tx) GroupIDByName(key string) (domain.ID, error) {
	v := t.bucket(bucketGroupsByName).Get([]byte(key))
	if v == nil {
		return 0, domain.ErrNotFound
	}
	return domain.ID(btoi(v)), nil
}

// PutGroup writes a group and keeps groups_by_name in step.
func (t *tx) PutGroup(g *domain.Group) error {
	groups, byName := t.bucket(bucketGroups), t.bucket(bucketGroupsByName)
	if g.ID == 0 {
		seq, err := groups.NextSequence()
		if err != nil {
			return err
		}
		g.ID = domain.ID(seq)
	} else if old, err := t.Group(g.ID); err == nil {
		if k := domain.NameKey(old.Name); k != domain.NameKey(g.Name) {
			if err := byName.Delete([]byte(k)); err != nil {
				return err
			}
		}
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	key := []byte(domain.NameKey(g.Name))
	if owner := byName.Get(key); owner != nil && domain.ID(btoi(owner)) != g.ID {
		return fmt.Errorf("group name %s already indexed for group %d", g.Name, btoi(owner))
	}
	v, err := encode(g)
	if err != nil {
		return err
	}
	if err := groups.Put(idKey(g.ID), v); err != nil {
		return err
	}
	return byName.Put(key, idKey(g.ID))
}

func (t *tx) Groups() iter.Seq2[domain.Group, error] {
	return func(yield func(domain.Group, error) bool) {
		c := t.bucket(bucketGroups).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var g domain.Group
			if err := decode(v, &g); err != nil {
				yield(g, fmt.Errorf("decode group %d: %w", btoi(k), err))
				return
			}
			if !yield(g, nil) {
				return
			}
		}
	}
}

func (t *tx) AddGroupMember(group, user domain.ID) error {
	if err := t.bucket(bucketGroupMembers).Put(pairKey(group, user), nil); err != nil {
		return err
	}
	return t.bucket(bucketUserGroups).Put(pairKey(user, group), nil)
}

func (t *tx) RemoveGroupMember(group, user domain.ID) error {
	if err := t.bucket(bucketGroupMembers).Delete(pairKey(group, user)); err != nil {
		return err
	}
	return t.bucket(bucketUserGroups).Delete(pairKey(user, group))
}

// seconds yields the second id of the pair keys under a first id.
func (t *tx) seconds(bucket []byte, first domain.ID) iter.Seq[domain.ID] {
	return func(yield func(domain.ID) bool) {
		prefix := idKey(first)
		c := t.bucket(bucket).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if !yield(domain.ID(btoi(k[8:]))) {
				return
			}
		}
	}
}

func (t *tx) GroupMembers(group domain.ID) iter.Seq[domain.ID] {
	return t.seconds(bucketGroupMembers, group)
}

func (t *tx) UserGroups(user domain.ID) iter.Seq[domain.ID] {
	return t.seconds(bucketUserGroups, user)
}

func checkGroups(t *tx, report func(string, ...any)) {
	groups, byName := t.bucket(bucketGroups), t.bucket(bucketGroupsByName)
	members, userGroups := t.bucket(bucketGroupMembers), t.bucket(bucketUserGroups)
	_ = groups.ForEach(func(k, v []byte) error {
		var g domain.Group
		if err := decode(v, &g); err != nil {
			// checkRecords reports it
			return nil
		}
		if owner := byName.Get([]byte(domain.NameKey(g.Name))); owner == nil || btoi(owner) != uint64(g.ID) {
			report("group %d (%s) has no name index entry pointing at it", g.ID, g.Name)
		}
		if g.OrgID != 0 && t.bucket(bucketOrgs).Get(idKey(g.OrgID)) == nil {
			report("group %d names organization %d, which does not exist", g.ID, g.OrgID)
		}
		return nil
	})
	_ = byName.ForEach(func(k, v []byte) error {
		if g, err := t.Group(domain.ID(btoi(v))); err != nil || domain.NameKey(g.Name) != string(k) {
			report("group name index %q points at group %d, which disagrees", k, btoi(v))
		}
		return nil
	})
	pairs := func(b []byte, what string, flip bool) {
		_ = t.bucket(b).ForEach(func(k, _ []byte) error {
			if len(k) != 16 {
				report("%s entry %x is malformed", what, k)
				return nil
			}
			group, user := domain.ID(btoi(k[:8])), domain.ID(btoi(k[8:]))
			other, otherName := userGroups, "user_groups"
			if flip {
				group, user = user, group
				other, otherName = members, "group_members"
			}
			if groups.Get(idKey(group)) == nil {
				report("%s says user %d is in group %d, which does not exist", what, user, group)
			}
			if t.bucket(bucketUsers).Get(idKey(user)) == nil {
				report("%s says user %d is in group %d; the user does not exist", what, user, group)
			}
			back := pairKey(user, group)
			if flip {
				back = pairKey(group, user)
			}
			if other.Get(back) == nil {
				report("%s says user %d is in group %d; %s disagrees", what, user, group, otherName)
			}
			return nil
		})
	}
	pairs(bucketGroupMembers, "group_members", false)
	pairs(bucketUserGroups, "user_groups", true)
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"slices"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// bucketOrgChildren is org_children: parent org id + child org id, empty
// value, one entry per organization that has a parent. PutOrg keeps it in
// step with ParentID, so the organizations below one are found without
// reading every organization.
var bucketOrgChildren = []byte("org_children")

func (t *tx) Org(id domain.ID) (domain.Organization, error) {
	var o domain.Organization
	v := t.bucket(bucketOrgs).Get(idKey(id))
	if v == nil {
		return o, domain.ErrNotFound
	}
	if err := decode(v, &o); err != nil {
		return o, fmt.Errorf("decode organization %d: %w", id, err)
	}
	return o, nil
}

func (t *tx) OrgIDByName(key string) (domain.ID, error) {
	v := t.bucket(bucketOrgsByName).Get([]byte(key))
	if v == nil {
		return 0, domain.ErrNotFound
	}
	return domain.ID(btoi(v)), nil
}

func (t *tx) OrgIDByDomain(d string) (domain.ID, error) {
	v := t.bucket(bucketOrgDomains).Get([]byte(d))
	if v == nil {
		return 0, domain.ErrNotFound
	}
	return domain.ID(btoi(v)), nil
}

// PutOrg writes an organization and keeps orgs_by_name, org_domains and
// org_children in step: entries for an old name, a removed domain or a
// former parent are deleted.
func (t *tx) PutOrg(o *domain.Organization) error {
	orgs := t.bucket(bucketOrgs)
	var old *domain.Organization
	if o.ID == 0 {
		seq, err := orgs.NextSequence()
		if err != nil {
			return err
		}
		o.ID = domain.ID(seq)
	} else if prev, err := t.Org(o.ID); err == nil {
		old = &prev
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	byName, domains := t.bucket(bucketOrgsByName), t.bucket(bucketOrgDomains)
	name := []byte(domain.NameKey(o.Name))
	if owner := byName.Get(name); owner != nil && domain.ID(btoi(owner)) != o.ID {
		return fmt.Errorf("organization name %q already indexed for organization %d", o.Name, btoi(owner))
	}
	for _, d := range o.Domains {
		if owner := domains.Get([]byte(d)); owner != nil && domain.ID(btoi(owner)) != o.ID {
			return fmt.Errorf("domain %s already indexed for organization %d", d, btoi(owner))
		}
	}
	v, err := encode(o)
	if err != nil {
		return err
	}
	if err := orgs.Put(idKey(o.ID), v); err != nil {
		return err
	}
	if old != nil {
		if oldName := domain.NameKey(old.Name); oldName != string(name) {
			if err := byName.Delete([]byte(oldName)); err != nil {
				return err
			}
		}
		for _, d := range old.Domains {
			if !slices.Contains(o.Domains, d) {
				if err := domains.Delete([]byte(d)); err != nil {
					return err
				}
			}
		}
	}
	if err := byName.Put(name, idKey(o.ID)); err != nil {
		return err
	}
	if err := t.putOrgChild(old, o); err != nil {
		return err
	}
	if err := t.putSlug(old, o); err != nil {
		return err
	}
	for _, d := range o.Domains {
		if err := domains.Put([]byte(d), idKey(o.ID)); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) Orgs() iter.Seq2[domain.Organization, error] {
	return func(yield func(domain.Organization, error) bool) {
		c := t.bucket(bucketOrgs).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var o domain.Organization
			if err := decode(v, &o); err != nil {
				yield(o, fmt.Errorf("decode organization %d: %w", btoi(k), err))
				return
			}
			if !yield(o, nil) {
				return
			}
		}
	}
}

// putOrgChild brings org_children from old's entry (nil: a new
// organization) to o's.
func (t *tx) putOrgChild(old, o *domain.Organization) error {
	children := t.bucket(bucketOrgChildren)
	if old != nil && old.ParentID != 0 && old.ParentID != o.ParentID {
		if err := children.Delete(pairKey(old.ParentID, o.ID)); err != nil {
			return err
		}
	}
	if o.ParentID == 0 {
		return nil
	}
	return children.Put(pairKey(o.ParentID, o.ID), nil)
}

// deleteOrgChild removes an organization's org_children entry, for a
// record about to be deleted.
func (t *tx) deleteOrgChild(o *domain.Organization) error {
	if o.ParentID == 0 {
		return nil
	}
	return t.bucket(bucketOrgChildren).Delete(pairKey(o.ParentID, o.ID))
}

// OrgChildren yields the ids of the organizations whose parent is parent,
// in id order, from org_children: no organization record is read.
func (t *tx) OrgChildren(parent domain.ID) iter.Seq[domain.ID] {
	return func(yield func(domain.ID) bool) {
		prefix := idKey(parent)
		c := t.bucket(bucketOrgChildren).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) != 16 {
				continue // check reports it
			}
			if !yield(domain.ID(btoi(k[8:]))) {
				return
			}
		}
	}
}

// migrateOrgChildren is migration 12: org_children, filled from the
// organizations stored so far.
func migrateOrgChildren(btx *bolt.Tx) error {
	if _, err := btx.CreateBucketIfNotExists(bucketOrgChildren); err != nil {
		return err
	}
	t := &tx{btx: btx}
	return t.bucket(bucketOrgs).ForEach(func(k, v []byte) error {
		var o domain.Organization
		if err := decode(v, &o); err != nil {
			return fmt.Errorf("organization %d: %w", btoi(k), err)
		}
		return t.putOrgChild(nil, &o)
	})
}

// checkOrgChildren verifies org_children against the organizations both
// ways: every organization with a parent has its entry, and every entry
// names an organization whose parent it is.
func checkOrgChildren(t *tx, report func(string, ...any)) {
	children := t.bucket(bucketOrgChildren)
	_ = t.bucket(bucketOrgs).ForEach(func(k, v []byte) error {
		var o domain.Organization
		if decode(v, &o) != nil {
			return nil // checkRecords reports it
		}
		if o.ParentID != 0 && children.Get(pairKey(o.ParentID, o.ID)) == nil {
			report("organization %d (%s) is under %d but missing from the children index", o.ID, o.Name, o.ParentID)
		}
		return nil
	})
	_ = children.ForEach(func(k, _ []byte) error {
		if len(k) != 16 {
			report("children index entry %x is malformed", k)
			return nil
		}
		parent, id := domain.ID(btoi(k[:8])), domain.ID(btoi(k[8:]))
		if o, err := t.Org(id); err != nil || o.ParentID != parent {
			report("children index says organization %d is under %d; the organization disagrees", id, parent)
		}
		return nil
	})
}

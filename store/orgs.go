package store

import (
	"errors"
	"fmt"
	"iter"
	"slices"

	"helpdesk/domain"
)

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

// PutOrg writes an organization and keeps orgs_by_name and org_domains in
// step: entries for an old name or a removed domain are deleted.
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

package store

import (
	"bytes"
	"fmt"
	"iter"

	"helpdesk/domain"
)

// The customer portal's buckets: sessions (by the SHA-256 of their id),
// sign-in records (throttling and the last sign-in), and organizations'
// branding (slug index and logos).

func (t *tx) PutSession(s domain.CustomerSession) error {
	v, err := encode(s)
	if err != nil {
		return err
	}
	return t.bucket(bucketSessions).Put(s.Hash, v)
}

func (t *tx) Session(hash []byte) (domain.CustomerSession, error) {
	var s domain.CustomerSession
	v := t.bucket(bucketSessions).Get(hash)
	if v == nil {
		return s, domain.ErrNotFound
	}
	if err := decode(v, &s); err != nil {
		return s, fmt.Errorf("decode session: %w", err)
	}
	return s, nil
}

func (t *tx) DeleteSession(hash []byte) error {
	return t.bucket(bucketSessions).Delete(hash)
}

func (t *tx) Sessions() iter.Seq2[domain.CustomerSession, error] {
	return func(yield func(domain.CustomerSession, error) bool) {
		c := t.bucket(bucketSessions).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var s domain.CustomerSession
			if err := decode(v, &s); err != nil {
				yield(s, fmt.Errorf("decode session %x: %w", k[:4], err))
				return
			}
			s.Hash = bytes.Clone(k)
			if !yield(s, nil) {
				return
			}
		}
	}
}

func (t *tx) SignInRecord(key string) (domain.SignInRecord, error) {
	var r domain.SignInRecord
	v := t.bucket(bucketSignIn).Get([]byte(key))
	if v == nil {
		return r, nil
	}
	if err := decode(v, &r); err != nil {
		return r, fmt.Errorf("decode sign-in record %s: %w", key, err)
	}
	return r, nil
}

func (t *tx) PutSignInRecord(key string, r domain.SignInRecord) error {
	v, err := encode(r)
	if err != nil {
		return err
	}
	return t.bucket(bucketSignIn).Put([]byte(key), v)
}

func (t *tx) OrgIDBySlug(slug string) (domain.ID, error) {
	v := t.bucket(bucketOrgsBySlug).Get([]byte(slug))
	if v == nil {
		return 0, domain.ErrNotFound
	}
	return domain.ID(btoi(v)), nil
}

// putSlug keeps orgs_by_slug in step with an organization's branding.
func (t *tx) putSlug(old *domain.Organization, o *domain.Organization) error {
	b := t.bucket(bucketOrgsBySlug)
	slug := func(o *domain.Organization) string {
		if o == nil || o.Brand == nil {
			return ""
		}
		return o.Brand.Slug
	}
	oldSlug, newSlug := slug(old), slug(o)
	if oldSlug == newSlug {
		return nil
	}
	if newSlug != "" {
		if owner := b.Get([]byte(newSlug)); owner != nil && domain.ID(btoi(owner)) != o.ID {
			return fmt.Errorf("branding slug %q already indexed for organization %d", newSlug, btoi(owner))
		}
		if err := b.Put([]byte(newSlug), idKey(o.ID)); err != nil {
			return err
		}
	}
	if oldSlug != "" {
		return b.Delete([]byte(oldSlug))
	}
	return nil
}

func (t *tx) PutLogo(org domain.ID, b []byte) error {
	if b == nil {
		return t.bucket(bucketOrgLogos).Delete(idKey(org))
	}
	return t.bucket(bucketOrgLogos).Put(idKey(org), b)
}

func (t *tx) Logo(org domain.ID) ([]byte, error) {
	v := t.bucket(bucketOrgLogos).Get(idKey(org))
	if v == nil {
		return nil, domain.ErrNotFound
	}
	return v, nil
}

package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// Problem is one inconsistency found by Check.
type Problem string

// Check runs bbolt's page-level check, verifies the checksum of every
// record and that it decodes, and then that every index entry points at a
// record that points back, and every record has its index entries. It reads
// one snapshot, so it can run while the desk serves. A damaged file is a
// problem it reports, not an error: the error is for a cancelled ctx or a
// database it could not read at all.
func (db *DB) Check(ctx context.Context) ([]Problem, error) {
	var out []Problem
	report := func(format string, args ...any) {
		if len(out) < 1000 {
			out = append(out, Problem(fmt.Sprintf(format, args...)))
		}
	}
	err := db.guard(func() error {
		return db.bolt.View(func(btx *bolt.Tx) error {
			// Walk every page here, where a fault or a bbolt panic is
			// recovered, before bbolt's check walks them on a goroutine of
			// its own, where neither would be.
			broken, err := walkPages(db.path, btx, false)
			if err != nil {
				return err
			}
			for _, p := range broken {
				report("the file is damaged: %s", p)
			}
			if len(broken) > 0 {
				// A cursor could loop or fault on these pages: what
				// they hold is for salvage to read.
				return nil
			}
			nested, err := touchAll(ctx, btx)
			if err != nil {
				return err
			}
			for _, where := range nested {
				report("bucket %s holds a nested bucket, which the store never writes: the page is damaged", where)
			}
			if len(nested) == 0 {
				for err := range btx.Check() {
					report("bbolt: %v", err)
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			for _, name := range [][]byte{bucketMeta, bucketUsers, bucketUsersByEmail, bucketOrgs, bucketOrgsByName, bucketOrgDomains, bucketOrgMembers, bucketAudit, bucketAuditBySubject, bucketTemplates, bucketOutbox, bucketOutboxQueue, bucketTokens, bucketAgents, bucketAgentKeys, bucketConversations, bucketConvMessages, bucketConvByRequester, bucketConvByStatus, bucketGroups, bucketGroupsByName, bucketGroupMembers, bucketUserGroups, bucketSessions, bucketSignIn, bucketOrgsBySlug, bucketOrgLogos, bucketConvActivity, bucketConvByOrg, bucketConvByCollaborator, bucketMailIDs, bucketConvMailIDs, bucketAttachments, bucketOrgChildren} {
				if btx.Bucket(name) == nil {
					report("bucket %s is missing", name)
					return nil
				}
			}
			t := &tx{btx: btx}
			if err := checkRecords(ctx, t, report); err != nil {
				return err
			}
			if btoi(t.bucket(bucketMeta).Get(keyImport)) != 0 {
				report("an import is marked unfinished; opening the database read-write rolls it back")
			}
			for _, step := range []func(*tx, func(string, ...any)){checkUsers, checkOrgs, checkOrgChildren, checkAudit, checkOutbox, checkAgents, checkConversations, checkPortalIndexes, checkGroups, checkInbound} {
				if err := ctx.Err(); err != nil {
					return err
				}
				step(t, report)
			}
			return nil
		})
	})
	var damaged *DamagedError
	if errors.As(err, &damaged) {
		report("the file is damaged: %s", damaged.What)
		return out, nil
	}
	return out, err
}

// touchAll reads every key and value of every bucket, and opens every
// nested bucket, so that a damaged page faults or panics on the calling
// goroutine. It returns where it found nested buckets: the store writes
// none, so each is a damaged page, which bbolt's own check is not safe to
// walk.
func touchAll(ctx context.Context, btx *bolt.Tx) (nested []string, err error) {
	var sum byte
	n := 0
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		b.Stats() // every page of the bucket, on this goroutine
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if len(k) > 0 {
				sum ^= k[0] ^ k[len(k)-1]
			}
			if len(v) > 0 {
				sum ^= v[0] ^ v[len(v)-1]
			}
			if v == nil {
				if sub := b.Bucket(k); sub != nil {
					where := path + "/" + keyName(k)
					nested = append(nested, where)
					if err := walk(where, sub); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	err = btx.ForEach(func(name []byte, b *bolt.Bucket) error {
		return walk(string(name), b)
	})
	_ = sum
	return nested, err
}

// checkRecords verifies every encoded record: its checksum, and that it
// decodes as what its bucket holds.
func checkRecords(ctx context.Context, t *tx, report func(string, ...any)) error {
	n := 0
	verify := func(kind string, k, v []byte, into any) {
		if err := decode(v, into); err != nil {
			what := err.Error()
			var d *DamagedError
			if errors.As(err, &d) {
				what = d.What
			}
			report("%s %s: %s", kind, keyName(k), what)
		}
	}
	for _, rk := range recordKinds {
		err := t.bucket(rk.bucket).ForEach(func(k, v []byte) error {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			verify(rk.kind, k, v, rk.zero())
			return nil
		})
		if err != nil {
			return err
		}
	}
	if v := t.bucket(bucketMeta).Get(keySettings); v != nil {
		verify("desk settings", keySettings, v, new(domain.Settings))
	}
	return nil
}

// problemOf is an error as check reports it: for a damaged record, only
// what is damaged (check says once what to do).
func problemOf(err error) string {
	var d *DamagedError
	if errors.As(err, &d) {
		return "damaged: " + d.What
	}
	return err.Error()
}

// keyName shows a key as people read it: an id as a number, text as
// quoted text, anything else in hex.
func keyName(k []byte) string {
	if len(k) == 8 {
		return strconv.FormatUint(btoi(k), 10)
	}
	for _, c := range k {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("%x", k)
		}
	}
	return strconv.Quote(string(k))
}

func checkUsers(t *tx, report func(string, ...any)) {
	users, byEmail, members := t.bucket(bucketUsers), t.bucket(bucketUsersByEmail), t.bucket(bucketOrgMembers)
	counts := map[domain.State]int{}
	_ = users.ForEach(func(k, v []byte) error {
		var u domain.User
		if err := decode(v, &u); err != nil {
			return nil // checkRecords reports it
		}
		counts[u.State]++
		if uint64(u.ID) != btoi(k) {
			report("user under key %d says it is %d", btoi(k), u.ID)
		}
		if owner := byEmail.Get([]byte(u.EmailKey())); owner == nil || btoi(owner) != uint64(u.ID) {
			report("user %d (%s) has no email index entry pointing at it", u.ID, u.Email)
		}
		if u.OrgID != 0 {
			if members.Get(pairKey(u.OrgID, u.ID)) == nil {
				report("user %d is in organization %d but not in its member index", u.ID, u.OrgID)
			}
			if t.bucket(bucketOrgs).Get(idKey(u.OrgID)) == nil {
				report("user %d names organization %d, which does not exist", u.ID, u.OrgID)
			}
		}
		return nil
	})
	_ = byEmail.ForEach(func(k, v []byte) error {
		u, err := t.User(domain.ID(btoi(v)))
		if err != nil {
			report("email index %s points at user %d: %s", k, btoi(v), problemOf(err))
		} else if u.EmailKey() != string(k) {
			report("email index %s points at user %d, whose email is %s", k, u.ID, u.Email)
		}
		return nil
	})
	_ = members.ForEach(func(k, _ []byte) error {
		org, id := domain.ID(btoi(k[:8])), domain.ID(btoi(k[8:]))
		if u, err := t.User(id); err != nil || u.OrgID != org {
			report("member index says user %d is in organization %d; the user record disagrees", id, org)
		}
		return nil
	})
	stored, _ := t.UserCounts()
	for _, s := range domain.States {
		if stored[s] != counts[s] {
			report("count of %s users is %d but %d records are %s", s, stored[s], counts[s], s)
		}
	}
}

func checkOrgs(t *tx, report func(string, ...any)) {
	orgs, byName, domains := t.bucket(bucketOrgs), t.bucket(bucketOrgsByName), t.bucket(bucketOrgDomains)
	slugs, logos := t.bucket(bucketOrgsBySlug), t.bucket(bucketOrgLogos)
	_ = orgs.ForEach(func(k, v []byte) error {
		var o domain.Organization
		if err := decode(v, &o); err != nil {
			return nil // checkRecords reports it
		}
		if owner := byName.Get([]byte(domain.NameKey(o.Name))); owner == nil || btoi(owner) != uint64(o.ID) {
			report("organization %d (%s) has no name index entry pointing at it", o.ID, o.Name)
		}
		for _, d := range o.Domains {
			if owner := domains.Get([]byte(d)); owner == nil || btoi(owner) != uint64(o.ID) {
				report("organization %d (%s) has domain %s but the domain index disagrees", o.ID, o.Name, d)
			}
		}
		if o.ParentID != 0 && orgs.Get(idKey(o.ParentID)) == nil {
			report("organization %d names parent %d, which does not exist", o.ID, o.ParentID)
		}
		if b := o.Brand; b != nil {
			if owner := slugs.Get([]byte(b.Slug)); owner == nil || btoi(owner) != uint64(o.ID) {
				report("organization %d (%s) has branding %q but the slug index disagrees", o.ID, o.Name, b.Slug)
			}
			if logo := logos.Get(k); (b.LogoType != "") != (logo != nil) || (logo != nil && len(logo) != b.LogoSize) {
				report("organization %d (%s): its logo does not match its branding (%s, %d bytes)", o.ID, o.Name, b.LogoType, b.LogoSize)
			}
		}
		return nil
	})
	_ = slugs.ForEach(func(k, v []byte) error {
		o, err := t.Org(domain.ID(btoi(v)))
		if err != nil || o.Brand == nil || o.Brand.Slug != string(k) {
			report("slug index %q points at organization %d, which has another branding", k, btoi(v))
		}
		return nil
	})
	_ = byName.ForEach(func(k, v []byte) error {
		o, err := t.Org(domain.ID(btoi(v)))
		if err != nil || domain.NameKey(o.Name) != string(k) {
			report("name index %q points at organization %d, which disagrees", k, btoi(v))
		}
		return nil
	})
	_ = domains.ForEach(func(k, v []byte) error {
		o, err := t.Org(domain.ID(btoi(v)))
		if err != nil || !slices.Contains(o.Domains, string(k)) {
			report("domain index %s points at organization %d, which does not list it", k, btoi(v))
		}
		return nil
	})
}

func checkAudit(t *tx, report func(string, ...any)) {
	entries := t.bucket(bucketAudit)
	_ = t.bucket(bucketAuditBySubject).ForEach(func(k, _ []byte) error {
		if len(k) != 17 || entries.Get(k[9:]) == nil {
			report("audit subject index entry %x points at no entry", k)
		}
		return nil
	})
}

func checkOutbox(t *tx, report func(string, ...any)) {
	queued := 0
	_ = t.bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		var m domain.OutboxMessage
		if err := decode(v, &m); err != nil {
			return nil // checkRecords reports it
		}
		if at, ok := m.QueueAt(); ok {
			queued++
			if t.bucket(bucketOutboxQueue).Get(queueKey(at, m.ID)) == nil {
				report("%s outbox message %d is missing from the delivery queue", m.State, m.ID)
			}
		}
		return nil
	})
	if n := t.bucket(bucketOutboxQueue).Stats().KeyN; n != queued {
		report("the delivery queue holds %d entries for %d queued messages", n, queued)
	}
}

func checkAgents(t *tx, report func(string, ...any)) {
	keys := t.bucket(bucketAgentKeys)
	_ = t.bucket(bucketAgents).ForEach(func(k, v []byte) error {
		var a domain.Agent
		if err := decode(v, &a); err != nil {
			return nil // checkRecords reports it
		}
		for _, key := range a.Keys {
			if owner := keys.Get([]byte(key.Fingerprint)); owner == nil || btoi(owner) != uint64(a.ID) {
				report("agent %d (%s) has key %s but the key index disagrees", a.ID, a.Email, key.Fingerprint)
			}
		}
		return nil
	})
	_ = keys.ForEach(func(k, v []byte) error {
		a, err := t.Agent(domain.ID(btoi(v)))
		if err != nil || !slices.ContainsFunc(a.Keys, func(key domain.AgentKey) bool { return key.Fingerprint == string(k) }) {
			report("key index %s points at agent %d, which does not list it", k, btoi(v))
		}
		return nil
	})
}

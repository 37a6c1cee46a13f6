package store

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// Problem is one inconsistency found by Check.
type Problem string

// Check runs bbolt's page-level check and then verifies that every index
// entry points at a record that points back, and every record has its index
// entries. It reads one snapshot, so it can run while the desk serves.
func (db *DB) Check() ([]Problem, error) {
	var out []Problem
	report := func(format string, args ...any) {
		if len(out) < 1000 {
			out = append(out, Problem(fmt.Sprintf(format, args...)))
		}
	}
	err := db.bolt.View(func(btx *bolt.Tx) error {
		for err := range btx.Check() {
			report("bbolt: %v", err)
		}
		for _, name := range [][]byte{bucketMeta, bucketUsers, bucketUsersByEmail, bucketOrgs, bucketOrgsByName, bucketOrgDomains, bucketOrgMembers, bucketAudit, bucketAuditBySubject, bucketTemplates, bucketOutbox, bucketOutboxQueue, bucketTokens, bucketAgents, bucketAgentKeys, bucketConversations, bucketConvMessages, bucketConvByRequester, bucketConvByStatus, bucketGroups, bucketGroupsByName, bucketGroupMembers, bucketUserGroups, bucketSessions, bucketSignIn, bucketOrgsBySlug, bucketOrgLogos} {
			if btx.Bucket(name) == nil {
				report("bucket %s is missing", name)
				return nil
			}
		}
		t := &tx{btx: btx}
		if btoi(t.bucket(bucketMeta).Get(keyImport)) != 0 {
			report("an import is marked unfinished; opening the database read-write rolls it back")
		}
		checkUsers(t, report)
		checkOrgs(t, report)
		checkAudit(t, report)
		checkOutbox(t, report)
		checkAgents(t, report)
		checkConversations(t, report)
		checkGroups(t, report)
		return nil
	})
	return out, err
}

func checkUsers(t *tx, report func(string, ...any)) {
	users, byEmail, members := t.bucket(bucketUsers), t.bucket(bucketUsersByEmail), t.bucket(bucketOrgMembers)
	counts := map[domain.State]int{}
	_ = users.ForEach(func(k, v []byte) error {
		var u domain.User
		if err := decode(v, &u); err != nil {
			report("user %d: cannot decode: %v", btoi(k), err)
			return nil
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
			report("email index %s points at user %d: %v", k, btoi(v), err)
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
			report("organization %d: cannot decode: %v", btoi(k), err)
			return nil
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
			report("outbox message %d: cannot decode: %v", btoi(k), err)
			return nil
		}
		if m.State == domain.MailQueued {
			queued++
			if t.bucket(bucketOutboxQueue).Get(queueKey(m.NextTry, m.ID)) == nil {
				report("queued outbox message %d is missing from the delivery queue", m.ID)
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
			report("agent %d: cannot decode: %v", btoi(k), err)
			return nil
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

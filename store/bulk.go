package store

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// The import mark lives in meta while an import runs: keyImport holds the
// first user id it could use (the mark itself), keyImportUsers the id ranges
// its batches wrote (16 bytes each: first and last id; ids of one batch are
// contiguous because one transaction draws them), keyImportOrgs the
// organizations it created (8 bytes each). Agents creating users meanwhile
// draw ids outside those ranges, so a roll-back removes the import's rows
// and nothing else.
var (
	keyImportUsers = []byte("import/users")
	keyImportOrgs  = []byte("import/orgs")
)

// BulkBegin marks an import in progress, so that a crash before BulkEnd is
// rolled back at the next open.
func (t *tx) BulkBegin() error {
	meta := t.bucket(bucketMeta)
	if meta.Get(keyImport) != nil {
		return errors.New("another import is in progress on this desk; wait for it to finish")
	}
	next := t.bucket(bucketUsers).Sequence() + 1
	return meta.Put(keyImport, itob(next))
}

// appendMark adds b to the import mark's list under key.
func (t *tx) appendMark(key, b []byte) error {
	meta := t.bucket(bucketMeta)
	if meta.Get(keyImport) == nil {
		return errors.New("no import in progress")
	}
	old := meta.Get(key)
	v := make([]byte, 0, len(old)+len(b))
	return meta.Put(key, append(append(v, old...), b...))
}

// BulkNoteOrg notes an organization the import created, in the
// transaction that creates it.
func (t *tx) BulkNoteOrg(id domain.ID) error { return t.appendMark(keyImportOrgs, idKey(id)) }

// BulkAppendUsers writes records only: sequential ids appended at the end of
// the users bucket, whose pages are filled completely since nothing will be
// inserted between them.
func (t *tx) BulkAppendUsers(us []domain.User) error {
	users := t.bucket(bucketUsers)
	users.FillPercent = 1.0
	counts := map[domain.State]int{}
	for i := range us {
		seq, err := users.NextSequence()
		if err != nil {
			return err
		}
		us[i].ID = domain.ID(seq)
		v, err := encode(&us[i])
		if err != nil {
			return err
		}
		if err := users.Put(idKey(us[i].ID), v); err != nil {
			return err
		}
		counts[us[i].State]++
	}
	if len(us) > 0 {
		if err := t.appendMark(keyImportUsers, pairKey(us[0].ID, us[len(us)-1].ID)); err != nil {
			return err
		}
	}
	// Member entries go in with the records, in id order: written later in
	// email order they would rewrite most of the member bucket each time.
	members := t.bucket(bucketOrgMembers)
	for _, u := range us {
		if u.OrgID != 0 {
			if err := members.Put(pairKey(u.OrgID, u.ID), nil); err != nil {
				return err
			}
		}
	}
	for s, n := range counts {
		if err := t.moveCount("", s, n); err != nil {
			return err
		}
	}
	return nil
}

// BulkIndex writes the email and member entries of imported users, given in
// email key order so each index page is written once. An email that someone
// else created while the import ran keeps its owner; the imported record is
// removed and its id returned.
func (t *tx) BulkIndex(entries []domain.IndexEntry) ([]domain.ID, error) {
	byEmail := t.bucket(bucketUsersByEmail)
	users := t.bucket(bucketUsers)
	var taken []domain.ID
	for _, e := range entries {
		if owner := byEmail.Get([]byte(e.Key)); owner != nil {
			if domain.ID(btoi(owner)) == e.ID {
				// An agent changed this imported user while the import ran,
				// and its save indexed it already.
				continue
			}
			taken = append(taken, e.ID)
			if err := t.dropRecord(users, e.ID); err != nil {
				return nil, err
			}
			continue
		}
		if err := byEmail.Put([]byte(e.Key), idKey(e.ID)); err != nil {
			return nil, err
		}
	}
	return taken, nil
}

// BulkEnd clears the import mark: the import is complete.
func (t *tx) BulkEnd() error {
	meta := t.bucket(bucketMeta)
	for _, k := range [][]byte{keyImport, keyImportUsers, keyImportOrgs} {
		if err := meta.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) dropRecord(users *bolt.Bucket, id domain.ID) error {
	u, err := t.User(id)
	if err != nil {
		return err
	}
	if err := users.Delete(idKey(id)); err != nil {
		return err
	}
	if u.OrgID != 0 {
		if err := t.bucket(bucketOrgMembers).Delete(pairKey(u.OrgID, id)); err != nil {
			return err
		}
	}
	return t.moveCount(u.State, "", 1)
}

// BulkRollback undoes an unfinished import: every user its batches wrote
// (with the email and member entries), then the organizations it created,
// except one that someone gave another member, a child or an edit while the
// import ran. The mark is cleared.
func (t *tx) BulkRollback() (domain.BulkUndone, error) {
	var done domain.BulkUndone
	meta := t.bucket(bucketMeta)
	if meta.Get(keyImport) == nil {
		return done, nil
	}
	ranges := meta.Get(keyImportUsers)
	for i := 0; i+16 <= len(ranges); i += 16 {
		first, last := btoi(ranges[i:i+8]), btoi(ranges[i+8:i+16])
		for id := first; id <= last; id++ {
			err := t.DeleteUser(domain.ID(id))
			if errors.Is(err, domain.ErrNotFound) {
				continue // taken by someone else at indexing, and removed then
			}
			if err != nil {
				return done, fmt.Errorf("roll back user %d: %w", id, err)
			}
			done.Users++
		}
	}
	if len(ranges) == 0 {
		// A mark without ranges: nothing written yet, or a mark left by a
		// version that kept no ranges, whose unindexed records are its own.
		n, err := t.dropUnindexedFrom(domain.ID(btoi(meta.Get(keyImport))))
		if err != nil {
			return done, err
		}
		done.Users += n
	}
	orgs := meta.Get(keyImportOrgs)
	for i := 0; i+8 <= len(orgs); i += 8 {
		dropped, err := t.dropImportedOrg(domain.ID(btoi(orgs[i : i+8])))
		if err != nil {
			return done, err
		}
		if dropped {
			done.Orgs++
		} else {
			done.OrgsKept++
		}
	}
	return done, t.BulkEnd()
}

// dropUnindexedFrom removes the users from id first on whose email entry
// does not point back at them.
func (t *tx) dropUnindexedFrom(first domain.ID) (int, error) {
	users, byEmail := t.bucket(bucketUsers), t.bucket(bucketUsersByEmail)
	var orphans []domain.ID
	c := users.Cursor()
	for k, v := c.Seek(idKey(first)); k != nil; k, v = c.Next() {
		var u domain.User
		if err := decode(v, &u); err != nil {
			return 0, fmt.Errorf("roll back user %d: %w", btoi(k), err)
		}
		if owner := byEmail.Get([]byte(u.EmailKey())); owner == nil || btoi(owner) != uint64(u.ID) {
			orphans = append(orphans, u.ID)
		}
	}
	for _, id := range orphans {
		if err := t.dropRecord(users, id); err != nil {
			return 0, err
		}
	}
	return len(orphans), nil
}

// dropImportedOrg removes an organization an unfinished import created,
// unless it is in use: a member or a child, or an edit since (Version > 1).
func (t *tx) dropImportedOrg(id domain.ID) (bool, error) {
	o, err := t.Org(id)
	if errors.Is(err, domain.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("roll back organization %d: %w", id, err)
	}
	if o.Version > 1 || len(o.Domains) > 0 {
		return false, nil
	}
	if k, _ := t.bucket(bucketOrgMembers).Cursor().Seek(idKey(id)); k != nil && btoi(k[:8]) == uint64(id) {
		return false, nil
	}
	for range t.OrgChildren(id) {
		return false, nil
	}
	byName := t.bucket(bucketOrgsByName)
	if owner := byName.Get([]byte(domain.NameKey(o.Name))); owner != nil && btoi(owner) == uint64(id) {
		if err := byName.Delete([]byte(domain.NameKey(o.Name))); err != nil {
			return false, err
		}
	}
	if err := t.deleteOrgChild(&o); err != nil {
		return false, err
	}
	return true, t.bucket(bucketOrgs).Delete(idKey(id))
}

// recoverImport rolls back an import that a crash interrupted, whatever it
// had written, and says so in the audit trail.
func (db *DB) recoverImport() error {
	return db.bolt.Update(func(btx *bolt.Tx) error {
		t := &tx{btx: btx}
		if t.bucket(bucketMeta).Get(keyImport) == nil {
			return nil
		}
		done, err := t.BulkRollback()
		if err != nil {
			return fmt.Errorf("roll back an interrupted import: %w", err)
		}
		// The import's own audit entry was due in its last transaction,
		// which never ran: this one takes its place.
		e := domain.AuditEntry{At: time.Now().UTC(), Actor: "helpdesk", Action: "user.import.rollback",
			Note: done.Note()}
		return t.AppendAudit(&e)
	})
}

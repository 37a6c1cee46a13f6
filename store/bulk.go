package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// BulkBegin marks an import in progress with the first id it will use, so
// that Open can roll back records whose index was never written.
func (t *tx) BulkBegin() error {
	next := t.bucket(bucketUsers).Sequence() + 1
	return t.bucket(bucketMeta).Put(keyImport, itob(next))
}

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

// BulkEnd clears the import mark.
func (t *tx) BulkEnd() error { return t.bucket(bucketMeta).Delete(keyImport) }

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

// recoverImport rolls back an import that a crash interrupted: records from
// its first id on whose email index entry does not point back at them were
// never acknowledged to the agent, and are removed.
func (db *DB) recoverImport() error {
	return db.bolt.Update(func(btx *bolt.Tx) error {
		t := &tx{btx: btx}
		first := btoi(t.bucket(bucketMeta).Get(keyImport))
		if first == 0 {
			return nil
		}
		users, byEmail := t.bucket(bucketUsers), t.bucket(bucketUsersByEmail)
		var orphans []domain.ID
		kept := 0
		c := users.Cursor()
		for k, v := c.Seek(itob(first)); k != nil; k, v = c.Next() {
			var u domain.User
			if err := decode(v, &u); err != nil {
				return fmt.Errorf("recover interrupted import: user %d: %w", btoi(k), err)
			}
			if owner := byEmail.Get([]byte(u.EmailKey())); owner == nil || btoi(owner) != uint64(u.ID) {
				orphans = append(orphans, u.ID)
			} else {
				kept++ // indexed: by the import's own index pass, or created meanwhile
			}
		}
		for _, id := range orphans {
			if err := t.dropRecord(users, id); err != nil {
				return err
			}
		}
		// The import's own audit entry was due in its last transaction,
		// which never ran: this one takes its place.
		e := domain.AuditEntry{At: time.Now().UTC(), Actor: "helpdesk", Action: "user.import.rollback",
			Note: fmt.Sprintf("an import was interrupted: %d users it had not finished were removed; %d users created since it began were kept", len(orphans), kept)}
		if err := t.AppendAudit(&e); err != nil {
			return err
		}
		return t.BulkEnd()
	})
}

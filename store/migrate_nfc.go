package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/unicode/norm"

	"helpdesk/domain"
)

// composeEmails is migration 9. Emails are compared composed (NFC) since
// this version, so an address stored decomposed ("e" + U+0301) could no
// longer be found by its own spelling: each such user is stored composed
// and re-keyed, with an audit entry. Where the composed address already
// belongs to another user the two are one person written twice; that user
// is left as it was and the audit entry says so, for an agent to settle.
func composeEmails(btx *bolt.Tx) error {
	t := &tx{btx: btx}
	var ids []domain.ID
	c := t.bucket(bucketUsers).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var u domain.User
		if err := decode(v, &u); err != nil {
			return fmt.Errorf("user %d: %w", btoi(k), err)
		}
		if !norm.NFC.IsNormalString(u.Email) {
			ids = append(ids, u.ID)
		}
	}
	now := time.Now().UTC()
	for _, id := range ids {
		u, err := t.User(id)
		if err != nil {
			return err
		}
		composed := u
		composed.Email = norm.NFC.String(u.Email)
		e := domain.AuditEntry{At: now, Actor: "helpdesk", Action: "user.update", SubjectKind: domain.SubjectUser,
			SubjectID: id, Subject: composed.Email}
		if owner, err := t.UserIDByEmail(composed.EmailKey()); err == nil && owner != id {
			e.Note = fmt.Sprintf("this user's email is stored decomposed (accents as separate marks) and, composed, is user %d's: the same address twice; keep one of them", owner)
		} else {
			composed.Version++
			composed.UpdatedAt, composed.UpdatedBy = now, "helpdesk"
			if err := t.PutUser(&composed); err != nil {
				return err
			}
			e.Changes = []domain.Change{{Field: "email", Before: u.Email, After: composed.Email}}
			e.Note = "email stored composed (NFC), the form it is compared in"
		}
		if err := t.AppendAudit(&e); err != nil {
			return err
		}
	}
	return nil
}

package store

import (
	"bytes"
	"fmt"
	"iter"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

func (t *tx) AppendAudit(e *domain.AuditEntry) error {
	b := t.bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.ID = domain.ID(seq)
	v, err := encode(e)
	if err != nil {
		return err
	}
	// Entries only ever append: full pages keep the bucket compact.
	b.FillPercent = 1.0
	if err := b.Put(idKey(e.ID), v); err != nil {
		return err
	}
	if e.SubjectID == 0 {
		return nil
	}
	return t.bucket(bucketAuditBySubject).Put(subjectKey(e.SubjectKind, e.SubjectID, e.ID), nil)
}

// Audit walks newest first. With a subject in the filter it follows the
// audit_by_subject index instead of scanning every entry.
func (t *tx) Audit(f domain.AuditFilter, before domain.ID) iter.Seq2[domain.AuditEntry, error] {
	return func(yield func(domain.AuditEntry, error) bool) {
		entries := t.bucket(bucketAudit)
		emit := func(id []byte, v []byte) bool {
			var e domain.AuditEntry
			if err := decode(v, &e); err != nil {
				yield(e, fmt.Errorf("decode audit entry %d: %w", btoi(id), err))
				return false
			}
			if !f.Match(e) {
				return true
			}
			return yield(e, nil)
		}
		// The subject index is keyed by kind; without a kind, scan.
		if f.SubjectID != 0 && f.SubjectKind != "" {
			prefix := subjectKey(f.SubjectKind, f.SubjectID, 0)[:9]
			c := t.bucket(bucketAuditBySubject).Cursor()
			start := append(bytes.Clone(prefix), idKey(before)...)
			if before == 0 {
				start = append(bytes.Clone(prefix), bytes.Repeat([]byte{0xff}, 8)...)
			}
			k, _ := seekBefore(c, start)
			for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
				id := k[9:]
				if v := entries.Get(id); v != nil && !emit(id, v) {
					return
				}
			}
			return
		}
		c := entries.Cursor()
		k, v := c.Last()
		if before != 0 {
			k, v = seekBefore(c, idKey(before))
		}
		for ; k != nil; k, v = c.Prev() {
			if !emit(k, v) {
				return
			}
		}
	}
}

// seekBefore positions c on the last key strictly below key.
func seekBefore(c *bolt.Cursor, key []byte) ([]byte, []byte) {
	if k, _ := c.Seek(key); k == nil {
		return c.Last()
	}
	return c.Prev()
}

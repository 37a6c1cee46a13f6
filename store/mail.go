package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"time"

	"helpdesk/domain"
)

var keySettings = []byte("settings")

func (t *tx) PutTemplate(tm *domain.Template) error {
	v, err := encode(tm)
	if err != nil {
		return err
	}
	return t.bucket(bucketTemplates).Put([]byte(tm.Name), v)
}

func (t *tx) Template(name string) (domain.Template, error) {
	var tm domain.Template
	v := t.bucket(bucketTemplates).Get([]byte(name))
	if v == nil {
		return tm, domain.ErrNotFound
	}
	if err := decode(v, &tm); err != nil {
		return tm, fmt.Errorf("decode template %s: %w", name, err)
	}
	return tm, nil
}

func (t *tx) StoredTemplates() iter.Seq2[domain.Template, error] {
	return func(yield func(domain.Template, error) bool) {
		c := t.bucket(bucketTemplates).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var tm domain.Template
			if err := decode(v, &tm); err != nil {
				yield(tm, fmt.Errorf("decode template %s: %w", k, err))
				return
			}
			if !yield(tm, nil) {
				return
			}
		}
	}
}

func (t *tx) Settings() (domain.Settings, error) {
	var s domain.Settings
	v := t.bucket(bucketMeta).Get(keySettings)
	if v == nil {
		return s, nil
	}
	err := decode(v, &s)
	return s, err
}

func (t *tx) PutSettings(s domain.Settings) error {
	v, err := encode(s)
	if err != nil {
		return err
	}
	return t.bucket(bucketMeta).Put(keySettings, v)
}

func (t *tx) PutToken(tok domain.Token) error {
	v, err := encode(tok)
	if err != nil {
		return err
	}
	return t.bucket(bucketTokens).Put(tok.Hash, v)
}

func (t *tx) Token(hash []byte) (domain.Token, error) {
	var tok domain.Token
	v := t.bucket(bucketTokens).Get(hash)
	if v == nil {
		return tok, domain.ErrNotFound
	}
	err := decode(v, &tok)
	return tok, err
}

// queueKey orders queued messages by when they are due, then by id.
func queueKey(next time.Time, id domain.ID) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(max(next.UnixNano(), 0)))
	binary.BigEndian.PutUint64(k[8:], uint64(id))
	return k
}

func (t *tx) PutMessage(m *domain.OutboxMessage) error {
	box, queue := t.bucket(bucketOutbox), t.bucket(bucketOutboxQueue)
	if m.ID == 0 {
		seq, err := box.NextSequence()
		if err != nil {
			return err
		}
		m.ID = domain.ID(seq)
	} else if old, err := t.Message(m.ID); err == nil {
		if old.State == domain.MailQueued {
			if err := queue.Delete(queueKey(old.NextTry, old.ID)); err != nil {
				return err
			}
		}
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	v, err := encode(m)
	if err != nil {
		return err
	}
	if err := box.Put(idKey(m.ID), v); err != nil {
		return err
	}
	if m.State == domain.MailQueued {
		return queue.Put(queueKey(m.NextTry, m.ID), nil)
	}
	return nil
}

func (t *tx) NextMessageID() (domain.ID, error) {
	seq, err := t.bucket(bucketOutbox).NextSequence()
	return domain.ID(seq), err
}

func (t *tx) Message(id domain.ID) (domain.OutboxMessage, error) {
	var m domain.OutboxMessage
	v := t.bucket(bucketOutbox).Get(idKey(id))
	if v == nil {
		return m, domain.ErrNotFound
	}
	if err := decode(v, &m); err != nil {
		return m, fmt.Errorf("decode outbox message %d: %w", id, err)
	}
	return m, nil
}

func (t *tx) Messages(before domain.ID) iter.Seq2[domain.OutboxMessage, error] {
	return func(yield func(domain.OutboxMessage, error) bool) {
		c := t.bucket(bucketOutbox).Cursor()
		k, v := c.Last()
		if before != 0 {
			k, v = seekBefore(c, idKey(before))
		}
		for ; k != nil; k, v = c.Prev() {
			var m domain.OutboxMessage
			if err := decode(v, &m); err != nil {
				yield(m, fmt.Errorf("decode outbox message %d: %w", btoi(k), err))
				return
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}

func (t *tx) DueMessages(now time.Time) iter.Seq[domain.ID] {
	return func(yield func(domain.ID) bool) {
		limit := uint64(max(now.UnixNano(), 0))
		c := t.bucket(bucketOutboxQueue).Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= limit; k, _ = c.Next() {
			if !yield(domain.ID(btoi(k[8:]))) {
				return
			}
		}
	}
}

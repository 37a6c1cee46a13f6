package store

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"regexp"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

var keySettings = []byte("settings")

func (t *tx) PutTemplate(tm *domain.Template) error {
	v, err := encode(tm)
	if err != nil {
		return err
	}
	// A translation is stored beside its template, under NAME/LANG (a
	// template name never holds a slash).
	key := tm.Name
	if tm.Language != "" {
		key += "/" + tm.Language
	}
	return t.bucket(bucketTemplates).Put([]byte(key), v)
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
		if at, ok := old.QueueAt(); ok {
			if err := queue.Delete(queueKey(at, old.ID)); err != nil {
				return err
			}
		}
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	// A link lives only in the mail that carries it: the outbox keeps what
	// to send, and only the token's hash is stored.
	if m.Link != "" {
		return fmt.Errorf("outbox message %d: refusing to store a link; only its token's hash may be kept", m.ID)
	}
	v, err := encode(m)
	if err != nil {
		return err
	}
	if err := box.Put(idKey(m.ID), v); err != nil {
		return err
	}
	if at, ok := m.QueueAt(); ok {
		return queue.Put(queueKey(at, m.ID), nil)
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

// DueMessages yields, earliest first, the queued messages due at now and
// the claimed ones whose lease ran out by then.
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

// storedLink is a set-password link (or its bare token parameter) inside a
// stored message's text, as databases before schema 8 could hold one.
var storedLink = regexp.MustCompile(`[^\s<>"]*token=([A-Za-z0-9_-]+)`)

// scrubLinks is the migration that makes "only the token's hash is
// stored" true of an older database: every message that held a link (a
// token in Link until sent; the whole link in the text of a message
// queued before send-time composition, also after a cancel) loses it, its
// token is revoked (spent) and any self-signup riding on it moves to the
// message. A message that may still go (queued or failed) gets {MESSAGE}
// where the link was, so the worker mints a new token when it sends it;
// the others keep a note.
func scrubLinks(btx *bolt.Tx) error {
	box, tokens := btx.Bucket(bucketOutbox), btx.Bucket(bucketTokens)
	if box == nil || tokens == nil {
		return nil
	}
	now := time.Now().UTC()
	revoke := func(m *domain.OutboxMessage, plain string) error {
		h := sha256.Sum256([]byte(plain))
		v := tokens.Get(h[:])
		if v == nil {
			return nil
		}
		var tok domain.Token
		if err := decode(v, &tok); err != nil {
			return fmt.Errorf("decode a token of outbox message %d: %w", m.ID, err)
		}
		if m.Signup == nil && tok.Signup != nil {
			m.Signup = tok.Signup
		}
		if !tok.UsedAt.IsZero() {
			return nil
		}
		tok.UsedAt = now
		nv, err := encode(tok)
		if err != nil {
			return err
		}
		return tokens.Put(h[:], nv)
	}
	type change struct {
		k, v []byte
	}
	var changes []change
	err := box.ForEach(func(k, v []byte) error {
		var m domain.OutboxMessage
		if err := decode(v, &m); err != nil {
			return fmt.Errorf("decode outbox message %d: %w", btoi(k), err)
		}
		found := m.Link != "" || storedLink.MatchString(m.Text)
		if !found {
			return nil
		}
		if m.Link != "" {
			plain := m.Link
			if _, t, ok := strings.Cut(plain, "token="); ok {
				plain = t
			}
			if err := revoke(&m, plain); err != nil {
				return err
			}
		}
		mayGo := m.State == domain.MailQueued || m.State == domain.MailFailed
		var ferr error
		m.Text = storedLink.ReplaceAllStringFunc(m.Text, func(link string) string {
			if err := revoke(&m, storedLink.FindStringSubmatch(link)[1]); err != nil && ferr == nil {
				ferr = err
			}
			if mayGo && m.Event.NeedsLink() {
				return "{MESSAGE}"
			}
			return "[link not kept]"
		})
		if ferr != nil {
			return ferr
		}
		if mayGo && m.Event.NeedsLink() {
			m.Compose = true
		}
		m.Link = ""
		nv, err := encode(&m)
		if err != nil {
			return err
		}
		changes = append(changes, change{append([]byte(nil), k...), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := box.Put(c.k, c.v); err != nil {
			return err
		}
	}
	return nil
}

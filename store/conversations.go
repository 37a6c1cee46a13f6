package store

import (
	"bytes"
	"errors"
	"fmt"
	"iter"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// statusKey is a conversation's status index entry: the status's rank (open
// first), then the conversation id.
func statusKey(s domain.ConvStatus, conv domain.ID) []byte {
	k := make([]byte, 9)
	k[0] = byte(s.Rank())
	copy(k[1:], idKey(conv))
	return k
}

func (t *tx) NextConversationID() (domain.ID, error) {
	seq, err := t.bucket(bucketConversations).NextSequence()
	return domain.ID(seq), err
}

func (t *tx) Conversation(id domain.ID) (domain.Conversation, error) {
	var c domain.Conversation
	v := t.bucket(bucketConversations).Get(idKey(id))
	if v == nil {
		return c, domain.ErrNotFound
	}
	if err := decode(v, &c); err != nil {
		return c, fmt.Errorf("decode conversation %d: %w", id, err)
	}
	return c, nil
}

// PutConversation writes a conversation and keeps conv_by_requester and
// conv_by_status in step, removing the old entries when the requester or
// the status changed.
func (t *tx) PutConversation(c *domain.Conversation) error {
	convs := t.bucket(bucketConversations)
	if c.Status.Rank() == 0 {
		return fmt.Errorf("conversation %d has no valid status (%q)", c.ID, c.Status)
	}
	var old *domain.Conversation
	if c.ID == 0 {
		seq, err := convs.NextSequence()
		if err != nil {
			return err
		}
		c.ID = domain.ID(seq)
	} else if prev, err := t.Conversation(c.ID); err == nil {
		old = &prev
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	v, err := encode(c)
	if err != nil {
		return err
	}
	if err := convs.Put(idKey(c.ID), v); err != nil {
		return err
	}
	byReq, byStatus := t.bucket(bucketConvByRequester), t.bucket(bucketConvByStatus)
	if old != nil && old.RequesterID != c.RequesterID {
		if err := byReq.Delete(pairKey(old.RequesterID, c.ID)); err != nil {
			return err
		}
	}
	if old != nil && old.Status != c.Status {
		if err := byStatus.Delete(statusKey(old.Status, c.ID)); err != nil {
			return err
		}
	}
	if err := byReq.Put(pairKey(c.RequesterID, c.ID), nil); err != nil {
		return err
	}
	if err := t.putPortalIndexes(old, c); err != nil {
		return err
	}
	return byStatus.Put(statusKey(c.Status, c.ID), nil)
}

func (t *tx) PutConvMessage(m *domain.ConvMessage) error {
	if m.ConvID == 0 || m.Seq <= 0 {
		return fmt.Errorf("conversation message needs a conversation and a sequence number (got %d/%d)", m.ConvID, m.Seq)
	}
	v, err := encode(m)
	if err != nil {
		return err
	}
	return t.bucket(bucketConvMessages).Put(pairKey(m.ConvID, domain.ID(m.Seq)), v)
}

func (t *tx) ConvMessages(conv domain.ID) iter.Seq2[domain.ConvMessage, error] {
	return func(yield func(domain.ConvMessage, error) bool) {
		prefix := idKey(conv)
		c := t.bucket(bucketConvMessages).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var m domain.ConvMessage
			if err := decode(v, &m); err != nil {
				yield(m, fmt.Errorf("decode message %d of conversation %d: %w", btoi(k[8:]), conv, err))
				return
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}

// backward yields the ids ending the keys under prefix, newest first, from
// below before (0: from the newest).
func backward(b *bolt.Bucket, prefix []byte, before domain.ID) iter.Seq[domain.ID] {
	return func(yield func(domain.ID) bool) {
		start := append(bytes.Clone(prefix), idKey(before)...)
		if before == 0 {
			start = append(bytes.Clone(prefix), bytes.Repeat([]byte{0xff}, 8)...)
		}
		c := b.Cursor()
		for k, _ := seekBefore(c, start); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			if !yield(domain.ID(btoi(k[len(k)-8:]))) {
				return
			}
		}
	}
}

func (t *tx) ConvIDs(before domain.ID) iter.Seq[domain.ID] {
	return backward(t.bucket(bucketConversations), nil, before)
}

func (t *tx) ConvIDsByStatus(s domain.ConvStatus, before domain.ID) iter.Seq[domain.ID] {
	if s.Rank() == 0 {
		return func(func(domain.ID) bool) {}
	}
	return backward(t.bucket(bucketConvByStatus), []byte{byte(s.Rank())}, before)
}

func (t *tx) ConvIDsByRequester(user domain.ID, before domain.ID) iter.Seq[domain.ID] {
	return backward(t.bucket(bucketConvByRequester), idKey(user), before)
}

func checkConversations(t *tx, report func(string, ...any)) {
	convs, msgs := t.bucket(bucketConversations), t.bucket(bucketConvMessages)
	byReq, byStatus := t.bucket(bucketConvByRequester), t.bucket(bucketConvByStatus)
	_ = convs.ForEach(func(k, v []byte) error {
		var c domain.Conversation
		if err := decode(v, &c); err != nil {
			// checkRecords reports it
			return nil
		}
		if uint64(c.ID) != btoi(k) {
			report("conversation under key %d says it is %d", btoi(k), c.ID)
		}
		if byReq.Get(pairKey(c.RequesterID, c.ID)) == nil {
			report("conversation %d is missing from the requester index of user %d", c.ID, c.RequesterID)
		}
		if c.Status.Rank() == 0 || byStatus.Get(statusKey(c.Status, c.ID)) == nil {
			report("conversation %d (%s) is missing from the status index", c.ID, c.Status)
		}
		if t.bucket(bucketUsers).Get(idKey(c.RequesterID)) == nil {
			report("conversation %d names requester %d, who does not exist", c.ID, c.RequesterID)
		}
		n := 0
		for m, err := range t.ConvMessages(c.ID) {
			if err != nil {
				report("conversation %d: %s", c.ID, problemOf(err))
				break
			}
			n++
			if m.Seq != n || m.ConvID != c.ID {
				report("conversation %d: message %d is stored as %d/%d", c.ID, n, m.ConvID, m.Seq)
			}
			if m.OutboxID != 0 && t.bucket(bucketOutbox).Get(idKey(m.OutboxID)) == nil {
				report("conversation %d: message %d names outbox message %d, which does not exist", c.ID, m.Seq, m.OutboxID)
			}
		}
		if n != c.Messages {
			report("conversation %d says it has %d messages; %d are stored", c.ID, c.Messages, n)
		}
		return nil
	})
	_ = msgs.ForEach(func(k, _ []byte) error {
		if len(k) != 16 || convs.Get(k[:8]) == nil {
			report("conversation message %x belongs to no conversation", k)
		}
		return nil
	})
	_ = byReq.ForEach(func(k, _ []byte) error {
		if len(k) != 16 {
			report("requester index entry %x is malformed", k)
			return nil
		}
		user, id := domain.ID(btoi(k[:8])), domain.ID(btoi(k[8:]))
		if c, err := t.Conversation(id); err != nil || c.RequesterID != user {
			report("requester index says conversation %d belongs to user %d; the conversation disagrees", id, user)
		}
		return nil
	})
	_ = byStatus.ForEach(func(k, _ []byte) error {
		if len(k) != 9 {
			report("status index entry %x is malformed", k)
			return nil
		}
		id := domain.ID(btoi(k[1:]))
		if c, err := t.Conversation(id); err != nil || c.Status.Rank() != int(k[0]) {
			report("status index says conversation %d has status rank %d; the conversation disagrees", id, k[0])
		}
		return nil
	})
}

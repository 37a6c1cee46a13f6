package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// Inbound mail's buckets (migration 11):
//
//	mail_ids       Message-ID (without <>) -> conversation id + origin byte
//	conv_mail_ids  conversation id + Message-ID -> empty (to drop a thread's)
//	attachments    conversation id + message seq + position -> the raw bytes
//
// The origin byte is 'd' for a Message-ID the desk sent, 'c' for one a
// customer's mail carried.
var (
	bucketMailIDs     = []byte("mail_ids")
	bucketConvMailIDs = []byte("conv_mail_ids")
	bucketAttachments = []byte("attachments")
)

const (
	originDesk     = 'd'
	originCustomer = 'c'
	maxMailIDKey   = 998 // a header line's limit; bbolt allows far more
)

// mailIDKey is a Message-ID as the index holds it: without its angle
// brackets and surrounding space.
func mailIDKey(id string) []byte {
	id = trimMsgID(id)
	if id == "" || len(id) > maxMailIDKey {
		return nil
	}
	return []byte(id)
}

func trimMsgID(id string) string {
	id = string(bytes.TrimSpace([]byte(id)))
	if len(id) >= 2 && id[0] == '<' && id[len(id)-1] == '>' {
		id = id[1 : len(id)-1]
	}
	return id
}

func attachmentKey(conv domain.ID, seq, n int) []byte {
	k := make([]byte, 24)
	binary.BigEndian.PutUint64(k, uint64(conv))
	binary.BigEndian.PutUint64(k[8:], uint64(seq))
	binary.BigEndian.PutUint64(k[16:], uint64(n))
	return k
}

// PutMailID indexes a Message-ID as belonging to a conversation. An id the
// index holds already keeps its first conversation and origin: a Message-ID
// names one message for good.
func (t *tx) PutMailID(msgID string, conv domain.ID, fromDesk bool) error {
	k := mailIDKey(msgID)
	if k == nil || conv == 0 {
		return nil
	}
	b := t.bucket(bucketMailIDs)
	if b.Get(k) != nil {
		return nil
	}
	v := make([]byte, 9)
	binary.BigEndian.PutUint64(v, uint64(conv))
	v[8] = originCustomer
	if fromDesk {
		v[8] = originDesk
	}
	if err := b.Put(k, v); err != nil {
		return err
	}
	return t.bucket(bucketConvMailIDs).Put(append(idKey(conv), k...), nil)
}

// MailID finds the conversation a Message-ID belongs to, and whether the
// desk sent it.
func (t *tx) MailID(msgID string) (domain.ID, bool, error) {
	k := mailIDKey(msgID)
	if k == nil {
		return 0, false, domain.ErrNotFound
	}
	v := t.bucket(bucketMailIDs).Get(k)
	if v == nil {
		return 0, false, domain.ErrNotFound
	}
	if len(v) != 9 {
		return 0, false, &DamagedError{What: fmt.Sprintf("the Message-ID index entry of %q is malformed", k)}
	}
	return domain.ID(binary.BigEndian.Uint64(v)), v[8] == originDesk, nil
}

func (t *tx) PutAttachment(conv domain.ID, seq, n int, b []byte) error {
	if conv == 0 || seq <= 0 || n <= 0 {
		return fmt.Errorf("an attachment needs a conversation, a message and a position (got %d/%d/%d)", conv, seq, n)
	}
	if b == nil {
		b = []byte{}
	}
	return t.bucket(bucketAttachments).Put(attachmentKey(conv, seq, n), b)
}

// Attachment's bytes are valid only inside the transaction.
func (t *tx) Attachment(conv domain.ID, seq, n int) ([]byte, error) {
	v := t.bucket(bucketAttachments).Get(attachmentKey(conv, seq, n))
	if v == nil {
		return nil, domain.ErrNotFound
	}
	return v, nil
}

// deleteInbound removes a conversation's Message-ID index entries and
// attachments, as DeleteConversation removes the conversation.
func (t *tx) deleteInbound(conv domain.ID) error {
	prefix := idKey(conv)
	byConv, ids, atts := t.bucket(bucketConvMailIDs), t.bucket(bucketMailIDs), t.bucket(bucketAttachments)
	for _, b := range []*bolt.Bucket{byConv, atts} {
		var keys [][]byte
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if b == byConv {
				if v := ids.Get(k[8:]); len(v) == 9 && binary.BigEndian.Uint64(v) == uint64(conv) {
					if err := ids.Delete(k[8:]); err != nil {
						return err
					}
				}
			}
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexConvMailIDs puts a stored conversation's known Message-IDs in the
// index: its thread root and recent replies, the mail each of its messages
// was sent as, and each inbound mail's own. Migration 11 runs it over every
// conversation of an older file, and salvage over every one it keeps.
func indexConvMailIDs(t *tx, c domain.Conversation) error {
	// The messages first: MailRefs also holds customers' Message-IDs,
	// which the first entry marks as theirs.
	for m, err := range t.ConvMessages(c.ID) {
		if err != nil {
			return err
		}
		if m.OutboxID != 0 {
			if om, err := t.Message(m.OutboxID); err == nil {
				if err := t.PutMailID(om.MessageID, c.ID, true); err != nil {
					return err
				}
			}
		}
		if m.MailMessageID != "" {
			if err := t.PutMailID(m.MailMessageID, c.ID, false); err != nil {
				return err
			}
		}
	}
	for _, id := range c.References() {
		if err := t.PutMailID(id, c.ID, true); err != nil {
			return err
		}
	}
	return nil
}

// migrateInbound is migration 11: the inbound buckets, and the index of
// every Message-ID the desk has sent for a conversation so far.
func migrateInbound(btx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMailIDs, bucketConvMailIDs, bucketAttachments} {
		if _, err := btx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	t := &tx{btx: btx}
	return t.bucket(bucketConversations).ForEach(func(k, v []byte) error {
		var c domain.Conversation
		if err := decode(v, &c); err != nil {
			return fmt.Errorf("conversation %d: %w", btoi(k), err)
		}
		return indexConvMailIDs(t, c)
	})
}

// checkInbound reports Message-ID index entries whose conversation is gone
// or disagrees, and attachments no message lists.
func checkInbound(t *tx, report func(string, ...any)) {
	ids, byConv, atts := t.bucket(bucketMailIDs), t.bucket(bucketConvMailIDs), t.bucket(bucketAttachments)
	_ = ids.ForEach(func(k, v []byte) error {
		if len(v) != 9 || (v[8] != originDesk && v[8] != originCustomer) {
			report("Message-ID index entry %q is malformed", k)
			return nil
		}
		conv := domain.ID(binary.BigEndian.Uint64(v))
		if t.bucket(bucketConversations).Get(idKey(conv)) == nil {
			report("Message-ID %q names conversation %d, which does not exist", k, conv)
		}
		if byConv.Get(append(idKey(conv), k...)) == nil {
			report("Message-ID %q is missing from conversation %d's list", k, conv)
		}
		return nil
	})
	_ = byConv.ForEach(func(k, _ []byte) error {
		if len(k) <= 8 {
			report("conversation Message-ID entry %x is malformed", k)
			return nil
		}
		if v := ids.Get(k[8:]); len(v) != 9 || binary.BigEndian.Uint64(v) != btoi(k[:8]) {
			report("conversation %d lists Message-ID %q; the index disagrees", btoi(k[:8]), k[8:])
		}
		return nil
	})
	_ = atts.ForEach(func(k, v []byte) error {
		if len(k) != 24 {
			report("attachment key %x is malformed", k)
			return nil
		}
		conv, seq, n := domain.ID(btoi(k[:8])), int(btoi(k[8:16])), int(btoi(k[16:]))
		mv := t.bucket(bucketConvMessages).Get(pairKey(conv, domain.ID(seq)))
		var m domain.ConvMessage
		if mv == nil || decode(mv, &m) != nil {
			report("attachment %d of message %d of conversation %d belongs to no message", n, seq, conv)
			return nil
		}
		if n > len(m.Attachments) || m.Attachments[n-1].Size != int64(len(v)) {
			report("attachment %d of message %d of conversation %d does not match the message's list", n, seq, conv)
		}
		return nil
	})
	_ = t.bucket(bucketConvMessages).ForEach(func(k, v []byte) error {
		var m domain.ConvMessage
		if len(k) != 16 || decode(v, &m) != nil {
			return nil // checkConversations and checkRecords report it
		}
		for i := range m.Attachments {
			if atts.Get(attachmentKey(m.ConvID, m.Seq, i+1)) == nil {
				report("conversation %d: message %d lists attachment %d (%s), whose bytes are missing", m.ConvID, m.Seq, i+1, m.Attachments[i].Name)
			}
		}
		return nil
	})
}

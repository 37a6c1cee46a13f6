package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"iter"
	"slices"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// The portal's conversation indexes, in activity order. Every key is an
// owner id, the conversation's activity (Unix nanoseconds), then the
// conversation id, all 8-byte big-endian, with an empty value: a backward
// cursor over one owner's prefix yields its conversations newest activity
// first, reading no record.
var (
	// conv_activity: requester user id + activity + conversation id.
	bucketConvActivity = []byte("conv_activity")
	// conv_by_org: organization id + activity + conversation id, for
	// conversations with an organization.
	bucketConvByOrg = []byte("conv_by_org")
	// conv_by_collaborator: collaborator user id + activity + conversation id.
	bucketConvByCollaborator = []byte("conv_by_collaborator")
)

// portalBuckets are the buckets migration 10 adds.
var portalBuckets = [][]byte{bucketConvActivity, bucketConvByOrg, bucketConvByCollaborator}

func activityKey(owner domain.ID, p domain.ConvPos) []byte {
	k := make([]byte, 24)
	binary.BigEndian.PutUint64(k, uint64(owner))
	binary.BigEndian.PutUint64(k[8:], uint64(p.At))
	binary.BigEndian.PutUint64(k[16:], uint64(p.ID))
	return k
}

// portalEntry is one index entry a conversation must have.
type portalEntry struct {
	bucket string
	key    string
}

// portalEntries are the entries of the portal's indexes a conversation
// record calls for.
func portalEntries(c *domain.Conversation) []portalEntry {
	p := c.ActivityPos()
	out := []portalEntry{{string(bucketConvActivity), string(activityKey(c.RequesterID, p))}}
	if c.OrgID != 0 {
		out = append(out, portalEntry{string(bucketConvByOrg), string(activityKey(c.OrgID, p))})
	}
	for _, u := range c.Collaborators {
		out = append(out, portalEntry{string(bucketConvByCollaborator), string(activityKey(u, p))})
	}
	return out
}

// putPortalIndexes brings the portal's indexes from old's entries (nil: a
// new conversation) to c's.
func (t *tx) putPortalIndexes(old, c *domain.Conversation) error {
	want := portalEntries(c)
	if old != nil {
		for _, e := range portalEntries(old) {
			if !slices.Contains(want, e) {
				if err := t.bucket([]byte(e.bucket)).Delete([]byte(e.key)); err != nil {
					return err
				}
			}
		}
	}
	for _, e := range want {
		if err := t.bucket([]byte(e.bucket)).Put([]byte(e.key), nil); err != nil {
			return err
		}
	}
	return nil
}

// deletePortalIndexes removes a conversation's entries.
func (t *tx) deletePortalIndexes(c *domain.Conversation) error {
	for _, e := range portalEntries(c) {
		if err := t.bucket([]byte(e.bucket)).Delete([]byte(e.key)); err != nil {
			return err
		}
	}
	return nil
}

// activityRun yields the positions under owner, newest first, strictly
// below from (zero: from the newest).
func activityRun(b *bolt.Bucket, owner domain.ID, from domain.ConvPos) iter.Seq[domain.ConvPos] {
	return func(yield func(domain.ConvPos) bool) {
		prefix := idKey(owner)
		start := activityKey(owner, from)
		if from.IsZero() {
			start = append(bytes.Clone(prefix), bytes.Repeat([]byte{0xff}, 16)...)
		}
		c := b.Cursor()
		for k, _ := seekBefore(c, start); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			if len(k) != 24 {
				continue // check reports it
			}
			if !yield(domain.ConvPos{At: int64(btoi(k[8:16])), ID: domain.ID(btoi(k[16:]))}) {
				return
			}
		}
	}
}

func (t *tx) ConvsByRequesterActivity(user domain.ID, from domain.ConvPos) iter.Seq[domain.ConvPos] {
	return activityRun(t.bucket(bucketConvActivity), user, from)
}

func (t *tx) ConvsByOrg(org domain.ID, from domain.ConvPos) iter.Seq[domain.ConvPos] {
	return activityRun(t.bucket(bucketConvByOrg), org, from)
}

func (t *tx) ConvsByCollaborator(user domain.ID, from domain.ConvPos) iter.Seq[domain.ConvPos] {
	return activityRun(t.bucket(bucketConvByCollaborator), user, from)
}

// migratePortal is migration 10: the portal's buckets, filled from the
// conversations stored so far.
func migratePortal(btx *bolt.Tx) error {
	for _, name := range portalBuckets {
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
		return t.putPortalIndexes(nil, &c)
	})
}

// checkPortalIndexes verifies the portal's indexes against the
// conversations both ways.
func checkPortalIndexes(t *tx, report func(string, ...any)) {
	names := map[string]string{
		string(bucketConvActivity): "requester activity", string(bucketConvByOrg): "organization",
		string(bucketConvByCollaborator): "collaborator",
	}
	_ = t.bucket(bucketConversations).ForEach(func(k, v []byte) error {
		var c domain.Conversation
		if decode(v, &c) != nil {
			return nil // checkRecords reports it
		}
		for _, e := range portalEntries(&c) {
			if t.bucket([]byte(e.bucket)).Get([]byte(e.key)) == nil {
				report("conversation %d is missing from the %s index of %d", c.ID, names[e.bucket], btoi([]byte(e.key[:8])))
			}
		}
		for _, u := range c.Collaborators {
			if t.bucket(bucketUsers).Get(idKey(u)) == nil {
				report("conversation %d names collaborator %d, who does not exist", c.ID, u)
			}
		}
		return nil
	})
	for _, b := range portalBuckets {
		_ = t.bucket(b).ForEach(func(k, _ []byte) error {
			if len(k) != 24 {
				report("%s index entry %x is malformed", names[string(b)], k)
				return nil
			}
			id := domain.ID(btoi(k[16:]))
			c, err := t.Conversation(id)
			if err == nil && slices.Contains(portalEntries(&c), portalEntry{string(b), string(k)}) {
				return nil
			}
			report("%s index says conversation %d belongs to %d at activity %d; the conversation disagrees", names[string(b)], id, btoi(k[:8]), int64(btoi(k[8:16])))
			return nil
		})
	}
}

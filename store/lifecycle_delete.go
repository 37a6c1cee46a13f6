package store

import (
	"bytes"
	"fmt"

	"helpdesk/domain"
)

// DeleteConversation removes a conversation record, its conv_messages and
// its conv_by_requester and conv_by_status entries. A missing conversation
// is ErrNotFound.
func (t *tx) DeleteConversation(id domain.ID) error {
	c, err := t.Conversation(id)
	if err != nil {
		return err
	}
	msgs := t.bucket(bucketConvMessages)
	prefix := idKey(id)
	var keys [][]byte
	cur := msgs.Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := msgs.Delete(k); err != nil {
			return err
		}
	}
	if err := t.bucket(bucketConvByRequester).Delete(pairKey(c.RequesterID, id)); err != nil {
		return err
	}
	if c.Status.Rank() != 0 {
		if err := t.bucket(bucketConvByStatus).Delete(statusKey(c.Status, id)); err != nil {
			return err
		}
	}
	if err := t.deleteInbound(id); err != nil {
		return err
	}
	if err := t.deletePortalIndexes(&c); err != nil {
		return err
	}
	return t.bucket(bucketConversations).Delete(idKey(id))
}

// DeleteTokens removes every token of a user. Tokens are keyed by hash with
// no index by user, so this reads the tokens bucket once; deleting a user is
// rare.
func (t *tx) DeleteTokens(user domain.ID) (int, error) {
	b := t.bucket(bucketTokens)
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var tok domain.Token
		if err := decode(v, &tok); err != nil {
			return fmt.Errorf("decode token %x: %w", k, err)
		}
		if tok.UserID == user {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

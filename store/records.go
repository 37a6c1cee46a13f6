package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// recordKind is a bucket whose values are encode()d records. Every other
// bucket holds 8-byte ids, empty values or raw bytes (logos), and meta
// holds uint64 values beside the one record keySettings.
type recordKind struct {
	bucket []byte
	kind   string // as people say it, singular
	plural string
	zero   func() any
}

var recordKinds = []recordKind{
	{bucketUsers, "user", "users", func() any { return new(domain.User) }},
	{bucketOrgs, "organization", "organizations", func() any { return new(domain.Organization) }},
	{bucketAudit, "audit entry", "audit entries", func() any { return new(domain.AuditEntry) }},
	{bucketTemplates, "template", "templates", func() any { return new(domain.Template) }},
	{bucketOutbox, "outbox message", "outbox messages", func() any { return new(domain.OutboxMessage) }},
	{bucketTokens, "token", "tokens", func() any { return new(domain.Token) }},
	{bucketAgents, "agent", "agents", func() any { return new(domain.Agent) }},
	{bucketConversations, "conversation", "conversations", func() any { return new(domain.Conversation) }},
	{bucketConvMessages, "conversation message", "conversation messages", func() any { return new(domain.ConvMessage) }},
	{bucketGroups, "group", "groups", func() any { return new(domain.Group) }},
	{bucketSessions, "portal session", "portal sessions", func() any { return new(domain.CustomerSession) }},
	{bucketSignIn, "sign-in record", "sign-in records", func() any { return new(domain.SignInRecord) }},
}

// sealBucket rewrites every plain-JSON value of a record bucket in the
// envelope; values already sealed stay as they are. It puts in batches,
// seeking back after each, since a cursor does not survive writes.
func sealBucket(b *bolt.Bucket) error {
	var from []byte
	for {
		type kv struct{ k, v []byte }
		var batch []kv
		c := b.Cursor()
		k, v := c.First()
		if from != nil {
			k, v = c.Seek(from)
			if k != nil && bytes.Equal(k, from) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(batch) < 1000; k, v = c.Next() {
			if len(v) > 0 && v[0] == '{' {
				batch = append(batch, kv{bytes.Clone(k), seal(v)})
			}
			from = bytes.Clone(k)
		}
		for _, p := range batch {
			if err := b.Put(p.k, p.v); err != nil {
				return err
			}
		}
		if k == nil {
			return nil
		}
	}
}

package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migration moves the database from version-1 to version, in one
// transaction: a failed migration leaves the file as it was.
type migration struct {
	version int
	what    string
	apply   func(*bolt.Tx) error
}

// migrations run in order at open; append new ones, never edit old ones.
var migrations = []migration{
	{1, "create the core buckets", func(tx *bolt.Tx) error {
		for _, name := range [][]byte{
			bucketMeta, bucketUsers, bucketUsersByEmail, bucketOrgs, bucketOrgsByName,
			bucketOrgDomains, bucketOrgMembers, bucketAudit, bucketAuditBySubject,
		} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{2, "add the mail buckets: templates, outbox, outbox_queue, tokens", func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketTemplates, bucketOutbox, bucketOutboxQueue, bucketTokens} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{3, "add the agent buckets: agents, agent_keys", func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketAgents, bucketAgentKeys} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{4, "add the conversation buckets: conversations, conv_messages, conv_by_requester, conv_by_status", func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketConversations, bucketConvMessages, bucketConvByRequester, bucketConvByStatus} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{5, "add the customer group buckets: groups, groups_by_name, group_members, user_groups", func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketGroups, bucketGroupsByName, bucketGroupMembers, bucketUserGroups} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{6, "add the customer portal buckets: sessions, signin, orgs_by_slug, org_logos", func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketSessions, bucketSignIn, bucketOrgsBySlug, bucketOrgLogos} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{7, "seal every record in an envelope with its CRC-32C checksum", func(tx *bolt.Tx) error {
		for _, k := range recordKinds {
			if err := sealBucket(tx.Bucket(k.bucket)); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keySettings); len(v) > 0 && v[0] == '{' {
			return meta.Put(keySettings, seal(v))
		}
		return nil
	}},
	{8, "drop the links stored in outbox messages: revoke their tokens, mint new ones at send", scrubLinks},
	{9, "store every email composed (NFC), the form it is compared in", composeEmails},
	{10, "add the portal's conversation indexes: conv_activity, conv_by_org, conv_by_collaborator; fill them", migratePortal},
	{11, "add the inbound mail buckets: mail_ids, conv_mail_ids, attachments; index the Message-IDs sent so far", migrateInbound},
	{12, "add org_children, the organizations below each organization; fill it", migrateOrgChildren},
}

// SchemaVersion is the version this build writes.
func SchemaVersion() int { return migrations[len(migrations)-1].version }

func readSchema(tx *bolt.Tx) int {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0
	}
	return int(btoi(meta.Get(keySchema)))
}

func (db *DB) migrate() error {
	var current int
	if err := db.bolt.View(func(tx *bolt.Tx) error { current = readSchema(tx); return nil }); err != nil {
		return err
	}
	if current > SchemaVersion() {
		return fmt.Errorf("database %s has schema version %d, newer than this helpdesk understands (%d); use a newer helpdesk", db.path, current, SchemaVersion())
	}
	for _, m := range migrations {
		if m.version <= current {
			continue
		}
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			if err := m.apply(tx); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keySchema, itob(uint64(m.version)))
		})
		if err != nil {
			return fmt.Errorf("migrate database to version %d (%s): %w", m.version, m.what, err)
		}
	}
	return nil
}

func (db *DB) checkSchemaReadOnly() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		if v := readSchema(tx); v != SchemaVersion() {
			return fmt.Errorf("database %s has schema version %d and this helpdesk needs %d; open it once read-write to migrate", db.path, v, SchemaVersion())
		}
		return nil
	})
}

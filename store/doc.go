// Package store keeps helpdesk's data in one bbolt file. It is the only
// package that imports bbolt; it implements domain's Store and Tx ports.
//
// The bucket tree (all integers are 8-byte big-endian, so cursor order is
// numeric order and ids from NextSequence sort in creation order):
//
//	meta
//	  "schema"            -> uint64 schema version (migrations.go)
//	  "import"            -> uint64 first user id of an unfinished bulk import
//	  "count/<state>"     -> uint64 number of users in that state
//	users                 (sequence: last user id)
//	  <user id>           -> JSON domain.User
//	users_by_email
//	  <email key>         -> <user id>          email key: whole address lower-cased
//	orgs                  (sequence: last organization id)
//	  <org id>            -> JSON domain.Organization
//	orgs_by_name
//	  <name key>          -> <org id>           name key: lower-cased, spaces folded
//	org_domains
//	  <domain>            -> <org id>           ASCII (IDNA) domain, lower case
//	org_members
//	  <org id><user id>   -> empty
//	org_children
//	  <parent org id><child org id> -> empty   one per organization with a parent (orgs.go)
//	audit                 (sequence: last entry id)
//	  <entry id>          -> JSON domain.AuditEntry
//	audit_by_subject
//	  <kind byte><subject id><entry id> -> empty   kind: 'u' user, 'o' organization, 'c' conversation
//	templates
//	  <name>              -> JSON domain.Template   (agents' edits; shipped defaults live in code)
//	outbox                (sequence: last message id)
//	  <message id>        -> JSON domain.OutboxMessage
//	outbox_queue
//	  <next try, unix ns><message id> -> empty     only queued messages, earliest first
//	tokens
//	  <sha-256 of token>  -> JSON domain.Token     the token itself is never stored
//	agents                (sequence: last agent id)
//	  <agent id>          -> JSON domain.Agent
//	agent_keys
//	  <key fingerprint>   -> <agent id>         "SHA256:..." of an SSH public key
//	conversations         (sequence: last conversation id)
//	  <conversation id>   -> JSON domain.Conversation   (without its messages)
//	conv_messages
//	  <conversation id><seq> -> JSON domain.ConvMessage  seq: 1, 2, ... in the thread
//	conv_by_requester
//	  <user id><conversation id> -> empty
//	conv_by_status
//	  <status byte><conversation id> -> empty   status byte: 1 open, 2 pending,
//	                                            3 resolved, 4 closed (open first)
//	conv_activity
//	  <user id><activity, unix ns><conversation id> -> empty   the requester's, newest public message last
//	conv_by_org
//	  <org id><activity, unix ns><conversation id> -> empty    conversations with an organization
//	conv_by_collaborator
//	  <user id><activity, unix ns><conversation id> -> empty   a collaborator's conversations
//	mail_ids
//	  <Message-ID, no <>> -> <conversation id><origin byte>   'd' the desk sent it, 'c' a customer's mail
//	conv_mail_ids
//	  <conversation id><Message-ID> -> empty    so a deleted conversation's ids go with it
//	attachments
//	  <conversation id><seq><position> -> the attachment's bytes (name, type, size in the message)
//	groups                (sequence: last group id)
//	  <group id>          -> JSON domain.Group     a customer group and its permissions
//	groups_by_name
//	  <name key>          -> <group id>         name key: as for organizations
//	group_members
//	  <group id><user id> -> empty
//	user_groups
//	  <user id><group id> -> empty              the same pairs the other way round
//	sessions
//	  <sha-256 of session id> -> JSON domain.CustomerSession   portal sign-ins
//	signin
//	  "user/<user id>"    -> JSON domain.SignInRecord   failures, lock, last sign-in
//	  "addr/<address>"    -> JSON domain.SignInRecord   failures and lock of a client address
//	orgs_by_slug
//	  <branding slug>     -> <org id>           from Organization.Brand.Slug
//	org_logos
//	  <org id>            -> logo bytes (PNG or SVG, at most 200 KB; type in Brand)
//
// Organizations carry their agreement and users their latest acceptance
// and notification channels inside their JSON records (no index).
//
// meta also holds "settings" -> JSON domain.Settings: the desk settings
// (portal URL, desk name, sender, self-signup, default templates).
//
// "JSON" above is a record in the codec's envelope (codec.go): a version
// byte, the CRC-32C of the JSON, then the JSON; records written before
// schema 7 were plain JSON and migration 7 sealed them. A record whose
// checksum fails is a DamagedError where it is read. Ids, empty index
// values and logo bytes are stored as they are.
//
// A fault reading the mapped file, a bbolt panic or a missing bucket
// becomes a DamagedError at the store's boundary (guard, damage.go), and
// the DB refuses further use. Open refuses an empty file, one shorter than
// its header says, and one whose root or bucket header pages are damaged
// (pages.go reads them from the file, not the mapping); Check reads every
// page that way before a cursor or bbolt's own check follows them, and
// Salvage reads the pages the same way to copy what verifies.
//
// Every secondary index is written in the same transaction as its record,
// and the old entry is removed when the indexed value changes. Check
// verifies both directions.
package store

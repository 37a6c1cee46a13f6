package domain

import (
	"iter"
	"time"
)

// Store runs functions inside transactions. Update's function runs in one
// read-write transaction: if it returns an error nothing it wrote is kept.
// Implementations serialize writers, so a check made inside Update (is this
// email free?) still holds when the transaction commits.
type Store interface {
	View(fn func(Tx) error) error
	Update(fn func(Tx) error) error
	Close() error
}

// Tx is what the use-cases need from one transaction. Methods that find one
// record return ErrNotFound when it does not exist. Put methods keep every
// secondary index in step with the record (removing the old entries on a
// change) and assign an ID to a record whose ID is zero.
type Tx interface {
	User(id ID) (User, error)
	UserIDByEmail(key string) (ID, error)
	PutUser(u *User) error
	// Users yields users in id (creation) order starting after the given id.
	Users(after ID) iter.Seq2[User, error]
	// UsersBackward yields users in descending id order starting before the
	// given id (0: from the newest).
	UsersBackward(before ID) iter.Seq2[User, error]
	// Emails yields (email key, user id) in key order from the email index,
	// without decoding user records. The key's bytes are valid only until
	// the next iteration.
	Emails(from string) iter.Seq2[[]byte, ID]
	// EmailsBackward yields the same entries in descending key order,
	// starting below before ("": from the last).
	EmailsBackward(before string) iter.Seq2[[]byte, ID]
	UserCounts() (map[State]int, error)

	Org(id ID) (Organization, error)
	OrgIDByName(name string) (ID, error)
	OrgIDByDomain(domain string) (ID, error)
	PutOrg(o *Organization) error
	Orgs() iter.Seq2[Organization, error]
	// OrgChildren yields the ids of the organizations whose ParentID is
	// parent, from an index PutOrg keeps in step: finding what is below an
	// organization reads no other organization.
	OrgChildren(parent ID) iter.Seq[ID]
	// Members yields the ids of an organization's users.
	Members(org ID) iter.Seq[ID]
	MemberCount(org ID) int

	AppendAudit(e *AuditEntry) error
	// Audit yields matching entries newest first, starting before the given
	// id (0: from the newest).
	Audit(f AuditFilter, before ID) iter.Seq2[AuditEntry, error]

	PutTemplate(t *Template) error
	Template(name string) (Template, error)
	StoredTemplates() iter.Seq2[Template, error]
	Settings() (Settings, error)
	PutSettings(s Settings) error

	PutToken(t Token) error
	Token(hash []byte) (Token, error)

	// PutMessage writes an outbox message (a new one gets the next id) and
	// keeps the delivery queue index in step: queued messages are indexed by
	// NextTry.
	PutMessage(m *OutboxMessage) error
	// NextMessageID reserves the id of a message about to be queued, so
	// its Message-ID can be built before the one write.
	NextMessageID() (ID, error)
	Message(id ID) (OutboxMessage, error)
	// Messages yields messages newest first, before the given id (0: all).
	Messages(before ID) iter.Seq2[OutboxMessage, error]
	// DueMessages yields the ids of queued messages whose NextTry is not
	// after now, and of claimed (sending) ones whose LeaseUntil is not,
	// earliest first.
	DueMessages(now time.Time) iter.Seq[ID]

	PutAgent(a *Agent) error
	Agent(id ID) (Agent, error)
	Agents() iter.Seq2[Agent, error]
	AgentIDByKey(fingerprint string) (ID, error)

	// NextConversationID reserves the id of a conversation about to be
	// created, so its thread's Message-ID can name it.
	NextConversationID() (ID, error)
	Conversation(id ID) (Conversation, error)
	// PutConversation writes a conversation (without its messages) and
	// keeps the requester and status indexes in step. A zero id gets the
	// next one.
	PutConversation(c *Conversation) error
	// PutConvMessage writes one message under its conversation and Seq.
	PutConvMessage(m *ConvMessage) error
	// ConvMessages yields a conversation's messages, oldest first.
	ConvMessages(conv ID) iter.Seq2[ConvMessage, error]
	// ConvIDs yields conversation ids newest first, below before (0: all).
	ConvIDs(before ID) iter.Seq[ID]
	// ConvIDsByStatus yields the ids of the conversations in a status,
	// newest first, below before (0: all), from the status index.
	ConvIDsByStatus(s ConvStatus, before ID) iter.Seq[ID]
	// ConvIDsByRequester yields the ids of a user's conversations, newest
	// first, below before (0: all), from the requester index.
	ConvIDsByRequester(user ID, before ID) iter.Seq[ID]
	// The portal's indexes, in activity order (Conversation.ActivityPos):
	// each yields positions newest first, strictly older than from (zero:
	// from the newest). PutConversation keeps them in step with the
	// record's requester, organization, collaborators and activity.
	ConvsByRequesterActivity(user ID, from ConvPos) iter.Seq[ConvPos]
	ConvsByOrg(org ID, from ConvPos) iter.Seq[ConvPos]
	ConvsByCollaborator(user ID, from ConvPos) iter.Seq[ConvPos]

	// DeleteUser removes a user record and every index entry of it (email,
	// organization membership, state count). Its audit entries stay.
	DeleteUser(id ID) error
	// DeleteConversation removes a conversation, its messages and its
	// requester and status index entries.
	DeleteConversation(id ID) error
	// DeleteTokens removes every link token of a user and says how many.
	DeleteTokens(user ID) (int, error)

	// Customer groups. PutGroup keeps groups_by_name in step; a zero id
	// gets the next one. Members are indexed both ways (group -> users,
	// user -> groups).
	PutGroup(g *Group) error
	Group(id ID) (Group, error)
	GroupIDByName(key string) (ID, error)
	Groups() iter.Seq2[Group, error]
	AddGroupMember(group, user ID) error
	RemoveGroupMember(group, user ID) error
	GroupMembers(group ID) iter.Seq[ID]
	UserGroups(user ID) iter.Seq[ID]

	// Portal sessions, keyed by the SHA-256 of the session id.
	PutSession(s CustomerSession) error
	Session(hash []byte) (CustomerSession, error)
	// DeleteSession removes a session; a missing one is not an error.
	DeleteSession(hash []byte) error
	Sessions() iter.Seq2[CustomerSession, error]

	// SignInRecord returns the sign-in record under key ("user/<id>",
	// "addr/<address>"), zero when there is none.
	SignInRecord(key string) (SignInRecord, error)
	PutSignInRecord(key string, r SignInRecord) error

	// Organizations' branding: PutOrg keeps the slug index in step with
	// Brand.Slug; logos are stored apart (nil removes).
	OrgIDBySlug(slug string) (ID, error)
	PutLogo(org ID, b []byte) error
	// Logo's bytes are valid only inside the transaction.
	Logo(org ID) ([]byte, error)

	// Inbound mail. PutMailID indexes a Message-ID (with or without its
	// angle brackets) as one of a conversation's, sent by the desk or
	// carried by a customer's mail; an id indexed already keeps its first
	// entry. MailID finds it (ErrNotFound when unknown). Attachments'
	// bytes are kept by conversation, message seq and position (1, 2, ...);
	// Attachment's bytes are valid only inside the transaction.
	// DeleteConversation removes both.
	PutMailID(msgID string, conv ID, fromDesk bool) error
	MailID(msgID string) (conv ID, fromDesk bool, err error)
	PutAttachment(conv ID, seq, n int, b []byte) error
	Attachment(conv ID, seq, n int) ([]byte, error)

	// The import fast path, all or nothing. BulkBegin marks an import in
	// progress; BulkAppendUsers writes records and their member entries (ids
	// assigned in order) but not the email index, and notes their ids in the
	// mark; BulkNoteOrg notes an organization the import created; BulkIndex
	// writes the email index entries for them, given in key order, and
	// returns the ids whose email was taken meanwhile (their records are
	// removed); BulkEnd clears the mark, in the transaction that commits the
	// import. BulkRollback removes everything the mark notes (records, their
	// index and member entries, the noted organizations) and clears it; a
	// store that finds the mark when it opens does the same.
	BulkBegin() error
	BulkAppendUsers(us []User) error
	BulkNoteOrg(id ID) error
	BulkIndex(entries []IndexEntry) (taken []ID, err error)
	BulkEnd() error
	BulkRollback() (BulkUndone, error)
}

// IndexEntry is one user's email index entry: written by an import after
// its records, in key order, and applied to the autosuggest index.
type IndexEntry struct {
	Key string
	ID  ID
}

package domain

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SubjectConv is the audit subject kind of a conversation.
const SubjectConv = "conv"

// ConvStatus is where a conversation is in its life.
type ConvStatus string

const (
	ConvOpen     ConvStatus = "open"     // waiting for the desk
	ConvPending  ConvStatus = "pending"  // waiting for the requester
	ConvResolved ConvStatus = "resolved" // answered; may still be reopened
	ConvClosed   ConvStatus = "closed"   // done
)

// ConvStatuses lists the statuses in inbox order: the store's status index
// sorts by a status's position here, so open conversations come first.
var ConvStatuses = []ConvStatus{ConvOpen, ConvPending, ConvResolved, ConvClosed}

// ParseConvStatus accepts a status name in any letter case.
func ParseConvStatus(s string) (ConvStatus, error) {
	st := ConvStatus(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(ConvStatuses, st) {
		return st, nil
	}
	return "", invalid("status", "%q is not a conversation status; use open, pending, resolved or closed", s)
}

// Rank is the status's position in ConvStatuses, starting at 1 (0: unknown).
func (s ConvStatus) Rank() int { return slices.Index(ConvStatuses, s) + 1 }

// MessageKind says whether a conversation message goes to the requester.
type MessageKind string

const (
	KindReply MessageKind = "reply" // public: mailed to the requester
	KindNote  MessageKind = "note"  // internal: agents only, never mailed
)

// maxThreadRefs bounds the References header: the thread root plus the most
// recent mailed messages (RFC 5322 allows trimming the middle of a chain).
const maxThreadRefs = 10

// Conversation is a thread between the desk and one requester. Its messages
// are stored beside it, one record each.
type Conversation struct {
	ID          ID     `json:"id"`
	Subject     string `json:"subject"`
	RequesterID ID     `json:"requester_id"`
	// OrgID is the requester's organization when the conversation began.
	OrgID      ID         `json:"org_id,omitempty"`
	Status     ConvStatus `json:"status"`
	AssigneeID ID         `json:"assignee_id,omitempty"` // an agent; 0: unassigned
	Tags       []string   `json:"tags,omitempty"`
	// ThreadID is the thread's root Message-ID, fixed at creation: every
	// reply mail refers to it, so mail clients keep the thread together.
	ThreadID string `json:"thread_id"`
	// MailRefs are the Message-IDs of the thread's mailed replies after
	// the root, oldest first, the most recent few only.
	MailRefs []string `json:"mail_refs,omitempty"`
	// Messages is how many messages the thread holds; the next gets
	// Messages+1 as its sequence number.
	Messages int `json:"messages"`
	// ActivityAt is when the newest public message (a reply, the desk's or
	// the customer's) was written: what a customer's portal sorts by.
	// Notes and status changes leave it (see ActivityTime).
	ActivityAt time.Time `json:"activity_at,omitzero"`
	// Collaborators are the users with the collaborator role added to
	// the conversation: they see it, and its notes, on the portal.
	Collaborators []ID `json:"collaborators,omitempty"`
	// CustomerLast: the last public message is the customer's, not yet
	// answered by the desk (agents' Inbox marks it).
	CustomerLast bool `json:"customer_last,omitempty"`

	Version   uint64    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// References is the References header of the next reply: the root, then
// the recent mailed replies.
func (c Conversation) References() []string {
	return append([]string{c.ThreadID}, c.MailRefs...)
}

// InReplyTo is the Message-ID the next reply answers: the last mailed
// message, or the thread's root.
func (c Conversation) InReplyTo() string {
	if n := len(c.MailRefs); n > 0 {
		return c.MailRefs[n-1]
	}
	return c.ThreadID
}

// ConvMessage is one message of a conversation.
type ConvMessage struct {
	ConvID    ID          `json:"conv_id"`
	Seq       int         `json:"seq"` // 1, 2, ... within the conversation
	Kind      MessageKind `json:"kind"`
	Author    string      `json:"author"` // the actor's name
	Body      string      `json:"body"`
	CreatedAt time.Time   `json:"created_at"`
	// OutboxID is the outbox message that mails it; 0 when not mailed.
	OutboxID ID `json:"outbox_id,omitempty"`
	// NotMailed says why a reply was stored but not mailed ("requester
	// is disabled"); empty for a mailed reply and for a note.
	NotMailed string `json:"not_mailed,omitempty"`

	// FromCustomer marks a public message written by a customer (on the
	// portal or by mail) rather than by the desk; it is never mailed.
	FromCustomer bool `json:"from_customer,omitempty"`
	// Via is where a customer's message came in: "portal" or "email".
	Via string `json:"via,omitempty"`
	// Quoted is the earlier text a mailed reply quoted, cut from Body and
	// kept to be shown collapsed.
	Quoted string `json:"quoted,omitempty"`
	// MailMessageID is an inbound mail's own Message-ID.
	MailMessageID string `json:"mail_message_id,omitempty"`
	// Attachments lists what an inbound mail carried (the bytes are
	// stored apart, by conversation, message and position).
	Attachments []Attachment `json:"attachments,omitempty"`
	// Flag says why a customer's message needs an agent's eye and got no
	// answer ("sender is disabled", "auto-reply"); empty when none.
	Flag string `json:"flag,omitempty"`
}

// Attachment is one file an inbound mail carried.
type Attachment struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

// Mailed reports whether the message was queued for the requester.
func (m ConvMessage) Mailed() bool { return m.OutboxID != 0 }

// ConvInput is a new conversation. The requester is named by RequesterID,
// or else by the email in Requester.
type ConvInput struct {
	Requester   string
	RequesterID ID
	Subject     string
	Body        string
	Tags        []string
}

// ConvFilter selects conversations; zero fields match all.
type ConvFilter struct {
	Status      ConvStatus
	RequesterID ID
	AssigneeID  ID
	OrgID       ID
}

func (f ConvFilter) match(c Conversation) bool {
	return (f.Status == "" || c.Status == f.Status) &&
		(f.RequesterID == 0 || c.RequesterID == f.RequesterID) &&
		(f.AssigneeID == 0 || c.AssigneeID == f.AssigneeID) &&
		(f.OrgID == 0 || c.OrgID == f.OrgID)
}

const (
	maxConvBody = 50000
	maxTags     = 20
	maxTag      = 40
)

func parseTags(in []string) ([]string, error) {
	var out []string
	for _, t := range in {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" {
			continue
		}
		if len(t) > maxTag {
			return nil, invalid("tags", "%q is longer than %d characters", t, maxTag)
		}
		for _, r := range t {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':') {
				return nil, invalid("tags", "%q: use lower-case letters, digits, and - _ . :", t)
			}
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, invalid("tags", "at most %d tags", maxTags)
	}
	slices.Sort(out)
	return out, nil
}

func parseConvBody(body string) (string, error) {
	b, err := cleanText("body", body, maxConvBody, true)
	if err != nil {
		return "", err
	}
	if b == "" {
		return "", invalid("body", "is empty")
	}
	return b, nil
}

// NewConversation starts a conversation with a requester. The body is its
// first message, a public reply: it is mailed to the requester as the
// thread's root (Message-ID = ThreadID), unless the requester may not get
// mail, in which case the message says why.
func (d *Desk) NewConversation(actor Actor, in ConvInput) (Conversation, ConvMessage, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return Conversation{}, ConvMessage{}, err
	}
	subject, err := cleanText("subject", in.Subject, maxSubject, false)
	if err != nil {
		return Conversation{}, ConvMessage{}, err
	}
	subject = strings.Join(strings.Fields(subject), " ")
	if subject == "" {
		return Conversation{}, ConvMessage{}, invalid("subject", "is empty")
	}
	body, err := parseConvBody(in.Body)
	if err != nil {
		return Conversation{}, ConvMessage{}, err
	}
	tags, err := parseTags(in.Tags)
	if err != nil {
		return Conversation{}, ConvMessage{}, err
	}
	var conv Conversation
	var msg ConvMessage
	err = d.update(func(tx Tx, c *commit) error {
		u, err := requester(tx, in)
		if err != nil {
			return err
		}
		id, err := tx.NextConversationID()
		if err != nil {
			return err
		}
		root, err := d.newMessageID(tx, "conv", id)
		if err != nil {
			return err
		}
		now := d.clock()
		conv = Conversation{
			ID: id, Subject: subject, RequesterID: u.ID, OrgID: u.OrgID, Status: ConvOpen, Tags: tags,
			ThreadID: root, Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: actor.String(),
		}
		msg, err = d.addMessage(tx, c, &conv, u, actor, KindReply, body, now)
		if err != nil {
			return err
		}
		if err := tx.PutConversation(&conv); err != nil {
			return err
		}
		c.event(SubjectConv, conv.ID)
		return audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "conv.create", SubjectKind: SubjectConv, SubjectID: conv.ID,
			Subject: subject, Note: fmt.Sprintf("requester %s; %s", u.Email, mailNote(msg)),
		})
	})
	return conv, msg, err
}

func mailNote(m ConvMessage) string {
	switch {
	case m.Kind == KindNote:
		return "internal note"
	case m.Mailed():
		return fmt.Sprintf("queued (outbox message %d)", m.OutboxID)
	}
	return "not mailed: " + m.NotMailed
}

func requester(tx Tx, in ConvInput) (User, error) {
	id := in.RequesterID
	if id == 0 {
		if strings.TrimSpace(in.Requester) == "" {
			return User{}, invalid("requester", "is empty; name the customer by email")
		}
		e, err := ParseEmail(in.Requester)
		if err != nil {
			return User{}, err
		}
		id, err = tx.UserIDByEmail(e.Key)
		if IsNotFound(err) {
			return User{}, notFound("no user with email %s", e.Address)
		}
		if err != nil {
			return User{}, err
		}
	}
	u, err := tx.User(id)
	if IsNotFound(err) {
		return u, notFound("no user with id %d", id)
	}
	if err != nil {
		return u, err
	}
	// A record the email index does not point at yet belongs to an import
	// still running, which may roll it back (see loadUser).
	if owner, err := tx.UserIDByEmail(u.EmailKey()); err != nil || owner != u.ID {
		if err != nil && !IsNotFound(err) {
			return u, err
		}
		return u, invalid("requester", "%s is still being imported; try again when the import has finished", u.Email)
	}
	return u, nil
}

// newMessageID builds a Message-ID like queueMail's: a kind, an id, a
// random part and our domain.
func (d *Desk) newMessageID(tx Tx, kind string, id ID) (string, error) {
	settings, err := tx.Settings()
	if err != nil {
		return "", err
	}
	var nonce [8]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return "", err
	}
	return fmt.Sprintf("<%s.%d.%s@%s>", kind, id, hex.EncodeToString(nonce[:]), d.mailSettings(settings).messageDomain()), nil
}

// whyNoMail says why a requester gets no reply by mail now ("" when it
// does): a disabled user, an inactive organization (its own or a parent's),
// or a customer who chose another channel for replies. The delivery worker
// applies the same rules (mailBlock) to what is already queued.
func whyNoMail(tx Tx, u User) (string, error) {
	if u.State == StateDisabled {
		return "requester is disabled", nil
	}
	return mailBlock(tx, u.ID, EventReply)
}

// ReplyMailBlock says why a public reply to this user would be stored but
// not mailed ("" when it would be mailed), for a screen to warn before the
// agent writes it.
func (d *Desk) ReplyMailBlock(userID ID) (string, error) {
	var why string
	err := d.store.View(func(tx Tx) error {
		u, err := tx.User(userID)
		if err != nil {
			return err
		}
		why, err = whyNoMail(tx, u)
		return err
	})
	return why, err
}

// addMessage appends a message to the thread and, for a public reply to a
// requester who may get mail, queues its mail in the same transaction. The
// caller writes the conversation afterwards. A queued mail also publishes
// a "mail" event, which wakes the delivery worker.
func (d *Desk) addMessage(tx Tx, c *commit, conv *Conversation, u User, actor Actor, kind MessageKind, body string, now time.Time) (ConvMessage, error) {
	m := ConvMessage{ConvID: conv.ID, Seq: conv.Messages + 1, Kind: kind, Author: actor.String(), Body: body, CreatedAt: now}
	if kind == KindReply {
		conv.ActivityAt = now
		why, err := whyNoMail(tx, u)
		if err != nil {
			return m, err
		}
		if why != "" {
			m.NotMailed = why
		} else {
			if m.OutboxID, err = d.queueReply(tx, conv, u, body, now); err != nil {
				return m, err
			}
			c.event("mail", m.OutboxID)
		}
	}
	if err := tx.PutConvMessage(&m); err != nil {
		return m, err
	}
	conv.Messages = m.Seq
	if kind == KindReply {
		conv.CustomerLast = false
	}
	return m, nil
}

// queueReply queues one reply mail of a thread. The first mail of a thread
// carries the root Message-ID; later ones answer the previous mail.
func (d *Desk) queueReply(tx Tx, conv *Conversation, u User, body string, now time.Time) (ID, error) {
	id, err := tx.NextMessageID()
	if err != nil {
		return 0, err
	}
	m := OutboxMessage{
		ID: id, UserID: u.ID, Event: EventReply, To: u.Email, ToName: u.Name, Subject: conv.Subject, Text: body,
		State: MailQueued, NextTry: now, CreatedAt: now, UpdatedAt: now,
	}
	if conv.Messages == 0 {
		m.MessageID = conv.ThreadID
	} else {
		if m.MessageID, err = d.newMessageID(tx, "helpdesk", id); err != nil {
			return 0, err
		}
		m.Subject = replySubject(conv.Subject)
		m.InReplyTo = conv.InReplyTo()
		m.References = conv.References()
		conv.MailRefs = append(conv.MailRefs, m.MessageID)
		if n := len(conv.MailRefs); n > maxThreadRefs-1 {
			conv.MailRefs = slices.Clone(conv.MailRefs[n-(maxThreadRefs-1):])
		}
	}
	if err := routeMessage(tx, &m); err != nil {
		return 0, err
	}
	if err := tx.PutMessage(&m); err != nil {
		return 0, err
	}
	// Every Message-ID the desk sends for a thread is indexed, so a reply
	// to any of them (MailRefs keeps the last few only) finds its thread.
	for _, id := range []string{conv.ThreadID, m.MessageID} {
		if err := tx.PutMailID(id, conv.ID, true); err != nil {
			return 0, err
		}
	}
	return m.ID, nil
}

// replySubject is "Re: subject", without stacking a second "Re:".
func replySubject(s string) string {
	if len(s) >= 3 && strings.EqualFold(s[:3], "re:") {
		return s
	}
	return "Re: " + s
}

// loadConv reads a conversation and checks the caller's version (0: any).
func loadConv(tx Tx, id ID, version uint64) (Conversation, error) {
	c, err := tx.Conversation(id)
	if IsNotFound(err) {
		return c, notFound("no conversation with id %d", id)
	}
	if err != nil {
		return c, err
	}
	if version != 0 && c.Version != version {
		return c, &ConflictError{What: fmt.Sprintf("conversation %d", id), By: c.UpdatedBy, At: c.UpdatedAt, Version: c.Version, Requested: version}
	}
	return c, nil
}

func (d *Desk) saveConv(tx Tx, cm *commit, actor Actor, before Conversation, c *Conversation, now time.Time) error {
	c.Version = before.Version + 1
	c.UpdatedAt = now
	c.UpdatedBy = actor.String()
	if err := tx.PutConversation(c); err != nil {
		return err
	}
	cm.event(SubjectConv, c.ID)
	return nil
}

// Reply adds a message to a conversation: a public reply, mailed to the
// requester in the same transaction unless the requester is disabled or its
// organization inactive (then the message is kept and NotMailed says why),
// or, with internal, a note that is never mailed.
func (d *Desk) Reply(actor Actor, convID ID, body string, internal bool) (ConvMessage, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return ConvMessage{}, err
	}
	body, err := parseConvBody(body)
	if err != nil {
		return ConvMessage{}, err
	}
	kind := KindReply
	if internal {
		kind = KindNote
	}
	var msg ConvMessage
	err = d.update(func(tx Tx, c *commit) error {
		before, err := loadConv(tx, convID, 0)
		if err != nil {
			return err
		}
		conv := before
		conv.MailRefs = slices.Clone(before.MailRefs)
		u, err := tx.User(conv.RequesterID)
		if err != nil {
			return fmt.Errorf("requester %d of conversation %d: %w", conv.RequesterID, convID, err)
		}
		now := d.clock()
		if msg, err = d.addMessage(tx, c, &conv, u, actor, kind, body, now); err != nil {
			return err
		}
		if err := d.saveConv(tx, c, actor, before, &conv, now); err != nil {
			return err
		}
		return audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "conv." + string(kind), SubjectKind: SubjectConv, SubjectID: convID,
			Subject: conv.Subject, Note: fmt.Sprintf("message %d; %s", msg.Seq, mailNote(msg)),
		})
	})
	return msg, err
}

// SetStatus changes a conversation's status, from the version the caller
// read (0: whatever is stored).
func (d *Desk) SetStatus(actor Actor, convID ID, version uint64, status ConvStatus) (Conversation, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return Conversation{}, err
	}
	if _, err := ParseConvStatus(string(status)); err != nil {
		return Conversation{}, err
	}
	var conv Conversation
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadConv(tx, convID, version)
		if err != nil {
			return err
		}
		conv = before
		if before.Status == status {
			return nil
		}
		conv.Status = status
		now := d.clock()
		if err := d.saveConv(tx, c, actor, before, &conv, now); err != nil {
			return err
		}
		return audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "conv.status", SubjectKind: SubjectConv, SubjectID: convID,
			Subject: conv.Subject, Changes: []Change{{Field: "status", Before: string(before.Status), After: string(status)}},
		})
	})
	return conv, err
}

// Assign gives a conversation to the enabled agent with this email; an
// empty email unassigns it.
func (d *Desk) Assign(actor Actor, convID ID, agentEmail string) (Conversation, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return Conversation{}, err
	}
	agentEmail = strings.TrimSpace(agentEmail)
	var conv Conversation
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadConv(tx, convID, 0)
		if err != nil {
			return err
		}
		conv = before
		var to Agent
		if agentEmail != "" {
			if to, err = agentByEmail(tx, agentEmail); err != nil {
				return err
			}
			if to.Disabled {
				return invalid("assignee", "agent %s is disabled", to.Email)
			}
		}
		if before.AssigneeID == to.ID {
			return nil
		}
		conv.AssigneeID = to.ID
		now := d.clock()
		if err := d.saveConv(tx, c, actor, before, &conv, now); err != nil {
			return err
		}
		return audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "conv.assign", SubjectKind: SubjectConv, SubjectID: convID,
			Subject: conv.Subject, Changes: []Change{{Field: "assignee", Before: agentName(tx, before.AssigneeID), After: to.Email}},
		})
	})
	return conv, err
}

func agentName(tx Tx, id ID) string {
	if id == 0 {
		return ""
	}
	a, err := tx.Agent(id)
	if err != nil {
		return fmt.Sprintf("#%d", id)
	}
	return a.Email
}

// Conversation returns one conversation and its messages, oldest first.
func (d *Desk) Conversation(id ID) (Conversation, []ConvMessage, error) {
	var conv Conversation
	var msgs []ConvMessage
	err := d.store.View(func(tx Tx) error {
		var err error
		msgs = nil
		if conv, err = loadConv(tx, id, 0); err != nil {
			return err
		}
		for m, err := range tx.ConvMessages(id) {
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		return nil
	})
	return conv, msgs, err
}

// Conversations returns up to limit conversations (0: all) that pass the
// filter, newest first, starting below the id before (0: the newest), and
// the before of the next page (0 when there is no more). A status or
// requester filter follows its index, so the inbox of open conversations
// reads only what it shows.
func (d *Desk) Conversations(f ConvFilter, before ID, limit int) ([]Conversation, ID, error) {
	var out []Conversation
	var next ID
	err := d.store.View(func(tx Tx) error {
		out, next = nil, 0
		var ids func(func(ID) bool)
		switch {
		case f.RequesterID != 0:
			ids = tx.ConvIDsByRequester(f.RequesterID, before)
		case f.Status != "":
			ids = tx.ConvIDsByStatus(f.Status, before)
		default:
			ids = tx.ConvIDs(before)
		}
		var ferr error
		for id := range ids {
			c, err := tx.Conversation(id)
			if err != nil {
				ferr = fmt.Errorf("conversation %d: %w", id, err)
				break
			}
			if !f.match(c) {
				continue
			}
			if limit > 0 && len(out) == limit {
				next = out[len(out)-1].ID
				break
			}
			out = append(out, c)
		}
		return ferr
	})
	return out, next, err
}

// ConversationCount is how many conversations a user is the requester of.
func (d *Desk) ConversationCount(userID ID) (int, error) {
	n := 0
	err := d.store.View(func(tx Tx) error {
		n = 0
		for range tx.ConvIDsByRequester(userID, 0) {
			n++
		}
		return nil
	})
	return n, err
}

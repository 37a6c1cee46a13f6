package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// DeletePreview is what deleting a user removes: the counts shown before
// the agent confirms, and returned by DeleteUser once it is done.
type DeletePreview struct {
	User          User
	Conversations int // conversations the user is the requester of
	Messages      int // messages in those conversations
	QueuedMails   int // mails to the user still waiting in the outbox
	// Tokens is how many link tokens were removed; set by DeleteUser only.
	Tokens int
}

// Summary is the counts in words: "2 conversations, 5 messages, 1 queued
// mail".
func (p DeletePreview) Summary() string {
	return fmt.Sprintf("%s, %s, %s", plural(p.Conversations, "conversation"), plural(p.Messages, "message"),
		plural(p.QueuedMails, "queued mail"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// farFuture is past every NextTry, to walk the whole delivery queue.
var farFuture = time.Unix(0, 1<<62)

func previewDelete(tx Tx, u User) (DeletePreview, []ID, []ID, error) {
	p := DeletePreview{User: u}
	var convs, mails []ID
	for id := range tx.ConvIDsByRequester(u.ID, 0) {
		c, err := tx.Conversation(id)
		if err != nil {
			return p, nil, nil, fmt.Errorf("conversation %d of %s: %w", id, u.Email, err)
		}
		convs = append(convs, id)
		p.Messages += c.Messages
	}
	p.Conversations = len(convs)
	mails, err := queuedMailsOf(tx, u.ID, nil)
	if err != nil {
		return p, nil, nil, err
	}
	p.QueuedMails = len(mails)
	return p, convs, mails, nil
}

// queuedMailsOf lists the ids of a user's messages not yet delivered (of
// one of events, or of any when events is nil), from the delivery queue,
// which holds only queued and claimed (sending) messages.
func queuedMailsOf(tx Tx, user ID, events []MailEvent) ([]ID, error) {
	var ids []ID
	for id := range tx.DueMessages(farFuture) {
		m, err := tx.Message(id)
		if err != nil {
			return nil, err
		}
		if _, waiting := m.QueueAt(); m.UserID == user && waiting && (events == nil || slices.Contains(events, m.Event)) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// cancelQueued cancels messages not yet delivered for a reason. A claimed
// one loses its claim (its worker's outcome is refused) and the link of
// that attempt dies with it.
func cancelQueued(tx Tx, c *commit, ids []ID, reason string, now time.Time) error {
	for _, mid := range ids {
		m, err := tx.Message(mid)
		if err != nil {
			return err
		}
		if err := revokeToken(tx, &m, now); err != nil {
			return err
		}
		m.State, m.LastError, m.UpdatedAt = MailCancelled, reason, now
		m.Holder, m.LeaseUntil = "", time.Time{}
		m.dropLink(linkDroppedNote)
		if err := tx.PutMessage(&m); err != nil {
			return err
		}
		c.event("mail", mid)
	}
	return nil
}

// DeletePreview says what deleting a user would remove, changing nothing.
func (d *Desk) DeletePreview(id ID) (DeletePreview, error) {
	var p DeletePreview
	err := d.store.View(func(tx Tx) error {
		u, err := loadUser(tx, id, 0)
		if err != nil {
			return err
		}
		p, _, _, err = previewDelete(tx, u)
		return err
	})
	return p, err
}

func leftGroups(n int) string {
	if n == 0 {
		return ""
	}
	return "; took it out of " + plural(n, "customer group")
}

// DeleteUser removes a user for good, unlike DisableUser: the record and its
// index entries, its customer group memberships, its link tokens (a link of a deleted user no longer works),
// its conversations with their messages and index entries; its queued mail
// is cancelled. confirmEmail must be the user's email (any letter case), so
// that nobody deletes the wrong account by a slip. One audit entry names the
// email and what was removed; the user's earlier audit entries stay. It
// needs the users.delete permission.
func (d *Desk) DeleteUser(actor Actor, id ID, confirmEmail string) (DeletePreview, error) {
	if err := actor.require(PermUsersDelete); err != nil {
		return DeletePreview{}, err
	}
	var p DeletePreview
	err := d.update(func(tx Tx, c *commit) error {
		u, err := loadUser(tx, id, 0)
		if err != nil {
			return err
		}
		var convs, mails []ID
		if p, convs, mails, err = previewDelete(tx, u); err != nil {
			return err
		}
		confirm := strings.TrimSpace(confirmEmail)
		if confirm == "" {
			return invalid("confirm", "deleting %s is permanent: it removes the user, %s; confirm with the user's email", u.Email, p.Summary())
		}
		if !strings.EqualFold(confirm, u.Email) {
			return invalid("confirm", "%q is not the email of the user to delete (%s); nothing was deleted", confirm, u.Email)
		}
		now := d.clock()
		for _, cid := range convs {
			if err := tx.DeleteConversation(cid); err != nil {
				return fmt.Errorf("delete conversation %d: %w", cid, err)
			}
			c.event(SubjectConv, cid)
		}
		if err := cancelQueued(tx, c, mails, "recipient was deleted", now); err != nil {
			return err
		}
		if p.Tokens, err = tx.DeleteTokens(u.ID); err != nil {
			return err
		}
		groups := slices.Collect(tx.UserGroups(u.ID))
		for _, gid := range groups {
			if err := tx.RemoveGroupMember(gid, u.ID); err != nil {
				return err
			}
		}
		if err := d.dropCollaborator(tx, c, actor, u, now); err != nil {
			return err
		}
		if err := tx.DeleteUser(u.ID); err != nil {
			return err
		}
		c.emailChanged(u.EmailKey(), "", u.ID)
		c.event(SubjectUser, u.ID)
		return audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "user.delete", SubjectKind: SubjectUser,
			SubjectID: u.ID, Subject: u.Email,
			Note: fmt.Sprintf("deleted %s for good: removed %s with %s and %s; cancelled %s", u.Email,
				plural(p.Conversations, "conversation"), plural(p.Messages, "message"), plural(p.Tokens, "link token"),
				plural(p.QueuedMails, "queued mail")) + leftGroups(len(groups)),
		})
	})
	return p, err
}

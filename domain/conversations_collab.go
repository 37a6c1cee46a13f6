package domain

import (
	"fmt"
	"slices"
	"time"
)

// AddCollaborator adds the user with this email, who must have the
// collaborator role, to a conversation: it then sees the conversation and
// its internal notes on the portal and may add notes. Adding one already
// there changes nothing. Audited as conv.collaborator.add.
func (d *Desk) AddCollaborator(actor Actor, convID ID, email string) (Conversation, error) {
	return d.setCollaborator(actor, convID, email, true)
}

// RemoveCollaborator takes a collaborator off a conversation. Audited as
// conv.collaborator.remove.
func (d *Desk) RemoveCollaborator(actor Actor, convID ID, email string) (Conversation, error) {
	return d.setCollaborator(actor, convID, email, false)
}

func (d *Desk) setCollaborator(actor Actor, convID ID, email string, add bool) (Conversation, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return Conversation{}, err
	}
	e, err := ParseEmail(email)
	if err != nil {
		return Conversation{}, err
	}
	var conv Conversation
	err = d.update(func(tx Tx, c *commit) error {
		before, err := loadConv(tx, convID, 0)
		if err != nil {
			return err
		}
		conv = before
		uid, err := tx.UserIDByEmail(e.Key)
		if IsNotFound(err) {
			return notFound("no user with email %s", e.Address)
		}
		if err != nil {
			return err
		}
		u, err := tx.User(uid)
		if err != nil {
			return fmt.Errorf("user %d: %w", uid, err)
		}
		has := slices.Contains(before.Collaborators, u.ID)
		action, change := "conv.collaborator.add", Change{Field: "collaborator", After: u.Email}
		switch {
		case add && has:
			return nil
		case add && u.Role != RoleCollaborator:
			return invalid("collaborator", "%s has the role %s; only a user with the role collaborator can be added (user edit EMAIL --role collaborator)", u.Email, u.Role)
		case !add && !has:
			return invalid("collaborator", "%s is not a collaborator of conversation %d", u.Email, convID)
		case add:
			conv.Collaborators = append(slices.Clone(before.Collaborators), u.ID)
		default:
			conv.Collaborators = slices.DeleteFunc(slices.Clone(before.Collaborators), func(id ID) bool { return id == u.ID })
			action, change = "conv.collaborator.remove", Change{Field: "collaborator", Before: u.Email}
		}
		now := d.clock()
		if err := d.saveConv(tx, c, actor, before, &conv, now); err != nil {
			return err
		}
		return audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: action, SubjectKind: SubjectConv, SubjectID: convID,
			Subject: conv.Subject, Changes: []Change{change},
		})
	})
	return conv, err
}

// dropCollaborator takes a user about to be deleted off every conversation
// it collaborates on, so no conversation names a user who does not exist.
func (d *Desk) dropCollaborator(tx Tx, c *commit, actor Actor, u User, now time.Time) error {
	convs := slices.Collect(func(yield func(ID) bool) {
		for p := range tx.ConvsByCollaborator(u.ID, ConvPos{}) {
			if !yield(p.ID) {
				return
			}
		}
	})
	for _, id := range convs {
		before, err := loadConv(tx, id, 0)
		if err != nil {
			return fmt.Errorf("conversation %d of collaborator %s: %w", id, u.Email, err)
		}
		conv := before
		conv.Collaborators = slices.DeleteFunc(slices.Clone(before.Collaborators), func(x ID) bool { return x == u.ID })
		if err := d.saveConv(tx, c, actor, before, &conv, now); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "conv.collaborator.remove", SubjectKind: SubjectConv, SubjectID: id,
			Subject: conv.Subject, Note: "the user was deleted", Changes: []Change{{Field: "collaborator", Before: u.Email}},
		}); err != nil {
			return err
		}
	}
	return nil
}

// Collaborators lists the users added to a conversation as collaborators.
func (d *Desk) Collaborators(convID ID) ([]User, error) {
	var out []User
	err := d.store.View(func(tx Tx) error {
		out = nil
		c, err := loadConv(tx, convID, 0)
		if err != nil {
			return err
		}
		for _, id := range c.Collaborators {
			u, err := tx.User(id)
			if err != nil {
				return fmt.Errorf("collaborator %d of conversation %d: %w", id, convID, err)
			}
			out = append(out, u)
		}
		return nil
	})
	return out, err
}

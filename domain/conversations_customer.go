package domain

import (
	"fmt"
	"time"
)

// CustomerMessage is a message a customer writes to the desk: on the portal
// or by mail. The portal fills Body; inbound mail fills the rest.
type CustomerMessage struct {
	Body          string
	Via           string // "portal" or "email"
	Quoted        string
	MailMessageID string
	Attachments   []Attachment
	Flag          string
}

// addCustomerMessage appends a customer's public message to a conversation
// and saves the conversation: the one path for every message that comes
// from a customer, so the portal and inbound mail store, reopen and audit
// alike. The message is never mailed back. A conversation that was waiting
// on the customer or answered (pending, resolved, closed) opens again, so
// agents' open inbox shows it. The caller has checked that the customer
// may write to this conversation.
func (d *Desk) addCustomerMessage(tx Tx, c *commit, before Conversation, from User, in CustomerMessage, now time.Time) (Conversation, ConvMessage, error) {
	conv := before
	actor := customerActor(from)
	m := ConvMessage{
		ConvID: conv.ID, Seq: conv.Messages + 1, Kind: KindReply, Author: actor.String(), Body: in.Body,
		CreatedAt: now, FromCustomer: true, Via: in.Via, Quoted: in.Quoted, MailMessageID: in.MailMessageID,
		Attachments: in.Attachments, Flag: in.Flag,
	}
	if err := tx.PutConvMessage(&m); err != nil {
		return conv, m, err
	}
	conv.Messages = m.Seq
	conv.CustomerLast = true
	conv.ActivityAt = now
	var changes []Change
	if conv.Status != ConvOpen {
		changes = append(changes, Change{Field: "status", Before: string(conv.Status), After: string(ConvOpen)})
		conv.Status = ConvOpen
	}
	if before.Version == 0 {
		// A conversation the customer's message opens: written whole here.
		conv.Version, conv.CreatedAt, conv.UpdatedAt, conv.UpdatedBy = 1, now, now, actor.String()
		if err := tx.PutConversation(&conv); err != nil {
			return conv, m, err
		}
		c.event(SubjectConv, conv.ID)
	} else if err := d.saveConv(tx, c, actor, before, &conv, now); err != nil {
		return conv, m, err
	}
	note := fmt.Sprintf("message %d from the customer, by %s", m.Seq, in.Via)
	if in.Flag != "" {
		note += "; " + in.Flag
	}
	action := "conv.customer"
	if before.Version == 0 {
		action = "conv.create"
	}
	return conv, m, audit(tx, AuditEntry{
		At: now, Actor: actor.String(), Action: action, SubjectKind: SubjectConv, SubjectID: conv.ID,
		Subject: conv.Subject, Note: note, Changes: changes,
	})
}

// newCustomerConversation starts a conversation whose first message is
// the customer's own (a portal form or a first mail): the conversation is
// built here and written, with the message, by addCustomerMessage.
func (d *Desk) newCustomerConversation(tx Tx, c *commit, from User, subject string, in CustomerMessage, now time.Time) (Conversation, ConvMessage, error) {
	id, err := tx.NextConversationID()
	if err != nil {
		return Conversation{}, ConvMessage{}, err
	}
	root, err := d.newMessageID(tx, "conv", id)
	if err != nil {
		return Conversation{}, ConvMessage{}, err
	}
	conv := Conversation{ID: id, Subject: subject, RequesterID: from.ID, OrgID: from.OrgID, Status: ConvOpen, ThreadID: root}
	return d.addCustomerMessage(tx, c, conv, from, in, now)
}

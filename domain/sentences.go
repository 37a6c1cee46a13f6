package domain

import (
	"fmt"
	"time"
)

// The sentences about state and its consequences that the console and the
// command line both print. Each is worded here once, so the two never
// disagree about what a mail's state is or what an action means.

// NoTransport is why a queued message stays where it is on a desk that
// sends no mail: no SMTP is configured for this process.
const NoTransport = "no transport configured"

// MailStatus is the one sentence about where a message's delivery stands,
// from what the outbox holds: "queued, next try …", "queued, held: no
// transport configured", "sending by … until …", "sent at …", "failed:
// reason", "cancelled: reason". at formats a time as the caller shows
// times; held says why this desk will not send a queued message now (""
// when it will, NoTransport when no SMTP is configured).
func MailStatus(m OutboxMessage, at func(time.Time) string, held string) string {
	switch m.State {
	case MailQueued:
		s := "queued, next try " + at(m.NextTry)
		if held != "" {
			s = "queued, held: " + held
		}
		if m.LastError != "" {
			s += "; last error: " + m.LastError
		}
		return s
	case MailSending:
		return "sending by " + m.Holder + " until " + at(m.LeaseUntil)
	case MailSent:
		return "sent at " + at(m.SentAt)
	case MailFailed, MailCancelled:
		if m.LastError == "" {
			return string(m.State)
		}
		return string(m.State) + ": " + m.LastError
	}
	return string(m.State)
}

// MessageMailStatus is the sentence about a conversation message's mail:
// an internal note is never mailed, a customer's own message came in by
// portal or mail, a reply the desk did not queue says why, and a queued
// reply says what its outbox message holds (MailStatus of out).
func MessageMailStatus(m ConvMessage, out OutboxMessage, at func(time.Time) string, held string) string {
	switch {
	case m.Kind == KindNote:
		return "internal note, never mailed"
	case m.FromCustomer:
		return "from the customer, by " + m.Via
	case !m.Mailed():
		return "not mailed: " + m.NotMailed
	case out.ID != m.OutboxID:
		return fmt.Sprintf("queued as outbox message %d", m.OutboxID)
	}
	return MailStatus(out, at, held)
}

// MailStatuses reads the outbox messages that mail the given conversation
// messages, by outbox id, as agents may see them. A message that no longer
// exists is left out (MessageMailStatus then names its id).
func (d *Desk) MailStatuses(msgs []ConvMessage) (map[ID]OutboxMessage, error) {
	out := map[ID]OutboxMessage{}
	err := d.store.View(func(tx Tx) error {
		clear(out)
		settings, err := tx.Settings()
		if err != nil {
			return err
		}
		for _, cm := range msgs {
			if cm.OutboxID == 0 {
				continue
			}
			m, err := tx.Message(cm.OutboxID)
			if IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			out[m.ID] = d.forAgents(m, settings)
		}
		return nil
	})
	return out, err
}

// DisableMeans is what disabling a user means, said before and after.
const DisableMeans = "cannot sign in or receive mail; data and conversations are kept"

// DisableSentence says what disabling the named user does (or did).
func DisableSentence(name string) string {
	return name + " " + DisableMeans + "."
}

// EnableSentence says what enabling the named user gives back, with the
// state it returns to.
func EnableSentence(name string, back State) string {
	return fmt.Sprintf("%s can sign in and receive mail again (%s).", name, back)
}

// DeactivateMeans is what deactivating an organization means.
const DeactivateMeans = "its users and those of organizations under it cannot sign in and get no mail until it is activated again; " +
	"queued mail to them is cancelled when it falls due; nothing is deleted"

// ActivateMeans is what activating an organization gives back.
const ActivateMeans = "its users can sign in and get mail again, unless an organization above it is inactive"

// RetryRule says which outbox messages can be retried.
const RetryRule = "only a failed or cancelled message can be retried"

// RetryRefusal says why a message in state st cannot be retried.
func RetryRefusal(id ID, st MailState) string {
	return fmt.Sprintf("message %d is %s; %s", id, st, RetryRule)
}

// InactiveOrgWarning is the warning about a user in (or below) the
// inactive organization named.
func InactiveOrgWarning(name string) string {
	return name + " is inactive: its users cannot sign in and get no mail until it is activated."
}

// OrgWarning says what a user created in the organization would meet: a
// warning when it (or an organization above it) is inactive, naming that
// organization; "" when nothing is wrong or orgID is 0.
func (d *Desk) OrgWarning(orgID ID) (string, error) {
	if orgID == 0 {
		return "", nil
	}
	var why string
	err := d.store.View(func(tx Tx) error {
		o, inactive, err := inactiveInChain(tx, orgID)
		if err != nil || !inactive {
			return err
		}
		why = InactiveOrgWarning(o.Name)
		return nil
	})
	return why, err
}

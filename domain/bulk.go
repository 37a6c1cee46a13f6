package domain

import (
	"errors"
	"strconv"
	"strings"
)

// BulkAction is one change applied to many records at once by an agent
// (the console's marked rows). There is no batch transaction: each record
// goes through its own use-case (DisableUser, AddToGroup, Assign, ...), so
// every rule, audit entry and event is the single-record one, and a record
// refused in the middle stops nothing but itself. BulkResult words the
// outcome, so every caller prints the same sentence.
type BulkAction string

// The bulk actions on users and on conversations.
const (
	BulkDisable BulkAction = "disable"
	BulkEnable  BulkAction = "enable"
	BulkMove    BulkAction = "move"   // Target: the organization, "" takes users out of theirs
	BulkGroup   BulkAction = "group"  // Target: the group
	BulkResend  BulkAction = "resend" // a new verification link each
	BulkAssign  BulkAction = "assign" // Target: the agent's email, "" unassigns
	BulkStatus  BulkAction = "status" // Target: the status
)

// OnConversations reports whether the action's records are conversations
// (else users).
func (a BulkAction) OnConversations() bool { return a == BulkAssign || a == BulkStatus }

// noun is what the action's records are called, for n of them.
func (a BulkAction) noun(n int) string {
	w := "user"
	if a.OnConversations() {
		w = "conversation"
	}
	if n != 1 {
		w += "s"
	}
	return w
}

// Question is the confirmation asked before n records are changed: it
// names the count ("Disable 48 users?").
func (a BulkAction) Question(n int, target string) string {
	c := Count(n) + " " + a.noun(n)
	switch a {
	case BulkDisable:
		return "Disable " + c + "?"
	case BulkEnable:
		return "Enable " + c + "?"
	case BulkMove:
		if target == "" {
			return "Take " + c + " out of their organization?"
		}
		return "Move " + c + " to " + target + "?"
	case BulkGroup:
		return "Add " + c + " to " + target + "?"
	case BulkResend:
		return "Send " + c + " a new verification link?"
	case BulkAssign:
		if target == "" {
			return "Unassign " + c + "?"
		}
		return "Assign " + c + " to " + target + "?"
	case BulkStatus:
		return "Set " + c + " to " + target + "?"
	}
	return string(a) + " " + c + "?"
}

// Consequence says what the action does to each record, for the body of
// the confirmation.
func (a BulkAction) Consequence() string {
	switch a {
	case BulkDisable:
		return "Each user can no longer sign in or get mail from the desk, and its portal sessions end; its history and conversations are kept, and enabling restores it."
	case BulkEnable:
		return "Each user gets back the state it had before it was disabled."
	case BulkMove:
		return "Each user moves with its own change, audited; the agreement of the organization it joins applies to it."
	case BulkGroup:
		return "Each user joins the group with its own change, audited; a group of an organization takes only users at or below it."
	case BulkResend:
		return "Each pending user gets a new verification link in the outbox, and its earlier links stop working; users whose address is verified are refused."
	case BulkAssign:
		return "Each conversation is assigned with its own change, audited."
	case BulkStatus:
		return "Each conversation's status changes with its own change, audited."
	}
	return ""
}

// Progress is the line shown while the action runs: "Disabling… 1,200 of
// 10,000".
func (a BulkAction) Progress(done, total int) string {
	verb := map[BulkAction]string{
		BulkDisable: "Disabling", BulkEnable: "Enabling", BulkMove: "Moving", BulkGroup: "Adding to the group",
		BulkResend: "Queueing verification links", BulkAssign: "Assigning", BulkStatus: "Setting the status",
	}[a]
	if verb == "" {
		verb = "Working"
	}
	return verb + "… " + Count(done) + " of " + Count(total)
}

// done is the outcome of n records changed: "48 users disabled".
func (a BulkAction) done(n int, target string) string {
	c := Count(n) + " " + a.noun(n)
	switch a {
	case BulkDisable:
		return c + " disabled"
	case BulkEnable:
		return c + " enabled"
	case BulkMove:
		if target == "" {
			return c + " taken out of their organization"
		}
		return c + " moved to " + target
	case BulkGroup:
		return c + " added to " + target
	case BulkResend:
		// Queued, not sent: the outbox says when it leaves.
		links := " new verification links queued"
		if n == 1 {
			links = " new verification link queued"
		}
		return Count(n) + links
	case BulkAssign:
		if target == "" {
			return c + " unassigned"
		}
		return c + " assigned to " + target
	case BulkStatus:
		return c + " set to " + target
	}
	return c + " changed"
}

// BulkRefusal is one record the action's use-case refused, and why.
type BulkRefusal struct {
	ID     ID
	Reason string
}

// BulkResult is the outcome of a bulk action so far. Add each record's
// outcome in order; Sentence words it.
type BulkResult struct {
	Action BulkAction
	// Target is the organization, group, agent or status the action names.
	Target string
	// Total is how many records were asked for.
	Total int
	// Done counts the records changed; Refused the ones refused, in order.
	Done    int
	Refused []BulkRefusal
	// Stopped is set when the agent stopped the run before the end.
	Stopped bool
}

// Add records one record's outcome: err nil is done, anything else a
// refusal (the use-case's own sentence is kept as the reason).
func (r *BulkResult) Add(id ID, err error) {
	if err == nil {
		r.Done++
		return
	}
	r.Refused = append(r.Refused, BulkRefusal{ID: id, Reason: refusalReason(err)})
}

// Handled is how many records have an outcome.
func (r BulkResult) Handled() int { return r.Done + len(r.Refused) }

// refusalReason is an error's sentence without the field name a
// ValidationError carries ("state: ann@x.com is already disabled"): the
// reasons name their record, which says more than the field.
func refusalReason(err error) string {
	var v *ValidationError
	if errors.As(err, &v) && v.Reason != "" {
		return v.Reason
	}
	return err.Error()
}

// maxReasons is how many refusals the sentence spells out; the rest are
// counted.
const maxReasons = 3

// Sentence words the outcome: "48 users disabled, 2 refused: ann@x.com is
// already disabled; bob@x.com was changed by …". A stopped run says how far
// it went and how many were not touched.
func (r BulkResult) Sentence() string {
	var b strings.Builder
	if r.Stopped {
		b.WriteString("Stopped after " + Count(r.Handled()) + " of " + Count(r.Total) + ": ")
	}
	b.WriteString(r.Action.done(r.Done, r.Target))
	if n := len(r.Refused); n > 0 {
		b.WriteString(", " + Count(n) + " refused: ")
		for i, f := range r.Refused {
			if i == maxReasons {
				b.WriteString("; and " + Count(n-maxReasons) + " more")
				break
			}
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(strings.TrimSuffix(f.Reason, "."))
		}
	}
	if left := r.Total - r.Handled(); r.Stopped && left > 0 {
		b.WriteString("; " + Count(left) + " not touched")
	}
	b.WriteString(".")
	return b.String()
}

// Count writes 1000000 as 1,000,000.
func Count(n int) string {
	if n < 0 {
		return "-" + Count(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

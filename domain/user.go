package domain

import (
	"strings"
	"time"
)

// ID identifies a record. The store hands them out in creation order.
type ID uint64

// Role of a customer account.
type Role string

const (
	RoleCustomer     Role = "customer"
	RoleCollaborator Role = "collaborator"
)

// ParseRole accepts a role name in any letter case; empty means customer.
func ParseRole(s string) (Role, error) {
	switch Role(strings.ToLower(strings.TrimSpace(s))) {
	case "", RoleCustomer:
		return RoleCustomer, nil
	case RoleCollaborator:
		return RoleCollaborator, nil
	}
	return "", invalid("role", "%q is not a role; use customer or collaborator", s)
}

// State of a user account.
type State string

const (
	StatePending  State = "pending" // created, email not yet verified
	StateActive   State = "active"
	StateDisabled State = "disabled" // cannot sign in, gets no mail; everything kept
)

// States lists every state in the order screens show them.
var States = []State{StatePending, StateActive, StateDisabled}

// ParseState accepts a state name in any letter case.
func ParseState(s string) (State, error) {
	st := State(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range States {
		if st == known {
			return st, nil
		}
	}
	return "", invalid("state", "%q is not a state; use pending, active or disabled", s)
}

// User is a customer account.
type User struct {
	ID       ID     `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	OrgID    ID     `json:"org_id,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
	Language string `json:"language,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Role     Role   `json:"role"`
	State    State  `json:"state"`
	// StateBeforeDisable lets enable restore exactly what disable took away
	// (a pending user stays pending).
	StateBeforeDisable State  `json:"state_before_disable,omitempty"`
	Notes              string `json:"notes,omitempty"`
	// PasswordHash is an argon2id hash in PHC string form, set through a
	// set-password link; empty until then.
	PasswordHash string    `json:"password_hash,omitempty"`
	VerifiedAt   time.Time `json:"verified_at,omitzero"`
	// Acceptance is the latest agreement the user accepted (lifecycle
	// agreements); zero when none. A value, so User stays comparable.
	Acceptance Acceptance `json:"acceptance,omitzero"`
	// Notify is the customer's channel per mail event (lifecycle
	// preferences); an event not listed goes by email.
	Notify NotifyPrefs `json:"notify,omitzero"`
	// SessionEpoch ends every portal session of the user when it changes:
	// on disable and on a new password (sessions carry the epoch they
	// began in).
	SessionEpoch uint64 `json:"session_epoch,omitempty"`

	Version   uint64    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// EmailKey is the uniqueness key of the user's email.
func (u User) EmailKey() string { return strings.ToLower(u.Email) }

// DisplayName is the name, or the email when no name was given.
func (u User) DisplayName() string {
	if strings.TrimSpace(u.Name) != "" {
		return u.Name
	}
	return u.Email
}

// UserInput is what an agent fills in for a new user. Org is an organization
// name; empty means "assign by the email's domain", unless NoOrg says the
// agent cleared it on purpose.
type UserInput struct {
	Email    string
	Name     string
	Org      string
	NoOrg    bool
	TimeZone string
	Language string
	Phone    string
	Role     string
	Notes    string
	// Mail is what the creation sends: verify (default), welcome or none.
	Mail string
	// MailSubject and MailBody replace the template for this one user.
	MailSubject string
	MailBody    string
	// Groups are customer groups (by name) the new user joins in the same
	// transaction; a group of an organization takes only its users.
	Groups []string
}

// UserPatch is a partial update: nil fields are left as they are. Org set to
// a pointer to "" removes the user from its organization.
type UserPatch struct {
	Email    *string
	Name     *string
	Org      *string
	TimeZone *string
	Language *string
	Phone    *string
	Role     *string
	Notes    *string
}

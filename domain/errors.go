package domain

import (
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned when a user, organization or index entry does not
// exist. Callers compare with errors.Is.
var ErrNotFound = errors.New("not found")

// ErrStop ends an iteration early without being reported as a failure.
var ErrStop = errors.New("stop iteration")

// ValidationError names the field that was wrong and why, in words an agent
// can act on ("email: missing @").
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// DuplicateEmailError says which user already holds an email, so the screen
// can name the owner and offer to open it instead of creating a twin.
type DuplicateEmailError struct {
	Email    string
	Existing User
}

func (e *DuplicateEmailError) Error() string {
	owner := e.Existing.Email
	if e.Existing.Name != "" {
		owner = e.Existing.Name + " <" + e.Existing.Email + ">"
	}
	return fmt.Sprintf("email %s already belongs to %s (user %d)", e.Email, owner, e.Existing.ID)
}

// ConflictError is an update that was based on a version another session has
// since replaced. It names who made the newer change, so nothing is
// overwritten silently and the agent knows whom to ask.
type ConflictError struct {
	What      string // "user ann@acme.com"
	By        string
	At        time.Time
	Version   uint64 // the version now stored
	Requested uint64 // the version the caller read
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s was changed by %s at %s since you read it (version %d, you had %d); reload and apply your change again",
		e.What, e.By, e.At.UTC().Format(time.RFC3339), e.Version, e.Requested)
}

// DomainTakenError is an organization domain that another organization owns.
type DomainTakenError struct {
	Domain string
	Owner  string
}

func (e *DomainTakenError) Error() string {
	return fmt.Sprintf("domain %s already belongs to organization %q; remove it there first", e.Domain, e.Owner)
}

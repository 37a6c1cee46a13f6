package domain

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"helpdesk/domain/suggest"
)

// Desk is the service every screen and command goes through. Each use-case
// is one Store.Update: validation, uniqueness, auto-assignment and the audit
// entry commit together or not at all.
type Desk struct {
	store Store
	now   func() time.Time
	hub   hub
	// index mirrors the email index for the autosuggest; nil until the
	// first Suggest builds it. indexMu orders its build against the
	// post-commit updates, so no commit is missed (suggestions.go).
	indexMu sync.Mutex
	index   *suggest.Index
	// names is the name index behind FindUsers (namesearch.go).
	names nameSearch
	mail  MailConfig
}

// Option configures a Desk.
type Option func(*Desk)

// WithClock replaces time.Now, for tests and reproducible demo data.
func WithClock(now func() time.Time) Option { return func(d *Desk) { d.now = now } }

// NewDesk returns the service over a store.
func NewDesk(s Store, opts ...Option) *Desk {
	d := &Desk{store: s, now: time.Now}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Store exposes the store for read models that are built from it.
func (d *Desk) Store() Store { return d.store }

func (d *Desk) clock() time.Time { return d.now().UTC().Truncate(time.Millisecond) }

// update runs fn in one read-write transaction and, once it committed,
// applies the read-model changes and events fn recorded.
func (d *Desk) update(fn func(tx Tx, c *commit) error) error {
	var c commit
	err := d.store.Update(func(tx Tx) error {
		c = commit{}
		return fn(tx, &c)
	})
	if err != nil {
		return err
	}
	d.indexMu.Lock()
	if c.rebuildIndex {
		d.index = nil
	}
	if d.index != nil {
		for _, k := range c.removedEmails {
			d.index.Delete(k)
		}
		for _, e := range c.addedEmails {
			d.index.Put(e.Key, uint64(e.ID))
		}
	}
	d.indexMu.Unlock()
	d.namesCommitted(&c)
	for _, e := range c.events {
		d.publish(e)
	}
	return nil
}

// commit collects what a transaction did to the email index and who should
// hear about it; it is applied only if the transaction commits.
type commit struct {
	addedEmails   []IndexEntry
	removedEmails []string
	// rebuildIndex drops the autosuggest index, rebuilt from the store at
	// its next use: for a change too large to list (an import's roll-back).
	rebuildIndex bool
	events       []Event
}

func (c *commit) emailChanged(old, new string, id ID) {
	if old == new {
		return
	}
	if old != "" {
		c.removedEmails = append(c.removedEmails, old)
	}
	if new != "" {
		c.addedEmails = append(c.addedEmails, IndexEntry{Key: new, ID: id})
	}
}

func (c *commit) event(kind string, id ID) { c.events = append(c.events, Event{Kind: kind, ID: id}) }

func audit(tx Tx, e AuditEntry) error {
	return tx.AppendAudit(&e)
}

// orgNamer returns a function that names organizations inside a transaction,
// for audit entries and messages.
func orgNamer(tx Tx) func(ID) string {
	return func(id ID) string {
		if id == 0 {
			return ""
		}
		o, err := tx.Org(id)
		if err != nil {
			return fmt.Sprintf("#%d", id)
		}
		return o.Name
	}
}

// notFound is ErrNotFound with a sentence saying what was looked for.
func notFound(format string, args ...any) error {
	return &notFoundError{msg: fmt.Sprintf(format, args...)}
}

type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

// IsNotFound reports whether err means a record does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

package domain

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Settings are the desk's stored mail settings.
type Settings struct {
	// DefaultTemplates names, per event, the template new users get.
	DefaultTemplates map[MailEvent]string `json:"default_templates,omitempty"`
	// TokenTTL is how long a link works; zero means DefaultTokenTTL.
	TokenTTL time.Duration `json:"token_ttl,omitempty"`
}

func (s Settings) ttl() time.Duration {
	if s.TokenTTL <= 0 {
		return DefaultTokenTTL
	}
	return s.TokenTTL
}

func (s Settings) template(e MailEvent) string {
	if n := s.DefaultTemplates[e]; n != "" {
		return n
	}
	return string(e)
}

// MailConfig is how this process describes the desk in mail: from flags and
// the environment, not stored.
type MailConfig struct {
	DeskName string
	// BaseURL is the set-password page; the token is appended to it.
	BaseURL string
}

// WithMailConfig sets the desk name and link base for queued mail.
func WithMailConfig(c MailConfig) Option { return func(d *Desk) { d.mail = c } }

func (c MailConfig) deskName() string {
	if c.DeskName == "" {
		return "Helpdesk"
	}
	return c.DeskName
}

func (c MailConfig) link(token string) string {
	base := c.BaseURL
	if base == "" {
		base = "http://localhost:8080/set-password?token="
	}
	if strings.HasSuffix(base, "=") || strings.HasSuffix(base, "/") {
		return base + token
	}
	if strings.Contains(base, "?") {
		return base + "&token=" + token
	}
	return base + "?token=" + token
}

// messageDomain is the right-hand side of our Message-IDs.
func (c MailConfig) messageDomain() string {
	if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
		// A Message-ID is ASCII only: a Unicode host goes in its IDNA form.
		if h, err := NormalizeDomain(u.Hostname()); err == nil {
			return h
		}
	}
	return "helpdesk.invalid"
}

// ValidateBaseURL refuses a link base that would not give customers a
// working https (or local http) link.
func ValidateBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return invalid("base URL", "%q is not an http(s) URL such as https://desk.example.com/set-password?token=", s)
	}
	return nil
}

// queueAccountMail renders and queues the creation mail of a new user, in
// the creating transaction.
func (d *Desk) queueAccountMail(tx Tx, u User, org string, choice MailChoice, subject, body string) error {
	if choice == MailNone {
		return nil
	}
	event := EventVerify
	if choice == MailWelcome {
		event = EventWelcome
	}
	settings, err := tx.Settings()
	if err != nil {
		return err
	}
	if subject == "" || body == "" {
		t, err := templateByName(tx, settings.template(event))
		if err != nil {
			return err
		}
		if subject == "" {
			subject = t.Subject
		}
		if body == "" {
			body = t.Body
		}
	}
	if err := ValidateTemplate(event, subject, body); err != nil {
		return fmt.Errorf("the custom mail: %w", err)
	}
	return d.queueMail(tx, u, org, event, subject, body, settings)
}

func (d *Desk) queueMail(tx Tx, u User, org string, event MailEvent, subject, body string, settings Settings) error {
	now := d.clock()
	vars := MailVars{Name: u.Name, Email: u.Email, Organization: org, DeskName: d.mail.deskName()}
	if event.NeedsLink() {
		plain, hash, err := newToken()
		if err != nil {
			return err
		}
		if err := tx.PutToken(Token{Hash: hash, UserID: u.ID, Purpose: event, ExpiresAt: now.Add(settings.ttl())}); err != nil {
			return err
		}
		vars.Link = d.mail.link(plain)
	}
	subj, text := RenderTemplate(subject, body, vars)
	var nonce [8]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return err
	}
	id, err := tx.NextMessageID()
	if err != nil {
		return err
	}
	m := OutboxMessage{
		ID: id, MessageID: fmt.Sprintf("<helpdesk.%d.%s@%s>", id, hex.EncodeToString(nonce[:]), d.mail.messageDomain()),
		UserID: u.ID, Event: event, To: u.Email, ToName: u.Name, Subject: subj, Text: text, Link: vars.Link,
		State: MailQueued, NextTry: now, CreatedAt: now, UpdatedAt: now,
	}
	return tx.PutMessage(&m)
}

// templateByName returns the stored template, or the shipped default.
func templateByName(tx Tx, name string) (Template, error) {
	t, err := tx.Template(name)
	if err == nil {
		return t, nil
	}
	if !IsNotFound(err) {
		return t, err
	}
	for _, s := range shippedTemplates {
		if s.Name == name {
			s.Shipped = true
			return s, nil
		}
	}
	return Template{}, notFound("no template named %q", name)
}

// Templates lists every template: the shipped defaults (or their edited
// versions) and the agents' own, by event then name.
func (d *Desk) Templates() ([]Template, error) {
	var out []Template
	err := d.store.View(func(tx Tx) error {
		out = nil
		for _, s := range shippedTemplates {
			t, err := templateByName(tx, s.Name)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		for t, err := range tx.StoredTemplates() {
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(out, func(o Template) bool { return o.Name == t.Name }) {
				out = append(out, t)
			}
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b Template) int {
		if c := slices.Index(MailEvents, a.Event) - slices.Index(MailEvents, b.Event); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, err
}

// Template returns one template by name.
func (d *Desk) Template(name string) (Template, error) {
	var t Template
	err := d.store.View(func(tx Tx) error {
		var err error
		t, err = templateByName(tx, strings.TrimSpace(name))
		return err
	})
	return t, err
}

// TemplateEdit changes a template; nil fields keep their value. Event is
// needed only to create a new template.
type TemplateEdit struct {
	Event   *MailEvent
	Subject *string
	Body    *string
	// Version is the version the editor read (0 for a shipped default);
	// nil skips the check, for a one-shot command.
	Version *uint64
}

var templateName = func(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// SetTemplate saves a template after checking it can be sent: unknown tags
// are refused by name, and a link event's body must hold {MESSAGE}.
func (d *Desk) SetTemplate(actor Actor, name string, e TemplateEdit) (Template, error) {
	if err := actor.require(PermTemplates); err != nil {
		return Template{}, err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if !templateName(name) {
		return Template{}, invalid("name", "%q is not a template name; use lower-case letters, digits, - and _", name)
	}
	var t Template
	err := d.update(func(tx Tx, c *commit) error {
		before, err := templateByName(tx, name)
		isNew := IsNotFound(err)
		if err != nil && !isNew {
			return err
		}
		t = before
		if isNew {
			if e.Event == nil {
				return invalid("event", "a new template needs an event: verify, welcome or reset")
			}
			t = Template{Name: name, Event: *e.Event}
		} else if e.Event != nil && *e.Event != before.Event {
			return invalid("event", "template %s is for %s mail; its event cannot change", name, before.Event)
		}
		if e.Version != nil && *e.Version != before.Version {
			return &ConflictError{What: "template " + name, By: before.UpdatedBy, At: before.UpdatedAt, Version: before.Version, Requested: *e.Version}
		}
		if e.Subject != nil {
			t.Subject = strings.TrimSpace(*e.Subject)
		}
		if e.Body != nil {
			t.Body = *e.Body
		}
		if err := ValidateTemplate(t.Event, t.Subject, t.Body); err != nil {
			return err
		}
		now := d.clock()
		t.Shipped, t.Version, t.UpdatedAt, t.UpdatedBy = false, before.Version+1, now, actor.String()
		if err := tx.PutTemplate(&t); err != nil {
			return err
		}
		c.event("template", 0)
		var changes []Change
		if before.Subject != t.Subject {
			changes = append(changes, Change{Field: "subject", Before: before.Subject, After: t.Subject})
		}
		if before.Body != t.Body {
			changes = append(changes, Change{Field: "body", Before: before.Body, After: t.Body})
		}
		return audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "template.set", Subject: name, Changes: changes})
	})
	return t, err
}

// PreviewTemplate renders a subject and body for a sample customer, as the
// template editor shows it while the agent types.
func (d *Desk) PreviewTemplate(subject, body string) (string, string) {
	return RenderTemplate(subject, body, MailVars{
		Name: "Ann Lee", Email: "ann.lee@example.com", Organization: "Acme", DeskName: d.mail.deskName(),
		Link: d.mail.link("SAMPLE-TOKEN"),
	})
}

// Outbox lists messages newest first, optionally in one state.
func (d *Desk) Outbox(state MailState, before ID, limit int) ([]OutboxMessage, error) {
	var out []OutboxMessage
	err := d.store.View(func(tx Tx) error {
		out = nil
		for m, err := range tx.Messages(before) {
			if err != nil {
				return err
			}
			if state != "" && m.State != state {
				continue
			}
			out = append(out, m)
			if limit > 0 && len(out) == limit {
				return nil
			}
		}
		return nil
	})
	return out, err
}

// Message returns one outbox message.
func (d *Desk) Message(id ID) (OutboxMessage, error) {
	var m OutboxMessage
	err := d.store.View(func(tx Tx) error {
		var err error
		m, err = tx.Message(id)
		if IsNotFound(err) {
			return notFound("no outbox message with id %d", id)
		}
		return err
	})
	return m, err
}

// RetryMessage queues a failed (or cancelled) message again, now.
func (d *Desk) RetryMessage(actor Actor, id ID) (OutboxMessage, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return OutboxMessage{}, err
	}
	var m OutboxMessage
	err := d.update(func(tx Tx, c *commit) error {
		var err error
		if m, err = tx.Message(id); err != nil {
			if IsNotFound(err) {
				return notFound("no outbox message with id %d", id)
			}
			return err
		}
		switch m.State {
		case MailQueued:
			return invalid("state", "message %d is already queued", id)
		case MailSent:
			return invalid("state", "message %d was sent at %s; retrying would send it twice", id, m.SentAt.Format(time.RFC3339))
		}
		now := d.clock()
		before := m.State
		m.State, m.Attempts, m.NextTry, m.UpdatedAt = MailQueued, 0, now, now
		if err := tx.PutMessage(&m); err != nil {
			return err
		}
		c.event("mail", m.ID)
		return audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "mail.retry", SubjectKind: SubjectUser,
			SubjectID: m.UserID, Subject: m.To, Changes: []Change{{Field: "state", Before: string(before), After: string(MailQueued)}},
			Note: fmt.Sprintf("message %d: %s", m.ID, m.Subject)})
	})
	return m, err
}

// NextDue returns the earliest queued message due at now, or false when
// none is. A message whose recipient was disabled or deleted since it was
// queued, whose organization (or a parent) is inactive, or who chose no
// email for the message's event, is cancelled on the way, with the reason
// as its last error: such users get no mail. Finding a message to
// send only reads; a write (and its fsync) happens only to cancel.
func (d *Desk) NextDue(now time.Time) (OutboxMessage, bool, error) {
	for {
		var m OutboxMessage
		found, cancel := false, false
		err := d.store.View(func(tx Tx) error {
			for id := range tx.DueMessages(now) {
				var err error
				if m, err = tx.Message(id); err != nil {
					return err
				}
				found = true
				why, err := mailBlock(tx, m.UserID, m.Event)
				cancel = why != ""
				return err
			}
			return nil
		})
		if err != nil || !found {
			return OutboxMessage{}, false, err
		}
		if !cancel {
			return m, true, nil
		}
		if err := d.cancelMessage(m.ID); err != nil {
			return OutboxMessage{}, false, err
		}
	}
}

// NextDueAt is when the earliest queued message falls due, for a worker to
// sleep until then; false when nothing is queued.
func (d *Desk) NextDueAt() (time.Time, bool, error) {
	var at time.Time
	found := false
	err := d.store.View(func(tx Tx) error {
		for id := range tx.DueMessages(time.Unix(0, 1<<62)) {
			m, err := tx.Message(id)
			if err != nil {
				return err
			}
			at, found = m.NextTry, true
			return nil
		}
		return nil
	})
	return at, found, err
}

// cancelMessage stops a queued message to a recipient who may no longer get
// mail, re-checking both inside the write.
func (d *Desk) cancelMessage(id ID) error {
	return d.update(func(tx Tx, c *commit) error {
		m, err := tx.Message(id)
		if err != nil || m.State != MailQueued {
			return err
		}
		why, err := mailBlock(tx, m.UserID, m.Event)
		if err != nil || why == "" {
			return err
		}
		m.State, m.LastError, m.UpdatedAt, m.Link = MailCancelled, why, d.clock(), ""
		c.event("mail", m.ID)
		return tx.PutMessage(&m)
	})
}

// RecordSent marks a message delivered. The link is blanked from the stored
// copy: only the token's hash stays in the database.
func (d *Desk) RecordSent(id ID, at time.Time) error {
	return d.update(func(tx Tx, c *commit) error {
		m, err := tx.Message(id)
		if err != nil {
			return err
		}
		if m.Link != "" {
			m.Text = strings.ReplaceAll(m.Text, m.Link, "[link sent; not kept]")
			m.Link = ""
		}
		m.State, m.SentAt, m.UpdatedAt, m.LastError = MailSent, at.UTC(), at.UTC(), ""
		m.Attempts++
		c.event("mail", id)
		return tx.PutMessage(&m)
	})
}

// RecordFailure notes a failed attempt. A zero retryAt gives up: the
// message shows as failed with the error.
func (d *Desk) RecordFailure(id ID, cause error, retryAt time.Time) error {
	return d.update(func(tx Tx, c *commit) error {
		m, err := tx.Message(id)
		if err != nil {
			return err
		}
		m.Attempts++
		m.LastError = cause.Error()
		m.UpdatedAt = d.clock()
		if retryAt.IsZero() {
			m.State = MailFailed
		} else {
			m.NextTry = retryAt.UTC()
		}
		c.event("mail", id)
		return tx.PutMessage(&m)
	})
}

// ErrNoTransport is the reason a message stays queued on a desk with no SMTP
// configured.
var ErrNoTransport = errors.New("not sent: no transport configured")

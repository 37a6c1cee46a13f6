package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

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
		t, err := templateIn(tx, settings, event, u.Language)
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
	return d.queueMailTo(tx, recipient{userID: u.ID, email: u.Email, name: u.Name, org: org, tz: u.TimeZone}, event, subject, body, settings, nil)
}

// recipient is who a queued account mail goes to: a user, or (for a
// self-signup not yet confirmed) only an address.
type recipient struct {
	userID           ID
	email, name, org string
	tz               string // time zone, for {EXPIRES}
}

// queueMailTo renders a template for a recipient and queues it. The tags
// that depend on the desk's settings, {DESK_NAME} and the link {MESSAGE},
// stay in the stored copy and are filled in when the mail is sent
// (composeForSending), with the settings then in force. The outbox keeps
// what to send (this event for this recipient), never a link: the token
// of a link event is minted when a worker claims the message (ClaimNext).
// signup, when set, rides on the message until its create-account token is
// minted.
func (d *Desk) queueMailTo(tx Tx, r recipient, event MailEvent, subject, body string, settings Settings, signup *SignupRequest) error {
	now := d.clock()
	vars := MailVars{Name: r.name, Email: r.email, Organization: r.org, DeskName: "{DESK_NAME}", Link: "{MESSAGE}", Expires: "{EXPIRES}"}
	subj, text := RenderTemplate(subject, body, vars)
	id, err := tx.NextMessageID()
	if err != nil {
		return err
	}
	mid, err := d.newMessageID(tx, "helpdesk", id)
	if err != nil {
		return err
	}
	m := OutboxMessage{
		ID: id, MessageID: mid,
		UserID: r.userID, Event: event, To: r.email, ToName: r.name, Subject: subj, Text: text, Compose: true,
		State: MailQueued, NextTry: now, CreatedAt: now, UpdatedAt: now, TimeZone: r.tz,
	}
	if event == EventCreateAccount {
		m.Signup = signup
	}
	if err := routeMessage(tx, &m); err != nil {
		return err
	}
	return tx.PutMessage(&m)
}

// tokenPurpose is what a link mailed for an event does: the account-exists
// mail carries a reset link.
func tokenPurpose(e MailEvent) MailEvent {
	if e == EventAccountExists {
		return EventReset
	}
	return e
}

// linkPlaceholder is what agents see where a queued mail's link will go.
const (
	linkPlaceholder = "[set-password link: made when the mail is sent, shown to no one]"
	linkSentNote    = "[link sent; not kept]"
	linkDroppedNote = "[link not sent; not kept]"
)

// revokeToken kills a message's latest token, if it has one: the link of
// an attempt that did not deliver (a failure, a take-over, a cancel) must
// not stay usable. A token already spent or gone is left as it is.
func revokeToken(tx Tx, m *OutboxMessage, now time.Time) error {
	if len(m.TokenHash) == 0 {
		return nil
	}
	t, err := tx.Token(m.TokenHash)
	if IsNotFound(err) {
		m.TokenHash = nil
		return nil
	}
	if err != nil {
		return err
	}
	m.TokenHash = nil
	if !t.UsedAt.IsZero() {
		return nil
	}
	t.UsedAt = now
	return tx.PutToken(t)
}

// mintToken makes the token of one attempt to send a link message: its
// hash goes to tokens (and to the message, to revoke it later), the plain
// token only to the caller, which hands it to the transport.
func mintToken(tx Tx, m *OutboxMessage, now time.Time, ttl time.Duration) (string, error) {
	plain, hash, err := newToken()
	if err != nil {
		return "", err
	}
	t := Token{Hash: hash, UserID: m.UserID, Purpose: tokenPurpose(m.Event), ExpiresAt: now.Add(ttl), Signup: m.Signup}
	if err := tx.PutToken(t); err != nil {
		return "", err
	}
	m.TokenHash, m.LinkExpires = hash, t.ExpiresAt
	return plain, nil
}

// dropLink forgets a message's token for good (sent, cancelled): a
// message queued before send-time composition held the whole link in its
// text too, which note replaces.
func (m *OutboxMessage) dropLink(note string) {
	if m.Link != "" && !m.Compose {
		m.Text = strings.ReplaceAll(m.Text, m.Link, note)
	}
	m.Link = ""
}

// composeForSending fills in the settings-dependent tags of a message about
// to be sent: {DESK_NAME} and the link made of token, with the settings in
// force now, and the sender. Messages queued before deferred tags existed
// were rendered in full when queued and go as they are.
func (d *Desk) composeForSending(m OutboxMessage, s Settings, token string) OutboxMessage {
	ms := d.mailSettings(s)
	m.From = ms.from
	m.Signup, m.TokenHash = nil, nil
	if m.Compose {
		link := ""
		if token != "" {
			link = ms.link(token)
		}
		m.Subject, m.Text = fillDeferred(m.Subject, m.Text, ms.deskName, link)
		m.Link = link
		if token != "" {
			m.Subject, m.Text = fillExpiry(m.Subject, m.Text, ExpiryIn(m.LinkExpires, m.TimeZone))
		}
	}
	if m.Channel == ChannelSMS {
		// An SMS carries the text alone, as plain lines, cut to its
		// segments around the link, and goes from the desk's number.
		m.From, m.Gateway = s.SMSFrom, &SMSGateway{URL: s.SMSURL, Account: s.SMSAccount}
		m.Text = FitSMS(SMSText(m.Text), m.Link, SMSMaxSegments)
	}
	return m
}

// forAgents is a message as screens and commands show it: the desk's name
// filled in, and never a usable link: where the link goes a note says why
// it is not there, and MaskLinks hides anything else link-like.
func (d *Desk) forAgents(m OutboxMessage, s Settings) OutboxMessage {
	ms := d.mailSettings(s)
	note := linkPlaceholder
	switch m.State {
	case MailSent:
		note = linkSentNote
	case MailCancelled:
		note = linkDroppedNote
	}
	if m.Compose {
		m.Subject, m.Text = fillDeferred(m.Subject, m.Text, ms.deskName, note)
		m.Subject, m.Text = fillExpiry(m.Subject, m.Text, expiryNote)
	} else if m.Link != "" {
		m.Text = strings.ReplaceAll(m.Text, m.Link, note)
	}
	m.Subject, m.Text = MaskLinks(m.Subject), MaskLinks(m.Text)
	m.Link, m.TokenHash, m.Signup = "", nil, nil
	return m
}

// expiryNote is what agents see where a mail says when its link expires.
const expiryNote = "[the link's expiry, in the customer's time zone]"

// fillExpiry replaces {EXPIRES}, left in a stored message until its link
// is made.
func fillExpiry(subject, text, expires string) (string, string) {
	return strings.ReplaceAll(subject, "{EXPIRES}", expires), strings.ReplaceAll(text, "{EXPIRES}", expires)
}

// fillDeferred replaces the two tags left in a stored message.
func fillDeferred(subject, text, deskName, link string) (string, string) {
	r := strings.NewReplacer("{DESK_NAME}", deskName, "{MESSAGE}", link)
	return strings.Join(strings.Fields(r.Replace(subject)), " "), r.Replace(text)
}

// templateByName returns the stored template, or the shipped default.
func templateByName(tx Tx, name string) (Template, error) {
	t, err := tx.Template(name)
	if err == nil && t.Language == "" {
		return t, nil
	}
	if err != nil && !IsNotFound(err) {
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
			if t.Language == "" && !slices.ContainsFunc(out, func(o Template) bool { return o.Name == t.Name }) {
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
	// Language, when set, edits (or adds) the template's translation into
	// that language instead of the template: the base template must exist
	// and gives the event.
	Language string
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
	if strings.TrimSpace(e.Language) != "" {
		return d.setTranslation(actor, name, e)
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
		return d.saveTemplate(tx, c, actor, before, &t, e, name)
	})
	return t, err
}

// saveTemplate applies an edit's subject and body to t (a template or a
// translation, read as before), checks it can be sent, writes it and audits
// the change under subject: the one tail of SetTemplate and setTranslation.
func (d *Desk) saveTemplate(tx Tx, c *commit, actor Actor, before Template, t *Template, e TemplateEdit, subject string) error {
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
	if err := tx.PutTemplate(t); err != nil {
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
	return audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "template.set", Subject: subject, Changes: changes})
}

// PreviewTemplate renders a subject and body for a sample customer, as the
// template editor shows it while the agent types.
func (d *Desk) PreviewTemplate(subject, body string) (string, string) {
	st, err := d.DeskSettings()
	if err != nil {
		st = Settings{}
	}
	ms := d.mailSettings(st)
	return RenderTemplate(subject, body, MailVars{
		Name: "Ann Lee", Email: "ann.lee@example.com", Organization: "Acme", DeskName: ms.deskName,
		Link: ms.link("SAMPLE-TOKEN"), Expires: ExpiryIn(d.clock().Add(st.ttl()), ""),
	})
}

// Outbox lists messages newest first, optionally in one state.
func (d *Desk) Outbox(state MailState, before ID, limit int) ([]OutboxMessage, error) {
	var out []OutboxMessage
	err := d.store.View(func(tx Tx) error {
		out = nil
		settings, err := tx.Settings()
		if err != nil {
			return err
		}
		for m, err := range tx.Messages(before) {
			if err != nil {
				return err
			}
			if state != "" && m.State != state {
				continue
			}
			out = append(out, d.forAgents(m, settings))
			if limit > 0 && len(out) == limit {
				return nil
			}
		}
		return nil
	})
	return out, err
}

// Message returns one outbox message, as agents may see it (no link).
func (d *Desk) Message(id ID) (OutboxMessage, error) {
	var m OutboxMessage
	err := d.store.View(func(tx Tx) error {
		var err error
		m, err = tx.Message(id)
		if IsNotFound(err) {
			return notFound("no outbox message with id %d", id)
		}
		if err != nil {
			return err
		}
		settings, err := tx.Settings()
		m = d.forAgents(m, settings)
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
			return invalid("state", "%s", RetryRefusal(id, m.State))
		case MailSending:
			return invalid("state", "message %d is being sent now; wait for the outcome", id)
		case MailSent:
			return invalid("state", "message %d was sent at %s; retrying would send it twice", id, m.SentAt.Format(time.RFC3339))
		}
		now := d.clock()
		before := m.State
		// The next attempt mints its own link; one left by the last
		// attempt dies now.
		if err := revokeToken(tx, &m, now); err != nil {
			return err
		}
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

// DefaultLease is how long a worker's claim on a message lasts unless it
// asks otherwise: longer than any one SMTP conversation.
const DefaultLease = 10 * time.Minute

// ErrClaimLost is an outcome recorded by a worker that no longer holds the
// message: its lease ran out and another worker took it over (or an agent
// cancelled it meanwhile).
var ErrClaimLost = errors.New("the message is no longer claimed by this worker: its lease ran out or it was cancelled; nothing was recorded")

// ClaimNext claims the earliest message due at now for holder, in one
// write: a queued message whose time has come, or one whose earlier
// claim's lease ran out (its worker died or stalled). The message becomes
// sending, held by holder until now+lease; no other worker takes it
// before then. A link message gets a new token now (the previous
// attempt's dies), and the message is returned composed for sending: the
// desk's name, the link and the sender filled in with the settings in
// force. The link exists only in the returned copy, for the transport;
// the store keeps its hash. A message whose recipient was disabled or
// deleted, whose organization (or a parent) is inactive, or who chose no
// notification for its event, is cancelled on the way, with the reason as
// its last error. false means nothing is due. It claims messages of every
// channel; a worker that sends only some uses ClaimNextOn.
func (d *Desk) ClaimNext(holder string, now time.Time, lease time.Duration) (OutboxMessage, bool, error) {
	return d.ClaimNextOn(holder, now, lease, nil)
}

// ClaimNextOn is ClaimNext for a worker that sends only on some channels
// (nil: all). Each due message first goes to the channel its recipient
// chose now (routeMessage); one on a channel the worker does not send
// stays queued as it is, for a worker that does. SMS is sent only while
// the desk's SMS settings are complete (Settings.SMSMissing).
func (d *Desk) ClaimNextOn(holder string, now time.Time, lease time.Duration, channels []Channel) (OutboxMessage, bool, error) {
	if holder == "" {
		return OutboxMessage{}, false, errors.New("a worker needs a holder id to claim mail")
	}
	if lease <= 0 {
		lease = DefaultLease
	}
	for {
		var out OutboxMessage
		found, more := false, false
		err := d.update(func(tx Tx, c *commit) error {
			found, more = false, false
			settings, err := tx.Settings()
			if err != nil {
				return err
			}
			serves := func(ch Channel) bool {
				if ch == ChannelSMS && len(settings.SMSMissing()) > 0 {
					return false
				}
				return channels == nil || slices.Contains(channels, ch)
			}
			// Decide while reading the queue, write after: a blocked
			// message is cancelled (at most 16 in one transaction), the
			// first one this worker may send is claimed, and the rest
			// are not touched.
			type step struct {
				m   OutboxMessage
				why string
			}
			var steps []step
			for id := range tx.DueMessages(now) {
				m, err := tx.Message(id)
				if err != nil {
					return err
				}
				if _, queued := m.QueueAt(); !queued {
					continue
				}
				why, err := mailBlock(tx, m.UserID, m.Event)
				if err != nil {
					return err
				}
				if why != "" {
					if len(steps) == 16 {
						more = true
						break
					}
					steps = append(steps, step{m, why})
					continue
				}
				if err := routeMessage(tx, &m); err != nil {
					return err
				}
				if !serves(m.Via()) {
					continue
				}
				steps = append(steps, step{m: m})
				break
			}
			for _, s := range steps {
				m := s.m
				if err := revokeToken(tx, &m, now); err != nil {
					return err
				}
				c.event("mail", m.ID)
				if s.why != "" {
					m.State, m.LastError, m.UpdatedAt = MailCancelled, s.why, d.clock()
					m.Holder, m.LeaseUntil = "", time.Time{}
					m.dropLink(linkDroppedNote)
					if err := tx.PutMessage(&m); err != nil {
						return err
					}
					continue
				}
				if m.MessageID == "" {
					if m.MessageID, err = d.newMessageID(tx, "helpdesk", m.ID); err != nil {
						return err
					}
				}
				token := ""
				if m.Compose && m.Event.NeedsLink() {
					if token, err = mintToken(tx, &m, d.clock(), settings.ttl()); err != nil {
						return err
					}
				}
				m.State, m.Holder, m.LeaseUntil, m.UpdatedAt = MailSending, holder, now.Add(lease).UTC(), now.UTC()
				m.dropLink(linkDroppedNote)
				if err := tx.PutMessage(&m); err != nil {
					return err
				}
				out, found = d.composeForSending(m, settings, token), true
			}
			return nil
		})
		if err != nil {
			return OutboxMessage{}, false, err
		}
		if found {
			return out, true, nil
		}
		if !more {
			return OutboxMessage{}, false, nil
		}
		// Sixteen cancelled in one pass: look again for the rest.
	}
}

// NextDueAt is when the earliest queued message falls due (or a claim runs
// out), for a worker to sleep until then; false when nothing is queued.
func (d *Desk) NextDueAt() (time.Time, bool, error) {
	var at time.Time
	found := false
	err := d.store.View(func(tx Tx) error {
		for id := range tx.DueMessages(time.Unix(0, 1<<62)) {
			m, err := tx.Message(id)
			if err != nil {
				return err
			}
			at, found = m.QueueAt()
			return nil
		}
		return nil
	})
	return at, found, err
}

// claimed loads a message that holder must still hold.
func claimed(tx Tx, holder string, id ID) (OutboxMessage, error) {
	m, err := tx.Message(id)
	if err != nil {
		return m, err
	}
	if m.State != MailSending || m.Holder != holder {
		return m, fmt.Errorf("message %d: %w", id, ErrClaimLost)
	}
	return m, nil
}

// RecordSent marks a message holder claimed as delivered. Its link's token
// stays live (it is in the customer's mail); the store has only its hash.
func (d *Desk) RecordSent(holder string, id ID, at time.Time) error {
	return d.update(func(tx Tx, c *commit) error {
		m, err := claimed(tx, holder, id)
		if err != nil {
			return err
		}
		m.dropLink(linkSentNote)
		m.State, m.SentAt, m.UpdatedAt, m.LastError = MailSent, at.UTC(), at.UTC(), ""
		m.Holder, m.LeaseUntil = "", time.Time{}
		m.Attempts++
		c.event("mail", id)
		return tx.PutMessage(&m)
	})
}

// RecordFailure notes a failed attempt of a message holder claimed; its
// link dies (the next attempt mints another). A zero retryAt gives up: the
// message shows as failed with the error; else it is queued for retryAt.
func (d *Desk) RecordFailure(holder string, id ID, cause error, retryAt time.Time) error {
	return d.update(func(tx Tx, c *commit) error {
		m, err := claimed(tx, holder, id)
		if err != nil {
			return err
		}
		now := d.clock()
		if err := revokeToken(tx, &m, now); err != nil {
			return err
		}
		m.Attempts++
		m.LastError = cause.Error()
		m.UpdatedAt = now
		m.Holder, m.LeaseUntil = "", time.Time{}
		if retryAt.IsZero() {
			m.State = MailFailed
		} else {
			m.State, m.NextTry = MailQueued, retryAt.UTC()
		}
		c.event("mail", id)
		return tx.PutMessage(&m)
	})
}

// Release gives back a claim without an outcome (a worker stopped in the
// middle of a send): the message is queued again, due now, its link dead,
// and no attempt is counted.
func (d *Desk) Release(holder string, id ID) error {
	return d.update(func(tx Tx, c *commit) error {
		m, err := claimed(tx, holder, id)
		if err != nil {
			return err
		}
		now := d.clock()
		if err := revokeToken(tx, &m, now); err != nil {
			return err
		}
		m.State, m.NextTry, m.UpdatedAt, m.Holder, m.LeaseUntil = MailQueued, now.UTC(), now.UTC(), "", time.Time{}
		c.event("mail", id)
		return tx.PutMessage(&m)
	})
}

// ErrNoTransport is the reason a message stays queued on a desk with no SMTP
// configured.
var ErrNoTransport = errors.New("not sent: no transport configured")

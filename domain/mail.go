package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// MailEvent is why the desk writes to a customer.
type MailEvent string

const (
	EventVerify  MailEvent = "verify"  // account created: confirm the address and set a password
	EventWelcome MailEvent = "welcome" // account created: a greeting, no link
	EventReset   MailEvent = "reset"   // set a new password
	// EventCreateAccount confirms a self-signup: its link creates the
	// account. It goes to an address, not to a user (there is none yet).
	EventCreateAccount MailEvent = "create-account"
	// EventAccountExists answers a self-signup for an address that has an
	// account already: it says so and carries a reset link.
	EventAccountExists MailEvent = "account-exists"
	// EventReply is an agent's public reply in a conversation. It has no
	// template (the agent wrote it), so it is not in MailEvents.
	EventReply MailEvent = "reply"
)

// MailEvents lists the events in the order screens show them.
var MailEvents = []MailEvent{EventVerify, EventWelcome, EventReset, EventCreateAccount, EventAccountExists}

// NeedsLink reports whether the event's mail must carry the {MESSAGE} link.
func (e MailEvent) NeedsLink() bool {
	return e == EventVerify || e == EventReset || e == EventCreateAccount || e == EventAccountExists
}

// ParseMailEvent accepts an event name in any letter case.
func ParseMailEvent(s string) (MailEvent, error) {
	e := MailEvent(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(MailEvents, e) {
		return e, nil
	}
	names := make([]string, len(MailEvents))
	for i, e := range MailEvents {
		names[i] = string(e)
	}
	return "", invalid("event", "%q is not a mail event; use %s", s, strings.Join(names, ", "))
}

// MailTags are the placeholders a template may use. {MESSAGE} becomes the
// verification or set-password link, {EXPIRES} the moment it stops
// working, in the customer's time zone and naming it.
var MailTags = []string{"NAME", "FIRST_NAME", "EMAIL", "ORGANIZATION", "DESK_NAME", "MESSAGE", "EXPIRES"}

// Template is an agent-editable account email: plain text with {TAG}
// placeholders. The HTML part is generated from the text when it is sent.
type Template struct {
	Name    string    `json:"name"`
	Event   MailEvent `json:"event"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	// Language is set on a translation of the template named Name (a
	// BCP 47 tag, as ParseLanguage gives it); "" on the base template.
	Language string `json:"language,omitempty"`
	// Shipped is true for a default that no agent has edited yet.
	Shipped   bool      `json:"-"`
	Version   uint64    `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// shippedTemplates are the defaults every desk starts with; an agent's edit
// is stored under the same name and takes their place.
var shippedTemplates = []Template{
	{Name: "verify", Event: EventVerify, Subject: "Confirm your email for {DESK_NAME}",
		Body: `Hello {FIRST_NAME},

An account was created for you at {DESK_NAME} with the address {EMAIL}.
Please confirm it and choose a password here:

{MESSAGE}

The link works once and expires in 7 days. If you did not expect this
email, you can ignore it.

The {DESK_NAME} team
`},
	{Name: "welcome", Event: EventWelcome, Subject: "Welcome to {DESK_NAME}",
		Body: `Hello {FIRST_NAME},

Welcome to {DESK_NAME}. Your account for {EMAIL} is ready, and you can
reply to this email whenever you need us.

The {DESK_NAME} team
`},
	{Name: "reset", Event: EventReset, Subject: "Set a new password for {DESK_NAME}",
		Body: `Hello {FIRST_NAME},

Someone asked to set a new password for {EMAIL} at {DESK_NAME}.
Choose one here:

{MESSAGE}

The link works once and expires in 7 days. If it was not you, ignore this
email: your password stays as it is.

The {DESK_NAME} team
`},
	{Name: "create-account", Event: EventCreateAccount, Subject: "Finish creating your {DESK_NAME} account",
		Body: `Hello {FIRST_NAME},

Someone asked to create an account at {DESK_NAME} for {EMAIL}.
To finish, choose a password here:

{MESSAGE}

The link works once and expires in 7 days. If it was not you, ignore this
email: no account is created.

The {DESK_NAME} team
`},
	{Name: "account-exists", Event: EventAccountExists, Subject: "You already have a {DESK_NAME} account",
		Body: `Hello {FIRST_NAME},

Someone asked to create an account at {DESK_NAME} for {EMAIL}, but this
address has one already. If you forgot your password, choose a new one here:

{MESSAGE}

The link works once and expires in 7 days. If it was not you, ignore this
email: nothing changes.

The {DESK_NAME} team
`},
}

var tagPattern = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

const (
	maxSubject = 200
	maxBody    = 20000
)

// ValidateTemplate refuses what cannot be sent: an unknown tag (named), a
// link event without {MESSAGE}, an empty or multi-line subject.
func ValidateTemplate(event MailEvent, subject, body string) error {
	subject = strings.TrimSpace(subject)
	if subject == "" {
		return invalid("subject", "is empty")
	}
	if _, err := cleanText("subject", subject, maxSubject, false); err != nil {
		return err
	}
	if strings.TrimSpace(body) == "" {
		return invalid("body", "is empty")
	}
	if _, err := cleanText("body", body, maxBody, true); err != nil {
		return err
	}
	var unknown []string
	for _, m := range tagPattern.FindAllStringSubmatch(subject+"\n"+body, -1) {
		if !slices.Contains(MailTags, m[1]) && !slices.Contains(unknown, m[0]) {
			unknown = append(unknown, m[0])
		}
	}
	if len(unknown) > 0 {
		return invalid("template", "unknown tag %s; the tags are {%s}", strings.Join(unknown, ", "), strings.Join(MailTags, "}, {"))
	}
	if event.NeedsLink() && !strings.Contains(body, "{MESSAGE}") {
		return invalid("body", "a %s email must contain {MESSAGE}, which becomes the link", event)
	}
	if strings.Contains(subject, "{MESSAGE}") {
		return invalid("subject", "{MESSAGE} (the link) belongs in the body, not the subject")
	}
	if !event.NeedsLink() && strings.Contains(subject+body, "{EXPIRES}") {
		return invalid("template", "{EXPIRES} is when the link stops working, and a %s email has no link; remove it", event)
	}
	return nil
}

// MailVars are the values of the tags for one message.
type MailVars struct {
	Name, Email, Organization, DeskName, Link string
	// Expires is when the link stops working, as the customer reads it.
	Expires string
}

func (v MailVars) lookup(tag string) string {
	switch tag {
	case "NAME":
		if v.Name == "" {
			return v.Email
		}
		return v.Name
	case "FIRST_NAME":
		if f := strings.Fields(v.Name); len(f) > 0 {
			return f[0]
		}
		return "there"
	case "EMAIL":
		return v.Email
	case "ORGANIZATION":
		return v.Organization
	case "DESK_NAME":
		return v.DeskName
	case "MESSAGE":
		return v.Link
	case "EXPIRES":
		return v.Expires
	}
	return "{" + tag + "}"
}

// RenderTemplate replaces the tags in subject and body. A subject is kept on
// one line whatever a value holds, so no value can add a mail header.
func RenderTemplate(subject, body string, v MailVars) (string, string) {
	repl := func(s string) string {
		return tagPattern.ReplaceAllStringFunc(s, func(m string) string { return v.lookup(m[1 : len(m)-1]) })
	}
	subj := strings.Join(strings.Fields(repl(subject)), " ")
	return subj, repl(body)
}

// MailChoice is what a new user's creation sends.
type MailChoice string

const (
	MailVerify  MailChoice = "verify" // the default
	MailWelcome MailChoice = "welcome"
	MailNone    MailChoice = "none"
)

// ParseMailChoice accepts verify, welcome or none; empty means verify.
func ParseMailChoice(s string) (MailChoice, error) {
	switch c := MailChoice(strings.ToLower(strings.TrimSpace(s))); c {
	case "", MailVerify:
		return MailVerify, nil
	case MailWelcome, MailNone:
		return c, nil
	}
	return "", invalid("mail", "%q is not a choice; use verify, welcome or none", s)
}

// MailState is where an outbox message is in its delivery.
type MailState string

const (
	MailQueued MailState = "queued"
	// MailSending is a message a worker claimed: it holds it until its
	// lease runs out, and only then may another worker take it over.
	MailSending   MailState = "sending"
	MailSent      MailState = "sent"
	MailFailed    MailState = "failed"    // gave up: a permanent refusal or too many attempts
	MailCancelled MailState = "cancelled" // the recipient was disabled before it went out
)

// MailStates lists the states for filters.
var MailStates = []MailState{MailQueued, MailSending, MailSent, MailFailed, MailCancelled}

// OutboxMessage is one email, written in the same transaction as the change
// that caused it and delivered later by the worker.
type OutboxMessage struct {
	ID ID `json:"id"`
	// MessageID is fixed when the message is queued, so a resend after a
	// crash mid-send carries the same Message-ID and can be recognised.
	MessageID string    `json:"message_id"`
	UserID    ID        `json:"user_id"`
	Event     MailEvent `json:"event"`
	To        string    `json:"to"`
	ToName    string    `json:"to_name"`
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	// Link is the whole link of a message composed for sending: it exists
	// only in the copy ClaimNext hands to the worker for its transport and
	// is never stored (the store refuses a message that holds one). The
	// token is minted when the message is claimed; only its SHA-256 is
	// kept, in tokens and in TokenHash. With Compose set, Subject and Text
	// hold {DESK_NAME} and {MESSAGE}, filled in when the message is sent.
	// (Databases from before schema 7 could hold a token here; the
	// migration revoked those and made the messages mint at send.)
	Link    string `json:"link,omitempty"`
	Compose bool   `json:"compose,omitempty"`
	// TokenHash is the SHA-256 of the token minted for the latest attempt,
	// so the next attempt (a retry, a take-over after a crash) or a cancel
	// can revoke it: only the link of the mail that went out stays live.
	TokenHash []byte `json:"token_hash,omitempty"`
	// Signup is what a self-signup's customer typed: it rides on the
	// create-account link's token, minted at send like the others.
	Signup *SignupRequest `json:"signup,omitempty"`
	// Holder and LeaseUntil are the claim of a message in state sending:
	// the worker that holds it and when its claim runs out.
	Holder     string    `json:"holder,omitempty"`
	LeaseUntil time.Time `json:"lease_until,omitzero"`
	// From is the sender, set only on a message composed for sending.
	From string `json:"-"`
	// TimeZone is the recipient's time zone when the mail was queued (""
	// for UTC): {EXPIRES} is filled in it when the mail is sent.
	TimeZone string `json:"time_zone,omitempty"`
	// LinkExpires is when the link of a message composed for sending stops
	// working; never stored.
	LinkExpires time.Time `json:"-"`

	State     MailState `json:"state"`
	Attempts  int       `json:"attempts"`
	NextTry   time.Time `json:"next_try"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	SentAt    time.Time `json:"sent_at,omitzero"`

	// Channel is how the message goes: "" for email, or sms when its
	// recipient chose SMS for its event (To is then the E.164 phone).
	Channel Channel `json:"channel,omitempty"`
	// Gateway is where a message composed for sending by SMS goes, from
	// the settings in force; never stored.
	Gateway *SMSGateway `json:"-"`

	// InReplyTo and References thread a conversation's reply mail: the
	// Message-ID it answers and the chain from the thread's root.
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
}

// QueueAt is where a message sits in the delivery queue: a queued message
// at its next try, a claimed one at the end of its lease (when another
// worker may take it over); false for the others, which are not queued.
func (m OutboxMessage) QueueAt() (time.Time, bool) {
	switch m.State {
	case MailQueued:
		return m.NextTry, true
	case MailSending:
		return m.LeaseUntil, true
	}
	return time.Time{}, false
}

// Delivery words where a message is in its delivery, for the console and
// the command line alike; at formats a time as the caller shows times.
func (m OutboxMessage) Delivery(at func(time.Time) string) string {
	switch m.State {
	case MailQueued:
		return "next try " + at(m.NextTry)
	case MailSending:
		return "sending by " + m.Holder + " until " + at(m.LeaseUntil)
	case MailSent:
		return "sent " + at(m.SentAt)
	}
	return string(m.State) + " " + at(m.UpdatedAt)
}

// linkLike matches what must never reach an agent's eyes in a message: a
// URL with a query (a token rides there), the portal's link shape, a
// token= parameter anywhere, and a long run of token characters (a
// base64url token is 43 of them).
var linkLike = regexp.MustCompile(`(?i)https?://[^\s<>"]*[?#][^\s<>"]*|[^\s<>"]*/set-password\?[^\s<>"]*|token=[^\s<>"&]*|[A-Za-z0-9_-]{32,}`)

// LinkHidden is what MaskLinks puts where a link was.
const LinkHidden = "[link hidden]"

// MaskLinks is the one rule for showing a message's text to agents:
// anything link-like (a URL with a query, the portal's set-password link,
// a token parameter, a long random token) becomes [link hidden]. Every
// agent-facing view of a message goes through it.
func MaskLinks(s string) string {
	return linkLike.ReplaceAllStringFunc(s, func(m string) string {
		// A long run of letters only is a word, not a token.
		if !strings.ContainsAny(m, "/=?#") && !strings.ContainsAny(m, "0123456789_-") {
			return m
		}
		return LinkHidden
	})
}

// Via is the message's channel: email unless it goes by SMS.
func (m OutboxMessage) Via() Channel {
	if m.Channel == "" {
		return ChannelEmail
	}
	return m.Channel
}

func (m OutboxMessage) String() string {
	return fmt.Sprintf("message %d to %s (%s)", m.ID, m.To, m.State)
}

// ExpiryIn is a link's expiry as a customer in zone (an IANA name; ""
// for UTC) reads it, naming the zone: "2026-12-06 15:04 CET".
func ExpiryIn(t time.Time, zone string) string {
	loc := time.UTC
	if zone != "" {
		if l, err := time.LoadLocation(zone); err == nil {
			loc = l
		}
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

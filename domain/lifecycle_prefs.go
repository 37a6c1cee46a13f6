package domain

import (
	"fmt"
	"slices"
	"strings"
)

// Channel is how a customer wants to hear about one event.
type Channel string

const (
	ChannelEmail Channel = "email" // the default
	ChannelSMS   Channel = "sms"   // needs an E.164 mobile number
	ChannelNone  Channel = "none"  // not at all
)

// Channels lists every channel in the order screens show them.
var Channels = []Channel{ChannelEmail, ChannelSMS, ChannelNone}

// NotifyEvents are the events a customer can choose a channel for.
var NotifyEvents = []MailEvent{EventVerify, EventWelcome, EventReset, EventReply}

// ParseChannel accepts a channel name in any letter case.
func ParseChannel(s string) (Channel, error) {
	c := Channel(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Channels, c) {
		return c, nil
	}
	return "", invalid("channel", "%q is not a channel; use email, sms or none", s)
}

// ParseNotifyEvent accepts an event a customer can choose a channel for.
func ParseNotifyEvent(s string) (MailEvent, error) {
	e := MailEvent(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(NotifyEvents, e) {
		return e, nil
	}
	return "", invalid("event", "%q is not a notification event; use verify, welcome, reset or reply", s)
}

// NotifyPrefs are a customer's channels per event; empty means email. A
// struct, not a map, so User stays comparable.
type NotifyPrefs struct {
	Verify  Channel `json:"verify,omitempty"`
	Welcome Channel `json:"welcome,omitempty"`
	Reset   Channel `json:"reset,omitempty"`
	Reply   Channel `json:"reply,omitempty"`
}

func (n *NotifyPrefs) field(e MailEvent) *Channel {
	switch e {
	case EventVerify:
		return &n.Verify
	case EventWelcome:
		return &n.Welcome
	case EventReset:
		return &n.Reset
	case EventReply:
		return &n.Reply
	}
	return nil
}

// Channel is how the user wants to hear about an event: email unless it
// chose otherwise.
func (u User) Channel(e MailEvent) Channel {
	if f := u.Notify.field(e); f != nil && *f != "" {
		return *f
	}
	return ChannelEmail
}

// E164 returns a phone number in E.164 form (+ then 7 to 15 digits, the
// first not 0), ignoring spaces, dashes, dots and slashes; anything else,
// such as a national number or a "(0)" trunk prefix, is refused.
func E164(phone string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" -./", r):
		default:
			return "", invalid("phone", "%q is not an E.164 number such as +33612345678", phone)
		}
	}
	n := b.String()
	if len(n) < 8 || len(n) > 16 || n[0] != '+' || n[1] == '0' {
		return "", invalid("phone", "%q is not an E.164 number such as +33612345678", phone)
	}
	return n, nil
}

// Preferences is a change to a customer's preferences; nil or missing
// entries are left as they are.
type Preferences struct {
	Language *string
	Notify   map[MailEvent]Channel
}

// SetPreferences changes a customer's language and notification channels.
// Choosing SMS for an event needs an E.164 mobile number in the user's
// phone field. Audited as user.preferences.
func (d *Desk) SetPreferences(actor Actor, userID ID, p Preferences) (User, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return User{}, err
	}
	var u User
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadUser(tx, userID, 0)
		if err != nil {
			return err
		}
		u = before
		var changes []Change
		if p.Language != nil {
			if u.Language, err = ParseLanguage(*p.Language); err != nil {
				return err
			}
			if u.Language != before.Language {
				changes = append(changes, Change{Field: "language", Before: before.Language, After: u.Language})
			}
		}
		more, err := applyChannels(&u, p.Notify)
		if err != nil {
			return err
		}
		changes = append(changes, more...)
		if len(changes) == 0 {
			return nil
		}
		return d.saveUser(tx, c, actor, before, &u, "user.preferences", changes)
	})
	return u, err
}

// applyChannels sets a user's channel per event and returns the changes.
// Choosing SMS needs an E.164 mobile number in the user's phone field (as
// it stands after the same change, on the portal's profile form).
func applyChannels(u *User, notify map[MailEvent]Channel) ([]Change, error) {
	for e, c := range notify {
		if !slices.Contains(NotifyEvents, e) {
			return nil, invalid("event", "%q is not a notification event; use verify, welcome, reset or reply", e)
		}
		if !slices.Contains(Channels, c) {
			return nil, invalid("channel", "%q is not a channel; use email, sms or none", c)
		}
	}
	var changes []Change
	for _, e := range NotifyEvents {
		ch, ok := notify[e]
		if !ok {
			continue
		}
		if ch == ChannelSMS {
			if _, err := E164(u.Phone); err != nil {
				if strings.TrimSpace(u.Phone) == "" {
					return nil, invalid("channel", "SMS for %s needs a mobile number: %s has no phone; set one in E.164 form such as +33612345678", e, u.Email)
				}
				return nil, invalid("channel", "SMS for %s needs an E.164 mobile number: %s's phone %q is not one; use a form such as +33612345678", e, u.Email, u.Phone)
			}
		}
		if old := u.Channel(e); old != ch {
			changes = append(changes, Change{Field: "notify." + string(e), Before: string(old), After: string(ch)})
		}
		*u.Notify.field(e) = ch
		if ch == ChannelEmail {
			*u.Notify.field(e) = ""
		}
	}
	return changes, nil
}

// NotifySummary is the user's non-default channels, "reply by sms, welcome
// by none", or "" when everything goes by email.
func (u User) NotifySummary() string {
	var parts []string
	for _, e := range NotifyEvents {
		if c := u.Channel(e); c != ChannelEmail {
			parts = append(parts, fmt.Sprintf("%s by %s", e, c))
		}
	}
	return strings.Join(parts, ", ")
}

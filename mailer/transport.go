package mailer

import (
	"context"
	"fmt"

	"helpdesk/domain"
)

// Transport delivers one message. It returns nil only once the receiving
// server has accepted the message (SMTP's 250 after the final dot); an
// error is classified with IsPermanent.
type Transport interface {
	Send(ctx context.Context, m domain.OutboxMessage) error
}

// TransportFunc adapts a function to Transport (tests, dry runs).
type TransportFunc func(ctx context.Context, m domain.OutboxMessage) error

func (f TransportFunc) Send(ctx context.Context, m domain.OutboxMessage) error { return f(ctx, m) }

// TransportChannels is what a transport sends: its Channels when it has
// them, else email only (SMTP, the demo mailbox, a TransportFunc).
func TransportChannels(t Transport) []domain.Channel {
	if c, ok := t.(interface{ Channels() []domain.Channel }); ok {
		return c.Channels()
	}
	return []domain.Channel{domain.ChannelEmail}
}

// Route sends each message through the transport of its channel: Email
// for mail, SMS for SMS. A nil one is a channel this process does not
// send: the worker leaves its messages queued for another.
type Route struct {
	Email, SMS Transport
}

// Send hands m to the transport of its channel.
func (r Route) Send(ctx context.Context, m domain.OutboxMessage) error {
	t := r.Email
	if m.Via() == domain.ChannelSMS {
		t = r.SMS
	}
	if t == nil {
		return fmt.Errorf("message %d: %s is not sent by this process", m.ID, m.Via())
	}
	return t.Send(ctx, m)
}

// Channels lists the channels Route has a transport for.
func (r Route) Channels() []domain.Channel {
	out := []domain.Channel{}
	if r.Email != nil {
		out = append(out, TransportChannels(r.Email)...)
	}
	if r.SMS != nil {
		out = append(out, domain.ChannelSMS)
	}
	return out
}

package mailer

import (
	"context"

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

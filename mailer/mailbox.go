package mailer

import (
	"context"
	"slices"
	"sync"

	"helpdesk/domain"
)

// Mailbox is a Transport that keeps what it is given in memory instead of
// sending it anywhere: the demo's mail catcher. `helpdesk --demo --http`
// delivers to one, and the portal shows it at /demo/mail, so the whole
// flow from a new user to a signed-in customer can be shown on one
// machine, with nothing leaving it (the demo's addresses are made up, and
// some are at real providers).
type Mailbox struct {
	mu   sync.Mutex
	msgs []domain.OutboxMessage // oldest first
	max  int
}

// NewMailbox keeps the newest keep messages (at least 1).
func NewMailbox(keep int) *Mailbox { return &Mailbox{max: max(1, keep)} }

// Send keeps a copy of the message as it would have been sent.
func (b *Mailbox) Send(_ context.Context, m domain.OutboxMessage) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	m.References = slices.Clone(m.References)
	b.msgs = append(b.msgs, m)
	if len(b.msgs) > b.max {
		b.msgs = slices.Delete(b.msgs, 0, len(b.msgs)-b.max)
	}
	return nil
}

// Messages returns what was delivered, newest first.
func (b *Mailbox) Messages() []domain.OutboxMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := slices.Clone(b.msgs)
	slices.Reverse(out)
	return out
}

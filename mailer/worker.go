package mailer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"helpdesk/domain"
)

// Outbox is the part of the desk the worker drives; *domain.Desk is one.
// ClaimNextOn claims the earliest due message on one of the worker's
// channels for a holder with a lease (cancelling, on the way, those to
// disabled users), and hands it over composed, its link minted for this
// attempt; RecordSent and RecordFailure
// write the outcome only while the holder still holds the claim; Release
// gives a claim back unsent.
type Outbox interface {
	ClaimNextOn(holder string, now time.Time, lease time.Duration, channels []domain.Channel) (domain.OutboxMessage, bool, error)
	RecordSent(holder string, id domain.ID, at time.Time) error
	RecordFailure(holder string, id domain.ID, cause error, retryAt time.Time) error
	Release(holder string, id domain.ID) error
}

var _ Outbox = (*domain.Desk)(nil)

// Result is the outcome of one delivery attempt, as recorded.
type Result struct {
	// Message is the message as it was claimed, before this attempt.
	Message domain.OutboxMessage
	// Err is nil when the message was sent.
	Err error
	// RetryAt is when it goes again; zero with an Err means it failed for
	// good (permanent refusal or attempts used up).
	RetryAt time.Time
	// RecordErr is set when the outcome could not be written. A message
	// sent but not recorded as sent stays queued and is sent again, with
	// the same Message-ID.
	RecordErr error
}

// Sent reports whether the attempt delivered the message.
func (r Result) Sent() bool { return r.Err == nil }

// Worker delivers the outbox: it claims due messages one at a time, sends
// each through the transport and records the outcome, retrying temporary
// failures with backoff. It claims only messages on the channels its
// transport sends (Channels; email for a transport that does not say), so
// an SMS waits for a worker with an SMS transport. Several workers (in one process or many) may
// drive one desk: each message is claimed by one of them, with a lease; a
// claim whose worker died is taken over when its lease runs out. A Worker
// is not safe for concurrent use: run one per goroutine.
type Worker struct {
	Outbox    Outbox
	Transport Transport
	// Holder names this worker in its claims; empty means NewHolder(),
	// made once.
	Holder string
	// Lease is how long a claim lasts; zero means domain.DefaultLease. It
	// must outlast one send: a send still running when it ends may be
	// taken over and go twice.
	Lease time.Duration
	// Backoff is the retry policy; zero fields take DefaultBackoff's.
	Backoff Backoff
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Poll is the longest Run sleeps between passes when nothing wakes it:
	// it picks up messages another process queued, or retries this
	// process did not schedule. Zero means one minute.
	Poll time.Duration
	// Wake, when set (Desk.Subscribe's channel), starts a pass as soon as
	// a "mail" or "user" event arrives, so a new user's mail goes out at
	// once.
	Wake <-chan domain.Event
	// OnResult, when set, hears every attempt after it was recorded.
	OnResult func(Result)
	// OnError, when set, hears the outbox errors that Run rides out.
	OnError func(error)

	// retries are the retry times this worker scheduled, so Run wakes for
	// them instead of waiting for the next poll.
	retries []time.Time
	holder  sync.Once
}

// NewHolder is a holder id that no other worker has: host name, process id
// and 64 random bits.
func NewHolder() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

func (w *Worker) holderID() string {
	w.holder.Do(func() {
		if w.Holder == "" {
			w.Holder = NewHolder()
		}
	})
	return w.Holder
}

// DefaultPoll is Run's longest sleep without a wake-up.
const DefaultPoll = time.Minute

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Run delivers until ctx is cancelled, then returns nil. A send under way
// is not cut short (the SMTP transport uses ctx only to connect), so its
// outcome is recorded. With no transport it returns domain.ErrNoTransport
// at once and the outbox stays queued.
func (w *Worker) Run(ctx context.Context) error {
	if w.Transport == nil {
		return domain.ErrNoTransport
	}
	if w.Outbox == nil {
		return errors.New("mailer: a worker needs an outbox")
	}
	wake := w.Wake
	for {
		// Events already waiting were published by commits that this pass
		// will see, so they are spent; later ones (our own records
		// included) start one more pass, which is cheap.
		drain(wake)
		if _, err := w.DeliverDue(ctx); err != nil && ctx.Err() == nil && w.OnError != nil {
			w.OnError(err)
		}
		if ctx.Err() != nil {
			return nil
		}
		if !sleep(ctx, w.nextWait(), &wake) {
			return nil
		}
	}
}

// sleep waits for d or for a "mail" or "user" event; false means ctx ended.
// A closed wake channel (unsubscribed) leaves the timer alone in charge.
func sleep(ctx context.Context, d time.Duration, wake *<-chan domain.Event) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return true
		case ev, ok := <-*wake:
			if !ok {
				*wake = nil
			} else if ev.Kind == "mail" || ev.Kind == domain.SubjectUser {
				return true
			}
		}
	}
}

func drain(ch <-chan domain.Event) {
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		default:
			return
		}
	}
}

// nextWait is the sleep until the earliest retry this worker scheduled, at
// most Poll.
func (w *Worker) nextWait() time.Duration {
	poll := w.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	now := w.now()
	w.retries = slices.DeleteFunc(w.retries, func(t time.Time) bool { return !t.After(now) })
	wait := poll
	for _, t := range w.retries {
		wait = min(wait, t.Sub(now))
	}
	return max(wait, 0)
}

// DeliverDue sends every message due now, one by one, and returns how many
// it attempted. It stops early on an outbox error or when ctx is done.
// Tests and `mail worker --once` use it directly.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	if w.Transport == nil {
		return 0, domain.ErrNoTransport
	}
	n := 0
	channels := TransportChannels(w.Transport)
	for ctx.Err() == nil {
		m, ok, err := w.Outbox.ClaimNextOn(w.holderID(), w.now(), w.Lease, channels)
		if err != nil {
			return n, fmt.Errorf("claim the next message: %w", err)
		}
		if !ok {
			return n, nil
		}
		if err := w.deliver(ctx, m); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (w *Worker) deliver(ctx context.Context, m domain.OutboxMessage) error {
	holder := w.holderID()
	err := w.Transport.Send(ctx, m)
	if err != nil && ctx.Err() != nil {
		// Stopped mid-send: the attempt is not counted; the claim is given
		// back, so the message goes again at the next start (or, if even
		// that fails, when the lease runs out).
		_ = w.Outbox.Release(holder, m.ID)
		return nil
	}
	now := w.now()
	res := Result{Message: m, Err: err}
	if err == nil {
		res.RecordErr = record(func() error { return w.Outbox.RecordSent(holder, m.ID, now) })
	} else {
		failed := m.Attempts + 1
		permanent := IsPermanent(err)
		b := w.Backoff.withDefaults()
		res.RetryAt = b.RetryAt(now, failed, permanent)
		var de *DeliveryError
		if !res.RetryAt.IsZero() && errors.As(err, &de) && de.RetryAfter > 0 {
			// The other side said when: a gateway's Retry-After.
			res.RetryAt = now.Add(de.RetryAfter)
		}
		cause := err
		if res.RetryAt.IsZero() && !permanent {
			cause = fmt.Errorf("gave up after %d attempts: %w", failed, err)
		}
		res.Err = cause
		res.RecordErr = record(func() error { return w.Outbox.RecordFailure(holder, m.ID, cause, res.RetryAt) })
		if res.RecordErr == nil && !res.RetryAt.IsZero() {
			w.retries = append(w.retries, res.RetryAt)
		}
	}
	if w.OnResult != nil {
		w.OnResult(res)
	}
	if res.RecordErr != nil {
		return fmt.Errorf("message %d: record the outcome: %w", m.ID, res.RecordErr)
	}
	return nil
}

// record writes an outcome, trying again briefly: the store may be busy
// for a moment (another process holding the file), and an outcome that is
// not written means a duplicate send or a lost attempt count. It does not
// watch ctx: once a message went out, recording it matters more than
// stopping a few hundred milliseconds sooner.
func record(write func() error) error {
	var err error
	for i := range 3 {
		if err = write(); err == nil || errors.Is(err, domain.ErrClaimLost) {
			return err
		}
		time.Sleep(time.Duration(i+1) * 250 * time.Millisecond)
	}
	return err
}

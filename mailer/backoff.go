package mailer

import "time"

// Backoff is the retry policy for temporary failures.
type Backoff struct {
	// First is the wait after the first failed attempt; each further
	// failure doubles it, up to Max.
	First, Max time.Duration
	// Attempts is how many attempts a message gets in all; the last
	// failure marks it failed with its error.
	Attempts int
}

// DefaultBackoff waits 30s, 1m, 2m, 4m, ... up to an hour between attempts
// and gives up after 8 attempts (about two hours in all): long enough to
// ride out a relay's restart or greylisting, short enough that an agent sees
// a failed message the same day.
var DefaultBackoff = Backoff{First: 30 * time.Second, Max: time.Hour, Attempts: 8}

func (b Backoff) withDefaults() Backoff {
	if b.First <= 0 {
		b.First = DefaultBackoff.First
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	if b.Max < b.First {
		b.Max = b.First
	}
	if b.Attempts <= 0 {
		b.Attempts = DefaultBackoff.Attempts
	}
	return b
}

// Delay is the wait after the given number of failed attempts (1-based).
func (b Backoff) Delay(failed int) time.Duration {
	b = b.withDefaults()
	d := b.First
	for i := 1; i < failed; i++ {
		if d >= b.Max/2 {
			return b.Max
		}
		d *= 2
	}
	return min(d, b.Max)
}

// RetryAt is when a message that has now failed `failed` times should be
// tried again, or the zero time when it should not: the failure is
// permanent or the attempts are used up.
func (b Backoff) RetryAt(now time.Time, failed int, permanent bool) time.Time {
	b = b.withDefaults()
	if permanent || failed >= b.Attempts {
		return time.Time{}
	}
	return now.Add(b.Delay(failed))
}

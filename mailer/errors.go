package mailer

import (
	"errors"
	"fmt"
	"net/textproto"
	"time"

	mail "github.com/wneessen/go-mail"
)

// DeliveryError is a failed send, classified for the worker: a temporary
// failure is retried with backoff, a permanent one fails the message for
// good.
type DeliveryError struct {
	// Code is the SMTP reply code when the server gave one (421, 550, ...),
	// or the HTTP status of an SMS gateway's answer, else 0 (the
	// connection failed or broke).
	Code      int
	Permanent bool
	// RetryAfter, when set on a temporary failure, is how long the
	// receiving side asked us to wait (an HTTP Retry-After): the next
	// attempt goes after it instead of after the backoff's delay.
	RetryAfter time.Duration
	Err        error
}

func (e *DeliveryError) Error() string { return e.Err.Error() }
func (e *DeliveryError) Unwrap() error { return e.Err }

// Permanent marks err as a failure that retrying cannot fix, for
// transports other than SMTP and for messages that cannot be built.
func Permanent(err error) error { return &DeliveryError{Permanent: true, Err: err} }

// IsPermanent reports whether a send error means "do not retry". Anything
// not classified as permanent is temporary: an unknown error costs a few
// retries, a wrongly permanent one loses the customer's mail.
func IsPermanent(err error) bool {
	var de *DeliveryError
	return errors.As(err, &de) && de.Permanent
}

// classify reads the SMTP reply code out of go-mail's errors: SendError for
// the MAIL/RCPT/DATA phase (it has no Unwrap, so it is asked directly),
// textproto.Error for the greeting, EHLO, STARTTLS and AUTH replies that the
// dial wraps. 4xx is temporary and 5xx permanent (RFC 5321 4.2.1); no code
// at all means the connection failed, which is temporary.
func classify(err error) *DeliveryError {
	if err == nil {
		return nil
	}
	code := 0
	var se *mail.SendError
	var te *textproto.Error
	switch {
	case errors.As(err, &se):
		code = se.ErrorCode()
		if code == 0 && (se.Reason == mail.ErrGetSender || se.Reason == mail.ErrGetRcpts) {
			// Our own message could not be addressed: no retry will change it.
			return &DeliveryError{Permanent: true, Err: err}
		}
	case errors.As(err, &te):
		code = te.Code
	}
	return &DeliveryError{Code: code, Permanent: code >= 500 && code < 600, Err: err}
}

// errNoAddress is a message that reached the transport without a valid
// recipient: a bug or a damaged record, never worth a retry.
func errNoAddress(to string, err error) error {
	return Permanent(fmt.Errorf("recipient %q is not a valid address: %w", to, err))
}

// Package mailer delivers the desk's outbox: it turns a queued
// domain.OutboxMessage into a MIME message (plain text plus an HTML part
// generated from it), hands it to a Transport (SMTP in production) and runs
// the worker that claims due messages, records the outcome and retries
// temporary failures with exponential backoff.
//
// Each message is claimed by one worker at a time (Desk.ClaimNext: state
// sending, the worker's holder id and a lease, written in the transaction
// that picks it), so several workers may share a desk; a claim whose worker
// died is taken over when its lease runs out. A link's token is minted at
// the claim and exists only in the message handed to the transport.
//
// Delivery is at least once: a message is marked sent only after the
// server's 250 reply, so a crash between the final dot and the recorded
// result sends it again once the claim's lease runs out, always with the
// Message-ID fixed when it was queued, which lets the receiving side
// recognise the duplicate (its link is a new one; the first copy's is
// dead).
//
// The same outbox carries SMS: Route hands each message to its channel's
// transport (sms.go speaks the Twilio-shaped gateway API), and a worker
// claims only the channels it can send.
//
// Mail also comes in here: ParseMail reads an RFC 5322 message (charsets,
// HTML reduced to text, attachments, auto-reply and bounce marks) into a
// domain.InboundMail, Receive reads one under the size limit and hands it to
// the desk, and the SMTP listener (inbound_smtp.go, go-smtp) applies the
// desk's recipient, count and size rules at RCPT and DATA. Every rule about
// what is stored where stays in domain.
//
// mailer imports domain only; the command line wires it to a store.
package mailer

// Package mailer delivers the desk's outbox: it turns a queued
// domain.OutboxMessage into a MIME message (plain text plus an HTML part
// generated from it), hands it to a Transport (SMTP in production) and runs
// the worker that claims due messages, records the outcome and retries
// temporary failures with exponential backoff.
//
// Delivery is at least once: a message is marked sent only after the
// server's 250 reply, so a crash between the final dot and the recorded
// result sends it again on restart, always with the Message-ID fixed when it
// was queued, which lets the receiving side recognise the duplicate.
//
// mailer imports domain only; the command line wires it to a store.
package mailer

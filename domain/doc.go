// Package domain holds helpdesk's types, rules and use-cases.
//
// It is pure: no bbolt, no Bubble Tea, no network. Persistence is reached
// through the Store and Tx ports (ports.go), which the store package
// implements; the Desk service (desk.go) runs every use-case inside one
// read-write transaction so that validation, uniqueness, auto-assignment and
// the audit entry commit together or not at all.
package domain

package tui

import (
	"strings"

	"helpdesk/domain"
)

// changesText sums up an audit entry's changes on one line:
// "name: Ann Lee → Ann Li; phone: → +1 555 0101".
func changesText(e domain.AuditEntry) string {
	var parts []string
	for _, ch := range e.Changes {
		b, a := sanitizeLine(ch.Before), sanitizeLine(ch.After)
		switch {
		case b == "":
			parts = append(parts, ch.Field+": "+a)
		case a == "":
			parts = append(parts, ch.Field+": "+b+" → (none)")
		default:
			parts = append(parts, ch.Field+": "+b+" → "+a)
		}
	}
	s := strings.Join(parts, "; ")
	if e.Note != "" {
		if s != "" {
			s += " — "
		}
		s += sanitizeLine(e.Note)
	}
	return s
}

package tui

import (
	"strings"

	"helpdesk/domain"
)

// actorText is who made an audit entry, as its row shows it. On the
// subject's own screen a customer acting on itself on the portal (signed
// in, set its password, edited its profile, accepted the agreement) is
// "customer": its address is the screen's, and the column is narrow.
// Everywhere else the actor is as recorded, "customer:ann@example.com".
func actorText(e domain.AuditEntry, onSubject bool) string {
	if onSubject && e.SubjectKind == domain.SubjectUser {
		if email, ok := strings.CutPrefix(e.Actor, "customer:"); ok && strings.EqualFold(email, e.Subject) {
			return "customer"
		}
	}
	return sanitizeLine(e.Actor)
}

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

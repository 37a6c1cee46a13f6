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

// auditWidths are the widths of an audit line's columns; the changes get
// the rest of the line.
type auditWidths struct {
	withSubject                  bool
	when, agent, action, subject int
}

// auditColsFor shares a line w cells wide between the columns of the
// entries es: each column is as wide as its longest value (and its
// heading), and the changes get what is free. Only when the changes would
// get less than a third of the line do the agent and subject give way,
// the wider first, down to 10 cells each. Below 100 cells the time drops
// its year; below 80 the subject column goes (the Audit log's detail
// line names it).
func auditColsFor(w int, withSubject bool, es []domain.AuditEntry) auditWidths {
	c := auditWidths{withSubject: withSubject, when: 16, agent: 5, action: 6}
	if w < 100 {
		c.when = 11 // "11-22 09:30": the year gives way first
	}
	if withSubject && w >= 80 {
		c.subject = 7
	}
	for i := range es {
		e := &es[i]
		c.agent = max(c.agent, width(actorText(*e, !withSubject)))
		c.action = max(c.action, width(auditAction(*e, withSubject)))
		if c.subject > 0 {
			c.subject = max(c.subject, width(sanitizeLine(e.Subject)))
		}
	}
	c.action = min(c.action, 20)
	fixed := func() int {
		f := 2 + c.when + 2 + c.agent + 2 + c.action + 2
		if c.subject > 0 {
			f += c.subject + 2
		}
		return f
	}
	for fixed()+max(w/3, 12) > w {
		switch {
		case c.subject > 10 && c.subject >= c.agent:
			c.subject--
		case c.agent > 10:
			c.agent--
		case c.action > 8:
			c.action--
		default:
			return c
		}
	}
	return c
}

// auditAction is the action as a row shows it: on a user's or an
// organization's own screen without its "user." or "org.".
func auditAction(e domain.AuditEntry, withSubject bool) string {
	a := sanitizeLine(e.Action)
	if !withSubject {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "user."), "org.")
	}
	return a
}

// auditLine is one history entry on one line of w cells, in the columns
// cols. On a user's or an organization's own screen the subject is known,
// so the action drops its "user." or "org." and the subject column. Text
// too long for its column is shortened at a word boundary (cutWords).
func auditLine(c *common, e domain.AuditEntry, cols auditWidths, w int, sel bool) string {
	st := c.st
	marker := "  "
	if sel {
		marker = "› "
	}
	when := c.when(e.At)
	if cols.when < width(when) {
		when = when[len(when)-cols.when:] // "2026-11-22 09:30" → "11-22 09:30"
	}
	line := marker + fit(when, cols.when) + "  " + fit(cutWords(actorText(e, !cols.withSubject), cols.agent), cols.agent) +
		"  " + fit(cutWords(auditAction(e, cols.withSubject), cols.action), cols.action) + "  "
	if cols.subject > 0 {
		line += fit(cutWords(sanitizeLine(e.Subject), cols.subject), cols.subject) + "  "
	}
	changes := cutWords(changesText(e), w-width(line))
	if sel {
		return st.rowSel.Render(line + changes)
	}
	return st.muted.Render(line) + st.value.Render(changes)
}

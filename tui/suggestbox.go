package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"helpdesk/domain"
)

// suggestBox lists existing users whose email resembles the one being
// typed, under the email field of the new user form: the agent sees the
// customer may already be on the desk before creating a twin. Matched
// characters are highlighted; near matches say why they are suspect.
//
// It is ours rather than textinput's suggestions, which are a linear prefix
// scan shown as ghost text: the box shows several kinds of match with the
// owner's name and organization, from the shared index.
type suggestBox struct {
	c     *common
	items []domain.Suggestion
	// pending: near matches are still being computed after start-up.
	pending bool
	sel     int
	rows    int
}

func (b *suggestBox) Set(s domain.Suggestions) {
	b.items, b.pending = s.Items, s.NearPending
	if b.sel >= len(b.items) {
		b.sel = 0
	}
}

func (b *suggestBox) Selected() (domain.Suggestion, bool) {
	if b.sel < len(b.items) {
		return b.items[b.sel], true
	}
	return domain.Suggestion{}, false
}

func (b *suggestBox) Move(d int) {
	if len(b.items) > 0 {
		b.sel = (b.sel + d + len(b.items)) % len(b.items)
	}
}

// View draws at most rows suggestions in w cells; empty when there is
// nothing to say. The email is never cut: it is what the agent compares.
// The owner's name and organization follow it, shortened at a word
// boundary if they must be, and the reason (already exists, possible
// duplicate: why) sits right after them; when it does not fit there it
// goes under the match, wrapped at word boundaries.
func (b *suggestBox) View(w int) string {
	st := b.c.st
	if len(b.items) == 0 && !b.pending {
		return ""
	}
	var lines []string
	// The email column is as wide as the longest email shown.
	ew := 16
	for i, it := range b.items {
		if i < b.rows {
			ew = max(ew, width(sanitizeLine(it.User.Email)))
		}
	}
	ew = min(ew, max(w-2, 1))
	for i, it := range b.items {
		if i == b.rows {
			lines = append(lines, st.muted.Render("  … "+itoa(len(b.items)-b.rows)+" more"))
			break
		}
		email := sanitizeLine(it.User.Email)
		pos := it.Positions
		if email != it.User.Email {
			pos = nil
		}
		marker, base := "  ", st.row
		if i == b.sel {
			marker = "› "
		}
		if it.User.State == domain.StateDisabled {
			base = st.disabled
		}
		line := marker + highlight(email, pos, base, st.match)
		if ew > width(email) {
			line += strings.Repeat(" ", ew-width(email))
		}
		label := ""
		switch it.Kind {
		case "exact":
			label = "already exists"
		case "near":
			label = "possible duplicate"
			if it.Reason != "" {
				label += ": " + sanitizeLine(it.Reason)
			}
		case "lookalike":
			label = "look-alike"
			if it.Reason != "" {
				label += ": " + sanitizeLine(it.Reason)
			}
		}
		who := sanitizeLine(it.User.Name)
		if it.Org != "" {
			who += " · " + sanitizeLine(it.Org)
		}
		if it.User.State == domain.StateDisabled {
			who += " · disabled"
		}
		labelStyle := st.warnText
		if it.Kind == "exact" {
			labelStyle = st.errText
		}
		rest := w - width(line) - 2 // after two spaces
		whoW, labelW := width(who), width(label)
		switch {
		case label == "" || whoW+2+labelW <= rest:
			// One line: email, who, reason.
			line += "  " + st.muted.Render(cutWords(who, rest))
			if label != "" {
				line += "  " + labelStyle.Render(label)
			}
			lines = append(lines, line)
			continue
		case labelW+2+min(whoW, 12) <= rest:
			// One line, the name and organization shortened.
			lines = append(lines, line+"  "+st.muted.Render(cutWords(who, rest-labelW-2))+"  "+labelStyle.Render(label))
			continue
		case rest >= 8:
			lines = append(lines, line+"  "+st.muted.Render(cutWords(who, rest)))
		default:
			lines = append(lines, line, "    "+st.muted.Render(cutWords(who, w-4)))
		}
		// The reason goes under the match, wrapped, never cut.
		for l := range strings.SplitSeq(ansi.Wordwrap(label, max(w-4, 8), " "), "\n") {
			lines = append(lines, "    "+labelStyle.Render(l))
		}
	}
	if b.pending {
		lines = append(lines, st.muted.Render("  near matches still loading…"))
	}
	return strings.Join(lines, "\n")
}

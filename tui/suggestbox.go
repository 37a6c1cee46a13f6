package tui

import (
	"strings"

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
// nothing to say.
func (b *suggestBox) View(w int) string {
	st := b.c.st
	if len(b.items) == 0 && !b.pending {
		return ""
	}
	var lines []string
	// The email column is as wide as the longest email shown (up to 40
	// cells), so the name and the reason get the rest.
	ew := 16
	for i, it := range b.items {
		if i < b.rows {
			ew = max(ew, ansiWidth(sanitizeLine(it.User.Email)))
		}
	}
	ew = min(ew, 40, max(w*2/5, 16))
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
		// Cut before highlighting: positions beyond the cut are not drawn.
		shown := email
		if len(shown) > ew {
			shown = cut(email, ew)
		}
		line := marker + highlight(shown, trimPositions(pos, len(shown)), base, st.match) +
			strings.Repeat(" ", max(ew-ansiWidth(shown), 0)+2)
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
		// The label says what matters (taken, possible duplicate), so the
		// name and organization give way to it on a narrow screen.
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
		room := w - ansiWidth(line) - ansiWidth(label) - 2
		if label == "" || room >= min(ansiWidth(who), 16) {
			// One line: email, who, label (which gives way last).
			if label != "" {
				who = fit(who, room) + "  "
			}
			lines = append(lines, cut(line+st.muted.Render(cut(who, w-ansiWidth(line)))+labelStyle.Render(label), w))
			continue
		}
		// Too narrow for both: the label goes under the email.
		lines = append(lines, cut(line+st.muted.Render(who), w))
		lines = append(lines, "    "+labelStyle.Render(cut(label, w-4)))
	}
	if b.pending {
		lines = append(lines, st.muted.Render("  near matches still loading…"))
	}
	return strings.Join(lines, "\n")
}

func trimPositions(pos []int, n int) []int {
	for i, p := range pos {
		if p >= n {
			return pos[:i]
		}
	}
	return pos
}

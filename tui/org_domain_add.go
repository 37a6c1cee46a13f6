package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// Adding a domain to an organization: after the preview the agent chooses,
// each with its own letter (never Enter alone), to add the domain and move
// the users it would bring in (y), to add it and move nobody (o), or to
// cancel (n, esc). The users who would move are listed in full and scroll
// (↑/↓, page keys, home/end), so each one can be seen before moving them.

// domainChoice is the open choice: the preview, the first user row shown,
// and whether Enter was pressed (the dialog then names the letters).
type domainChoice struct {
	pv     domain.DomainPreview
	top    int
	nudged bool
}

// startDomainChoice opens the choice for a preview.
func (s *orgScreen) startDomainChoice(pv domain.DomainPreview) tea.Cmd {
	s.domainIn.Blur()
	s.mode = orgChoosingDomain
	s.addDom = domainChoice{pv: pv}
	return nil
}

// domainRows is how many users the dialog lists at once.
func (s *orgScreen) domainRows() int {
	return max(s.h-s.headerHeight()-7, 3)
}

func (s *orgScreen) updateDomainChoice(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	pv := s.addDom.pv
	switch {
	case key.Matches(msg, k.Yes):
		return s.addDomain(pv, true)
	case key.Matches(msg, k.AddOnly) && !pv.AlreadyAdded:
		return s.addDomain(pv, false)
	case key.Matches(msg, k.No):
		s.mode = orgViewing
		return status(statusInfo, "Cancelled: "+sanitizeLine(pv.Domain)+" was not added and nobody moved.")
	case msg.Type == tea.KeyEnter:
		s.addDom.nudged = true
		return nil
	}
	if d, ok := navDelta(k, msg, s.domainRows(), len(pv.Users)); ok {
		s.addDom.top = max(0, min(s.addDom.top+d, len(pv.Users)-s.domainRows()))
	}
	return nil
}

// addDomain adds the domain, moving the users previewed when move is set.
func (s *orgScreen) addDomain(pv domain.DomainPreview, move bool) tea.Cmd {
	s.mode = orgViewing
	s.saveReq = s.c.nextReq()
	req, desk, actor, id, raw := s.saveReq, s.c.desk, s.c.actor, s.id, pv.Domain
	return func() tea.Msg {
		res, err := desk.AddDomain(actor, id, raw, move)
		note := "Added " + raw + " to " + res.Org.Name
		switch n := len(res.Users); {
		case pv.AlreadyAdded:
			note = thousands(n) + " users at " + raw + " joined " + res.Org.Name
		case move && n > 0:
			note += "; " + thousands(n) + " users joined"
		case n > 0:
			note += "; nobody moved (" + thousands(n) + " users at " + raw + " keep no organization)"
		}
		return orgSavedMsg{req: req, org: res.Org, note: note + ".", err: err}
	}
}

// moveLabel is the y choice in words.
func (c domainChoice) moveLabel() string {
	switch n := len(c.pv.Users); {
	case c.pv.AlreadyAdded:
		return "move these " + thousands(n) + " users"
	case n == 0:
		return "add the domain"
	case n == 1:
		return "add and move this user"
	default:
		return "add and move these " + thousands(n) + " users"
	}
}

// domainChoiceView is the dialog, drawn where the members list goes.
func (s *orgScreen) domainChoiceView() string {
	st := s.c.st
	c := s.addDom
	pv := c.pv
	org, dom := sanitizeLine(pv.Org.Name), sanitizeLine(pv.Domain)
	var b strings.Builder
	title := "Add " + dom + " to " + org + "?"
	if pv.AlreadyAdded {
		title = org + " already has " + dom + ". Move its users without an organization?"
	}
	n := len(pv.Users)
	head := "No existing user would move."
	switch {
	case n == 1:
		head = "1 user without an organization at " + dom + " would join " + org + " if moved:"
	case n > 1:
		head = thousands(n) + " users without an organization at " + dom + " would join " + org + " if moved:"
	}
	rows := s.domainRows()
	pos := ""
	if n > rows {
		pos = "users " + thousands(c.top+1) + "–" + thousands(min(c.top+rows, n)) + " of " + thousands(n) + " · ↑/↓ scroll"
	}
	// The position shares the title's line, so the sentence about who
	// moves has the whole width and is never cut inside a word.
	b.WriteString(joinRight(" "+st.title.Render(cutWords(title, s.w-2-width(pos)-2)), st.muted.Render(pos)+" ", s.w) + "\n")
	b.WriteString(" " + st.value.Render(cutWords(head, s.w-2)) + "\n")
	for i := c.top; i < n && i < c.top+rows; i++ {
		u := pv.Users[i]
		line := sanitizeLine(u.Email)
		if u.Name != "" {
			line += "  " + sanitizeLine(u.Name)
		}
		b.WriteString("   " + st.value.Render(cut(line, s.w-4)) + "\n")
	}
	if !pv.AlreadyAdded {
		b.WriteString(" " + st.muted.Render(cutWords("New users at "+dom+" will join "+org+" either way.", s.w-2)) + "\n")
	}
	k := s.c.keys
	choice := func(b key.Binding, label string) string {
		return st.helpKey.Render(b.Help().Key) + st.helpDesc.Render(" "+label)
	}
	line := choice(k.Yes, c.moveLabel())
	if !pv.AlreadyAdded && n > 0 {
		line += st.helpSep.Render("   ") + choice(k.AddOnly, "add only (move nobody)")
	}
	line += st.helpSep.Render("   ") + choice(k.No, "cancel")
	b.WriteString("\n " + line)
	if c.nudged {
		b.WriteString("\n " + st.warnText.Render(cut("Enter does not choose here: press "+k.Yes.Help().Key+", "+k.AddOnly.Help().Key+" or "+k.No.Help().Key+".", s.w-2)))
	}
	return b.String()
}

func (s *orgScreen) domainChoiceHelp() []key.Binding {
	k := s.c.keys
	out := []key.Binding{keyHelp(k.Yes, s.addDom.moveLabel())}
	if !s.addDom.pv.AlreadyAdded && len(s.addDom.pv.Users) > 0 {
		out = append(out, keyHelp(k.AddOnly, "add only"))
	}
	return append(out, keyHelp(k.No, "cancel"), keyHelp(k.Down, "scroll"))
}

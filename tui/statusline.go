package tui

import tea "github.com/charmbracelet/bubbletea"

type statusKind int

const (
	statusInfo statusKind = iota
	statusOK
	statusErr
)

// statusLine is the line above the help line: the outcome of the last
// action (saved, refused and why) on the left, who is acting on the right.
// A message stays until the next one or until the screen changes, so an
// error cannot vanish before it is read.
type statusLine struct {
	c    *common
	text string
	kind statusKind
}

func (s *statusLine) Update(msg tea.Msg) {
	if m, ok := msg.(statusMsg); ok {
		s.text, s.kind = m.text, m.kind
	}
}

func (s *statusLine) clear() { s.text = "" }

func (s *statusLine) View(w int) string {
	st := s.c.st
	style := st.status
	prefix := ""
	switch s.kind {
	case statusErr:
		style, prefix = st.statusErr, "! "
	case statusOK:
		style, prefix = st.statusOK, "✓ "
	}
	left := ""
	if s.text != "" {
		left = style.Render(cut(prefix+s.text, w-1))
	}
	right := st.muted.Render(cut(sanitizeLine(s.c.actor.String()), w/3))
	// The message matters more than who is signed in: the name gives way.
	if ansiWidth(left)+ansiWidth(right)+3 > w {
		return " " + left
	}
	return joinRight(" "+left, right+" ", w)
}

// Notice is a message for the status line from outside the console (the
// mail worker running beside it), to pass to tea.Program.Send.
func Notice(text string, isErr bool) tea.Msg {
	kind := statusInfo
	if isErr {
		kind = statusErr
	}
	return statusMsg{text: sanitizeLine(text), kind: kind}
}

package tui

import (
	"encoding/base64"
	"io"

	tea "github.com/charmbracelet/bubbletea"
)

// copyable is a screen whose selection y copies to the clipboard: the
// selected user's email, conversation's id or organization's name. what
// is how the status line names it; ok is false when nothing is selected.
type copyable interface {
	copyText() (what, text string, ok bool)
}

// OSC52 is the escape sequence that asks the terminal to put text on the
// system clipboard (OSC 52, "c" selection, BEL-terminated): it works in a
// local terminal and through SSH, since it travels with the output.
func OSC52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
}

// OSC52Writer returns an Options.Clipboard that writes the OSC 52
// sequence to w, the terminal's output (the SSH session over SSH), in one
// write.
func OSC52Writer(w io.Writer) func(string) error {
	return func(text string) error {
		_, err := io.WriteString(w, OSC52(text))
		return err
	}
}

// copySelection copies what the screen has selected, and says so.
func (m *Model) copySelection(s copyable) tea.Cmd {
	what, text, ok := s.copyText()
	if !ok {
		return status(statusInfo, "Nothing selected to copy.")
	}
	clip := m.clipboard
	if clip == nil {
		return status(statusErr, "This console has no terminal to copy to; select the text with the mouse instead.")
	}
	return func() tea.Msg {
		if err := clip(text); err != nil {
			return statusMsg{text: "Could not copy to the clipboard: " + sanitizeLine(err.Error()) + ".", kind: statusErr}
		}
		return statusMsg{text: "Copied " + sanitizeLine(what) + " to the clipboard.", kind: statusOK}
	}
}

func (s *usersScreen) copyText() (string, string, bool) {
	u, ok := s.list.Selected()
	return u.Email, u.Email, ok
}

func (s *userScreen) copyText() (string, string, bool) {
	return s.user.Email, s.user.Email, s.loaded
}

func (s *inboxScreen) copyText() (string, string, bool) {
	r, ok := s.selected()
	id := itoa(int(r.conv.ID))
	return "conversation id " + id, id, ok
}

func (s *convScreen) copyText() (string, string, bool) {
	id := itoa(int(s.id))
	return "conversation id " + id, id, s.id != 0
}

func (s *orgsScreen) copyText() (string, string, bool) {
	o, ok := s.selected()
	return o.Name, o.Name, ok
}

func (s *orgScreen) copyText() (string, string, bool) {
	return s.org.Name, s.org.Name, s.loaded
}

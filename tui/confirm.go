package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// confirm is the dialog that stands between a key and an action that is
// hard to undo or surprising (disable a user, move users into an
// organization, create a possible duplicate, quit with unsaved edits). It
// says in words what will happen; only its letter (y) goes ahead, never
// Enter alone, which only reminds the agent of the letter.
type confirm struct {
	c   *common
	ask askMsg
	// nudged: enter was pressed; the dialog says which key confirms.
	nudged bool
}

func newConfirm(c *common, ask askMsg) *confirm { return &confirm{c: c, ask: ask} }

// Update returns done when the dialog should close, and the action to run.
func (d *confirm) Update(msg tea.KeyMsg) (done bool, cmd tea.Cmd) {
	switch {
	case key.Matches(msg, d.c.keys.Yes):
		return true, d.ask.yes
	case key.Matches(msg, d.c.keys.No):
		return true, status(statusInfo, "Cancelled.")
	case msg.Type == tea.KeyEnter:
		d.nudged = true
	}
	return false, nil
}

// yesLabel is what the confirming key does, in the dialog's words.
func (d *confirm) yesLabel() string {
	if d.ask.yesLabel != "" {
		return d.ask.yesLabel
	}
	return "Yes"
}

func (d *confirm) ShortHelp() []key.Binding {
	yes := d.c.keys.Yes
	yes.SetHelp(yes.Help().Key, strings.ToLower(d.yesLabel()))
	return []key.Binding{yes, d.c.keys.No}
}

func (d *confirm) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View draws the dialog at most w cells wide.
func (d *confirm) View(w int) string {
	st := d.c.st
	inner := min(w-4, 72)
	if inner < 20 {
		inner = max(w-4, 1)
	}
	var b strings.Builder
	b.WriteString(st.title.Render(d.ask.title))
	if d.ask.body != "" {
		b.WriteString("\n\n")
		b.WriteString(st.value.Render(d.ask.body))
	}
	yesKey, noKey := d.c.keys.Yes.Help().Key, d.c.keys.No.Help().Key
	b.WriteString("\n\n")
	b.WriteString(st.helpKey.Render(yesKey) + st.helpDesc.Render(" "+d.yesLabel()) + st.helpSep.Render("   ") +
		st.helpKey.Render(noKey) + st.helpDesc.Render(" Cancel"))
	if d.nudged {
		b.WriteString("\n\n")
		b.WriteString(st.value.Render("Enter does not confirm here: press " + yesKey + " to " +
			strings.ToLower(d.yesLabel()) + ", or " + noKey + " to cancel."))
	}
	box := st.box
	if d.ask.danger {
		box = st.dangerBox
	}
	// Width counts the padding, not the border: the text wraps at inner.
	return box.Width(inner + 2).Render(b.String())
}

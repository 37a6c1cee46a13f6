package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// confirm is the dialog that stands between a key and an action that is
// hard to undo or surprising (disable a user, move users into an
// organization, create a possible duplicate, quit with unsaved edits). It
// says in words what will happen; only y or enter goes ahead.
type confirm struct {
	c   *common
	ask askMsg
}

func newConfirm(c *common, ask askMsg) *confirm { return &confirm{c: c, ask: ask} }

// Update returns done when the dialog should close, and the action to run.
func (d *confirm) Update(msg tea.KeyMsg) (done bool, cmd tea.Cmd) {
	switch {
	case key.Matches(msg, d.c.keys.Yes):
		return true, d.ask.yes
	case key.Matches(msg, d.c.keys.No):
		return true, status(statusInfo, "Cancelled.")
	}
	return false, nil
}

func (d *confirm) ShortHelp() []key.Binding {
	yes := d.c.keys.Yes
	if d.ask.yesLabel != "" {
		yes.SetHelp(yes.Help().Key, strings.ToLower(d.ask.yesLabel))
	}
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
	yes := d.ask.yesLabel
	if yes == "" {
		yes = "Yes"
	}
	b.WriteString("\n\n")
	b.WriteString(st.helpKey.Render("y") + st.helpDesc.Render(" "+yes) + st.helpSep.Render("   ") +
		st.helpKey.Render("n") + st.helpDesc.Render(" Cancel"))
	box := st.box
	if d.ask.danger {
		box = st.dangerBox
	}
	// Width counts the padding, not the border: the text wraps at inner.
	return box.Width(inner + 2).Render(b.String())
}

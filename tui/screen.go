package tui

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
	"helpdesk/domain/demo"
)

// screen is one page of the console: a model with its own keys (for the
// help line) and a size set by the root. Screens are pointers and change in
// place; they never reach into each other: they post messages to the root
// (common.post), which opens, closes and switches screens.
type screen interface {
	Init() tea.Cmd
	Update(tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	// Title names the screen in the header.
	Title() string
	help.KeyMap
	// Capturing is true while a text field or a panel has the keyboard:
	// letters are then typing, not commands, so the root passes every key
	// (but ctrl+c) to the screen.
	Capturing() bool
	// Dirty is true when leaving would lose the agent's edits.
	Dirty() bool
}

// Messages screens send to the root to change what is shown.
type (
	openUserMsg struct {
		id domain.ID
		// replace the current screen (a saved form) instead of stacking.
		replace bool
	}
	openOrgMsg struct{ id domain.ID }
	// newUserMsg opens the New user form; org presets its organization
	// (the Organization screen's "add user here").
	newUserMsg struct{ org string }
	backMsg    struct{ force bool }
	showTabMsg struct {
		tab   int
		force bool
	}
	statusMsg struct {
		text string
		kind statusKind
	}
	// askMsg opens the confirm dialog; yes runs only if the agent confirms.
	askMsg struct {
		title, body string
		yesLabel    string
		danger      bool
		yes         tea.Cmd
	}
)

// Messages the root sends to every screen.
type (
	// deskEventsMsg carries changes committed by any session (this one
	// included), so open screens refresh.
	deskEventsMsg struct{ events []domain.Event }
	// orgNamesMsg refreshes the shared organization name cache.
	orgNamesMsg struct {
		names map[domain.ID]string
		err   error
	}
	// demoLoadedMsg says the welcome screen's demo load finished.
	demoLoadedMsg struct {
		sum   demo.Summary
		convs int
		err   error
	}
)

func status(kind statusKind, text string) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, kind: kind} }
}

// send is a command delivering msg: for a confirm's yes, which runs after
// the dialog closes.
func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// errStatus turns a failed call into a status line message.
func errStatus(prefix string, err error) tea.Cmd {
	return status(statusErr, prefix+sanitizeLine(err.Error()))
}

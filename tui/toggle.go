package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// Messages about users changed by this session.
type (
	// userChangedMsg carries the stored user after a change made here; note
	// is what the status line says about it.
	userChangedMsg struct {
		user domain.User
		note string
	}
	// errMsg is a failed action; the status line says what failed and why.
	errMsg struct {
		prefix string
		err    error
	}
)

// askToggle builds the confirm dialog for disabling or enabling u, saying
// what it does in words. We keep no pronouns, so the sentence uses the
// name.
func askToggle(c *common, u domain.User) askMsg {
	name := sanitizeLine(u.DisplayName())
	if u.State == domain.StateDisabled {
		back := u.StateBeforeDisable
		if back == "" || back == domain.StateDisabled {
			back = domain.StateActive
		}
		return askMsg{
			title:    "Enable " + name + "?",
			body:     domain.EnableSentence(name, back),
			yesLabel: "Enable",
			yes:      setStateCmd(c, u, false),
		}
	}
	return askMsg{
		title:    "Disable " + name + "?",
		body:     domain.DisableSentence(name) + "\n\nEnabling restores everything.",
		yesLabel: "Disable",
		danger:   true,
		yes:      setStateCmd(c, u, true),
	}
}

// setStateCmd disables or enables the version of u the agent saw: if
// another session changed the user since, the domain refuses with a
// conflict instead of acting on a state the agent did not see.
func setStateCmd(c *common, u domain.User, disable bool) tea.Cmd {
	desk, actor := c.desk, c.actor
	name := sanitizeLine(u.DisplayName())
	return func() tea.Msg {
		if disable {
			nu, err := desk.DisableUser(actor, u.ID, u.Version)
			if err != nil {
				return errMsg{prefix: "Not disabled: ", err: err}
			}
			return userChangedMsg{user: nu, note: "Disabled " + name + ": " + domain.DisableMeans + "."}
		}
		nu, err := desk.EnableUser(actor, u.ID, u.Version)
		if err != nil {
			return errMsg{prefix: "Not enabled: ", err: err}
		}
		return userChangedMsg{user: nu, note: "Enabled " + name + " (" + string(nu.State) + ")."}
	}
}

package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// An agent sending a customer a link from the user's screen: R queues a
// set-password link (earlier links keep working), V a new verification
// link for a pending user (earlier links stop working). Each waits for a
// confirm that says which; the status line then says the link is queued,
// not sent: the outbox sends it, or says why not.

// linkQueuedMsg is the outcome of SendReset or ResendVerification.
type linkQueuedMsg struct {
	id    domain.ID
	event domain.MailEvent
	email string
	err   error
}

func (s *userScreen) askReset() tea.Cmd {
	if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
		return cmd
	}
	email := sanitizeLine(s.user.Email)
	desk, actor, id := s.c.desk, s.c.actor, s.id
	return s.c.post(askMsg{
		title:    "Queue a set-password link to " + email + "?",
		body:     "Earlier links keep working.",
		yesLabel: "Queue link",
		yes: func() tea.Msg {
			u, err := desk.SendReset(actor, id)
			return linkQueuedMsg{id: id, event: domain.EventReset, email: u.Email, err: err}
		},
	})
}

func (s *userScreen) askResend() tea.Cmd {
	if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
		return cmd
	}
	email := sanitizeLine(s.user.Email)
	if s.user.State != domain.StatePending {
		return status(statusInfo, email+" is not pending: its address is verified already. "+
			s.c.keys.SendReset.Help().Key+" sends a set-password link.")
	}
	desk, actor, id := s.c.desk, s.c.actor, s.id
	return s.c.post(askMsg{
		title:    "Queue a new verification link to " + email + "?",
		body:     "Earlier links stop working.",
		yesLabel: "Queue link",
		yes: func() tea.Msg {
			u, err := desk.ResendVerification(actor, id)
			return linkQueuedMsg{id: id, event: domain.EventVerify, email: u.Email, err: err}
		},
	})
}

func (s *userScreen) linkQueued(msg linkQueuedMsg) tea.Cmd {
	if msg.id != s.id {
		return nil
	}
	if msg.err != nil {
		return errStatus("Not queued: ", msg.err)
	}
	email := sanitizeLine(msg.email)
	// With no transport the link is queued but held: the status line says
	// so in the domain's words, as the outbox does.
	held := ""
	if s.c.mailHeld != "" {
		held = ", held: " + s.c.mailHeld
	}
	note := "Set-password link queued for " + email + held + "."
	if msg.event == domain.EventVerify {
		note = "Verification link queued for " + email + held + "; earlier links no longer work."
	}
	return tea.Batch(s.loadAudit(), status(statusOK, note))
}

// linkKeys are R and V as the user's state offers them: V only while the
// user is pending, both hidden from an agent without users.write.
func (s *userScreen) linkKeys() (reset, resend key.Binding) {
	k := s.c.keys
	reset = s.c.gate(k.SendReset, domain.PermUsersWrite)
	resend = s.c.gate(k.ResendVerify, domain.PermUsersWrite)
	if s.loaded && s.user.State != domain.StatePending {
		resend.SetEnabled(false)
	}
	return reset, resend
}

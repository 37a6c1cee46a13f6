package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// The New user form warns, before saving, when the organization chosen or
// given by the email's domain is inactive (or is below an inactive one):
// the user would be created but could not sign in or get mail. The words
// are the domain's (Desk.OrgWarning), as user add prints them.

// orgWarnMsg is the warning for the organization named name ("" none).
type orgWarnMsg struct {
	req  uint64
	name string
	warn string
	err  error
}

// orgWarning is the form's warning state.
type orgWarning struct {
	req  uint64
	for_ string // the organization value the warning answers
	text string
	err  error
}

// checkOrg asks the desk about the organization in the form whenever the
// value changed since the last question; nil when it did not.
func (s *createUserScreen) checkOrg() tea.Cmd {
	name := strings.TrimSpace(s.form.Value("organization"))
	if name == s.orgWarn.for_ {
		return nil
	}
	s.orgWarn = orgWarning{req: s.c.nextReq(), for_: name}
	if name == "" {
		return nil
	}
	req, desk := s.orgWarn.req, s.c.desk
	return func() tea.Msg {
		o, err := desk.OrgByName(name)
		if domain.IsNotFound(err) {
			// A name still being typed: saving says what is wrong.
			return orgWarnMsg{req: req, name: name}
		}
		if err != nil {
			return orgWarnMsg{req: req, name: name, err: err}
		}
		w, err := desk.OrgWarning(o.ID)
		return orgWarnMsg{req: req, name: name, warn: w, err: err}
	}
}

func (s *createUserScreen) orgWarned(msg orgWarnMsg) {
	if msg.req != s.orgWarn.req {
		return
	}
	s.orgWarn.text, s.orgWarn.err = msg.warn, msg.err
}

// orgWarnView is the warning line under the form ("" when none).
func (s *createUserScreen) orgWarnView() string {
	st := s.c.st
	switch {
	case s.orgWarn.err != nil:
		return " " + st.errText.Render(cut("Could not tell whether "+sanitizeLine(s.orgWarn.for_)+" is active: "+sanitizeLine(s.orgWarn.err.Error()), s.w-2)) + "\n"
	case s.orgWarn.text != "":
		return " " + st.warnText.Width(max(s.w-2, 20)).Render("⚠ "+sanitizeLine(s.orgWarn.text)) + "\n"
	}
	return ""
}

package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// The account lifecycle on a user's screen: why the user cannot sign in,
// the agreement that applies and its acceptance, what moving the user to
// another organization means for agreements, and the permanent delete.

// userLife is read with the user: whether it may sign in, its sign-ins on
// the portal, and which agreement applies.
//
// Each part that could not be read keeps its error, which the screen shows
// in the error colour where the part goes: a failed lookup is never shown
// as a statement ("none", no groups, may sign in).
type userLife struct {
	signIn    string // why the user cannot sign in; "" when it can
	signInErr error
	// signIns is the sign-in state in words ("never signed in", "signed
	// in last at …"); signInsErr is why it could not be read, shown as an
	// error rather than as a state the user is not in.
	signIns    domain.SignInState
	signInsErr error
	agr        domain.AgreementStatus
	agrErr     error
	groups     userGroups
	groupsErr  error
}

func readLife(desk *domain.Desk, id domain.ID) userLife {
	var l userLife
	ok, why, err := desk.CanSignIn(id)
	if l.signInErr = err; err == nil && !ok {
		l.signIn = why
	}
	l.signIns, l.signInsErr = desk.SignInState(id)
	l.agr, l.agrErr = desk.AgreementStatus(id)
	l.groups.groups, l.groups.perms, l.groupsErr = desk.UserGroups(id)
	return l
}

// errRow is a property whose value could not be read: the error, in the
// error colour, where the value goes.
func (s *userScreen) errRow(row func(label, value, hint string) string, label, what string, err error) string {
	st := s.c.st
	line := row(label, "", "")
	return strings.TrimSuffix(line, st.muted.Render("—")) +
		st.errText.Render(cut("could not read "+what+": "+sanitizeLine(err.Error()), s.w-labelWidth-6))
}

type (
	movePreviewMsg struct {
		req     uint64
		version uint64
		org     string
		pv      domain.MovePreview
		err     error
	}
	// moveConfirmedMsg: the agent read what the move means; save now.
	moveConfirmedMsg struct {
		id      domain.ID
		version uint64
	}
	acceptedMsg struct {
		id  domain.ID
		st  domain.AgreementStatus
		err error
	}
	deletePreviewMsg struct {
		id  domain.ID
		pv  domain.DeletePreview
		err error
	}
	userDeletedMsg struct {
		id  domain.ID
		pv  domain.DeletePreview
		err error
	}
)

// deleteUser is the typed confirm of a permanent delete: what goes, and
// the user's email to type.
type deleteUser struct {
	pv   domain.DeletePreview
	in   textinput.Model
	err  string
	busy bool
}

// lifeRows are the sign-in and agreement lines of the properties.
func (s *userScreen) lifeRows(row func(label, value, hint string) string) []string {
	st := s.c.st
	var out []string
	label := "Sign-in"
	if err := s.life.signInErr; err != nil {
		out = append(out, s.errRow(row, label, "whether the user may sign in", err))
		label = ""
	} else if s.life.signIn != "" && s.user.State != domain.StateDisabled {
		line := row(label, "", "")
		// The reason replaces the dash, in the error colour.
		line = strings.TrimSuffix(line, st.muted.Render("—")) +
			st.errText.Render(cut("cannot sign in: "+sanitizeLine(s.life.signIn), s.w-labelWidth-6))
		out = append(out, line)
		label = ""
	}
	out = append(out, s.signInsRows(label, row)...)
	if err := s.life.agrErr; err != nil {
		out = append(out, s.errRow(row, "Agreement", "the agreement", err))
	} else if txt := s.life.agr.String(); txt != "" {
		hint := ""
		if s.life.agr.Pending() && s.c.actor.Can(domain.PermUsersWrite) {
			hint = "A records acceptance"
		}
		out = append(out, row("Agreement", sanitizeLine(txt), hint))
	}
	hint := ""
	if s.c.actor.Can(domain.PermUsersWrite) {
		hint = "p changes"
	}
	out = append(out, row("Notify", sanitizeLine(notifyLine(s.user)), hint))
	return append(out, s.groupRows(row)...)
}

// signInsRows are the user's sign-ins on the portal, in the desk's words:
// the last one and a lock in force, in the warning colour while locked, in
// the error colour when the state could not be read (never as "never
// signed in"). A state too long for the line goes one part a line, so the
// lock's end is never cut off. It names the link key that fits the user
// when there is room and the agent may use it.
func (s *userScreen) signInsRows(label string, row func(label, value, hint string) string) []string {
	st := s.c.st
	vw := s.w - labelWidth - 6
	styled := func(label string, render func(...string) string, text string) string {
		line := row(label, "", "")
		return strings.TrimSuffix(line, st.muted.Render("—")) + render(cut(text, vw))
	}
	if err := s.life.signInsErr; err != nil {
		return []string{styled(label, st.errText.Render, "could not read the sign-ins: "+sanitizeLine(err.Error()))}
	}
	text := sanitizeLine(s.life.signIns.String())
	if !s.life.signIns.LockedUntil.IsZero() {
		parts := []string{text}
		if ansiWidth(text) > vw {
			parts = strings.Split(text, "; ")
		}
		var out []string
		for i, p := range parts {
			if i > 0 {
				label = ""
			}
			out = append(out, styled(label, st.warnText.Render, p))
		}
		return out
	}
	hint, k := "", s.c.keys
	if s.c.actor.Can(domain.PermUsersWrite) {
		switch s.user.State {
		case domain.StatePending:
			hint = k.ResendVerify.Help().Key + " resends the verification link"
		case domain.StateActive:
			hint = k.SendReset.Help().Key + " sends a set-password link"
		}
	}
	if ansiWidth(text)+ansiWidth(hint)+2 > vw {
		hint = ""
	}
	return []string{row(label, text, hint)}
}

func (s *userScreen) askAccept() tea.Cmd {
	if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
		return cmd
	}
	a := s.life.agr
	who := sanitizeLine(s.user.DisplayName())
	switch {
	case s.life.agrErr != nil:
		return status(statusErr, "Could not read the agreement of "+who+": "+sanitizeLine(s.life.agrErr.Error())+"; try again.")
	case a.Agreement == nil:
		return status(statusInfo, "No agreement applies to "+who+".")
	case !a.Pending():
		return status(statusInfo, who+" already accepted "+sanitizeLine(a.Agreement.Label())+".")
	}
	label := sanitizeLine(a.Agreement.Label())
	desk, actor, id := s.c.desk, s.c.actor, s.id
	return s.c.post(askMsg{
		title:    "Record that " + who + " accepted " + label + "?",
		body:     "You record the acceptance on the customer's behalf: the audit trail names you, the time and version " + itoa(a.Agreement.Version) + ".",
		yesLabel: "Record acceptance",
		yes: func() tea.Msg {
			st, err := desk.RecordAcceptance(actor, id)
			return acceptedMsg{id: id, st: st, err: err}
		},
	})
}

// previewMove asks what moving the user to org means for agreements; the
// answer opens the confirm, and the save runs after it.
func (s *userScreen) previewMove(version uint64, org string) tea.Cmd {
	s.moveReq = s.c.nextReq()
	req, desk, id := s.moveReq, s.c.desk, s.id
	return func() tea.Msg {
		pv, err := desk.MoveUserPreview(id, org)
		return movePreviewMsg{req: req, version: version, org: org, pv: pv, err: err}
	}
}

func (s *userScreen) previewDelete() tea.Cmd {
	desk, id := s.c.desk, s.id
	return func() tea.Msg {
		pv, err := desk.DeletePreview(id)
		return deletePreviewMsg{id: id, pv: pv, err: err}
	}
}

func (s *userScreen) updateLife(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case movePreviewMsg:
		if msg.req != s.moveReq || !s.editing {
			return nil
		}
		if msg.err != nil {
			// The save says what is wrong with the organization, on the field.
			s.moveOK = true
			return s.save(msg.version)
		}
		who, org := sanitizeLine(s.base.DisplayName()), sanitizeLine(msg.org)
		title := "Move " + who + " to " + org + "?"
		if strings.TrimSpace(msg.org) == "" {
			title = "Take " + who + " out of " + sanitizeLine(s.c.orgs.name(s.base.OrgID)) + "?"
		}
		var body []string
		for _, sn := range msg.pv.Sentences() {
			body = append(body, sanitizeLine(sn)+".")
		}
		if len(body) == 0 {
			if msg.pv.Agreement == nil {
				body = append(body, "No agreement applies there; nothing to accept.")
			} else {
				body = append(body, sanitizeLine(msg.pv.Agreement.Label())+" applies there; nothing new to accept.")
			}
		}
		return s.c.post(askMsg{title: title, body: strings.Join(body, "\n"), yesLabel: "Save",
			yes: send(moveConfirmedMsg{id: s.id, version: msg.version})})
	case acceptedMsg:
		if msg.id != s.id {
			return nil
		}
		if msg.err != nil {
			return errStatus("Not recorded: ", msg.err)
		}
		s.life.agr = msg.st
		return tea.Batch(s.loadAudit(), status(statusOK, "Recorded: "+sanitizeLine(s.user.DisplayName())+" "+sanitizeLine(msg.st.String())+"."))
	case deletePreviewMsg:
		if msg.id != s.id {
			return nil
		}
		if msg.err != nil {
			return errStatus("Cannot delete: ", msg.err)
		}
		in := s.c.st.input(sanitizeLine(msg.pv.User.Email))
		in.Width = max(s.w-labelWidth-10, 10)
		s.del = &deleteUser{pv: msg.pv, in: in}
		return s.del.in.Focus()
	case userDeletedMsg:
		if msg.id != s.id || s.del == nil {
			return nil
		}
		s.del.busy = false
		if msg.err != nil {
			s.del.err = msg.err.Error()
			return errStatus("Not deleted: ", msg.err)
		}
		s.del = nil
		s.c.post(showTabMsg{tab: tabUsers, force: true})
		return status(statusOK, "Deleted "+sanitizeLine(msg.pv.User.Email)+" for good: removed the user, "+msg.pv.Summary()+".")
	}
	return nil
}

func (s *userScreen) moveConfirmed(msg moveConfirmedMsg) tea.Cmd {
	if msg.id != s.id || !s.editing {
		return nil
	}
	s.moveOK = true
	return s.save(msg.version)
}

// matches reports whether the typed email is the user's (any case).
func (d *deleteUser) matches() bool {
	return strings.EqualFold(strings.TrimSpace(d.in.Value()), d.pv.User.Email)
}

func (s *userScreen) updateDelete(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	d := s.del
	switch {
	case key.Matches(msg, k.Back):
		s.del = nil
		return status(statusInfo, "Cancelled; nothing was deleted.")
	case key.Matches(msg, k.Open):
		if d.busy {
			return nil
		}
		if !d.matches() {
			d.err = "type " + sanitizeLine(d.pv.User.Email) + " exactly (any case) to delete"
			return nil
		}
		d.busy = true
		desk, actor, id, typed := s.c.desk, s.c.actor, s.id, d.in.Value()
		return func() tea.Msg {
			pv, err := desk.DeleteUser(actor, id, typed)
			return userDeletedMsg{id: id, pv: pv, err: err}
		}
	}
	var cmd tea.Cmd
	d.in, cmd = d.in.Update(msg)
	cleanInput(&d.in)
	d.err = ""
	return cmd
}

func (s *userScreen) deleteView() string {
	st := s.c.st
	d := s.del
	inner := max(min(s.w-6, 72), 10)
	var b strings.Builder
	b.WriteString(st.title.Render("Delete " + sanitizeLine(d.pv.User.Email) + " for good?"))
	b.WriteString("\n\n" + st.value.Render("This removes the user and "+d.pv.Summary()+
		" (the queued mails are cancelled). It cannot be undone; disabling keeps everything."))
	b.WriteString("\n\n" + st.label.Render("Type the user's email to confirm:"))
	b.WriteString("\n" + d.in.View())
	switch {
	case d.err != "":
		b.WriteString("\n" + st.errText.Render("↳ "+sanitizeLine(d.err)))
	case d.matches():
		b.WriteString("\n" + st.helpKey.Render("enter") + st.helpDesc.Render(" Delete for good") + st.helpSep.Render("   ") +
			st.helpKey.Render("esc") + st.helpDesc.Render(" Cancel"))
	default:
		b.WriteString("\n" + st.muted.Render("delete stays off until the email matches · esc cancels"))
	}
	return " " + indentAfterFirst(st.dangerBox.Width(inner+2).Render(b.String()), 1)
}

// userGroups is the user's groups and the customer permissions they give.
type userGroups struct {
	groups []domain.Group
	perms  domain.CustomerPerms
}

type prefsSavedMsg struct {
	id   domain.ID
	user domain.User
	err  error
}

// notifyLine is the channels row: "email for everything" or the events
// that go another way.
func notifyLine(u domain.User) string {
	if s := u.NotifySummary(); s != "" {
		return s
	}
	return "email for everything"
}

// groupRows are the user's groups, then each permission they give and the
// groups it comes from.
func (s *userScreen) groupRows(row func(label, value, hint string) string) []string {
	if err := s.life.groupsErr; err != nil {
		return []string{s.errRow(row, "Groups", "the customer groups", err)}
	}
	g := s.life.groups
	if len(g.groups) == 0 {
		return nil
	}
	names := make([]string, len(g.groups))
	for i, gr := range g.groups {
		names[i] = sanitizeLine(gr.Name)
	}
	out := []string{row("Groups", strings.Join(names, ", "), "")}
	for _, p := range domain.CustomerPermNames() {
		perm, err := domain.ParseCustomerPerms(p)
		if err != nil || g.perms&perm == 0 {
			continue
		}
		var from []string
		for _, gr := range g.groups {
			if gr.Perms&perm != 0 {
				from = append(from, sanitizeLine(gr.Name))
			}
		}
		out = append(out, row("", p+" — from "+strings.Join(from, ", "), ""))
	}
	return out
}

func (s *userScreen) startPrefs() tea.Cmd {
	u := s.user
	f := newForm(s.c)
	f.addText("language", "Language", "e.g. en, fr, pt-BR")
	f.Load("language", u.Language)
	for _, e := range domain.NotifyEvents {
		f.addChoice(string(e), "On "+string(e), string(domain.ChannelEmail), string(domain.ChannelSMS), string(domain.ChannelNone))
		f.Load(string(e), string(u.Channel(e)))
	}
	f.width = s.w - 2
	s.prefs = f
	return f.FocusOn(0)
}

// smsReason says why SMS cannot be chosen for this user ("" when it can).
func (s *userScreen) smsReason() string {
	if strings.TrimSpace(s.user.Phone) == "" {
		return "SMS needs a mobile number: this user has no phone; e sets one in E.164 form such as +33612345678"
	}
	if _, err := domain.E164(s.user.Phone); err != nil {
		return "SMS needs an E.164 mobile number: " + sanitizeLine(s.user.Phone) + " is not one; use a form such as +33612345678"
	}
	return ""
}

// checkSMS puts the reason under every event set to SMS that cannot be,
// and reports whether any is.
func (s *userScreen) checkSMS() bool {
	why, bad := s.smsReason(), false
	for _, e := range domain.NotifyEvents {
		fl := s.prefs.field(string(e))
		fl.err = ""
		if why != "" && fl.Value() == string(domain.ChannelSMS) {
			fl.err, bad = why, true
		}
	}
	return bad
}

func (s *userScreen) updatePrefs(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Back):
		s.prefs = nil
		return status(statusInfo, "Cancelled; preferences unchanged.")
	case key.Matches(msg, k.Save):
		return s.savePrefs()
	}
	cmd, submit := s.prefs.Update(msg)
	s.checkSMS()
	if submit {
		return tea.Batch(cmd, s.savePrefs())
	}
	return cmd
}

func (s *userScreen) savePrefs() tea.Cmd {
	if s.checkSMS() {
		return status(statusErr, "Not saved: "+s.smsReason()+".")
	}
	var p domain.Preferences
	if s.prefs.Changed("language") {
		v := s.prefs.Value("language")
		p.Language = &v
	}
	for _, e := range domain.NotifyEvents {
		if s.prefs.Changed(string(e)) {
			if p.Notify == nil {
				p.Notify = map[domain.MailEvent]domain.Channel{}
			}
			p.Notify[e] = domain.Channel(s.prefs.Value(string(e)))
		}
	}
	if p.Language == nil && p.Notify == nil {
		s.prefs = nil
		return status(statusInfo, "Nothing changed.")
	}
	desk, actor, id := s.c.desk, s.c.actor, s.id
	return func() tea.Msg {
		u, err := desk.SetPreferences(actor, id, p)
		return prefsSavedMsg{id: id, user: u, err: err}
	}
}

func (s *userScreen) prefsSaved(msg prefsSavedMsg) tea.Cmd {
	if msg.id != s.id || s.prefs == nil {
		return nil
	}
	if msg.err != nil {
		if s.prefs.SetError(msg.err) {
			return status(statusErr, "Not saved: "+sanitizeLine(msg.err.Error()))
		}
		return errStatus("Not saved: ", msg.err)
	}
	s.prefs, s.user = nil, msg.user
	return tea.Batch(s.load(), s.loadAudit(), status(statusOK, "Saved the preferences of "+sanitizeLine(msg.user.DisplayName())+"."))
}

package tui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// auditShown is how many history entries a user or organization screen
// reads; the audit log screen pages through the rest.
const auditShown = 100

type (
	userLoadedMsg struct {
		req  uint64
		user domain.User
		err  error
		// life is what the account lifecycle says about the user: why it
		// cannot sign in, which agreement applies.
		life userLife
	}
	auditMsg struct {
		req     uint64
		entries []domain.AuditEntry
		err     error
	}
	userSavedMsg struct {
		req  uint64
		user domain.User
		err  error
	}
	// freshUserMsg is the newer version read after a conflict.
	freshUserMsg struct {
		req  uint64
		user domain.User
		err  error
	}
)

// userScreen shows one user: every property, the organization (o opens
// it), the state with the disable/enable toggle, and the user's history.
// e edits the properties in place. A save names the version it was based
// on; if another session saved in between, the screen says who, keeps the
// agent's edits on screen and lets them choose: reload, or apply their
// edits on top of the new version. Nothing is overwritten silently.
type userScreen struct {
	c       *common
	id      domain.ID
	user    domain.User
	loaded  bool
	err     error
	loadReq uint64

	audit    []domain.AuditEntry
	auditReq uint64
	auditTop int

	editing  bool
	form     *form
	base     domain.User // the version the edit started from
	saveReq  uint64
	conflict *domain.ConflictError
	fresh    *domain.User
	freshReq uint64
	// stale: another session changed the user during the edit.
	stale bool

	life userLife
	// moveOK: the agent confirmed what the organization change means for
	// agreements; the save may go.
	moveOK  bool
	moveReq uint64
	del     *deleteUser
	prefs   *form // the preferences form, while open

	w, h int
}

func newUserScreen(c *common, id domain.ID) *userScreen { return &userScreen{c: c, id: id} }

func (s *userScreen) Title() string {
	if !s.loaded {
		return "User"
	}
	return sanitizeLine(s.user.DisplayName())
}

func (s *userScreen) Init() tea.Cmd { return tea.Batch(s.load(), s.loadAudit()) }

func (s *userScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.form != nil {
		s.form.width = w - 2
	}
}

func (s *userScreen) Capturing() bool { return s.editing || s.del != nil || s.prefs != nil }
func (s *userScreen) Dirty() bool     { return s.editing && s.form.Dirty() }

func (s *userScreen) load() tea.Cmd {
	s.loadReq = s.c.nextReq()
	req, desk, id := s.loadReq, s.c.desk, s.id
	return func() tea.Msg {
		u, err := desk.User(id)
		var life userLife
		if err == nil {
			life = readLife(desk, id)
		}
		return userLoadedMsg{req: req, user: u, err: err, life: life}
	}
}

func (s *userScreen) loadAudit() tea.Cmd {
	s.auditReq = s.c.nextReq()
	req, desk, id := s.auditReq, s.c.desk, s.id
	return func() tea.Msg {
		es, err := desk.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: id}, 0, auditShown)
		return auditMsg{req: req, entries: es, err: err}
	}
}

func (s *userScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case userLoadedMsg:
		if msg.req != s.loadReq {
			return nil
		}
		if msg.err != nil {
			s.err = msg.err
			return nil
		}
		s.user, s.loaded, s.err, s.life = msg.user, true, nil, msg.life
		return nil
	case auditMsg:
		if msg.req == s.auditReq && msg.err == nil {
			s.audit = msg.entries
		}
		return nil
	case userChangedMsg:
		if msg.user.ID == s.id && !s.editing {
			s.user = msg.user
			return tea.Batch(s.load(), s.loadAudit())
		}
		return nil
	case deskEventsMsg:
		if !touches(msg, domain.SubjectUser, s.id) && !touchesKind(msg, domain.SubjectOrg) {
			return nil
		}
		if s.editing {
			// Keep the agent's edits; the save will meet the conflict and
			// offer the choice. Say so now rather than then.
			s.stale = true
			return nil
		}
		return tea.Batch(s.load(), s.loadAudit())
	case orgNamesMsg:
		if s.form != nil {
			s.form.field("organization").pick.SetItems(s.c.orgs.names)
		}
		return nil
	case discardEditMsg:
		if msg.id == s.id && s.editing {
			s.stopEdit()
		}
		return nil
	case userSavedMsg:
		return s.saved(msg)
	case freshUserMsg:
		if msg.req == s.freshReq && msg.err == nil {
			u := msg.user
			s.fresh = &u
		}
		return nil
	case movePreviewMsg, acceptedMsg, deletePreviewMsg, userDeletedMsg:
		return s.updateLife(msg)
	case moveConfirmedMsg:
		return s.moveConfirmed(msg)
	case prefsSavedMsg:
		return s.prefsSaved(msg)
	case linkQueuedMsg:
		return s.linkQueued(msg)
	case tea.KeyMsg:
		if s.del != nil {
			return s.updateDelete(msg)
		}
		if s.prefs != nil {
			return s.updatePrefs(msg)
		}
		if s.conflict != nil {
			return s.updateConflict(msg)
		}
		if s.editing {
			return s.updateEdit(msg)
		}
		return s.updateView(msg)
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonWheelDown {
			s.scrollAudit(3)
		}
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonWheelUp {
			s.scrollAudit(-3)
		}
	}
	return nil
}

// touches reports whether the events concern the record kind/id (an import
// may concern anything).
func touches(m deskEventsMsg, kind string, id domain.ID) bool {
	for _, e := range m.events {
		if (e.Kind == kind && e.ID == id) || e.Kind == "import" {
			return true
		}
	}
	return false
}

func (s *userScreen) scrollAudit(d int) {
	s.auditTop = max(0, min(s.auditTop+d, len(s.audit)-1))
}

func (s *userScreen) updateView(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if !s.loaded {
		return nil
	}
	switch {
	case key.Matches(msg, k.Edit):
		if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
			return cmd
		}
		return s.startEdit()
	case key.Matches(msg, k.Toggle):
		if cmd := s.c.refuse(domain.PermUsersDisable); cmd != nil {
			return cmd
		}
		return s.c.post(askToggle(s.c, s.user))
	case key.Matches(msg, k.UserConvs):
		return s.c.post(openInboxMsg{requester: s.id, who: sanitizeLine(s.user.DisplayName())})
	case key.Matches(msg, k.NewConv):
		if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
			return cmd
		}
		return s.c.post(newConvMsg{userID: s.id, who: sanitizeLine(s.user.DisplayName()) + " <" + sanitizeLine(s.user.Email) + ">"})
	case key.Matches(msg, k.AcceptAgreement):
		return s.askAccept()
	case key.Matches(msg, k.Preferences):
		if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
			return cmd
		}
		return s.startPrefs()
	case key.Matches(msg, k.SendReset):
		return s.askReset()
	case key.Matches(msg, k.ResendVerify):
		return s.askResend()
	case key.Matches(msg, k.DeleteUser):
		if cmd := s.c.refuse(domain.PermUsersDelete); cmd != nil {
			return cmd
		}
		return s.previewDelete()
	case key.Matches(msg, k.OpenOrg):
		if s.user.OrgID != 0 {
			return s.c.post(openOrgMsg{id: s.user.OrgID})
		}
		return status(statusInfo, sanitizeLine(s.user.DisplayName())+" has no organization; e edits it.")
	case key.Matches(msg, k.Down):
		s.scrollAudit(1)
	case key.Matches(msg, k.Up):
		s.scrollAudit(-1)
	}
	return nil
}

func (s *userScreen) startEdit() tea.Cmd {
	u := s.user
	f := newForm(s.c)
	f.addText("email", "Email", "ann@example.com")
	f.addText("name", "Name", "Full name")
	f.addPicker("organization", "Organization", s.c.orgs.names, "none")
	f.addPicker("time zone", "Time zone", zoneNames, "e.g. Europe/Paris")
	f.addText("language", "Language", "e.g. en, fr, pt-BR")
	f.addText("phone", "Phone", "")
	f.addChoice("role", "Role", string(domain.RoleCustomer), string(domain.RoleCollaborator))
	f.addArea("notes", "Notes", "notes for agents; enter starts a new line")
	f.Load("email", u.Email)
	f.Load("name", u.Name)
	f.Load("organization", s.c.orgs.name(u.OrgID))
	f.Load("time zone", u.TimeZone)
	f.Load("language", u.Language)
	f.Load("phone", u.Phone)
	f.Load("role", string(u.Role))
	f.Load("notes", u.Notes)
	f.width = s.w - 2
	s.form, s.base, s.editing, s.stale, s.moveOK = f, u, true, false, false
	return f.FocusOn(1)
}

func (s *userScreen) updateEdit(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Save):
		return s.save(s.base.Version)
	case key.Matches(msg, k.Back):
		if !s.form.Dirty() {
			s.stopEdit()
			return nil
		}
		return s.c.post(askMsg{
			title:    "Discard your edits to " + sanitizeLine(s.base.DisplayName()) + "?",
			body:     "The user stays as stored.",
			yesLabel: "Discard",
			yes:      send(discardEditMsg{id: s.id}),
		})
	}
	cmd, submit := s.form.Update(msg)
	if submit {
		return tea.Batch(cmd, s.save(s.base.Version))
	}
	return cmd
}

// discardEditMsg ends an edit after the agent confirmed losing it.
type discardEditMsg struct{ id domain.ID }

func (s *userScreen) stopEdit() {
	s.editing, s.conflict, s.fresh, s.stale, s.moveOK = false, nil, nil, false, false
	s.form = nil
}

// patch holds the fields the agent changed, and only those: applied to a
// newer version, it leaves the other session's changes to other fields
// alone.
func (s *userScreen) patch() (domain.UserPatch, bool) {
	var p domain.UserPatch
	f := s.form
	set := func(key string, dst **string) {
		if f.Changed(key) {
			v := f.Value(key)
			*dst = &v
		}
	}
	set("email", &p.Email)
	set("name", &p.Name)
	set("organization", &p.Org)
	set("time zone", &p.TimeZone)
	set("language", &p.Language)
	set("phone", &p.Phone)
	set("role", &p.Role)
	set("notes", &p.Notes)
	return p, p != domain.UserPatch{}
}

func (s *userScreen) save(version uint64) tea.Cmd {
	p, changed := s.patch()
	if !changed {
		s.stopEdit()
		return status(statusInfo, "Nothing changed.")
	}
	if p.Org != nil && !s.moveOK {
		return s.previewMove(version, *p.Org)
	}
	s.form.ClearErrors()
	s.saveReq = s.c.nextReq()
	req, desk, actor, id := s.saveReq, s.c.desk, s.c.actor, s.id
	return func() tea.Msg {
		u, err := desk.UpdateUser(actor, id, version, p)
		return userSavedMsg{req: req, user: u, err: err}
	}
}

func (s *userScreen) saved(msg userSavedMsg) tea.Cmd {
	if msg.req != s.saveReq || !s.editing {
		return nil
	}
	var conflict *domain.ConflictError
	var dup *domain.DuplicateEmailError
	switch {
	case msg.err == nil:
		s.user = msg.user
		s.stopEdit()
		// Reread too: the sign-in and agreement lines follow the organization.
		return tea.Batch(s.load(), s.loadAudit(), status(statusOK, "Saved "+sanitizeLine(msg.user.DisplayName())+"."))
	case errors.As(msg.err, &conflict):
		s.conflict = conflict
		s.form.Blur()
		s.freshReq = s.c.nextReq()
		req, desk, id := s.freshReq, s.c.desk, s.id
		return tea.Batch(
			status(statusErr, "Not saved: "+sanitizeLine(conflict.By)+" changed this user meanwhile."),
			func() tea.Msg {
				u, err := desk.User(id)
				return freshUserMsg{req: req, user: u, err: err}
			})
	case errors.As(msg.err, &dup):
		s.form.field("email").err = "already belongs to " + sanitizeLine(dup.Existing.DisplayName())
		return status(statusErr, "Not saved: "+sanitizeLine(dup.Error()))
	case s.form.SetError(msg.err):
		return status(statusErr, "Not saved: "+sanitizeLine(msg.err.Error()))
	}
	return errStatus("Not saved: ", msg.err)
}

func (s *userScreen) updateConflict(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Reload):
		s.stopEdit()
		return tea.Batch(s.load(), s.loadAudit(), status(statusInfo, "Reloaded; your edits were dropped."))
	case key.Matches(msg, k.ApplyMine):
		if s.fresh == nil {
			return nil
		}
		// Edits are judged against the version they started from; the save
		// now names the newer version, so it goes through only if nobody
		// changed the user again since it was read.
		s.conflict = nil
		s.base = *s.fresh
		return s.save(s.base.Version)
	case key.Matches(msg, k.Back):
		s.conflict = nil
		return s.form.FocusOn(s.form.focus)
	}
	return nil
}

func (s *userScreen) View() string {
	st := s.c.st
	if s.err != nil {
		return " " + st.errText.Render(cut(sanitizeLine(s.err.Error()), s.w-2))
	}
	if !s.loaded {
		return " " + st.muted.Render("Loading…")
	}
	u := s.user
	var b strings.Builder
	title := st.title.Render(cut(sanitizeLine(u.DisplayName()), s.w/2)) + st.muted.Render("  <"+cut(sanitizeLine(u.Email), s.w/3)+">")
	stateStyle := st.value
	if u.State == domain.StateDisabled {
		stateStyle = st.errText
	}
	b.WriteString(joinRight(" "+title, stateStyle.Render(stateLabel(u.State))+" ", s.w))
	b.WriteString("\n")
	switch {
	case s.del != nil:
		b.WriteString("\n" + s.deleteView())
	case s.prefs != nil:
		b.WriteString(" " + st.title.Render("Preferences") + st.muted.Render(cut("  language, and how each event reaches the customer", s.w-14)) + "\n")
		b.WriteString(s.prefs.View())
	case s.conflict != nil:
		b.WriteString(s.conflictView())
		b.WriteString("\n" + s.form.View())
		return b.String()
	case s.editing:
		if s.stale {
			b.WriteString(" " + st.warnText.Render("Another session changed this user since you started; saving will ask what to keep.") + "\n")
		} else {
			b.WriteString("\n")
		}
		b.WriteString(s.form.View())
	default:
		b.WriteString("\n")
		b.WriteString(s.props())
	}
	b.WriteString("\n" + s.metaView())
	used := strings.Count(b.String(), "\n") + 1
	if rest := s.h - used - 2; rest > 0 {
		b.WriteString("\n\n" + s.historyView(rest))
	}
	return b.String()
}

func (s *userScreen) props() string {
	st := s.c.st
	u := s.user
	vw := s.w - labelWidth - 6
	row := func(label, value, hint string) string {
		v := value
		if v == "" {
			v = st.muted.Render("—")
		} else {
			v = st.value.Render(cut(v, vw-ansiWidth(hint)-2))
		}
		line := "  " + st.label.Render(fit(label, labelWidth)) + "  " + v
		if hint != "" {
			line = joinRight(line, st.muted.Render(hint)+" ", s.w)
		}
		return line
	}
	org := s.c.orgs.name(u.OrgID)
	orgHint := ""
	if u.OrgID != 0 {
		orgHint = "o opens"
	}
	toggle := "d disables"
	if u.State == domain.StateDisabled {
		toggle = "d enables"
	}
	state := stateLabel(u.State)
	if u.State == domain.StateDisabled {
		state += " — " + domain.DisableMeans
	}
	lines := []string{
		row("Email", sanitizeLine(u.Email), ""),
		row("Name", sanitizeLine(u.Name), ""),
		row("Organization", org, orgHint),
		row("Time zone", sanitizeLine(u.TimeZone), ""),
		row("Language", sanitizeLine(u.Language), ""),
		row("Phone", sanitizeLine(u.Phone), ""),
		row("Role", sanitizeLine(string(u.Role)), ""),
		row("State", state, toggle),
	}
	lines = append(lines, s.lifeRows(row)...)
	notes := strings.Split(sanitize(u.Notes), "\n")
	lines = append(lines, row("Notes", notes[0], ""))
	for i, n := range notes[1:] {
		if i == 2 {
			lines = append(lines, strings.Repeat(" ", labelWidth+4)+st.muted.Render("…"))
			break
		}
		lines = append(lines, strings.Repeat(" ", labelWidth+4)+st.value.Render(cut(n, vw)))
	}
	return strings.Join(lines, "\n")
}

func (s *userScreen) metaView() string {
	st := s.c.st
	u := s.user
	return "  " + st.label.Render(fit("Created", labelWidth)) + "  " + st.muted.Render(s.c.when(u.CreatedAt)) + "\n" +
		"  " + st.label.Render(fit("Updated", labelWidth)) + "  " +
		st.muted.Render(cut(s.c.when(u.UpdatedAt)+" by "+sanitizeLine(u.UpdatedBy)+" · version "+itoa(int(u.Version)), s.w-labelWidth-6))
}

func (s *userScreen) historyView(h int) string {
	st := s.c.st
	var b strings.Builder
	b.WriteString(" " + st.title.Render("History") + st.muted.Render(" ("+itoa(len(s.audit))+")"))
	if len(s.audit) == 0 {
		return b.String()
	}
	cols := auditColsFor(s.w, false, s.audit)
	for i := s.auditTop; i < len(s.audit) && i-s.auditTop < h-1; i++ {
		b.WriteString("\n" + auditLine(s.c, s.audit[i], cols, s.w, false))
	}
	return b.String()
}

// conflictView says who changed the user meanwhile and what, next to what
// the agent changed, and the three ways on.
func (s *userScreen) conflictView() string {
	st := s.c.st
	c := s.conflict
	var b strings.Builder
	b.WriteString(" " + st.errText.Render(cut("Not saved: "+sanitizeLine(c.By)+" changed this user at "+s.c.when(c.At)+", after you opened it.", s.w-2)))
	if s.fresh != nil {
		theirs := userFieldDiff(s.c, s.base, *s.fresh)
		if theirs != "" {
			b.WriteString("\n " + st.warnText.Render(cut("Their change: "+theirs, s.w-2)))
		}
	}
	var mine []string
	for _, fl := range s.form.fields {
		if fl.Value() != fl.initial {
			mine = append(mine, fl.label+": "+sanitizeLine(fl.Value()))
		}
	}
	b.WriteString("\n " + st.value.Render(cut("Your edits (kept below): "+strings.Join(mine, "; "), s.w-2)))
	k := s.c.keys
	b.WriteString("\n " + st.helpKey.Render(k.Reload.Help().Key) + st.helpDesc.Render(" reload, dropping your edits   ") +
		st.helpKey.Render(k.ApplyMine.Help().Key) + st.helpDesc.Render(" apply your edits to their version   ") +
		st.helpKey.Render("esc") + st.helpDesc.Render(" keep editing"))
	return b.String()
}

// userFieldDiff names the fields that differ between two versions.
func userFieldDiff(c *common, a, b domain.User) string {
	var parts []string
	add := func(name, x, y string) {
		if x != y {
			parts = append(parts, name+": "+sanitizeLine(x)+" → "+sanitizeLine(y))
		}
	}
	add("email", a.Email, b.Email)
	add("name", a.Name, b.Name)
	add("organization", c.orgs.name(a.OrgID), c.orgs.name(b.OrgID))
	add("time zone", a.TimeZone, b.TimeZone)
	add("language", a.Language, b.Language)
	add("phone", a.Phone, b.Phone)
	add("role", string(a.Role), string(b.Role))
	add("state", string(a.State), string(b.State))
	add("notes", a.Notes, b.Notes)
	return strings.Join(parts, "; ")
}

func (s *userScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	switch {
	case s.del != nil:
		return []key.Binding{keyHelp(k.Open, "delete"), keyHelp(k.Back, "cancel")}
	case s.prefs != nil:
		return []key.Binding{k.Save, keyHelp(k.NextField, "next"), k.ChoiceNext, keyHelp(k.Back, "cancel")}
	case s.conflict != nil:
		return []key.Binding{k.Reload, k.ApplyMine, keyHelp(k.Back, "keep editing")}
	case s.editing:
		return []key.Binding{k.Save, keyHelp(k.NextField, "next"), keyHelp(k.Back, "cancel")}
	}
	toggle := keyHelp(k.Toggle, "disable")
	if s.user.State == domain.StateDisabled {
		toggle = keyHelp(k.Toggle, "enable")
	}
	short := []key.Binding{s.c.gate(k.Edit, domain.PermUsersWrite), s.c.gate(toggle, domain.PermUsersDisable), k.OpenOrg}
	if s.life.agr.Pending() {
		short = append(short, s.c.gate(k.AcceptAgreement, domain.PermUsersWrite))
	}
	// The link that fits the user: a new verification link while it is
	// pending, else a set-password link (none goes to a disabled user).
	reset, resend := s.linkKeys()
	switch s.user.State {
	case domain.StatePending:
		short = append(short, resend)
	case domain.StateActive:
		short = append(short, reset)
	}
	return append(short, keyHelp(k.Down, "history"), k.Back)
}

func (s *userScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	reset, resend := s.linkKeys()
	return [][]key.Binding{
		{s.c.gate(k.Edit, domain.PermUsersWrite), s.c.gate(k.Toggle, domain.PermUsersDisable), k.OpenOrg,
			keyHelp(k.Up, "scroll history"), keyHelp(k.Down, "scroll history")},
		{k.Save, k.NextField, k.PrevField, k.Clear, k.Pick, k.ChoiceNext},
		{k.Reload, k.ApplyMine},
		{k.UserConvs, s.c.gate(k.NewConv, domain.PermUsersWrite)},
		{s.c.gate(k.AcceptAgreement, domain.PermUsersWrite), s.c.gate(k.Preferences, domain.PermUsersWrite),
			s.c.gate(k.DeleteUser, domain.PermUsersDelete)},
		{reset, resend},
	}
}

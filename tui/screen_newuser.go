package tui

import (
	"errors"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// suggestRows is how many suggestions the box under the email shows.
const suggestRows = 5

type (
	suggestMsg struct {
		req   uint64
		query string
		res   domain.Suggestions
		err   error
	}
	orgSuggestMsg struct {
		req uint64
		org domain.Organization
		via string
		err error
	}
	// nearFoundMsg: the save found possible duplicates the agent has not
	// confirmed yet.
	nearFoundMsg struct {
		in   domain.UserInput
		near []domain.Suggestion
		// mixed names the scripts the local part mixes ("Cyrillic and
		// Latin"), which needs the confirm even with no near match.
		mixed string
	}
	// duplicateMsg: the save found the email taken.
	duplicateMsg struct{ owner domain.Suggestion }
	createdMsg   struct{ user domain.User }
	createErrMsg struct{ err error }
	// groupsMsg lists the customer groups the form offers.
	groupsMsg struct {
		groups []domain.Group
		err    error
	}
)

// createUserScreen is the form that creates a user. The email comes first and
// is checked against every existing user on each keystroke: the exact
// owner blocks the save (and can be opened instead), near matches need one
// more confirm, and the email's domain prefills the organization.
type createUserScreen struct {
	c    *common
	form *form
	box  suggestBox
	// orgWarn warns of an inactive organization before saving.
	orgWarn orgWarning

	suggReq uint64
	// shown is the query the box's suggestions answer; exact and near are
	// only trusted while it equals the email typed.
	shown     string
	lastEmail string

	orgReq     uint64
	orgTouched bool // the agent changed or cleared the organization
	orgVia     string
	orgAuto    string

	saving bool
	// thenConv: the save was ctrl+g, so the created user's screen is
	// replaced by the new-conversation form for them.
	thenConv bool
	w, h     int

	// groups are the customer groups on offer, chosen the ones ticked
	// (by id), groupAt the one under the cursor while the field has focus.
	groups  []domain.Group
	chosen  []domain.ID
	groupAt int
	// body overrides the account mail's text for this user; it has the
	// keyboard when bodyFocus (tab from the subject).
	body      textarea.Model
	bodyFocus bool
}

func newCreateUserScreen(c *common) *createUserScreen {
	s := &createUserScreen{c: c, form: newForm(c)}
	s.box = suggestBox{c: c, rows: suggestRows}
	f := s.form
	f.addText("email", "Email", "ann@example.com")
	f.addText("name", "Name", "Full name")
	f.addPicker("organization", "Organization", c.orgs.names, "none (or by email domain)")
	f.addPicker("time zone", "Time zone", zoneNames, "e.g. Europe/Paris")
	f.addText("language", "Language", "e.g. en, fr, pt-BR")
	f.addText("phone", "Phone", "")
	f.addChoice("role", "Role", string(domain.RoleCustomer), string(domain.RoleCollaborator))
	// What the creation mails the user: a verification link (the default),
	// a welcome, or nothing.
	f.addChoice("mail", "Account mail", string(domain.MailVerify), string(domain.MailWelcome), string(domain.MailNone))
	// This user's mail may say something else than the template: a
	// subject here, the body in the box under the form (tab from here).
	f.addText("subject", "Mail subject", "the template's; tab: write the body too")
	s.body = c.st.textarea("The template's body; or write this user's own (the template tags work).")
	f.field("email").input.CharLimit = 254
	f.field("name").input.CharLimit = 200
	return s
}

// withOrg presets the organization (the Organization screen's "add user
// here"): it counts as the agent's choice, so the email's domain does not
// replace it, and the form is not dirty until something is typed.
func (s *createUserScreen) withOrg(name string) *createUserScreen {
	if name == "" {
		return s
	}
	s.form.Load("organization", name)
	s.orgTouched = true
	return s
}

func (s *createUserScreen) Title() string { return "New user" }
func (s *createUserScreen) Init() tea.Cmd {
	desk := s.c.desk
	return tea.Batch(s.form.FocusOn(0), s.checkOrg(), func() tea.Msg {
		gs, err := desk.Groups()
		return groupsMsg{groups: gs, err: err}
	})
}
func (s *createUserScreen) Capturing() bool { return true }
func (s *createUserScreen) Dirty() bool {
	return s.form.Dirty() || len(s.chosen) > 0 || strings.TrimSpace(s.body.Value()) != ""
}

func (s *createUserScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.form.width = w
	s.box.rows = suggestRows
	if h < 18 {
		s.box.rows = 3
	}
	s.form.below["email"] = s.box.View(w - labelWidth - 6)
	s.body.SetWidth(max(w-labelWidth-8, 10))
	s.body.SetHeight(3)
}

func (s *createUserScreen) email() string { return strings.TrimSpace(s.form.Value("email")) }

// exact is the user owning the typed email, if the last answer says so.
func (s *createUserScreen) exact() (domain.Suggestion, bool) {
	if s.shown != s.email() {
		return domain.Suggestion{}, false
	}
	return domain.Suggestions{Items: s.box.items}.Exact()
}

func (s *createUserScreen) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(orgWarnMsg); ok {
		s.orgWarned(m)
		return nil
	}
	cmd := tea.Batch(s.update(msg), s.checkOrg())
	s.form.below["email"] = s.box.View(s.w - labelWidth - 6)
	if s.bodyFocus {
		// Room for the body: the suggestions are for the email.
		s.form.below["email"] = ""
	}
	s.form.below["groups"] = s.groupsView()
	return cmd
}

func (s *createUserScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case suggestMsg:
		if msg.req != s.suggReq {
			return nil // a reply to an older keystroke
		}
		if msg.err != nil {
			return errStatus("Suggestions unavailable: ", msg.err)
		}
		s.shown = msg.query
		s.box.Set(msg.res)
		return nil
	case orgSuggestMsg:
		if msg.req != s.orgReq || s.orgTouched {
			return nil
		}
		if msg.err != nil {
			// An address still being typed does not parse, and has no
			// organization; a failed lookup is said, never shown as none.
			var ve *domain.ValidationError
			if errors.As(msg.err, &ve) {
				return nil
			}
			return errStatus("Organization by domain unavailable: ", msg.err)
		}
		s.orgAuto, s.orgVia = msg.org.Name, msg.via
		s.form.Set("organization", msg.org.Name)
		s.syncOrgHint()
		return nil
	case orgNamesMsg:
		s.form.field("organization").pick.SetItems(s.c.orgs.names)
		return nil
	case groupsMsg:
		if msg.err != nil {
			return errStatus("Groups unavailable: ", msg.err)
		}
		s.groups = msg.groups
		if len(s.groups) > 0 && s.form.field("groups") == nil {
			// Only a desk with groups asks; after the role, before the mail.
			fl := &field{key: "groups", label: "Groups", kind: textField, input: s.c.st.input("none; ↑/↓ choose, space ticks")}
			i := slices.IndexFunc(s.form.fields, func(f *field) bool { return f.key == "mail" })
			s.form.fields = slices.Insert(s.form.fields, i, fl)
			if s.form.focus >= i {
				s.form.focus++
			}
		}
		return nil
	case nearFoundMsg:
		s.saving = false
		return s.c.post(s.askNear(msg))
	case duplicateMsg:
		s.saving = false
		s.box.Set(domain.Suggestions{Items: []domain.Suggestion{msg.owner}})
		s.shown = s.email()
		return status(statusErr, "Not saved: "+s.ownerSentence(msg.owner))
	case createdMsg:
		s.saving = false
		s.chosen = nil
		s.body.Reset()
		s.form.Load("email", "") // not dirty any more: nothing to lose
		for _, fl := range s.form.fields {
			fl.initial = fl.Value()
		}
		note := status(statusOK, "Created "+sanitizeLine(msg.user.Email)+" ("+string(msg.user.State)+").")
		if s.thenConv {
			who := sanitizeLine(msg.user.DisplayName()) + " <" + sanitizeLine(msg.user.Email) + ">"
			return tea.Batch(s.c.post(newConvMsg{userID: msg.user.ID, who: who, replace: true}), note)
		}
		return tea.Batch(s.c.post(openUserMsg{id: msg.user.ID, replace: true}), note)
	case createErrMsg:
		s.saving = false
		var dup *domain.DuplicateEmailError
		if errors.As(msg.err, &dup) {
			return status(statusErr, "Not saved: "+sanitizeLine(dup.Error()))
		}
		if s.form.SetError(msg.err) {
			return status(statusErr, "Not saved: "+sanitizeLine(msg.err.Error()))
		}
		return errStatus("Not saved: ", msg.err)
	case tea.KeyMsg:
		return s.updateKey(msg)
	}
	return nil
}

func (s *createUserScreen) updateKey(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if s.bodyFocus {
		return s.updateBody(msg)
	}
	onEmail := s.form.Focused().key == "email"
	if s.form.Focused().key == "groups" {
		if cmd, done := s.updateGroups(msg); done {
			return cmd
		}
	}
	if s.form.Focused().key == "subject" && key.Matches(msg, k.NextField) && !key.Matches(msg, k.SelDown) {
		// tab from the subject: the body.
		s.form.Blur()
		s.bodyFocus = true
		return s.body.Focus()
	}
	switch {
	case key.Matches(msg, k.Back):
		return s.c.post(backMsg{})
	case key.Matches(msg, k.Save):
		return s.save(false)
	case key.Matches(msg, k.SaveAndConv):
		return s.save(true)
	case key.Matches(msg, k.OpenExisting):
		if ex, ok := s.exact(); ok {
			return s.c.post(openUserMsg{id: ex.User.ID})
		}
		if sel, ok := s.box.Selected(); ok && onEmail {
			return s.c.post(openUserMsg{id: sel.User.ID})
		}
		return nil
	// On the email, ctrl+n/ctrl+p walk the suggestions (ctrl+o opens the
	// one marked); the arrows still move between fields.
	case onEmail && key.Matches(msg, k.SuggestPrev):
		s.box.Move(-1)
		return nil
	case onEmail && key.Matches(msg, k.SuggestNext):
		s.box.Move(1)
		return nil
	}
	orgBefore := s.form.Value("organization")
	cmd, submit := s.form.Update(msg)
	if submit {
		return tea.Batch(cmd, s.save(false))
	}
	if s.form.Value("organization") != orgBefore {
		s.orgTouched = true
		s.syncOrgHint()
	}
	if e := s.email(); e != s.lastEmail {
		s.lastEmail = e
		return tea.Batch(cmd, s.onEmailChanged(e))
	}
	return cmd
}

// onEmailChanged asks the index for suggestions and the domain for the
// organization, each with a new request id: answers to older keystrokes
// arriving late are dropped. No debounce: a query costs microseconds.
func (s *createUserScreen) onEmailChanged(e string) tea.Cmd {
	desk := s.c.desk
	s.suggReq = s.c.nextReq()
	req := s.suggReq
	var cmds []tea.Cmd
	if e == "" {
		s.box.Set(domain.Suggestions{})
		s.shown = ""
	} else {
		cmds = append(cmds, func() tea.Msg {
			res, err := desk.Suggest(e, suggestRows+3)
			return suggestMsg{req: req, query: e, res: res, err: err}
		})
	}
	if !s.orgTouched {
		s.orgReq = s.c.nextReq()
		oreq := s.orgReq
		cmds = append(cmds, func() tea.Msg {
			o, via, err := desk.SuggestOrg(e)
			return orgSuggestMsg{req: oreq, org: o, via: via, err: err}
		})
	}
	return tea.Batch(cmds...)
}

// syncOrgHint says where a prefilled organization came from, until the
// agent changes it.
func (s *createUserScreen) syncOrgHint() {
	fl := s.form.field("organization")
	fl.hint = ""
	if !s.orgTouched && s.orgAuto != "" && fl.Value() == s.orgAuto {
		fl.hint = "(from " + s.orgVia + ")"
	}
}

func (s *createUserScreen) input() domain.UserInput {
	f := s.form
	in := domain.UserInput{
		Email: s.email(), Name: f.Value("name"), TimeZone: f.Value("time zone"),
		Language: f.Value("language"), Phone: f.Value("phone"), Role: f.Value("role"), Mail: f.Value("mail"),
		MailSubject: f.Value("subject"), MailBody: strings.TrimSpace(s.body.Value()),
	}
	for _, g := range s.groups {
		if slices.Contains(s.chosen, g.ID) {
			in.Groups = append(in.Groups, g.Name)
		}
	}
	if s.orgTouched {
		in.Org = f.Value("organization")
	}
	return in
}

// ownerSentence names who holds an email, in words.
func (s *createUserScreen) ownerSentence(ex domain.Suggestion) string {
	who := sanitizeLine(ex.User.DisplayName())
	if ex.Org != "" {
		who += " (" + sanitizeLine(ex.Org) + ")"
	}
	if ex.User.State == domain.StateDisabled {
		who += ", disabled"
	}
	return sanitizeLine(ex.User.Email) + " already belongs to " + who + "."
}

// save creates the user unless the email is known to be taken. The check
// runs again inside the command, against the index as it is then, so a
// reply still in flight cannot let a duplicate through. thenConv opens the
// new-conversation form for the user once created, instead of the user.
func (s *createUserScreen) save(thenConv bool) tea.Cmd {
	if s.saving {
		return nil
	}
	s.thenConv = thenConv
	if ex, ok := s.exact(); ok {
		return status(statusErr, "Not saved: "+s.ownerSentence(ex)+" Press ctrl+o to open them.")
	}
	s.form.ClearErrors()
	s.saving = true
	return s.createCmd(s.input(), s.orgTouched && s.form.Value("organization") == "", false)
}

func (s *createUserScreen) createCmd(in domain.UserInput, noOrg, nearConfirmed bool) tea.Cmd {
	desk, actor := s.c.desk, s.c.actor
	return func() tea.Msg {
		if _, err := domain.ParseEmail(in.Email); err == nil {
			res, err := desk.Suggest(in.Email, 10)
			if err != nil {
				return createErrMsg{err: err}
			}
			if res.NearPending && !nearConfirmed {
				// Just after start-up: wait for the near and lookalike
				// matches rather than save without asking.
				if err := desk.WaitSuggestReady(); err != nil {
					return createErrMsg{err: err}
				}
				if res, err = desk.Suggest(in.Email, 10); err != nil {
					return createErrMsg{err: err}
				}
			}
			if ex, ok := res.Exact(); ok {
				return duplicateMsg{owner: ex}
			}
			if near := res.Near(); (len(near) > 0 || res.Mixed != "") && !nearConfirmed {
				return nearFoundMsg{in: in, near: near, mixed: res.Mixed}
			}
		}
		in.NoOrg = noOrg
		u, err := desk.CreateUser(actor, in)
		if err != nil {
			return createErrMsg{err: err}
		}
		return createdMsg{user: u}
	}
}

// askNear is the extra confirm a possible duplicate needs.
func (s *createUserScreen) askNear(m nearFoundMsg) askMsg {
	var b strings.Builder
	for i, n := range m.near {
		if i == 3 {
			b.WriteString("\n… and " + itoa(len(m.near)-3) + " more")
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		if n.Kind == "lookalike" {
			// Its kind in words: the two addresses read the same.
			b.WriteString("• looks like " + sanitizeLine(n.User.Email))
			if n.Reason != "" {
				b.WriteString(" (" + sanitizeLine(n.Reason) + ")")
			}
			b.WriteString(" — " + sanitizeLine(n.User.DisplayName()))
			if n.Org != "" {
				b.WriteString(" (" + sanitizeLine(n.Org) + ")")
			}
			continue
		}
		b.WriteString("• " + sanitizeLine(n.User.Email) + " — " + sanitizeLine(n.User.DisplayName()))
		if n.Org != "" {
			b.WriteString(" (" + sanitizeLine(n.Org) + ")")
		}
		if n.Reason != "" {
			b.WriteString(": " + sanitizeLine(n.Reason))
		}
	}
	title := "Possible duplicate. Create " + sanitizeLine(m.in.Email) + " anyway?"
	if len(m.near) == 0 {
		title = "Look-alike address. Create " + sanitizeLine(m.in.Email) + " anyway?"
		b.WriteString("• it mixes " + m.mixed + " letters, as look-alike addresses do")
	}
	noOrg := s.orgTouched && m.in.Org == ""
	return askMsg{
		title:    title,
		body:     b.String(),
		yesLabel: "Create anyway",
		yes:      s.createCmd(m.in, noOrg, true),
	}
}

func (s *createUserScreen) View() string {
	st := s.c.st
	var top strings.Builder
	top.WriteString(" " + st.title.Render("New user"))
	if ex, ok := s.exact(); ok {
		top.WriteString("\n " + st.errText.Render(cut(s.ownerSentence(ex), s.w-2)))
		top.WriteString("\n " + st.muted.Render("Saving is refused; ctrl+o opens "+sanitizeLine(ex.User.DisplayName())+"."))
	} else if len(domain.Suggestions{Items: s.box.items}.Near()) > 0 && s.shown == s.email() {
		top.WriteString("\n " + st.warnText.Render("Possible duplicate below: saving asks you to confirm."))
		top.WriteString("\n")
	} else {
		top.WriteString("\n\n")
	}
	if s.bodyFocus {
		// The body has the keyboard: no field of the form is marked.
		at := s.form.focus
		s.form.focus = len(s.form.fields)
		defer func() { s.form.focus = at }()
	}
	return top.String() + "\n" + s.form.View() + "\n" + s.orgWarnView() + s.bodyView()
}

func (s *createUserScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	b := []key.Binding{k.Save, keyHelp(k.SaveAndConv, "save + conversation"), keyHelp(k.NextField, "next"), k.Back}
	if _, ok := s.exact(); ok {
		b = append([]key.Binding{k.OpenExisting}, b...)
	}
	if f := s.form.Focused(); f.kind == pickField {
		b = append(b, keyHelp(k.SelDown, "matches"), k.Pick)
	}
	return b
}

func (s *createUserScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Save, k.SaveAndConv, k.NextField, k.PrevField, k.Clear, k.Back},
		{k.OpenExisting, k.SuggestNext, k.SuggestPrev, k.SelDown, k.SelUp, k.Pick, k.ChoiceNext},
		{keyHelp(k.SwitchPane, "mail subject → mail body → back"), keyHelp(k.ChoiceNext, "tick a group (space)")},
	}
}

// updateGroups handles the keys of the groups field: ↑/↓ walk the groups,
// space (or ←/→) ticks one, ctrl+x clears them; tab, enter, ctrl+s and
// esc go on to the form. Typing is not taken: the field shows the
// groups ticked.
func (s *createUserScreen) updateGroups(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := s.c.keys
	switch {
	// ↑/↓ walk the list; past its ends they move to the next field.
	case key.Matches(msg, k.SelUp) && s.groupAt > 0:
		s.groupAt--
	case key.Matches(msg, k.SelDown) && s.groupAt < len(s.groups)-1:
		s.groupAt++
	case key.Matches(msg, k.ChoiceNext):
		if s.groupAt < len(s.groups) {
			id := s.groups[s.groupAt].ID
			if i := slices.Index(s.chosen, id); i >= 0 {
				s.chosen = slices.Delete(s.chosen, i, i+1)
			} else {
				s.chosen = append(s.chosen, id)
			}
		}
	case key.Matches(msg, k.Clear):
		s.chosen = nil
	case key.Matches(msg, k.NextField, k.PrevField, k.Open, k.Save, k.SaveAndConv, k.Back):
		return nil, false
	default:
		return nil, true // no typing into the list
	}
	var names []string
	for _, g := range s.groups {
		if slices.Contains(s.chosen, g.ID) {
			names = append(names, g.Name)
		}
	}
	s.form.field("groups").set(strings.Join(names, ", "))
	return nil, true
}

// groupsView lists the groups under the field while it has focus, a few
// around the cursor, each ticked or not, with its organization.
func (s *createUserScreen) groupsView() string {
	if s.bodyFocus || len(s.groups) == 0 || s.form.Focused().key != "groups" {
		return ""
	}
	st := s.c.st
	const rows = 4
	top := max(0, min(s.groupAt-rows+1, len(s.groups)-rows))
	var lines []string
	for i := top; i < len(s.groups) && i < top+rows; i++ {
		g := s.groups[i]
		mark := "[ ] "
		if slices.Contains(s.chosen, g.ID) {
			mark = "[x] "
		}
		line := mark + sanitizeLine(g.Name)
		if g.OrgID != 0 {
			line += " · group of " + s.c.orgs.name(g.OrgID)
		}
		line = cut(line, max(s.w-labelWidth-8, 10))
		if i == s.groupAt {
			lines = append(lines, st.rowSel.Render(line))
		} else {
			lines = append(lines, st.value.Render(line))
		}
	}
	return strings.Join(lines, "\n")
}

// updateBody types into the mail body; tab leaves it for the first field,
// shift+tab for the subject, ctrl+s saves.
func (s *createUserScreen) updateBody(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Back):
		return s.c.post(backMsg{})
	case key.Matches(msg, k.Save):
		return s.save(false)
	case key.Matches(msg, k.SaveAndConv):
		return s.save(true)
	case key.Matches(msg, k.SwitchPane):
		s.bodyFocus = false
		s.body.Blur()
		if key.Matches(msg, k.PrevField) {
			return s.form.FocusOn(len(s.form.fields) - 1)
		}
		return s.form.FocusOn(0)
	}
	var cmd tea.Cmd
	s.body, cmd = s.body.Update(msg)
	return cmd
}

// bodyView is the mail body box under the form.
func (s *createUserScreen) bodyView() string {
	st := s.c.st
	marker, label := "  ", st.label.Render(fit("Mail body", labelWidth))
	if s.bodyFocus {
		marker, label = st.tabActive.Render("› "), st.title.Render(fit("Mail body", labelWidth))
	}
	if !s.bodyFocus && strings.TrimSpace(s.body.Value()) == "" {
		return marker + label + "  " + st.placeholder.Render(cut("the template's", max(s.w-labelWidth-6, 10)))
	}
	return marker + label + "  " + indentAfterFirst(s.body.View(), labelWidth+4)
}

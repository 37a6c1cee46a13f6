package tui

import (
	"errors"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

type (
	orgLoadedMsg struct {
		req uint64
		org domain.OrgSummary
		err error
	}
	previewMsg struct {
		req uint64
		pv  domain.DomainPreview
		err error
	}
	orgSavedMsg struct {
		req  uint64
		org  domain.Organization
		note string
		err  error
	}
)

type orgMode int

const (
	orgViewing orgMode = iota
	orgAddingDomain
	orgRemovingDomain
	orgEditing
	orgSettingAgreement
	orgCopying
	orgBranding
	orgChoosingDomain
)

// orgScreen shows one organization: name, domains, parent, active flag,
// notes and its members (enter opens one). Adding a domain first shows how
// many users without an organization it would take in, and applies only
// after a confirm; the domain refuses public mail providers and domains
// another organization owns, and the screen shows its reason as it is.
type orgScreen struct {
	c      *common
	id     domain.ID
	org    domain.OrgSummary
	loaded bool
	err    error
	req    uint64

	members *userList
	mode    orgMode

	domainIn   textinput.Model
	addDom     domainChoice
	domainErr  string
	previewReq uint64
	removePick *picker

	form     *form
	base     domain.Organization
	saveReq  uint64
	conflict *domain.ConflictError
	// moveOK: the agent confirmed what the new parent means for agreements.
	moveOK  bool
	moveReq uint64

	w, h int
}

func newOrgScreen(c *common, id domain.ID) *orgScreen {
	s := &orgScreen{c: c, id: id, domainIn: c.st.input("example.com")}
	s.members = newUserList(c, domain.UserFilter{OrgID: id}, false)
	s.members.empty = "No members yet. Adding a domain can bring in its users."
	return s
}

func (s *orgScreen) Title() string {
	if !s.loaded {
		return "Organization"
	}
	return sanitizeLine(s.org.Name)
}

func (s *orgScreen) Init() tea.Cmd { return tea.Batch(s.load(), s.members.Load()) }

func (s *orgScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.domainIn.Width = max(w-labelWidth-8, 10)
	if s.form != nil {
		s.form.width = w - 2
	}
	s.relayout()
}

func (s *orgScreen) Capturing() bool { return s.mode != orgViewing }
func (s *orgScreen) Dirty() bool {
	return (s.mode == orgEditing || s.mode == orgSettingAgreement || s.mode == orgBranding) && s.form.Dirty()
}

func (s *orgScreen) load() tea.Cmd {
	s.req = s.c.nextReq()
	req, desk, id := s.req, s.c.desk, s.id
	return func() tea.Msg {
		o, err := desk.OrgSummary(id)
		return orgLoadedMsg{req: req, org: o, err: err}
	}
}

func (s *orgScreen) Update(msg tea.Msg) tea.Cmd {
	cmd := s.update(msg)
	s.relayout()
	return cmd
}

// relayout gives the members list what the header leaves: the header grows
// while a domain is added or the organization edited.
func (s *orgScreen) relayout() {
	if s.loaded {
		s.members.SetSize(s.w, max(s.h-s.headerHeight(), 3))
	}
}

func (s *orgScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case orgLoadedMsg:
		if msg.req != s.req {
			return nil
		}
		s.err = msg.err
		if msg.err == nil {
			s.org, s.loaded = msg.org, true
			s.members.SetTotal(msg.org.Members)
		}
		return nil
	case userPageMsg:
		cmd, _ := s.members.HandlePage(msg)
		return cmd
	case userChangedMsg:
		s.members.Replace(msg.user)
		return nil
	case deskEventsMsg:
		var cmds []tea.Cmd
		if touches(msg, domain.SubjectOrg, s.id) && s.mode != orgEditing {
			cmds = append(cmds, s.load())
		}
		for _, e := range msg.events {
			if e.Kind == domain.SubjectUser || e.Kind == "import" {
				// A user may have joined or left; counts and pages follow.
				cmds = append(cmds, s.load(), s.members.Refresh())
				break
			}
		}
		return tea.Batch(cmds...)
	case discardOrgEditMsg:
		if msg.id == s.id && s.mode == orgEditing {
			s.mode, s.form, s.conflict = orgViewing, nil, nil
		}
		return nil
	case previewMsg:
		return s.previewed(msg)
	case orgSavedMsg:
		return s.saved(msg)
	case orgCopiedMsg:
		return s.copied(msg)
	case orgMovePreviewMsg:
		return s.parentPreviewed(msg)
	case orgMoveConfirmedMsg:
		if msg.id == s.id && s.mode == orgEditing {
			s.moveOK = true
			return s.save()
		}
		return nil
	case tea.MouseMsg:
		cmd, _ := s.members.Update(msg)
		return cmd
	case tea.KeyMsg:
		switch s.mode {
		case orgAddingDomain:
			return s.updateAddDomain(msg)
		case orgRemovingDomain:
			return s.updateRemoveDomain(msg)
		case orgChoosingDomain:
			return s.updateDomainChoice(msg)
		case orgEditing:
			return s.updateEdit(msg)
		case orgSettingAgreement, orgCopying:
			return s.updateLifeForm(msg)
		case orgBranding:
			return s.updateBranding(msg)
		}
		return s.updateView(msg)
	}
	return nil
}

func (s *orgScreen) updateView(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if !s.loaded {
		return nil
	}
	switch {
	case key.Matches(msg, k.AddDomain):
		if cmd := s.c.refuse(domain.PermOrgDomains); cmd != nil {
			return cmd
		}
		s.mode = orgAddingDomain
		s.domainErr = ""
		s.domainIn.SetValue("")
		return s.domainIn.Focus()
	case key.Matches(msg, k.RemoveDomain):
		if cmd := s.c.refuse(domain.PermOrgDomains); cmd != nil {
			return cmd
		}
		switch len(s.org.Domains) {
		case 0:
			return status(statusInfo, sanitizeLine(s.org.Name)+" has no domains.")
		case 1:
			return s.c.post(s.askRemove(s.org.Domains[0]))
		}
		s.mode = orgRemovingDomain
		s.removePick = newPicker(s.c, s.org.Domains, "domain to remove")
		return s.removePick.Focus()
	case key.Matches(msg, k.ToggleActive):
		if cmd := s.c.refuse(domain.PermOrgsWrite); cmd != nil {
			return cmd
		}
		return s.c.post(s.askActive())
	case key.Matches(msg, k.Edit):
		if cmd := s.c.refuse(domain.PermOrgsWrite); cmd != nil {
			return cmd
		}
		return s.startEdit()
	case key.Matches(msg, k.SetAgreement):
		if cmd := s.c.refuse(domain.PermOrgsWrite); cmd != nil {
			return cmd
		}
		return s.startAgreement()
	case key.Matches(msg, k.CopyOrg):
		if cmd := s.c.refuse(domain.PermOrgsWrite); cmd != nil {
			return cmd
		}
		return s.startCopy()
	case key.Matches(msg, k.Branding):
		if cmd := s.c.refuse(domain.PermOrgsWrite); cmd != nil {
			return cmd
		}
		return s.startBranding()
	case key.Matches(msg, k.New):
		if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
			return cmd
		}
		return s.c.post(newUserMsg{org: s.org.Name})
	case key.Matches(msg, k.Open):
		if u, ok := s.members.Selected(); ok {
			return s.c.post(openUserMsg{id: u.ID})
		}
		return nil
	}
	cmd, _ := s.members.Update(msg)
	return cmd
}

func (s *orgScreen) updateAddDomain(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Back):
		s.mode = orgViewing
		s.domainIn.Blur()
		return nil
	case key.Matches(msg, k.Open):
		dom := strings.TrimSpace(s.domainIn.Value())
		if dom == "" {
			return nil
		}
		s.previewReq = s.c.nextReq()
		req, desk, id := s.previewReq, s.c.desk, s.id
		return func() tea.Msg {
			pv, err := desk.PreviewDomain(id, dom)
			return previewMsg{req: req, pv: pv, err: err}
		}
	}
	var cmd tea.Cmd
	s.domainIn, cmd = s.domainIn.Update(msg)
	cleanInput(&s.domainIn)
	s.domainErr = ""
	return cmd
}

// previewed turns a preview into the three-way choice (org_domain_add.go), or shows why
// the domain is refused.
func (s *orgScreen) previewed(msg previewMsg) tea.Cmd {
	if msg.req != s.previewReq || s.mode != orgAddingDomain {
		return nil
	}
	if msg.err != nil {
		s.domainErr = msg.err.Error()
		return nil
	}
	return s.startDomainChoice(msg.pv)
}

func (s *orgScreen) updateRemoveDomain(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if key.Matches(msg, k.Back) {
		s.mode = orgViewing
		return nil
	}
	picked, cmd := s.removePick.Update(msg)
	if picked {
		s.mode = orgViewing
		return s.c.post(s.askRemove(s.removePick.Value()))
	}
	return cmd
}

func (s *orgScreen) askRemove(dom string) askMsg {
	org := sanitizeLine(s.org.Name)
	s.saveReq = s.c.nextReq()
	req, desk, actor, id := s.saveReq, s.c.desk, s.c.actor, s.id
	return askMsg{
		title:    "Remove " + sanitizeLine(dom) + " from " + org + "?",
		body:     "Nobody moves: users keep their organization. New users at " + sanitizeLine(dom) + " will no longer join " + org + ".",
		yesLabel: "Remove domain",
		danger:   true,
		yes: func() tea.Msg {
			o, err := desk.RemoveDomain(actor, id, dom)
			return orgSavedMsg{req: req, org: o, note: "Removed " + dom + " from " + o.Name + "; no user moved.", err: err}
		},
	}
}

func (s *orgScreen) askActive() askMsg {
	org := sanitizeLine(s.org.Name)
	active := !s.org.Active
	s.saveReq = s.c.nextReq()
	req, desk, actor, id := s.saveReq, s.c.desk, s.c.actor, s.id
	title := "Deactivate " + org + "?"
	body := org + ": " + domain.DeactivateMeans + "."
	verb := "Deactivated "
	if active {
		title, verb = "Activate "+org+"?", "Activated "
		body = org + ": " + domain.ActivateMeans + "."
	}
	return askMsg{title: title, body: body, yesLabel: strings.Fields(title)[0], danger: !active, yes: func() tea.Msg {
		var o domain.Organization
		var err error
		if active {
			o, err = desk.ActivateOrg(actor, id)
		} else {
			o, err = desk.DeactivateOrg(actor, id)
		}
		means := domain.DeactivateMeans
		if active {
			means = domain.ActivateMeans
		}
		return orgSavedMsg{req: req, org: o, note: verb + o.Name + ": " + means + ".", err: err}
	}}
}

func (s *orgScreen) startEdit() tea.Cmd {
	f := newForm(s.c)
	parents := slices.DeleteFunc(slices.Clone(s.c.orgs.names), func(n string) bool { return strings.EqualFold(n, s.org.Name) })
	f.addText("name", "Name", "Organization name")
	f.addPicker("parent", "Parent", parents, "none (top level)")
	f.addArea("notes", "Notes", "notes for agents; enter starts a new line")
	f.Load("name", s.org.Name)
	f.Load("parent", s.org.Parent)
	f.Load("notes", s.org.Notes)
	f.width = s.w - 2
	s.form, s.base, s.mode, s.conflict, s.moveOK = f, s.org.Organization, orgEditing, nil, false
	return f.FocusOn(0)
}

func (s *orgScreen) updateEdit(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if s.conflict != nil {
		switch {
		case key.Matches(msg, k.Reload):
			s.mode, s.conflict, s.form = orgViewing, nil, nil
			return tea.Batch(s.load(), status(statusInfo, "Reloaded; your edits were dropped."))
		case key.Matches(msg, k.ApplyMine):
			// Only the fields the agent changed go out, so the other
			// session's changes to the rest stay.
			s.base.Version = s.conflict.Version
			s.conflict = nil
			return s.save()
		case key.Matches(msg, k.Back):
			s.conflict = nil
			return s.form.FocusOn(s.form.focus)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Save):
		return s.save()
	case key.Matches(msg, k.Back):
		if s.form.Dirty() {
			return s.c.post(askMsg{title: "Discard your edits to " + sanitizeLine(s.org.Name) + "?", yesLabel: "Discard",
				yes: send(discardOrgEditMsg{id: s.id})})
		}
		s.mode, s.form = orgViewing, nil
		return nil
	}
	cmd, submit := s.form.Update(msg)
	if submit {
		return tea.Batch(cmd, s.save())
	}
	return cmd
}

type discardOrgEditMsg struct{ id domain.ID }

func (s *orgScreen) save() tea.Cmd {
	var p domain.OrgPatch
	set := func(key string, dst **string) {
		if s.form.Changed(key) {
			v := s.form.Value(key)
			*dst = &v
		}
	}
	set("name", &p.Name)
	set("parent", &p.Parent)
	set("notes", &p.Notes)
	if p == (domain.OrgPatch{}) {
		s.mode, s.form = orgViewing, nil
		return status(statusInfo, "Nothing changed.")
	}
	if p.Parent != nil && !s.moveOK {
		return s.previewParent(*p.Parent)
	}
	s.form.ClearErrors()
	s.saveReq = s.c.nextReq()
	req, desk, actor, id, version := s.saveReq, s.c.desk, s.c.actor, s.id, s.base.Version
	return func() tea.Msg {
		o, err := desk.UpdateOrg(actor, id, version, p)
		return orgSavedMsg{req: req, org: o, note: "Saved " + o.Name + ".", err: err}
	}
}

func (s *orgScreen) saved(msg orgSavedMsg) tea.Cmd {
	if msg.req != s.saveReq {
		return nil
	}
	var conflict *domain.ConflictError
	switch {
	case msg.err == nil:
		if s.mode == orgEditing || s.mode == orgSettingAgreement || s.mode == orgBranding {
			s.mode, s.form = orgViewing, nil
		}
		return tea.Batch(s.load(), s.members.Refresh(), status(statusOK, sanitizeLine(msg.note)))
	case s.mode == orgEditing && errors.As(msg.err, &conflict):
		s.conflict = conflict
		s.form.Blur()
		return status(statusErr, "Not saved: "+sanitizeLine(conflict.By)+" changed this organization meanwhile.")
	case (s.mode == orgEditing || s.mode == orgSettingAgreement || s.mode == orgBranding) && s.form.SetError(msg.err):
		return status(statusErr, "Not saved: "+sanitizeLine(msg.err.Error()))
	}
	return tea.Batch(s.load(), errStatus("Not saved: ", msg.err))
}

// headerHeight is the number of lines above the members list.
func (s *orgScreen) headerHeight() int { return strings.Count(s.header(), "\n") + 1 }

func (s *orgScreen) header() string {
	st := s.c.st
	o := s.org
	var b strings.Builder
	state := st.okText.Render("active")
	if !o.Active {
		state = st.errText.Render("inactive")
	}
	b.WriteString(joinRight(" "+st.title.Render(cut(sanitizeLine(o.Name), s.w-12)), state+" ", s.w))
	row := func(label, v, hint string) {
		if v == "" {
			v = st.muted.Render("—")
		} else {
			v = st.value.Render(cut(v, s.w-labelWidth-6-ansiWidth(hint)))
		}
		line := "  " + st.label.Render(fit(label, labelWidth)) + "  " + v
		if hint != "" {
			line = joinRight(line, st.muted.Render(hint)+" ", s.w)
		}
		b.WriteString("\n" + line)
	}
	if s.mode == orgEditing {
		b.WriteString("\n")
		if s.conflict != nil {
			k := s.c.keys
			b.WriteString(" " + st.errText.Render(cut("Not saved: "+sanitizeLine(s.conflict.By)+" changed it at "+s.c.when(s.conflict.At)+". Your edits are kept below.", s.w-2)) + "\n")
			b.WriteString(" " + st.helpKey.Render(k.Reload.Help().Key) + st.helpDesc.Render(" reload, dropping your edits   ") +
				st.helpKey.Render(k.ApplyMine.Help().Key) + st.helpDesc.Render(" apply your edits to their version   ") +
				st.helpKey.Render("esc") + st.helpDesc.Render(" keep editing") + "\n")
		}
		b.WriteString(s.form.View())
	} else if s.mode == orgSettingAgreement || s.mode == orgCopying {
		b.WriteString("\n" + s.lifeFormTitle() + "\n")
		b.WriteString(s.form.View())
	} else if s.mode == orgBranding {
		b.WriteString("\n" + s.brandingTitle() + "\n")
		b.WriteString(s.form.View())
		b.WriteString("\n" + s.brandingNote())
	} else {
		row("Domains", sanitizeLine(strings.Join(o.Domains, ", ")), "a adds · x removes")
		row("Parent", sanitizeLine(o.Parent), "")
		agrHint := ""
		if s.c.actor.Can(domain.PermOrgsWrite) {
			agrHint = "A sets"
		}
		row("Agreement", agreementLine(o.Organization), agrHint)
		if o.Brand != nil {
			brandHint := ""
			if s.c.actor.Can(domain.PermOrgsWrite) {
				brandHint = s.c.keys.Branding.Help().Key + " edits"
			}
			row("Sign-in page", brandingLine(o.Brand), brandHint)
		}
		// The header stays short: the first line and how many follow
		// (e opens them all, in the notes' textarea).
		row("Notes", areaSummary(sanitize(o.Notes)), "")
	}
	switch s.mode {
	case orgAddingDomain:
		b.WriteString("\n  " + st.title.Render(fit("Add domain", labelWidth)) + "  " + s.domainIn.View())
		if s.domainErr != "" {
			b.WriteString("\n" + strings.Repeat(" ", labelWidth+4) + st.errText.Render(cut("↳ "+sanitizeLine(s.domainErr), s.w-labelWidth-6)))
		} else {
			b.WriteString("\n" + strings.Repeat(" ", labelWidth+4) + st.muted.Render("enter shows who would join; nothing changes before you confirm"))
		}
	case orgRemovingDomain:
		b.WriteString("\n  " + st.title.Render(fit("Remove domain", labelWidth)) + "  " + indentAfterFirst(s.removePick.View(s.w-labelWidth-6), labelWidth+4))
	}
	b.WriteString("\n  " + st.label.Render(fit("Updated", labelWidth)) + "  " +
		st.muted.Render(cut(s.c.when(o.UpdatedAt)+" by "+sanitizeLine(o.UpdatedBy)+" · version "+itoa(int(o.Version)), s.w-labelWidth-6)))
	b.WriteString("\n\n " + st.title.Render("Members") + st.muted.Render(" ("+thousands(o.Members)+")"))
	return b.String()
}

func (s *orgScreen) View() string {
	st := s.c.st
	if s.err != nil {
		return " " + st.errText.Render(cut(sanitizeLine(s.err.Error()), s.w-2))
	}
	if !s.loaded {
		return " " + st.muted.Render("Loading…")
	}
	if s.mode == orgChoosingDomain {
		return s.header() + "\n" + s.domainChoiceView()
	}
	return s.header() + "\n" + s.members.View()
}

func (s *orgScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	switch s.mode {
	case orgAddingDomain:
		return []key.Binding{keyHelp(k.Open, "preview"), keyHelp(k.Back, "cancel")}
	case orgRemovingDomain:
		return []key.Binding{k.SelDown, k.Pick, keyHelp(k.Back, "cancel")}
	case orgChoosingDomain:
		return s.domainChoiceHelp()
	case orgEditing:
		if s.conflict != nil {
			return []key.Binding{k.Reload, k.ApplyMine, keyHelp(k.Back, "keep editing")}
		}
		return []key.Binding{k.Save, keyHelp(k.NextField, "next"), keyHelp(k.Back, "cancel")}
	case orgSettingAgreement, orgCopying:
		return s.lifeFormHelp()
	case orgBranding:
		return []key.Binding{k.Save, keyHelp(k.NextField, "next"), keyHelp(k.Back, "cancel")}
	}
	return []key.Binding{keyHelp(k.Open, "open member"), s.c.gate(k.AddDomain, domain.PermOrgDomains),
		s.c.gate(k.RemoveDomain, domain.PermOrgDomains), s.c.gate(k.ToggleActive, domain.PermOrgsWrite),
		s.c.gate(k.Edit, domain.PermOrgsWrite), s.c.gate(k.SetAgreement, domain.PermOrgsWrite),
		s.c.gate(k.CopyOrg, domain.PermOrgsWrite), s.c.gate(k.Branding, domain.PermOrgsWrite),
		s.c.gate(keyHelp(k.New, "add user here"), domain.PermUsersWrite), k.Back}
}

func (s *orgScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End, keyHelp(k.Open, "open member"),
			s.c.gate(keyHelp(k.New, "add user to this organization"), domain.PermUsersWrite)},
		{s.c.gate(k.AddDomain, domain.PermOrgDomains), s.c.gate(k.RemoveDomain, domain.PermOrgDomains),
			s.c.gate(k.ToggleActive, domain.PermOrgsWrite), s.c.gate(k.Edit, domain.PermOrgsWrite),
			s.c.gate(k.SetAgreement, domain.PermOrgsWrite), s.c.gate(k.CopyOrg, domain.PermOrgsWrite),
			s.c.gate(k.Branding, domain.PermOrgsWrite)},
		{k.Save, k.NextField, k.PrevField, k.Reload, k.ApplyMine},
		{keyHelp(k.Yes, "add the domain and move its users"), k.AddOnly, keyHelp(k.No, "cancel adding")},
	}
}

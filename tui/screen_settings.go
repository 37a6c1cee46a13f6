package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"helpdesk/domain"
)

type (
	// openSettingsMsg asks the root for the desk settings screen.
	openSettingsMsg struct{}
	settingsMsg     struct {
		req       uint64
		settings  domain.Settings
		templates []domain.Template
		err       error
	}
	settingSavedMsg struct {
		req      uint64
		key      string
		settings domain.Settings
		err      error
	}
	// discardSettingMsg ends an edit after the agent confirmed losing it.
	discardSettingMsg struct{ key string }
)

// settingsScreen lists the desk's own settings, stored in the database and
// shared by every process serving the desk: each key (as `config set`
// names it), its value and what it is for. enter or e edits the selected
// value in a one-field form, ctrl+s saves it through Desk.SetSetting; a
// refused save keeps the typed value and shows the desk's reason.
// self-signup is not typed: it turns on or off after a confirm that says
// what changes for customers. An agent without the templates permission
// ("manage templates and settings") reads the values; the edit keys are
// not offered.
type settingsScreen struct {
	c         *common
	keys      []string
	settings  domain.Settings
	templates []domain.Template
	loaded    bool
	loading   bool
	err       error
	req       uint64

	// The edit of one value, while open.
	editKey string
	form    *form
	// base is the stored value when the edit started; stale is set when
	// another session changed it since.
	base    string
	stale   bool
	saveReq uint64

	scroller
	w, h int
}

func newSettingsScreen(c *common) *settingsScreen {
	return &settingsScreen{c: c, keys: domain.SettingKeys()}
}

func (s *settingsScreen) Title() string   { return "Desk settings" }
func (s *settingsScreen) Init() tea.Cmd   { return s.load() }
func (s *settingsScreen) Capturing() bool { return s.form != nil }
func (s *settingsScreen) Dirty() bool     { return s.form != nil && s.form.Dirty() }
func (s *settingsScreen) canEdit() bool   { return s.c.actor.Can(domain.PermTemplates) }

func (s *settingsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.form != nil {
		s.form.width = w - 2
	}
	s.follow()
}

// load reads the settings and the templates (the default-template keys
// offer the templates of their event).
func (s *settingsScreen) load() tea.Cmd {
	s.req = s.c.nextReq()
	s.loading = true
	req, desk := s.req, s.c.desk
	return func() tea.Msg {
		st, err := desk.DeskSettings()
		if err != nil {
			return settingsMsg{req: req, err: err}
		}
		ts, err := desk.Templates()
		return settingsMsg{req: req, settings: st, templates: ts, err: err}
	}
}

// value is a key's value as shown: sanitized, "" when unset.
func (s *settingsScreen) value(key string) string {
	return sanitizeLine(s.settings.SettingValue(key, s.c.orgs.name))
}

func (s *settingsScreen) selectedKey() string {
	if s.cursor < len(s.keys) {
		return s.keys[s.cursor]
	}
	return ""
}

// The layout: the title, a blank line and the column heads; the rows; a
// blank line; the pane under the rows (the selected key in full, or the
// edit form). A window too short for all of it scrolls the rows.
const settingsTopLines = 3

func (s *settingsScreen) rowsShown() int {
	return max(s.h-settingsTopLines-1-lineCount(s.pane()), 1)
}

func (s *settingsScreen) follow() { s.scroller.follow(len(s.keys), s.rowsShown()) }

func lineCount(v string) int { return strings.Count(v, "\n") + 1 }

func (s *settingsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case settingsMsg:
		if msg.req != s.req {
			return nil
		}
		s.loading, s.err = false, msg.err
		if msg.err != nil {
			return nil
		}
		s.settings, s.templates, s.loaded = msg.settings, msg.templates, true
		if s.form != nil && s.settings.SettingValue(s.editKey, s.c.orgs.name) != s.base {
			s.stale = true
		}
		s.follow()
		return nil
	case settingSavedMsg:
		return s.saved(msg)
	case discardSettingMsg:
		if s.form != nil && msg.key == s.editKey {
			s.stopEdit()
		}
		return nil
	case orgNamesMsg:
		if s.form != nil && s.editKey == domain.SettingSignupParent {
			s.form.field(s.editKey).pick.SetItems(s.c.orgs.names)
		}
		return nil
	case deskEventsMsg:
		if len(msg.events) == 0 {
			return s.load() // a reread after an error
		}
		for _, e := range msg.events {
			switch e.Kind {
			case "settings", "template", "import":
				return s.load()
			}
		}
		return nil
	case tea.KeyMsg:
		if s.form != nil {
			return s.updateEdit(msg)
		}
		return s.updateList(msg)
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress && s.form == nil {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				s.cursor -= 3
			case tea.MouseButtonWheelDown:
				s.cursor += 3
			}
			s.follow()
		}
	}
	return nil
}

func (s *settingsScreen) updateList(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if key.Matches(msg, k.Templates) {
		return s.c.post(openTemplatesMsg{})
	}
	if key.Matches(msg, k.Open, k.Edit) {
		if cmd := s.c.refuse(domain.PermTemplates); cmd != nil {
			return cmd
		}
		if !s.loaded {
			return nil
		}
		return s.startEdit()
	}
	if d, ok := navDelta(k, msg, s.rowsShown(), len(s.keys)); ok {
		s.cursor += d
		s.follow()
	}
	return nil
}

// startEdit opens the form for the selected key, or the confirm for
// self-signup, which has only two values.
func (s *settingsScreen) startEdit() tea.Cmd {
	key := s.selectedKey()
	if key == "" {
		return nil
	}
	if key == domain.SettingSelfSignup {
		return s.c.post(s.askSignup())
	}
	f := newForm(s.c)
	switch {
	case key == domain.SettingSignupParent:
		f.addPicker(key, "Value", s.c.orgs.names, "none: top level")
	case strings.HasPrefix(key, domain.SettingTemplatePrefix):
		event := domain.MailEvent(strings.TrimPrefix(key, domain.SettingTemplatePrefix))
		f.addPicker(key, "Value", s.templateNames(event), "the "+string(event)+" template")
	default:
		f.addText(key, "Value", settingPlaceholder(key))
	}
	s.base = s.settings.SettingValue(key, s.c.orgs.name)
	f.Load(key, s.base)
	f.width = s.w - 2
	s.form, s.editKey, s.stale = f, key, false
	cmd := f.FocusOn(0)
	s.follow()
	return cmd
}

func settingPlaceholder(key string) string {
	switch key {
	case domain.SettingBaseURL:
		return "https://desk.example.com"
	case domain.SettingDeskName:
		return "Helpdesk"
	case domain.SettingFrom:
		return "Support <support@example.com>"
	}
	return ""
}

// templateNames are the templates a default-template key may name: those
// of its event.
func (s *settingsScreen) templateNames(event domain.MailEvent) []string {
	var out []string
	for _, t := range s.templates {
		if t.Event == event {
			out = append(out, t.Name)
		}
	}
	return out
}

// askSignup is the confirm of turning self-signup on or off, saying what
// it changes for customers.
func (s *settingsScreen) askSignup() askMsg {
	on := !s.settings.SelfSignup
	title, body, yes, value := "Turn self-signup on?",
		"Customers will be able to create accounts on the portal: the signup page mails them a link, and following it creates the account.",
		"Turn on", "on"
	if !on {
		title, body, yes, value = "Turn self-signup off?",
			"Customers will no longer be able to create accounts on the portal; only agents will create them. Accounts already created stay.",
			"Turn off", "off"
	}
	return askMsg{title: title, body: body, yesLabel: yes, yes: s.saveCmd(domain.SettingSelfSignup, value)}
}

func (s *settingsScreen) updateEdit(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	fl := s.form.Focused()
	switch {
	case key.Matches(msg, k.Save):
		return s.save()
	case key.Matches(msg, k.Back):
		if !s.form.Dirty() {
			s.stopEdit()
			return nil
		}
		return s.c.post(askMsg{
			title:    "Discard your edit of " + s.editKey + "?",
			body:     "The setting stays as stored.",
			yesLabel: "Discard",
			yes:      send(discardSettingMsg{key: s.editKey}),
		})
	case key.Matches(msg, k.Open) && fl.kind == pickField:
		// enter takes the highlighted entry; on a value already taken (or
		// a list with nothing to take) it saves, as in a text field.
		if _, exact := fl.pick.Exact(); exact || len(fl.pick.matches) == 0 {
			return s.save()
		}
	}
	cmd, submit := s.form.Update(msg)
	s.follow()
	if submit {
		return tea.Batch(cmd, s.save())
	}
	return cmd
}

func (s *settingsScreen) stopEdit() {
	s.form, s.editKey, s.base, s.stale = nil, "", "", false
	s.follow()
}

func (s *settingsScreen) save() tea.Cmd {
	if cmd := s.c.refuse(domain.PermTemplates); cmd != nil {
		return cmd
	}
	if !s.form.Changed(s.editKey) {
		s.stopEdit()
		return status(statusInfo, "Nothing changed.")
	}
	s.form.ClearErrors()
	return s.saveCmd(s.editKey, s.form.Value(s.editKey))
}

// saveCmd sets one setting; the desk checks the value and the permission
// again.
func (s *settingsScreen) saveCmd(key, value string) tea.Cmd {
	s.saveReq = s.c.nextReq()
	req, desk, actor := s.saveReq, s.c.desk, s.c.actor
	return func() tea.Msg {
		st, err := desk.SetSetting(actor, key, value)
		return settingSavedMsg{req: req, key: key, settings: st, err: err}
	}
}

func (s *settingsScreen) saved(msg settingSavedMsg) tea.Cmd {
	if msg.req != s.saveReq {
		return nil
	}
	editing := s.form != nil && s.editKey == msg.key
	if msg.err != nil {
		// The form stays open with what was typed; the field shows the
		// reason too when the desk names it.
		if editing {
			s.form.SetError(msg.err)
			s.follow()
		}
		return errStatus("Not saved: ", msg.err)
	}
	s.settings = msg.settings
	if editing {
		s.stopEdit()
	}
	return status(statusOK, savedNote(msg.key, sanitizeLine(msg.settings.SettingValue(msg.key, s.c.orgs.name))))
}

// savedNote says what the save did, in the words an agent would use.
func savedNote(key, value string) string {
	switch {
	case key == domain.SettingSelfSignup && value == "on":
		return "Self-signup is on: customers can create accounts on the portal."
	case key == domain.SettingSelfSignup:
		return "Self-signup is off: only agents create accounts."
	case value == "":
		return "Unset " + key + "; the default applies."
	}
	return "Saved " + key + ": " + value + "."
}

// Column widths: the key column fits the longest key where it can, the
// value column gets up to half of the rest, what the key is for the rest.
func (s *settingsScreen) cols() (kw, vw int) {
	for _, k := range s.keys {
		kw = max(kw, len(k))
	}
	kw = min(kw, max(s.w*2/5, 12))
	vw = min(32, max((s.w-kw-6)/2, 10))
	return kw, vw
}

func (s *settingsScreen) View() string {
	st := s.c.st
	var b strings.Builder
	hint := "enter edits the selected value"
	if !s.canEdit() {
		hint = "read only: changing settings needs the templates permission"
	}
	b.WriteString(joinRight(" "+st.title.Render("Desk settings"), st.muted.Render(hint)+" ", s.w) + "\n\n")
	kw, vw := s.cols()
	b.WriteString(st.colHead.Render(cut("  "+fit("KEY", kw)+"  "+fit("VALUE", vw)+"  WHAT IT IS FOR", s.w)))
	switch {
	case s.err != nil:
		b.WriteString("\n  " + st.errText.Render(cut("Could not read the settings: "+sanitizeLine(s.err.Error()), s.w-4)))
		return b.String()
	case !s.loaded:
		b.WriteString("\n  " + st.muted.Render("Loading…"))
		return b.String()
	}
	n := s.rowsShown()
	for i := s.top; i < len(s.keys) && i < s.top+n; i++ {
		b.WriteString("\n" + s.rowView(i, kw, vw))
	}
	b.WriteString("\n\n" + s.pane())
	return b.String()
}

func (s *settingsScreen) rowView(i, kw, vw int) string {
	st := s.c.st
	key := s.keys[i]
	marker := "  "
	if i == s.cursor {
		marker = "› "
	}
	v := s.value(key)
	shown, vStyle := v, st.value
	if v == "" {
		shown, vStyle = "default: "+domain.SettingDefault(key), st.muted
	}
	left := marker + fit(key, kw) + "  "
	val := fit(shown, vw) + "  "
	help := cut(domain.SettingHelp(key), s.w-width(left)-width(val))
	if i == s.cursor {
		return st.rowSel.Render(left + val + help)
	}
	return st.value.Render(left) + vStyle.Render(val) + st.muted.Render(help)
}

// pane is what sits under the list: the edit form while one is open, else
// the selected key in full (its purpose, its whole value) and who changed
// the settings last.
func (s *settingsScreen) pane() string {
	st := s.c.st
	if s.form != nil {
		var b strings.Builder
		b.WriteString(" " + st.title.Render("Edit "+s.editKey) +
			st.muted.Render(cut("  empty unsets it (back to the default)", s.w-len(s.editKey)-7)))
		if s.stale {
			b.WriteString("\n " + st.warnText.Render(cut("Another session changed "+s.editKey+" since you started (now "+
				s.value(s.editKey)+"); saving replaces it.", s.w-2)))
		}
		// The desk's reason goes under the field whole, wrapped: the form
		// would cut it to one line.
		fl := s.form.Focused()
		reason := fl.err
		fl.err = ""
		b.WriteString("\n" + s.form.View())
		fl.err = reason
		if reason != "" {
			pad := strings.Repeat(" ", labelWidth+4)
			ww := max(s.w-labelWidth-6, 10)
			for i, l := range strings.Split(ansi.Wordwrap(sanitizeLine(reason), ww-2, " "), "\n") {
				mark := "  "
				if i == 0 {
					mark = "↳ "
				}
				b.WriteString("\n" + pad + st.errText.Render(cut(mark+l, ww)))
			}
		}
		return b.String()
	}
	key := s.selectedKey()
	lines := []string{" " + st.title.Render(cut(key, s.w-2))}
	help := strings.Split(ansi.Wordwrap(domain.SettingHelp(key), max(s.w-4, 10), " ;"), "\n")
	for i := 0; i < 2; i++ {
		l := ""
		if i < len(help) {
			l = help[i]
			if i == 1 && len(help) > 2 {
				l = cut(l+" …", s.w-4)
			}
		}
		lines = append(lines, "   "+st.value.Render(cut(l, s.w-4)))
	}
	v := s.value(key)
	if v == "" {
		v = "not set; the default applies: " + domain.SettingDefault(key)
	}
	lines = append(lines, "   "+st.label.Render("Value: ")+st.value.Render(cut(v, s.w-11)))
	meta := "Every setting has its default: none was changed yet."
	if s.settings.Version > 0 {
		meta = "Last change " + s.c.when(s.settings.UpdatedAt) + " by " + sanitizeLine(s.settings.UpdatedBy) +
			" · version " + itoa(int(s.settings.Version))
	}
	lines = append(lines, "   "+st.muted.Render(cut(meta, s.w-4)))
	return strings.Join(lines, "\n")
}

func (s *settingsScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if s.form != nil {
		return []key.Binding{k.Save, k.Clear, keyHelp(k.Back, "cancel")}
	}
	return []key.Binding{s.c.gate(keyHelp(k.Open, "edit"), domain.PermTemplates), k.Templates, k.Down, k.Back}
}

func (s *settingsScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{s.c.gate(keyHelp(k.Open, "edit the value (self-signup: turn on/off)"), domain.PermTemplates),
			s.c.gate(keyHelp(k.Edit, "edit the value"), domain.PermTemplates), k.Templates},
		{s.c.gate(k.Save, domain.PermTemplates), s.c.gate(k.Clear, domain.PermTemplates), s.c.gate(k.Pick, domain.PermTemplates),
			s.c.gate(k.SelUp, domain.PermTemplates), s.c.gate(k.SelDown, domain.PermTemplates)},
	}
}

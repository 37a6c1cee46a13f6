package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"helpdesk/domain"
)

type templateLoadedMsg struct {
	req      uint64
	template domain.Template
	err      error
}

// templateScreen edits one template: the subject in a text input, the body
// in a text area, and beside (or below) them the mail as a sample customer
// would get it, re-rendered on every key, with the validation result in
// words. ctrl+s saves; a refused save keeps the text. An agent without the
// templates permission reads the template and its preview but cannot edit.
type templateScreen struct {
	c       *common
	name    string
	t       domain.Template
	loaded  bool
	err     error
	loadReq uint64

	canEdit   bool
	subject   textinput.Model
	body      textarea.Model
	focusBody bool
	// the text as stored, to tell whether there are edits to lose
	baseSubject, baseBody string

	// Live results of the current text.
	invalid     error
	prevSubject string
	prevBody    []string // sanitized and wrapped to the preview's width
	saveReq     uint64

	w, h int
}

func newTemplateScreen(c *common, name string) *templateScreen {
	return &templateScreen{c: c, name: name, canEdit: c.actor.Can(domain.PermTemplates),
		subject: c.st.input("Subject, with tags such as {DESK_NAME}"),
		body:    c.st.textarea("The text of the mail")}
}

func (s *templateScreen) Title() string {
	if s.name == "" {
		return "Template"
	}
	return sanitizeLine(s.name)
}
func (s *templateScreen) Init() tea.Cmd   { return s.load() }
func (s *templateScreen) Capturing() bool { return s.loaded && s.canEdit }

func (s *templateScreen) Dirty() bool {
	return s.loaded && s.canEdit && (s.subject.Value() != s.baseSubject || s.body.Value() != s.baseBody)
}

func (s *templateScreen) load() tea.Cmd {
	s.loadReq = s.c.nextReq()
	req, desk, name := s.loadReq, s.c.desk, s.name
	return func() tea.Msg {
		t, err := desk.Template(name)
		return templateLoadedMsg{req: req, template: t, err: err}
	}
}

// sideBySide: wide windows put the preview beside the editor.
func (s *templateScreen) sideBySide() bool { return s.w >= 100 }

// Layout: the title, two lines of validation, the subject, the tags, a
// blank line, then the editor and the preview.
const templateTopLines = 6

// panes returns the editor's width and height and the preview's width and
// height (the preview's lines under its two header lines).
func (s *templateScreen) panes() (ew, eh, pw, ph int) {
	rest := max(s.h-templateTopLines, 4)
	if s.sideBySide() {
		ew = (s.w - 5) / 2
		pw = s.w - ew - 5 // "  " editor " │ " preview
		return ew, rest - 1, pw, rest - 2
	}
	eh = max((rest-2)/2, 2)
	return s.w - 4, eh, s.w - 4, max(rest-eh-1-2, 1)
}

func (s *templateScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	ew, eh, _, _ := s.panes()
	s.body.SetWidth(max(ew, 10))
	s.body.SetHeight(max(eh, 1))
	s.subject.Width = max(w-labelWidth-8, 10)
	s.refresh()
}

// refresh validates the current text and renders the preview again.
func (s *templateScreen) refresh() {
	if !s.loaded {
		return
	}
	subj, body := s.subject.Value(), s.body.Value()
	s.invalid = domain.ValidateTemplate(s.t.Event, subj, body)
	ps, pb := s.c.desk.PreviewTemplate(subj, body)
	s.prevSubject = sanitizeLine(ps)
	_, _, pw, _ := s.panes()
	text := strings.TrimRight(sanitize(pb), "\n")
	s.prevBody = strings.Split(ansi.Wrap(text, max(pw, 10), ""), "\n")
}

// show puts a stored template in the editor.
func (s *templateScreen) show(t domain.Template) tea.Cmd {
	s.t, s.loaded, s.err = t, true, nil
	// Stored text passes the gate like any other; the domain refuses
	// control characters on save anyway, so this drops nothing it kept.
	s.subject.SetValue(sanitizeLine(t.Subject))
	s.subject.CursorEnd()
	s.body.SetValue(sanitize(t.Body))
	for s.body.Line() > 0 {
		s.body.CursorUp()
	}
	s.body.CursorStart()
	s.baseSubject, s.baseBody = s.subject.Value(), s.body.Value()
	s.refresh()
	if !s.canEdit {
		return nil
	}
	return s.focus(s.focusBody)
}

func (s *templateScreen) focus(body bool) tea.Cmd {
	s.focusBody = body
	if body {
		s.subject.Blur()
		return s.body.Focus()
	}
	s.body.Blur()
	return s.subject.Focus()
}

func (s *templateScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case templateLoadedMsg:
		if msg.req != s.loadReq {
			return nil
		}
		if msg.err != nil {
			s.err = msg.err
			return nil
		}
		return s.show(msg.template)
	case templateSavedMsg:
		if msg.req != s.saveReq {
			return nil
		}
		if msg.err != nil {
			return errStatus("Not saved: ", msg.err)
		}
		// The text on screen is what was saved; keep the cursor where it is.
		s.t = msg.template
		s.baseSubject, s.baseBody = s.subject.Value(), s.body.Value()
		return status(statusOK, "Saved template "+sanitizeLine(msg.template.Name)+".")
	case tea.KeyMsg:
		if !s.loaded {
			return nil
		}
		if !s.canEdit {
			return s.updateReadOnly(msg)
		}
		return s.updateEdit(msg)
	}
	return nil
}

func (s *templateScreen) updateReadOnly(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	if key.Matches(msg, k.Save, k.Edit) {
		return s.c.refuse(domain.PermTemplates)
	}
	return nil
}

func (s *templateScreen) updateEdit(msg tea.KeyMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Save):
		return s.save()
	case key.Matches(msg, k.Back):
		if !s.Dirty() {
			return s.c.post(backMsg{})
		}
		return s.c.post(askMsg{
			title:    "Discard your edits to template " + sanitizeLine(s.name) + "?",
			body:     "The template stays as stored.",
			yesLabel: "Discard",
			yes:      send(backMsg{force: true}),
		})
	case key.Matches(msg, k.SwitchPane):
		return s.focus(!s.focusBody)
	}
	var cmd tea.Cmd
	if s.focusBody {
		s.body, cmd = s.body.Update(msg)
		if v := s.body.Value(); !isClean(v) {
			// A paste holding bidi or other controls: drawn as typed, they
			// would reorder the lines around them.
			s.body.SetValue(sanitize(v))
		}
	} else {
		if key.Matches(msg, k.Open) {
			return s.focus(true) // enter in the subject moves on to the body
		}
		s.subject, cmd = s.subject.Update(msg)
		cleanInput(&s.subject)
	}
	s.refresh()
	return cmd
}

func (s *templateScreen) save() tea.Cmd {
	if cmd := s.c.refuse(domain.PermTemplates); cmd != nil {
		return cmd
	}
	if !s.Dirty() {
		return status(statusInfo, "Nothing changed.")
	}
	subj, body := s.subject.Value(), s.body.Value()
	s.saveReq = s.c.nextReq()
	req, desk, actor, name, version := s.saveReq, s.c.desk, s.c.actor, s.name, s.t.Version
	return func() tea.Msg {
		// The version read: another agent's save in between is refused,
		// naming them, instead of being overwritten.
		t, err := desk.SetTemplate(actor, name, domain.TemplateEdit{Subject: &subj, Body: &body, Version: &version})
		return templateSavedMsg{req: req, template: t, err: err}
	}
}

func (s *templateScreen) View() string {
	st := s.c.st
	if s.err != nil {
		return " " + st.errText.Render(cut(sanitizeLine(s.err.Error()), s.w-2))
	}
	if !s.loaded {
		return " " + st.muted.Render("Loading…")
	}
	var b strings.Builder
	title := st.title.Render("Template "+cut(sanitizeLine(s.t.Name), s.w/3)) + st.muted.Render(" · "+string(s.t.Event)+" mail")
	origin := templateOrigin(s.c, s.t)
	if s.Dirty() {
		origin = "unsaved edits · " + origin
	}
	if !s.canEdit {
		origin = "read only · " + origin
	}
	b.WriteString(joinRight(" "+title, st.muted.Render(cut(origin, s.w/2))+" ", s.w) + "\n")
	b.WriteString(s.validationView() + "\n")
	subject := s.subject.View()
	if !s.canEdit {
		subject = st.value.Render(cut(sanitizeLine(s.subject.Value()), s.w-labelWidth-6))
	}
	b.WriteString("  " + st.label.Render(fit("Subject", labelWidth)) + "  " + subject + "\n")
	b.WriteString("  " + st.muted.Render(cut("Tags: {"+strings.Join(domain.MailTags, "} {")+"}", s.w-4)) + "\n\n")

	ew, eh, pw, ph := s.panes()
	editor := s.editorView(ew, eh)
	preview := s.previewView(pw, ph)
	if s.sideBySide() {
		el, pl := strings.Split(editor, "\n"), strings.Split(preview, "\n")
		for i := 0; i < max(len(el), len(pl)); i++ {
			if i > 0 {
				b.WriteByte('\n')
			}
			var l, r string
			if i < len(el) {
				l = el[i]
			}
			if i < len(pl) {
				r = pl[i]
			}
			b.WriteString("  " + fit(l, ew) + " " + st.muted.Render("│") + " " + r)
		}
		return b.String()
	}
	b.WriteString(indentAll(editor, 2) + "\n" + indentAll(preview, 2))
	return b.String()
}

// validationView is the verdict on the current text, in words, on two
// lines: an unknown tag is named, a missing {MESSAGE} is asked for.
func (s *templateScreen) validationView() string {
	st := s.c.st
	if s.invalid == nil {
		msg := "✓ Ready to send: every tag is known."
		if s.t.Event.NeedsLink() {
			msg = "✓ Ready to send: every tag is known and {MESSAGE} carries the link."
		}
		return " " + st.okText.Render(cut(msg, s.w-2)) + "\n"
	}
	lines := strings.Split(ansi.Wrap("! Cannot be saved: "+sanitizeLine(s.invalid.Error()), max(s.w-2, 10), " "), "\n")
	for len(lines) < 2 {
		lines = append(lines, "")
	}
	if len(lines) > 2 {
		lines[1] = cut(lines[1]+" …", s.w-2)
	}
	return " " + st.errText.Render(lines[0]) + "\n " + st.errText.Render(lines[1])
}

func (s *templateScreen) editorView(w, h int) string {
	st := s.c.st
	label := "Body"
	if s.canEdit && s.focusBody {
		label = "Body (editing)"
	}
	if !s.canEdit {
		lines := strings.Split(strings.TrimRight(sanitize(s.body.Value()), "\n"), "\n")
		var b strings.Builder
		b.WriteString(st.label.Render(label))
		for i := 0; i < len(lines) && i < h; i++ {
			b.WriteString("\n" + st.value.Render(cut(lines[i], w)))
		}
		return b.String()
	}
	return st.label.Render(label) + "\n" + s.body.View()
}

func (s *templateScreen) previewView(w, h int) string {
	st := s.c.st
	var b strings.Builder
	head := st.label.Render("Preview") + st.muted.Render(cut(" for Ann Lee <ann.lee@example.com> ", w-7))
	b.WriteString(head + st.muted.Render(strings.Repeat("─", max(w-width(head), 0))))
	b.WriteString("\n" + st.title.Render(cut("Subject: "+s.prevSubject, w)))
	for i := 0; i < len(s.prevBody) && i < h; i++ {
		l := s.prevBody[i]
		if i == h-1 && len(s.prevBody) > h {
			l = cut(l, w-2) + "…"
		}
		b.WriteString("\n" + st.value.Render(cut(l, w)))
	}
	return b.String()
}

func (s *templateScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if !s.canEdit {
		return []key.Binding{s.c.gate(k.Save, domain.PermTemplates), k.Back}
	}
	return []key.Binding{k.Save, k.SwitchPane, keyHelp(k.Back, "back")}
}

func (s *templateScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{s.c.gate(k.Save, domain.PermTemplates), s.c.gate(k.SwitchPane, domain.PermTemplates), k.Back},
	}
}

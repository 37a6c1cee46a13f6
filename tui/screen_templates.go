package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

type (
	templatesMsg struct {
		req       uint64
		templates []domain.Template
		// translations are the stored translations of every template.
		translations []domain.Template
		err          error
	}
	// templateSavedMsg is a saved template, heard by every open screen: the
	// editor that saved it and the list, which shows who edited it.
	templateSavedMsg struct {
		req      uint64
		template domain.Template
		err      error
	}
)

// templatesScreen lists the account email templates: the shipped defaults
// (or their edited versions) and the agents' own. There are a handful, so
// the list is read whole.
type templatesScreen struct {
	c            *common
	templates    []domain.Template
	translations []domain.Template
	req          uint64
	loading      bool
	err          error

	cursor, top int
	w, h        int
}

func newTemplatesScreen(c *common) *templatesScreen { return &templatesScreen{c: c} }

func (s *templatesScreen) Title() string   { return "Templates" }
func (s *templatesScreen) Init() tea.Cmd   { return s.load() }
func (s *templatesScreen) Capturing() bool { return false }
func (s *templatesScreen) Dirty() bool     { return false }

func (s *templatesScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.follow()
}

func (s *templatesScreen) load() tea.Cmd {
	s.req = s.c.nextReq()
	s.loading = true
	req, desk := s.req, s.c.desk
	return func() tea.Msg {
		ts, err := desk.Templates()
		if err != nil {
			return templatesMsg{req: req, err: err}
		}
		trs, err := desk.Translations()
		return templatesMsg{req: req, templates: ts, translations: trs, err: err}
	}
}

func (s *templatesScreen) rowsShown() int { return max(s.h-4, 1) }

func (s *templatesScreen) follow() {
	s.cursor = max(0, min(s.cursor, len(s.templates)-1))
	n := s.rowsShown()
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+n {
		s.top = s.cursor - n + 1
	}
	s.top = max(0, min(s.top, len(s.templates)-n))
}

func (s *templatesScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case templatesMsg:
		if msg.req != s.req {
			return nil
		}
		s.loading, s.err = false, msg.err
		if msg.err == nil {
			s.templates, s.translations = msg.templates, msg.translations
			s.follow()
		}
		return nil
	case templateSavedMsg:
		if msg.err == nil {
			return s.load()
		}
		return nil
	case deskEventsMsg:
		// A reread after an error, an import, or a template event (should
		// the desk announce template changes to other sessions).
		for _, e := range msg.events {
			if e.Kind == "template" || e.Kind == "import" {
				return s.load()
			}
		}
		if len(msg.events) == 0 {
			return s.load()
		}
		return nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Open):
			if s.cursor < len(s.templates) {
				return s.c.post(openTemplateMsg{name: s.templates[s.cursor].Name})
			}
		case key.Matches(msg, k.Settings):
			return s.c.post(openSettingsMsg{})
		case key.Matches(msg, k.Up):
			s.cursor--
			s.follow()
		case key.Matches(msg, k.Down):
			s.cursor++
			s.follow()
		case key.Matches(msg, k.Home):
			s.cursor = 0
			s.follow()
		case key.Matches(msg, k.End):
			s.cursor = len(s.templates) - 1
			s.follow()
		}
	}
	return nil
}

// templateOrigin says whether a template is the shipped default or who
// edited it last, and when.
func templateOrigin(c *common, t domain.Template) string {
	if t.Shipped {
		return "shipped default"
	}
	return "edited by " + sanitizeLine(t.UpdatedBy) + " " + c.when(t.UpdatedAt)
}

func (s *templatesScreen) View() string {
	st := s.c.st
	var b strings.Builder
	hint := "enter opens"
	if !s.c.actor.Can(domain.PermTemplates) {
		hint = "read only: editing needs the templates permission"
	}
	b.WriteString(joinRight(" "+st.title.Render("Mail templates"), st.muted.Render(hint)+" ", s.w) + "\n\n")
	// Names and events as long as the longest, within reason: the shipped
	// create-account and account-exists are read whole.
	nw, ew := 8, 7
	for _, t := range s.templates {
		nw, ew = max(nw, width(sanitizeLine(t.Name))), max(ew, len(t.Event))
	}
	nw, ew = min(nw, 16), min(ew, 14)
	sw := max(min(s.w/3, s.w-nw-ew-26), 16)
	b.WriteString(st.colHead.Render("  " + fit("NAME", nw) + "  " + fit("EVENT", ew) + "  " + fit("SUBJECT", sw) + "  ORIGIN"))
	switch {
	case s.err != nil:
		b.WriteString("\n  " + st.errText.Render(cut(sanitizeLine(s.err.Error()), s.w-4)))
		return b.String()
	case len(s.templates) == 0 && s.loading:
		b.WriteString("\n  " + st.muted.Render("Loading…"))
		return b.String()
	}
	for i := s.top; i < len(s.templates) && i < s.top+s.rowsShown(); i++ {
		t := s.templates[i]
		marker := "  "
		if i == s.cursor {
			marker = "› "
		}
		line := marker + fit(sanitizeLine(t.Name), nw) + "  " + fit(string(t.Event), ew) + "  " + fit(sanitizeLine(t.Subject), sw) + "  "
		origin := templateOrigin(s.c, t)
		if langs := domain.TranslationLanguages(s.translations, t.Name); len(langs) > 0 {
			origin += " · also in " + sanitizeLine(strings.Join(langs, ", "))
		}
		origin = cut(origin, s.w-width(line))
		switch {
		case i == s.cursor:
			b.WriteString("\n" + st.rowSel.Render(line+origin))
		case t.Shipped:
			b.WriteString("\n" + st.value.Render(line) + st.muted.Render(origin))
		default:
			b.WriteString("\n" + st.value.Render(line) + st.okText.Render(origin))
		}
	}
	return b.String()
}

func (s *templatesScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	open := keyHelp(k.Open, "edit")
	if !s.c.actor.Can(domain.PermTemplates) {
		open = keyHelp(k.Open, "read")
	}
	return []key.Binding{open, k.Down, k.Settings}
}

func (s *templatesScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{k.Up, k.Down, k.Home, k.End, k.Open}, {k.Settings}}
}

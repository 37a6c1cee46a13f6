package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain/demo"
)

// welcomeScreen greets an empty database: it offers to load the demo data
// (the same organizations and users as helpdesk demo) or to start empty.
type welcomeScreen struct {
	c       *common
	choice  int // 0 demo, 1 empty
	loading bool
	w, h    int
}

func newWelcomeScreen(c *common) *welcomeScreen { return &welcomeScreen{c: c} }

func (s *welcomeScreen) Title() string    { return "Welcome" }
func (s *welcomeScreen) Init() tea.Cmd    { return nil }
func (s *welcomeScreen) SetSize(w, h int) { s.w, s.h = w, h }
func (s *welcomeScreen) Capturing() bool  { return false }
func (s *welcomeScreen) Dirty() bool      { return false }

func (s *welcomeScreen) loadDemo() tea.Cmd {
	if s.loading {
		return nil
	}
	s.loading = true
	desk, actor, n := s.c.desk, s.c.actor, s.c.demoUsers
	return func() tea.Msg {
		// The same demo as helpdesk --demo: users in every state, an
		// agreement, agents, groups and conversations.
		full, err := demo.LoadFull(desk, actor, n)
		return demoLoadedMsg{sum: full.Summary, convs: full.Conversations, err: err}
	}
}

func (s *welcomeScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case demoLoadedMsg:
		s.loading = false
		return nil
	case tea.KeyMsg:
		if s.loading {
			return nil
		}
		switch {
		case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
			s.choice = 1 - s.choice
		case key.Matches(msg, k.LoadDemo):
			return s.loadDemo()
		case key.Matches(msg, k.StartEmpty):
			return s.c.post(backMsg{})
		case key.Matches(msg, k.Open):
			if s.choice == 0 {
				return s.loadDemo()
			}
			return s.c.post(backMsg{})
		}
	}
	return nil
}

func (s *welcomeScreen) View() string {
	st := s.c.st
	var b strings.Builder
	b.WriteString("\n  " + st.brand.Render("Welcome to helpdesk"))
	b.WriteString("\n\n  " + st.value.Render("This desk is empty: no users, no organizations yet."))
	b.WriteString("\n  " + st.muted.Render("You can try the console on demo data, or start with your own."))
	b.WriteString("\n\n")
	options := []struct{ key, text, detail string }{
		{"d", "Load the demo data", thousands(len(demo.Orgs)) + " organizations and " + thousands(s.c.demoUsers) + " users, marked in the audit log as demo data"},
		{"e", "Start empty", "create users with n, organizations from the Organizations tab"},
	}
	for i, o := range options {
		marker, style := "    ", st.value
		if i == s.choice {
			marker, style = "  › ", st.tabActive
		}
		b.WriteString(marker + style.Render(o.text) + st.muted.Render("  ("+o.key+")") + "\n")
		b.WriteString("      " + st.muted.Render(cut(o.detail, s.w-8)) + "\n")
	}
	if s.loading {
		b.WriteString("\n  " + st.muted.Render("Loading the demo data…"))
	}
	return b.String()
}

func (s *welcomeScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	// Most important first: the hint line drops keys from the end.
	return []key.Binding{k.LoadDemo, k.StartEmpty, keyHelp(k.Open, "choose"), k.Up, k.Down}
}

func (s *welcomeScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

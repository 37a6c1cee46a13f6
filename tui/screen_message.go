package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"helpdesk/domain"
)

type messageLoadedMsg struct {
	req uint64
	msg domain.OutboxMessage
	err error
}

// messageScreen shows one outbox message: its headers, its delivery and
// the text body as it was (or will be) sent. r queues a failed or
// cancelled message again, after a confirm.
type messageScreen struct {
	c         *common
	id        domain.ID
	transport bool

	msg     domain.OutboxMessage
	loaded  bool
	err     error
	loadReq uint64

	body   []string // the text, sanitized and wrapped to the width
	scroll int

	w, h int
}

func newMessageScreen(c *common, id domain.ID, transport bool) *messageScreen {
	return &messageScreen{c: c, id: id, transport: transport}
}

func (s *messageScreen) Title() string {
	if s.id == 0 {
		return "Message"
	}
	return "Message " + itoa(int(s.id))
}
func (s *messageScreen) Init() tea.Cmd   { return s.load() }
func (s *messageScreen) Capturing() bool { return false }
func (s *messageScreen) Dirty() bool     { return false }

func (s *messageScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.wrap()
}

func (s *messageScreen) load() tea.Cmd {
	s.loadReq = s.c.nextReq()
	req, desk, id := s.loadReq, s.c.desk, s.id
	return func() tea.Msg {
		m, err := desk.Message(id)
		return messageLoadedMsg{req: req, msg: m, err: err}
	}
}

// wrap breaks the body into lines that fit the screen. The text passes
// domain.MaskLinks (the desk's one rule for messages shown to agents) on
// top of the Desk's own masking: no agent reads a usable link here.
func (s *messageScreen) wrap() {
	if !s.loaded {
		s.body = nil
		return
	}
	text := strings.TrimRight(sanitize(domain.MaskLinks(s.msg.Text)), "\n")
	s.body = strings.Split(ansi.Wrap(text, max(s.w-4, 10), ""), "\n")
	s.scroll = max(0, min(s.scroll, len(s.body)-1))
}

func (s *messageScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case messageLoadedMsg:
		if msg.req != s.loadReq {
			return nil
		}
		if msg.err != nil {
			s.err = msg.err
			return nil
		}
		s.msg, s.loaded, s.err = msg.msg, true, nil
		s.wrap()
		return nil
	case deskEventsMsg:
		if touches(msg, "mail", s.id) {
			return s.load()
		}
		return nil
	case messageRetriedMsg:
		if msg.err == nil && msg.msg.ID != s.id {
			return nil
		}
		return tea.Batch(retried(msg), s.load())
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				s.scrollBy(-3)
			case tea.MouseButtonWheelDown:
				s.scrollBy(3)
			}
		}
	case tea.KeyMsg:
		if !s.loaded {
			return nil
		}
		switch {
		case key.Matches(msg, k.Retry):
			return askRetry(s.c, s.msg)
		}
		if d, ok := navDelta(k, msg, s.bodyRows(), len(s.body)); ok {
			s.scrollBy(d)
		}
	}
	return nil
}

// headerLines is how many lines the headers take above the body.
const messageHeaderLines = 12

func (s *messageScreen) bodyRows() int { return max(s.h-messageHeaderLines, 1) }

func (s *messageScreen) scrollBy(d int) {
	s.scroll = max(0, min(s.scroll+d, len(s.body)-s.bodyRows()))
}

func (s *messageScreen) View() string {
	st := s.c.st
	if s.err != nil {
		return " " + st.errText.Render(cut(sanitizeLine(s.err.Error()), s.w-2))
	}
	if !s.loaded {
		return " " + st.muted.Render("Loading…")
	}
	m := s.msg
	var b strings.Builder
	stateStyle := st.value
	switch m.State {
	case domain.MailFailed:
		stateStyle = st.errText
	case domain.MailSent:
		stateStyle = st.okText
	}
	title := st.title.Render(cut(sanitizeLine(domain.MaskLinks(m.Subject)), s.w*2/3))
	b.WriteString(joinRight(" "+title, stateStyle.Render(string(m.State))+" ", s.w) + "\n\n")
	vw := s.w - labelWidth - 6
	row := func(label, value string, style styleRenderer) {
		v := st.muted.Render("—")
		if value != "" {
			v = style.Render(cut(value, vw))
		}
		b.WriteString("  " + st.label.Render(fit(label, labelWidth)) + "  " + v + "\n")
	}
	to := sanitizeLine(m.To)
	if m.ToName != "" {
		to = sanitizeLine(m.ToName) + " <" + to + ">"
	}
	row("To", to, st.value)
	row("Subject", sanitizeLine(domain.MaskLinks(m.Subject)), st.value)
	row("Message-ID", sanitizeLine(m.MessageID), st.value)
	state := string(m.State) + " · " + string(m.Event) + " mail"
	switch {
	case m.State == domain.MailQueued && !s.transport:
		state += " · " + noTransport
	case m.State == domain.MailQueued || m.State == domain.MailSending:
		state += " · " + sanitizeLine(m.Delivery(s.c.when))
	case retryable(m) && s.c.actor.Can(domain.PermUsersWrite):
		state += " · r retries"
	}
	row("State", state, stateStyle)
	row("Attempts", itoa(m.Attempts), st.value)
	row("Last error", sanitizeLine(m.LastError), st.errText)
	row("Queued", s.c.when(m.CreatedAt), st.muted)
	row("Updated", s.c.when(m.UpdatedAt), st.muted)
	sent := ""
	if !m.SentAt.IsZero() {
		sent = s.c.when(m.SentAt)
	}
	row("Sent", sent, st.muted)
	note := "as it will be sent"
	switch m.State {
	case domain.MailSent:
		note = "as it was sent"
	case domain.MailFailed, domain.MailCancelled:
		note = "as it was to be sent"
	}
	pos := ""
	if len(s.body) > s.bodyRows() {
		pos = "lines " + itoa(s.scroll+1) + "–" + itoa(min(s.scroll+s.bodyRows(), len(s.body))) + " of " + itoa(len(s.body)) + " · ↑/↓ scroll"
	}
	b.WriteString(joinRight(" "+st.title.Render("Text")+st.muted.Render(" "+note), st.muted.Render(pos)+" ", s.w))
	for i := s.scroll; i < len(s.body) && i < s.scroll+s.bodyRows(); i++ {
		b.WriteString("\n   " + st.value.Render(s.body[i]))
	}
	return b.String()
}

func (s *messageScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	var bs []key.Binding
	if retryable(s.msg) {
		bs = append(bs, s.c.gate(k.Retry, domain.PermUsersWrite))
	}
	return append(bs, keyHelp(k.Down, "scroll"), k.Back)
}

func (s *messageScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{s.c.gate(k.Retry, domain.PermUsersWrite)},
		{keyHelp(k.Up, "scroll up"), keyHelp(k.Down, "scroll down"), k.PageUp, k.PageDown, k.Home, k.End},
	}
}

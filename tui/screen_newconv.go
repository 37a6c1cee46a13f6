package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

type convCreatedMsg struct {
	req  uint64
	conv domain.Conversation
	msg  domain.ConvMessage
	// out is the first message's outbox message, as stored then.
	out domain.OutboxMessage
	err error
}

// createConvScreen starts a conversation on behalf of a user: a subject and
// the first message, a public reply mailed to the user (unless the user
// may not get mail). Saved, it is replaced by the conversation.
type createConvScreen struct {
	c      *common
	userID domain.ID
	who    string

	subject textinput.Model
	body    textarea.Model
	focus   int // 0 subject, 1 body
	req     uint64
	saving  bool
	errText string

	w, h int
}

func newCreateConvScreen(c *common, userID domain.ID, who string) *createConvScreen {
	s := &createConvScreen{c: c, userID: userID, who: who, subject: c.st.input("What it is about"), body: c.st.textarea("The first message, mailed to the user.")}
	return s
}

func (s *createConvScreen) Title() string   { return "New conversation" }
func (s *createConvScreen) Init() tea.Cmd   { return s.subject.Focus() }
func (s *createConvScreen) Capturing() bool { return true }
func (s *createConvScreen) Dirty() bool {
	return strings.TrimSpace(s.subject.Value()) != "" || strings.TrimSpace(s.body.Value()) != ""
}

func (s *createConvScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.subject.Width = max(w-labelWidth-8, 10)
	s.body.SetWidth(max(w-4, 10))
	s.body.SetHeight(max(h-8, 3))
}

func (s *createConvScreen) setFocus(i int) tea.Cmd {
	s.focus = i
	if i == 0 {
		s.body.Blur()
		return s.subject.Focus()
	}
	s.subject.Blur()
	return s.body.Focus()
}

func (s *createConvScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case convCreatedMsg:
		if msg.req != s.req {
			return nil
		}
		s.saving = false
		if msg.err != nil {
			s.errText = sanitizeLine(msg.err.Error())
			return errStatus("Not created: ", msg.err)
		}
		note := "Conversation created; the first message is " + sanitizeLine(domain.MessageMailStatus(msg.msg, msg.out, s.c.when, s.c.mailHeld)) + "."
		if msg.msg.Mailed() {
			note = "Conversation created; the first message's mail is " + sanitizeLine(domain.MessageMailStatus(msg.msg, msg.out, s.c.when, s.c.mailHeld)) + "."
		}
		s.subject.SetValue("")
		s.body.Reset()
		return tea.Batch(s.c.post(openConvMsg{id: msg.conv.ID, replace: true}), status(statusOK, note))
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Save):
			return s.save()
		case key.Matches(msg, k.Back):
			return s.c.post(backMsg{})
		case key.Matches(msg, k.SwitchPane):
			return s.setFocus(1 - s.focus)
		case s.focus == 0 && key.Matches(msg, k.Open):
			return s.setFocus(1)
		}
		var cmd tea.Cmd
		if s.focus == 0 {
			s.subject, cmd = s.subject.Update(msg)
			cleanInput(&s.subject)
		} else {
			s.body, cmd = s.body.Update(msg)
		}
		return cmd
	}
	return nil
}

func (s *createConvScreen) save() tea.Cmd {
	if cmd := s.c.refuse(domain.PermUsersWrite); cmd != nil {
		return cmd
	}
	if s.saving {
		return nil
	}
	s.saving, s.errText = true, ""
	s.req = s.c.nextReq()
	req, desk, actor := s.req, s.c.desk, s.c.actor
	in := domain.ConvInput{RequesterID: s.userID, Subject: s.subject.Value(), Body: s.body.Value()}
	return func() tea.Msg {
		c, m, err := desk.NewConversation(actor, in)
		if err != nil {
			return convCreatedMsg{req: req, err: err}
		}
		// Created; the mail's state is only news: a failed read leaves
		// the sentence to name the outbox id.
		out, _ := desk.MailStatuses([]domain.ConvMessage{m})
		return convCreatedMsg{req: req, conv: c, msg: m, out: out[m.OutboxID]}
	}
}

func (s *createConvScreen) View() string {
	st := s.c.st
	var b strings.Builder
	b.WriteString(" " + st.title.Render("New conversation") + st.muted.Render(cut(" with "+s.who, s.w-20)) + "\n\n")
	b.WriteString("  " + st.label.Render(fit("Subject", labelWidth)) + "  " + s.subject.View() + "\n\n")
	b.WriteString("  " + st.label.Render("First message (a reply, mailed to the user)") + "\n")
	b.WriteString(indentAll(s.body.View(), 2))
	if s.errText != "" {
		b.WriteString("\n " + st.errText.Render(cut(s.errText, s.w-2)))
	}
	return b.String()
}

func (s *createConvScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{keyHelp(k.Save, "create"), keyHelp(k.SwitchPane, "subject/message"), keyHelp(k.Back, "cancel")}
}

func (s *createConvScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{keyHelp(k.Save, "create"), keyHelp(k.SwitchPane, "subject/message"), keyHelp(k.Back, "cancel")}}
}

package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// outboxPage is how many messages one read of the outbox returns.
const outboxPage = 200

// Messages screens send to the root to open the mail screens.
type (
	openOutboxMsg    struct{}
	openMessageMsg   struct{ id domain.ID }
	openTemplatesMsg struct{}
	openTemplateMsg  struct{ name string }
)

// messageRetriedMsg is the outcome of a retry, heard by every open
// screen: the list and the message both show the new state.
type messageRetriedMsg struct {
	msg domain.OutboxMessage
	err error
}

// auditTab is the audit log section with the keys that open the mail
// screens (the outbox and the templates) and the desk settings, which the
// tab bar has no room for at 80 columns.
type auditTab struct{ *auditScreen }

func newAuditTab(c *common) *auditTab { return &auditTab{newAuditScreen(c)} }

func (a *auditTab) Update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok && !a.typing {
		k := a.c.keys
		switch {
		case key.Matches(km, k.Outbox):
			return a.c.post(openOutboxMsg{})
		case key.Matches(km, k.Templates):
			return a.c.post(openTemplatesMsg{})
		case key.Matches(km, k.Settings):
			return a.c.post(openSettingsMsg{})
		case key.Matches(km, k.Agents):
			if cmd := a.c.refuse(domain.PermAgents); cmd != nil {
				return cmd
			}
			return a.c.post(openAgentsMsg{})
		}
	}
	return a.auditScreen.Update(msg)
}

func (a *auditTab) FullHelp() [][]key.Binding {
	k := a.c.keys
	return append(a.auditScreen.FullHelp(), []key.Binding{k.Outbox, k.Templates, k.Settings, a.c.gate(k.Agents, domain.PermAgents)})
}

// mailFilters are the states the filter key cycles through; "" is all.
var mailFilters = append([]domain.MailState{""}, domain.MailStates...)

// noTransport is what a queued message says on a desk that sends no mail,
// in the words of the mail list command (domain.NoTransport).
const noTransport = "held: " + domain.NoTransport

// mailNote is the last-error cell of a message: on a desk without a mail
// transport a queued message will not leave, and says so.
func mailNote(m domain.OutboxMessage, transport bool) string {
	if m.State == domain.MailQueued && !transport {
		return noTransport
	}
	if m.State == domain.MailSending {
		return "claimed by " + sanitizeLine(m.Holder)
	}
	return sanitizeLine(m.LastError)
}

// retryable reports whether RetryMessage would take the message.
func retryable(m domain.OutboxMessage) bool {
	return m.State == domain.MailFailed || m.State == domain.MailCancelled
}

// askRetry asks before queueing a message again; the retry runs in a
// command and its outcome reaches every screen.
func askRetry(c *common, m domain.OutboxMessage) tea.Cmd {
	if cmd := c.refuse(domain.PermUsersWrite); cmd != nil {
		return cmd
	}
	if !retryable(m) {
		// The domain's rule, as mail retry prints it, as a sentence.
		why := domain.RetryRefusal(m.ID, m.State)
		return status(statusInfo, strings.ToUpper(why[:1])+why[1:]+".")
	}
	desk, actor, id := c.desk, c.actor, m.ID
	return c.post(askMsg{
		title:    "Retry message " + itoa(int(m.ID)) + " to " + sanitizeLine(m.To) + "?",
		body:     "It is queued again and sent as soon as the mail worker can. It was " + string(m.State) + ".",
		yesLabel: "Retry",
		yes: func() tea.Msg {
			out, err := desk.RetryMessage(actor, id)
			return messageRetriedMsg{msg: out, err: err}
		},
	})
}

// retried puts the outcome of a retry on the status line (one screen says
// it, so the root hears it once).
func retried(msg messageRetriedMsg) tea.Cmd {
	if msg.err != nil {
		return errStatus("Not retried: ", msg.err)
	}
	return status(statusOK, "Message "+itoa(int(msg.msg.ID))+" to "+sanitizeLine(msg.msg.To)+" is queued again.")
}

// outboxScreen lists outbox messages newest first, a page at a time as the
// agent scrolls, optionally in one state.
type outboxScreen struct {
	c         *common
	transport bool

	list   *pagedList[domain.OutboxMessage]
	filter int // index in mailFilters

	w, h int
}

func newOutboxScreen(c *common, transport bool) *outboxScreen {
	s := &outboxScreen{c: c, transport: transport}
	s.list = newPagedList(c, pagedOptions[domain.OutboxMessage]{
		id: func(m domain.OutboxMessage) domain.ID { return m.ID },
		render: func(m *domain.OutboxMessage, sel, _ bool, w int) string {
			return s.line(*m, sel)
		},
		pageSize: outboxPage,
	})
	s.setLoader()
	return s
}

func (s *outboxScreen) Title() string   { return "Outbox" }
func (s *outboxScreen) Init() tea.Cmd   { return s.list.Reset() }
func (s *outboxScreen) Capturing() bool { return false }
func (s *outboxScreen) Dirty() bool     { return false }

func (s *outboxScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.list.SetSize(w, s.rowsShown())
}

func (s *outboxScreen) state() domain.MailState { return mailFilters[s.filter] }

// setLoader gives the list the reads of the state now chosen. Messages
// are read newest first below an id; a read up (newer) reads down from
// the newest to the anchor.
func (s *outboxScreen) setLoader() {
	desk, state := s.c.desk, s.state()
	s.list.o.load = func(_ context.Context, anchor domain.ID, dir pageDir, limit int) ([]domain.OutboxMessage, domain.ID, error) {
		if dir == pageDown {
			ms, err := desk.Outbox(state, anchor, limit)
			if err != nil || len(ms) < limit {
				return ms, 0, err
			}
			return ms, ms[len(ms)-1].ID, nil
		}
		var ring []domain.OutboxMessage
		var next domain.ID
		for {
			ms, err := desk.Outbox(state, next, outboxPage)
			if err != nil {
				return nil, 0, err
			}
			for _, m := range ms {
				if m.ID <= anchor {
					return ring, anchor, nil
				}
				if ring = append(ring, m); len(ring) > limit {
					ring = ring[1:]
				}
			}
			if len(ms) < outboxPage {
				return ring, anchor, nil
			}
			next = ms[len(ms)-1].ID
		}
	}
	s.list.o.get = func(_ context.Context, id domain.ID) (domain.OutboxMessage, bool, error) {
		m, err := desk.Message(id)
		if domain.IsNotFound(err) {
			return m, false, nil
		}
		return m, err == nil && (state == "" || m.State == state), err
	}
}

// refresh places what a commit changed: the messages it names are reread;
// any other change that may queue or cancel mail (users, conversations,
// settings, an import) rereads the window.
func (s *outboxScreen) refresh(evs []domain.Event) tea.Cmd {
	var ids []domain.ID
	for _, e := range evs {
		switch {
		case e.Kind == "mail" && e.ID != 0:
			ids = append(ids, e.ID)
		case e.Kind == domain.SubjectOrg, e.Kind == "template", e.Kind == "agent", e.Kind == "group":
		default:
			return s.list.Reload()
		}
	}
	return s.list.Touch(ids...)
}

// outboxDetailLines is the pane under the list that shows the selected
// message's recipient and last error in full.
const outboxDetailLines = 2

func (s *outboxScreen) rowsShown() int { return max(s.h-4-outboxDetailLines, 1) }

func (s *outboxScreen) selected() (domain.OutboxMessage, bool) { return s.list.Selected() }

func (s *outboxScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case pagedPageMsg[domain.OutboxMessage], pagedTouchMsg[domain.OutboxMessage]:
		cmd, _ := s.list.Update(msg)
		return cmd
	case deskEventsMsg:
		return s.refresh(msg.events)
	case messageRetriedMsg:
		return tea.Batch(retried(msg), s.list.Touch(msg.msg.ID))
	case tea.KeyMsg:
		m, ok := s.selected()
		switch {
		case key.Matches(msg, k.CycleMail):
			s.filter = (s.filter + 1) % len(mailFilters)
			s.setLoader()
			return s.list.Reset()
		case key.Matches(msg, k.Open) && ok:
			return s.c.post(openMessageMsg{id: m.ID})
		case key.Matches(msg, k.Retry) && ok:
			return askRetry(s.c, m)
		}
		if cmd, ok := s.list.Nav(k, msg); ok {
			return cmd
		}
	}
	return nil
}

// outboxCols are the widths of the recipient and subject columns; the
// last error gets what is left.
func outboxCols(w int) (to, subject int) {
	return min(32, max(14, w/4)), min(40, max(14, w/4))
}

func (s *outboxScreen) View() string {
	st := s.c.st
	var b strings.Builder
	left := " " + st.title.Render("Outbox") + st.muted.Render(" newest first")
	var states []string
	for i, f := range mailFilters {
		name := string(f)
		if f == "" {
			name = "all"
		}
		if i == s.filter {
			states = append(states, st.tabActive.Render("["+name+"]"))
		} else {
			states = append(states, st.muted.Render(name))
		}
	}
	right := st.label.Render("s ") + strings.Join(states, " ")
	b.WriteString(joinRight(left, right+" ", s.w) + "\n\n")
	tw, sw := outboxCols(s.w)
	b.WriteString(st.colHead.Render("  " + fit("STATE", 9) + "  " + fit("TO", tw) + "  " + fit("SUBJECT", sw) + "  " + fitLeft("TRIES", 5) + "  LAST ERROR"))
	l := s.list
	switch {
	case l.Err() != nil:
		b.WriteString("\n  " + st.errText.Render(cut(sanitizeLine(l.Err().Error()), s.w-4)))
		return b.String()
	case l.Len() == 0 && (l.Loading() || !l.Loaded()):
		b.WriteString("\n  " + st.muted.Render("Loading…"))
		return b.String()
	case l.Len() == 0 && s.filter != 0:
		b.WriteString("\n  " + st.muted.Render("No "+string(s.state())+" messages. s shows another state."))
		return b.String()
	case l.Len() == 0:
		b.WriteString("\n  " + st.muted.Render("No mail yet: creating a user queues one."))
		return b.String()
	}
	b.WriteString("\n" + l.View())
	at, of := l.Position()
	pos := "  " + thousands(at) + " of " + thousands(of)
	if l.MoreDown() {
		pos += "+"
	}
	b.WriteString("\n" + st.muted.Render(pos))
	if m, ok := s.selected(); ok {
		b.WriteString("\n" + s.detail(m))
	}
	return b.String()
}

// detail is the selected message on two lines: whom to and what, then
// where it is in its delivery with the last error in full.
func (s *outboxScreen) detail(m domain.OutboxMessage) string {
	st := s.c.st
	to := sanitizeLine(m.To)
	if m.ToName != "" {
		to = sanitizeLine(m.ToName) + " <" + to + ">"
	}
	via := " mail to "
	if m.Via() == domain.ChannelSMS {
		via = " SMS to "
	}
	head := st.title.Render(cut(" "+string(m.Event)+via+to, s.w))
	line := sanitizeLine(m.Delivery(s.c.when)) + " · " + plural(m.Attempts, "attempt")
	if note := mailNote(m, s.transport); note != "" {
		line += " · " + note
	}
	style := st.value
	if m.State == domain.MailFailed {
		style = st.errText
	}
	return head + "\n   " + style.Render(cut(line, s.w-3))
}

// line is one message on one row.
func (s *outboxScreen) line(m domain.OutboxMessage, sel bool) string {
	st := s.c.st
	tw, sw := outboxCols(s.w)
	marker := "  "
	if sel {
		marker = "› "
	}
	line := marker + fit(string(m.State), 9) + "  " + fit(sanitizeLine(m.To), tw) + "  " + fit(sanitizeLine(m.Subject), sw) +
		"  " + fitLeft(itoa(m.Attempts), 5) + "  "
	note := cut(mailNote(m, s.transport), s.w-width(line))
	switch {
	case sel:
		return st.rowSel.Render(line + note)
	case m.State == domain.MailFailed:
		return st.value.Render(line) + st.errText.Render(note)
	case m.State == domain.MailCancelled:
		return st.muted.Render(line + note)
	}
	return st.value.Render(line) + st.warnText.Render(note)
}

func (s *outboxScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Open, k.CycleMail, s.c.gate(k.Retry, domain.PermUsersWrite)}
}

func (s *outboxScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.CycleMail, s.c.gate(k.Retry, domain.PermUsersWrite)},
	}
}

// plural is "1 attempt", "2 attempts".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}

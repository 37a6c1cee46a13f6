package tui

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// bulk is the bulk work of a list with marks (Users, Inbox): the menu b
// opens, the pickers some actions need, the one confirm naming the count,
// and the run. A run takes the marked ids in order and calls one use-case
// per id (DisableUser, AddToGroup, Assign, ...), each its own transaction,
// on a goroutine of its own; the status line shows how far it is, esc
// stops it after the row in hand, and the summary is the domain's
// BulkResult sentence. Rows refused or not reached stay marked.
type bulk struct {
	c     *common
	marks *marks
	// owner tells this component's messages from another list's.
	owner uint64
	// options are the menu's lines for the list's records.
	options func() []bulkOption

	stage  bulkStage
	sel    int
	picker *picker
	chosen bulkOption
	// ids by name for the picker's entries (groups); orgs and agents go
	// by name.
	pickIDs map[string]domain.ID
	pickReq uint64

	job *bulkJob
	// beforeRow, when set (tests), runs on the job's goroutine before each
	// row, with the row's index.
	beforeRow func(i int, stopped <-chan struct{})
}

type bulkStage int

const (
	bulkClosed bulkStage = iota
	bulkMenu
	bulkPicking
)

// bulkOption is one line of the menu: an action, its target when the line
// fixes it (a status, "nobody"), or a picker to choose the target.
type bulkOption struct {
	label  string
	action domain.BulkAction
	target string
	pick   bulkPick
	perm   domain.Perms
}

type bulkPick int

const (
	pickNone bulkPick = iota
	pickOrg
	pickGroup
	pickAgent
)

type (
	// bulkChoicesMsg brings the entries of a picker (groups, agents).
	bulkChoicesMsg struct {
		owner, req uint64
		names      []string
		ids        map[string]domain.ID
		err        error
	}
	// bulkGoMsg is the confirm's yes: run the action on ids.
	bulkGoMsg struct {
		owner    uint64
		action   domain.BulkAction
		target   string
		targetID domain.ID
		ids      []domain.ID
	}
	bulkProgressMsg struct {
		owner       uint64
		done, total int
	}
	bulkDoneMsg struct {
		owner  uint64
		result domain.BulkResult
		// left are the ids refused or not reached: they stay marked.
		left []domain.ID
	}
)

func newBulk(c *common, m *marks, options func() []bulkOption) *bulk {
	return &bulk{c: c, marks: m, owner: c.nextReq(), options: options}
}

// userBulkOptions are the menu on Users.
func userBulkOptions() []bulkOption {
	return []bulkOption{
		{label: "Disable", action: domain.BulkDisable, perm: domain.PermUsersDisable},
		{label: "Enable", action: domain.BulkEnable, perm: domain.PermUsersDisable},
		{label: "Move to organization…", action: domain.BulkMove, pick: pickOrg, perm: domain.PermUsersWrite},
		{label: "Add to group…", action: domain.BulkGroup, pick: pickGroup, perm: domain.PermUsersWrite},
		{label: "Resend verification link", action: domain.BulkResend, perm: domain.PermUsersWrite},
	}
}

// convBulkOptions are the menu on the Inbox: assign (to me when the
// session stands for an agent: over SSH, or a local console with --agent;
// to an agent; to nobody) and each status.
func convBulkOptions(c *common) []bulkOption {
	var out []bulkOption
	if c.me != 0 {
		out = append(out, bulkOption{label: "Assign to me", action: domain.BulkAssign, target: bulkMe, perm: domain.PermUsersWrite})
	}
	out = append(out,
		bulkOption{label: "Assign to an agent…", action: domain.BulkAssign, pick: pickAgent, perm: domain.PermUsersWrite},
		bulkOption{label: "Unassign (nobody)", action: domain.BulkAssign, perm: domain.PermUsersWrite})
	for _, st := range []domain.ConvStatus{domain.ConvOpen, domain.ConvPending, domain.ConvResolved, domain.ConvClosed} {
		out = append(out, bulkOption{label: "Status: " + string(st), action: domain.BulkStatus, target: string(st), perm: domain.PermUsersWrite})
	}
	return out
}

// bulkMe stands for the actor's own agent record until the agents are read.
const bulkMe = "\x00me"

// Open shows the menu, unless nothing is marked or a run is on.
func (b *bulk) Open() tea.Cmd {
	switch {
	case b.Running():
		return status(statusInfo, "A bulk action is running; esc stops it.")
	case b.marks.Len() == 0:
		return status(statusInfo, "Nothing is marked: space marks a row, V a range.")
	}
	b.stage, b.sel = bulkMenu, 0
	return nil
}

// Capturing: the menu and its picker have the keyboard.
func (b *bulk) Capturing() bool { return b.stage != bulkClosed }

// Running reports whether a run is on.
func (b *bulk) Running() bool { return b.job != nil }

// Stop asks the run to stop after the row in hand.
func (b *bulk) Stop() tea.Cmd {
	if b.job == nil {
		return nil
	}
	b.job.stop()
	return b.c.post(statusMsg{text: "Stopping after the current row…"})
}

func (b *bulk) close() {
	b.stage, b.picker, b.pickIDs, b.pickReq = bulkClosed, nil, nil, 0
}

// Update handles the menu's and picker's keys, and the run's messages.
// handled is false for a message that is not the component's.
func (b *bulk) Update(msg tea.Msg) (cmd tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case bulkChoicesMsg:
		if msg.owner != b.owner || msg.req != b.pickReq || b.stage != bulkPicking {
			return nil, msg.owner == b.owner
		}
		if msg.err != nil {
			b.close()
			return errStatus("Could not read the choices: ", msg.err), true
		}
		if len(msg.names) == 0 {
			b.close()
			return status(statusInfo, "There is nothing to choose: "+noChoice(b.chosen.pick)), true
		}
		b.pickIDs = msg.ids
		b.picker.SetItems(msg.names)
		return nil, true
	case bulkGoMsg:
		if msg.owner != b.owner {
			return nil, false
		}
		return b.start(msg), true
	case bulkProgressMsg:
		if msg.owner != b.owner || b.job == nil {
			return nil, msg.owner == b.owner
		}
		if !b.job.stopping() {
			b.c.post(statusMsg{text: sanitizeLine(b.job.action.Progress(msg.done, msg.total)) + " · esc stops"})
		}
		return b.job.wait(), true
	case bulkDoneMsg:
		if msg.owner != b.owner {
			return nil, false
		}
		b.job = nil
		b.marks.Keep(msg.left)
		kind := statusOK
		switch {
		case len(msg.result.Refused) > 0:
			kind = statusErr
		case msg.result.Stopped:
			kind = statusInfo
		}
		text := sanitizeLine(msg.result.Sentence())
		if n := b.marks.Len(); n > 0 {
			text += " " + markedText(n) + "."
		}
		b.c.post(statusMsg{text: text, kind: kind})
		return nil, true
	case tea.KeyMsg:
		if b.stage == bulkClosed {
			return nil, false
		}
		return b.key(msg), true
	}
	return nil, false
}

func noChoice(p bulkPick) string {
	switch p {
	case pickGroup:
		return "no group exists yet; create one with helpdesk group create."
	case pickAgent:
		return "no agent is enabled."
	}
	return "no organization exists yet."
}

func (b *bulk) key(msg tea.KeyMsg) tea.Cmd {
	k := b.c.keys
	if b.stage == bulkPicking {
		if key.Matches(msg, k.Back) {
			b.stage, b.picker = bulkMenu, nil
			return nil
		}
		picked, cmd := b.picker.Update(msg)
		if !picked {
			return cmd
		}
		name := b.picker.Value()
		var id domain.ID
		if b.chosen.pick == pickGroup {
			id = b.pickIDs[name]
		}
		return b.ask(b.chosen, name, id)
	}
	opts := b.options()
	switch {
	case key.Matches(msg, k.Back):
		b.close()
		return nil
	case key.Matches(msg, k.Up), key.Matches(msg, k.SelUp):
		b.sel = max(b.sel-1, 0)
	case key.Matches(msg, k.Down), key.Matches(msg, k.SelDown):
		b.sel = min(b.sel+1, len(opts)-1)
	case key.Matches(msg, k.Pick):
		o := opts[b.sel]
		if cmd := b.c.refuse(o.perm); cmd != nil {
			b.close()
			return cmd
		}
		if o.pick == pickNone {
			return b.ask(o, o.target, 0)
		}
		return b.startPick(o)
	}
	return nil
}

// startPick opens the picker of an action's target: organizations come
// from the session's name cache, groups and agents are read.
func (b *bulk) startPick(o bulkOption) tea.Cmd {
	b.chosen, b.stage = o, bulkPicking
	placeholder := map[bulkPick]string{pickOrg: "organization", pickGroup: "group", pickAgent: "agent's email"}[o.pick]
	b.picker = newPicker(b.c, nil, placeholder)
	b.pickReq = b.c.nextReq()
	focus := b.picker.Focus()
	desk, owner, req := b.c.desk, b.owner, b.pickReq
	switch o.pick {
	case pickOrg:
		if len(b.c.orgs.names) == 0 {
			b.close()
			return status(statusInfo, "There is nothing to choose: "+noChoice(pickOrg))
		}
		b.picker.SetItems(b.c.orgs.names)
		return focus
	case pickGroup:
		return tea.Batch(focus, func() tea.Msg {
			gs, err := desk.Groups()
			m := bulkChoicesMsg{owner: owner, req: req, ids: map[string]domain.ID{}, err: err}
			for _, g := range gs {
				m.names = append(m.names, g.Name)
				m.ids[g.Name] = g.ID
			}
			return m
		})
	default:
		return tea.Batch(focus, func() tea.Msg {
			as, err := desk.Agents()
			m := bulkChoicesMsg{owner: owner, req: req, err: err}
			for _, a := range as {
				if !a.Disabled {
					m.names = append(m.names, a.Email)
				}
			}
			return m
		})
	}
}

// ask closes the menu and asks the one confirm, naming the count; only the
// letter goes ahead.
func (b *bulk) ask(o bulkOption, target string, targetID domain.ID) tea.Cmd {
	b.close()
	ids := b.marks.IDs()
	if len(ids) == 0 {
		return status(statusInfo, "Nothing is marked: space marks a row, V a range.")
	}
	shown := target
	if target == bulkMe {
		shown = "you"
	}
	q := sanitizeLine(o.action.Question(len(ids), shown))
	return b.c.post(askMsg{
		title:    q,
		body:     o.action.Consequence() + " Each row is its own change; esc stops the run after the row in hand.",
		yesLabel: strings.TrimSuffix(q, "?"),
		danger:   o.action == domain.BulkDisable,
		yes:      send(bulkGoMsg{owner: b.owner, action: o.action, target: target, targetID: targetID, ids: ids}),
	})
}

// bulkJob is one run on its goroutine.
type bulkJob struct {
	action  domain.BulkAction
	updates chan tea.Msg
	halt    chan struct{}
	once    sync.Once
	halted  atomic.Bool
}

func (j *bulkJob) stop() {
	j.once.Do(func() {
		j.halted.Store(true)
		close(j.halt)
	})
}

func (j *bulkJob) stopping() bool { return j.halted.Load() }

// wait delivers the run's next message.
func (j *bulkJob) wait() tea.Cmd {
	return func() tea.Msg { return <-j.updates }
}

// progressEvery is how often the status line follows the run: often
// enough to see it move, seldom enough not to redraw per row.
const progressEvery = 100 * time.Millisecond

// start runs the action over the ids on a goroutine of its own.
func (b *bulk) start(m bulkGoMsg) tea.Cmd {
	if b.job != nil {
		return status(statusInfo, "A bulk action is running; esc stops it.")
	}
	desk, actor, me := b.c.desk, b.c.actor, b.c.me
	job := &bulkJob{action: m.action, updates: make(chan tea.Msg, 1), halt: make(chan struct{})}
	b.job = job
	owner, hook := b.owner, b.beforeRow
	b.c.post(statusMsg{text: sanitizeLine(m.action.Progress(0, len(m.ids))) + " · esc stops"})
	run := func() {
		step, target := bulkStep(desk, actor, me, m)
		res := domain.BulkResult{Action: m.action, Target: target, Total: len(m.ids)}
		last := time.Now()
		for i, id := range m.ids {
			if hook != nil {
				hook(i, job.halt)
			}
			if job.stopping() {
				res.Stopped = true
				break
			}
			res.Add(id, step(id))
			if now := time.Now(); now.Sub(last) >= progressEvery {
				last = now
				select {
				case job.updates <- bulkProgressMsg{owner: owner, done: res.Handled(), total: res.Total}:
				default: // the console has not taken the last one yet
				}
			}
		}
		left := make([]domain.ID, 0, len(res.Refused)+res.Total-res.Handled())
		for _, f := range res.Refused {
			left = append(left, f.ID)
		}
		left = append(left, m.ids[res.Handled():]...)
		job.updates <- bulkDoneMsg{owner: owner, result: res, left: left}
	}
	return func() tea.Msg {
		go run()
		return <-job.updates
	}
}

// bulkStep is the use-case one row goes through, and the target's name
// for the summary. It runs on the job's goroutine: "me" is looked up there.
func bulkStep(desk *domain.Desk, actor domain.Actor, me domain.ID, m bulkGoMsg) (func(domain.ID) error, string) {
	target := m.target
	switch m.action {
	case domain.BulkDisable:
		return func(id domain.ID) error { _, err := desk.DisableUser(actor, id, 0); return err }, ""
	case domain.BulkEnable:
		return func(id domain.ID) error { _, err := desk.EnableUser(actor, id, 0); return err }, ""
	case domain.BulkMove:
		return func(id domain.ID) error {
			_, err := desk.UpdateUser(actor, id, 0, domain.UserPatch{Org: &target})
			return err
		}, target
	case domain.BulkGroup:
		return func(id domain.ID) error { return desk.AddToGroup(actor, m.targetID, id) }, target
	case domain.BulkResend:
		return func(id domain.ID) error { _, err := desk.ResendVerification(actor, id); return err }, ""
	case domain.BulkStatus:
		st := domain.ConvStatus(target)
		return func(id domain.ID) error { _, err := desk.SetStatus(actor, id, 0, st); return err }, target
	case domain.BulkAssign:
		email := target
		if target == bulkMe {
			email = ""
			if as, err := desk.Agents(); err == nil {
				for _, a := range as {
					if a.ID == me {
						email = a.Email
					}
				}
			}
			if email == "" {
				return func(domain.ID) error {
					return &domain.PermissionError{Actor: actor.String(), Needed: domain.PermUsersWrite}
				}, "you"
			}
		}
		return func(id domain.ID) error { _, err := desk.Assign(actor, id, email); return err }, email
	}
	return func(domain.ID) error { return nil }, target
}

// View draws the menu or the picker in the list's place.
func (b *bulk) View(w, h int, what string) string {
	st := b.c.st
	var s strings.Builder
	n := b.marks.Len()
	s.WriteString(" " + st.title.Render("Bulk action on "+thousands(n)+" marked "+what))
	s.WriteString("\n\n")
	if b.stage == bulkPicking {
		label := map[bulkPick]string{pickOrg: "Move to", pickGroup: "Add to group", pickAgent: "Assign to"}[b.chosen.pick]
		s.WriteString(" " + st.label.Render(label+" ") + "\n " + indentAll(b.picker.View(max(w-4, 10)), 1))
		return s.String()
	}
	for i, o := range b.options() {
		line := marker(i == b.sel, false) + o.label
		style := st.row
		if i == b.sel {
			style = st.rowSel
		}
		if !b.c.actor.Can(o.perm) {
			style = st.muted
			line += " (not allowed)"
		}
		s.WriteString(" " + style.Render(cut(line, max(w-2, 1))) + "\n")
	}
	return s.String()
}

// ShortHelp is the menu's or the picker's keys.
func (b *bulk) ShortHelp() []key.Binding {
	k := b.c.keys
	if b.stage == bulkPicking {
		return []key.Binding{k.SelUp, k.SelDown, k.Pick, keyHelp(k.Back, "back")}
	}
	return []key.Binding{keyHelp(k.Up, "up"), keyHelp(k.Down, "down"), k.Pick, keyHelp(k.Back, "close")}
}

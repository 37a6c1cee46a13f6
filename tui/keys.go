package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap declares every key of the console once. Screens match keys with
// key.Matches against these bindings and list them in their ShortHelp and
// FullHelp, so the help view, the README table and the behaviour cannot
// drift apart.
type keyMap struct {
	// Everywhere.
	Quit, ForceQuit, Help, HelpAnywhere, Back key.Binding
	NextTab, PrevTab                          key.Binding
	TabUsers, TabOrgs, TabInbox, TabAudit     key.Binding
	Up, Down, PageUp, PageDown                key.Binding
	Home, End, Open, Filter, Cancel           key.Binding

	// Copy the selection (OSC 52); suspend the console (a local terminal).
	Copy, Suspend key.Binding

	// Turn mouse tracking off (the terminal's own selection) and on.
	ToggleMouse key.Binding

	// Users.
	New, Toggle, CycleState key.Binding
	// Users: the sort (creation or email, either way).
	CycleSort key.Binding

	// Marks and bulk actions (Users and Inbox).
	Mark, MarkRange, Bulk key.Binding

	// Forms.
	NextField, PrevField, Save, OpenExisting, Clear, Pick, ChoiceNext key.Binding
	SaveAndConv                                                       key.Binding
	SelUp, SelDown, SuggestNext, SuggestPrev                          key.Binding

	// A user or organization.
	Edit, OpenOrg, Reload, ApplyMine key.Binding

	// Account lifecycle: a user's agreement and permanent delete.
	AcceptAgreement, DeleteUser, Preferences key.Binding

	// A user's links: a set-password link, a new verification link.
	SendReset, ResendVerify key.Binding

	// An organization.
	AddDomain, RemoveDomain, ToggleActive key.Binding
	SetAgreement, CopyOrg, Branding       key.Binding

	// The organizations list.
	TreeView key.Binding

	// Audit log.
	FilterAgent, FilterSubject key.Binding

	// Confirm dialog.
	Yes, No key.Binding
	// Adding a domain: add it and move nobody.
	AddOnly key.Binding

	// Welcome.
	LoadDemo, StartEmpty key.Binding

	// Mail: the outbox and the templates, opened from the audit log.
	Outbox, Templates, CycleMail, Retry, SwitchPane key.Binding

	// The desk settings, opened from the audit log and the templates.
	Settings key.Binding

	// The agents screen, opened from the audit log: its permissions key.
	Agents, AgentPerms key.Binding

	// Conversations: the inbox, a thread, and from a user's screen.
	Inbox, CycleConv, CycleAssignee, FilterOrg       key.Binding
	Reply, Note, Send, ConvStatus, Assign, UserConvs key.Binding
	NewConv, OpenRequester                           key.Binding
}

func newKeyMap() *keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	ks := func(k ...string) []string { return k }
	return &keyMap{
		Quit:      b(ks("q"), "q", "quit"),
		ForceQuit: b(ks("ctrl+c"), "ctrl+c", "quit"),
		Help:      b(ks("?"), "?", "help"),
		// In a form, ? is text: f1 opens the help there too.
		HelpAnywhere: b(ks("f1"), "f1", "help, also in forms"),
		Back:         b(ks("esc"), "esc", "back"),
		NextTab:      b(ks("tab"), "tab", "next section"),
		PrevTab:      b(ks("shift+tab"), "shift+tab", "previous section"),
		TabUsers:     b(ks("1"), "1", "users"),
		TabOrgs:      b(ks("2"), "2", "organizations"),
		TabInbox:     b(ks("3"), "3", "inbox"),
		TabAudit:     b(ks("4"), "4", "audit log"),
		Up:           b(ks("up", "k"), "↑/k", "up"),
		Down:         b(ks("down", "j"), "↓/j", "down"),
		PageUp:       b(ks("pgup", "ctrl+u"), "pgup", "page up"),
		PageDown:     b(ks("pgdown", "ctrl+d", " "), "pgdn", "page down"),
		Home:         b(ks("home", "g"), "g/home", "first"),
		End:          b(ks("end", "G"), "G/end", "last"),
		Open:         b(ks("enter"), "enter", "open"),
		Filter:       b(ks("/"), "/", "filter"),
		Cancel:       b(ks("esc"), "esc", "clear filter"),
		Copy:         b(ks("y"), "y", "copy email/id/name"),
		Suspend:      b(ks("ctrl+z"), "ctrl+z", "suspend"),
		ToggleMouse:  b(ks("M"), "M", "mouse on/off"),

		New:        b(ks("n"), "n", "new user"),
		Toggle:     b(ks("d"), "d", "disable/enable"),
		CycleState: b(ks("f"), "f", "state: all/active/pending/disabled"),
		CycleSort:  b(ks("s"), "s", "sort: created/email, ↑/↓"),

		Mark:      b(ks(" "), "space", "mark/unmark, then down"),
		MarkRange: b(ks("V"), "V", "mark from the last mark to here"),
		Bulk:      b(ks("b"), "b", "bulk action on the marked rows"),

		NextField:    b(ks("tab", "down"), "tab/↓", "next field"),
		PrevField:    b(ks("shift+tab", "up"), "shift+tab/↑", "previous field"),
		Save:         b(ks("ctrl+s"), "ctrl+s", "save"),
		OpenExisting: b(ks("ctrl+o"), "ctrl+o", "open the existing user"),
		SaveAndConv:  b(ks("ctrl+g", "alt+enter"), "ctrl+g", "save, then start a conversation with the user"),
		Clear:        b(ks("ctrl+x"), "ctrl+x", "clear field"),
		Pick:         b(ks("enter"), "enter", "choose"),
		ChoiceNext:   b(ks("left", "right", " "), "←/→", "change"),
		SelUp:        b(ks("up", "ctrl+p"), "↑", "previous match"),
		SelDown:      b(ks("down", "ctrl+n"), "↓", "next match"),
		SuggestNext:  b(ks("ctrl+n"), "ctrl+n", "next suggestion"),
		SuggestPrev:  b(ks("ctrl+p"), "ctrl+p", "previous suggestion"),

		Edit:      b(ks("e"), "e", "edit"),
		OpenOrg:   b(ks("o"), "o", "open organization"),
		Reload:    b(ks("r"), "r", "reload (drop my edits)"),
		ApplyMine: b(ks("a"), "a", "apply my edits to the new version"),

		AcceptAgreement: b(ks("A"), "A", "record agreement acceptance"),
		DeleteUser:      b(ks("X"), "X", "delete user for good"),
		Preferences:     b(ks("p"), "p", "preferences: language, channels"),
		SendReset:       b(ks("R"), "R", "send a set-password link"),
		ResendVerify:    b(ks("V"), "V", "resend the verification link"),

		SetAgreement: b(ks("A"), "A", "set agreement"),
		CopyOrg:      b(ks("c"), "c", "copy organization"),
		Branding:     b(ks("b"), "b", "sign-in branding: slug, title, colour"),
		TreeView:     b(ks("v"), "v", "tree/list view"),

		AddDomain:    b(ks("a"), "a", "add domain"),
		RemoveDomain: b(ks("x"), "x", "remove domain"),
		ToggleActive: b(ks("t"), "t", "activate/deactivate"),

		FilterAgent:   b(ks("a"), "a", "only this agent"),
		FilterSubject: b(ks("u"), "u", "only this user/org"),

		// Only the letter goes ahead: an Enter out of habit must not
		// create, move, disable or delete.
		Yes: b(ks("y"), "y", "confirm"),
		No:  b(ks("n", "esc"), "n/esc", "cancel"),

		AddOnly: b(ks("o"), "o", "add the domain only; move nobody"),

		LoadDemo:   b(ks("d"), "d", "load demo data"),
		StartEmpty: b(ks("e"), "e", "start empty"),

		Outbox:     b(ks("m"), "m", "mail outbox"),
		Templates:  b(ks("t"), "t", "mail templates"),
		CycleMail:  b(ks("s"), "s", "state: all/queued/sent/failed/cancelled"),
		Retry:      b(ks("r"), "r", "retry sending"),
		SwitchPane: b(ks("tab", "shift+tab"), "tab", "subject/body"),
		Settings:   b(ks("S"), "S", "desk settings"),
		Agents:     b(ks("A"), "A", "agents"),
		AgentPerms: b(ks("p"), "p", "permissions"),

		Inbox:         b(ks("i"), "i", "conversations inbox"),
		CycleConv:     b(ks("s"), "s", "status: open/pending/resolved/closed/all"),
		CycleAssignee: b(ks("a"), "a", "assignee: all/me/unassigned"),
		FilterOrg:     b(ks("o"), "o", "only one organization (esc: all)"),
		Reply:         b(ks("r"), "r", "reply (mailed to the requester)"),
		Note:          b(ks("n"), "n", "internal note (never mailed)"),
		Send:          b(ks("ctrl+s"), "ctrl+s", "send"),
		ConvStatus:    b(ks("s"), "s", "change status"),
		Assign:        b(ks("a"), "a", "assign: me/agent/unassign"),
		UserConvs:     b(ks("c"), "c", "this user's conversations"),
		NewConv:       b(ks("C"), "C", "new conversation on behalf of this user"),
		OpenRequester: b(ks("u"), "u", "open the requester"),
	}
}

// globalHelp is the group every screen's full help ends with.
func (k *keyMap) globalHelp() []key.Binding {
	return []key.Binding{k.NextTab, k.PrevTab, k.TabUsers, k.TabOrgs, k.TabInbox, k.TabAudit, k.Inbox, k.Settings, k.Copy, k.Suspend, k.ToggleMouse, k.Back, k.Help, k.HelpAnywhere, k.Quit, k.ForceQuit}
}

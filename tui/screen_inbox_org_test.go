package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// TestInboxFilterByOrganization: o opens the organization picker, a pick
// narrows the inbox (through the store's filter) and the header names it;
// esc in the picker changes nothing, esc afterwards shows every
// organization again.
func TestInboxFilterByOrganization(t *testing.T) {
	f := newConvFixture(t)
	gina, err := f.desk.CreateUser(f.omar.Actor(), domain.UserInput{Email: "gina.rossi@example.com", Name: "Gina Rossi", Org: "Globex", Mail: string(domain.MailNone)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.desk.NewConversation(f.omar.Actor(), domain.ConvInput{RequesterID: gina.ID, Subject: "Badge reader dead", Body: "A technician comes on Monday."}); err != nil {
		t.Fatal(err)
	}
	globex, err := f.desk.OrgByName("Globex")
	if err != nil {
		t.Fatal(err)
	}

	d := newDriverWith(t, f.model(), 120, 40)
	d.keys("i")
	s := activeAs[*inboxScreen](t, d)
	d.mustShow("Badge reader dead", "Printer on fire", "1 of 3", "o organization")

	// esc in the picker keeps the inbox as it was.
	d.keys("o")
	d.mustShow("Only the conversations of", "Globex")
	d.keys("glob", "esc")
	if s.picking || s.org != 0 {
		t.Fatalf("esc in the picker: picking %v, org %d", s.picking, s.org)
	}
	d.mustShow("1 of 3")
	d.mustNotShow("org: ")

	d.keys("o", "glob", "enter")
	if s.org != globex.ID || s.convFilter().OrgID != globex.ID {
		t.Fatalf("org filter %d (store filter %d), want Globex %d", s.org, s.convFilter().OrgID, globex.ID)
	}
	d.mustShow("org: Globex", "1 of 1 · Globex only; esc shows every organization", "Badge reader dead", "1 of 1")
	d.mustNotShow("Printer on fire", "Account locked")

	// The other filters combine with it.
	d.keys("s") // pending: none at Globex
	d.mustShow("[pending]", "org: Globex", "No conversations of Globex here; esc shows every organization.")
	d.mustNotShow("Invoice 2026-114")
	d.keys("s", "s", "s") // all
	d.mustShow("[all]", "Badge reader dead", "1 of 1")

	// A text filter is cleared first, then the organization.
	d.keys("/", "badge", "enter", "esc")
	if s.query != "" || s.org != globex.ID {
		t.Fatalf("first esc: query %q, org %d", s.query, s.org)
	}
	d.keys("esc")
	activeAs[*inboxScreen](t, d)
	if s.org != 0 {
		t.Fatalf("esc kept the organization filter %d", s.org)
	}
	d.mustNotShow("org: ")
	d.mustShow("Invoice 2026-114", "Printer on fire", "Badge reader dead", "1 of 4")

	// Another pick replaces it; names are matched exactly first.
	d.keys("o", "acme", "enter")
	d.mustShow("org: Acme", "Printer on fire", "Account locked", "1 of 2")
	d.mustNotShow("Badge reader dead", "Invoice 2026-114")

	// The inbox is a section: with no filter left, esc has nothing to go
	// back to, and the whole inbox stays.
	d.keys("esc", "esc")
	if s := activeAs[*inboxScreen](t, d); s.org != 0 || d.m.tab != tabInbox {
		t.Fatalf("esc esc: org %d, tab %d", s.org, d.m.tab)
	}
	d.mustShow("Badge reader dead", "1 of 4")
}

// TestNewUserSaveAndStartConversation: ctrl+g saves like ctrl+s, then
// the form is replaced by the new-conversation form for the new user.
func TestNewUserSaveAndStartConversation(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	ctrlG := tea.KeyMsg{Type: tea.KeyCtrlG}

	d.keys("n")
	d.mustShow("ctrl+g save + conversation")
	d.keys("pat.lee@example.com", "tab", "Pat Lee")
	d.send(ctrlG)
	pat := userByEmail(t, f.desk, "pat.lee@example.com")
	cs := activeAs[*createConvScreen](t, d)
	if cs.userID != pat.ID {
		t.Fatalf("conversation form for user %d, want Pat %d", cs.userID, pat.ID)
	}
	d.mustShow("New conversation", "with Pat Lee <pat.lee@example.com>", "Created pat.lee@example.com")

	d.keys("Welcome", "tab", "Your account is ready.", "ctrl+s")
	c := activeAs[*convScreen](t, d)
	if c.conv.RequesterID != pat.ID {
		t.Fatalf("conversation requester %d, want Pat %d", c.conv.RequesterID, pat.ID)
	}
	d.keys("esc") // the form and the new-user form were both replaced
	activeAs[*usersScreen](t, d)

	// The same duplicate checks: an exact owner refuses the save.
	d.keys("n", "kofi.nguyen@acme.com", "tab", "Kofi Again")
	d.send(ctrlG)
	activeAs[*createUserScreen](t, d)
	d.mustShow("Not saved: kofi.nguyen@acme.com already belongs to Kofi Nguyen (Acme).")

	// A near duplicate asks first; confirmed, it opens the conversation
	// form (alt+enter is the same key).
	d.send(backMsg{force: true})
	d.keys("n", "kofi.ngyuen@acme.com", "tab", "Kofi Ngyuen")
	d.send(tea.KeyMsg{Type: tea.KeyEnter, Alt: true})
	if d.m.dlg == nil {
		t.Fatalf("no confirm for a near duplicate:\n%s", d.view())
	}
	d.keys("y")
	ngyuen := userByEmail(t, f.desk, "kofi.ngyuen@acme.com")
	if cs := activeAs[*createConvScreen](t, d); cs.userID != ngyuen.ID {
		t.Fatalf("conversation form for user %d, want %d", cs.userID, ngyuen.ID)
	}
	d.mustShow("with Kofi Ngyuen <kofi.ngyuen@acme.com>")
}

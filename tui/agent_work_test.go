package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

// "n" on an organization opens the New user form with that organization
// chosen; the email's domain (another organization's) does not replace it,
// and the user is saved in it.
func TestAddUserHereOnOrganization(t *testing.T) {
	desk := newTestDesk(t, 200)
	globex, err := desk.OrgByName("Globex")
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: globex.ID})
	d.keys("?")
	d.mustShow("add user to this organization")
	d.keys("?", "n")
	form := activeAs[*createUserScreen](t, d)
	if got := form.form.Value("organization"); got != "Globex" {
		t.Fatalf("organization field %q, want Globex", got)
	}
	if form.Dirty() {
		t.Fatal("a preset form counts as edited")
	}
	d.keys("new.here@acme.com")
	d.mustNotShow("(from acme.com)")
	d.keys("tab", "New Here", "ctrl+s")
	u := userByEmail(t, desk, "new.here@acme.com")
	if u.OrgID != globex.ID {
		t.Fatalf("organization %d, want Globex %d", u.OrgID, globex.ID)
	}
}

// paste is a bracketed paste: one message holding every rune.
func paste(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true} }

// The agents screen lists agents with their role, state and key, adds one
// from a pasted key (a bad key is named and nothing is stored), changes
// permissions and disables after a confirm.
func TestAgentsScreenAddPermsDisable(t *testing.T) {
	desk := newTestDesk(t, 20)
	owner := domain.Actor{Name: "owner"}
	ada, err := desk.AddAgent(owner, domain.AgentInput{Name: "Ada", Email: "ada@desk.example", Role: "admin", Keys: []string{agentKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, New(Options{Desk: desk, Actor: ada.Actor(), Renderer: asciiRenderer(), Location: time.UTC}), 120, 40)
	d.keys("4", "A")
	activeAs[*agentsScreen](t, d)
	d.mustShow("Agents", "ada@desk.example", "admin", "enabled", ada.Keys[0].Fingerprint)

	d.keys("n", "Bo Brown", "tab", "bo@desk.example", "tab", "tab")
	d.send(paste("ssh-ed25519 AAAAnot-a-key bo@laptop"))
	d.keys("ctrl+s")
	d.mustShow("not an SSH public key")
	if _, err := desk.AgentByEmail("bo@desk.example"); !domain.IsNotFound(err) {
		t.Fatalf("an agent was stored with a bad key: %v", err)
	}
	good := agentKey(t)
	d.keys("ctrl+x")
	d.send(paste(good + " bo@laptop"))
	d.keys("ctrl+s")
	d.mustShow("Added agent bo@desk.example (agent)")
	bo, err := desk.AgentByEmail("bo@desk.example")
	if err != nil {
		t.Fatal(err)
	}
	if bo.Role != domain.RoleAgent || bo.Perms != domain.RoleAgent.DefaultPerms() || len(bo.Keys) != 1 {
		t.Fatalf("stored %+v", bo)
	}
	d.mustShow("bo@desk.example", bo.Keys[0].Fingerprint)

	// Permissions: templates on, saved.
	s := activeAs[*agentsScreen](t, d)
	if a, _ := s.selected(); a.Email != "bo@desk.example" {
		t.Fatalf("cursor on %s after the add", a.Email)
	}
	d.keys("p")
	d.mustShow("Permissions of bo@desk.example", "[x] users.write", "[ ] templates")
	d.keys("down", "down", "down", "down", "enter", "ctrl+s")
	d.mustShow("Permissions of bo@desk.example: users.write,orgs.write,users.disable,templates.")
	if bo, _ = desk.AgentByEmail("bo@desk.example"); bo.Perms != domain.RoleAgent.DefaultPerms()|domain.PermTemplates {
		t.Fatalf("permissions %s", bo.Perms)
	}

	// Disable: asks first, then stored; the last admin is kept.
	d.keys("d")
	d.mustShow("Disable agent bo@desk.example?")
	if bo, _ = desk.AgentByEmail("bo@desk.example"); bo.Disabled {
		t.Fatal("disabled before the confirm")
	}
	d.keys("y")
	d.mustShow("Disabled agent bo@desk.example.")
	if bo, _ = desk.AgentByEmail("bo@desk.example"); !bo.Disabled {
		t.Fatal("not disabled after the confirm")
	}
	d.keys("home", "d", "y")
	d.mustShow("ada@desk.example is the last enabled agent who can manage agents")
	if a, _ := desk.AgentByEmail("ada@desk.example"); a.Disabled {
		t.Fatal("the last admin was disabled")
	}
}

// An agent without the agents permission cannot open the screen, and its
// keys are refused (the Desk's own words) if it is open anyway.
func TestAgentsScreenRefusedToNonAdmins(t *testing.T) {
	desk := newTestDesk(t, 20)
	owner := domain.Actor{Name: "owner"}
	if _, err := desk.AddAgent(owner, domain.AgentInput{Name: "Ada", Email: "ada@desk.example", Role: "admin", Keys: []string{agentKey(t)}}); err != nil {
		t.Fatal(err)
	}
	tess, err := desk.AddAgent(owner, domain.AgentInput{Name: "Tess", Email: "tess@desk.example", Role: "agent", Keys: []string{agentKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, New(Options{Desk: desk, Actor: tess.Actor(), Renderer: asciiRenderer(), Location: time.UTC}), 120, 40)
	d.keys("4", "A")
	activeAs[*auditTab](t, d)
	d.mustShow("needs the agents permission")

	d.send(openAgentsMsg{})
	activeAs[*agentsScreen](t, d)
	d.mustNotShow("add agent", "disable/enable")
	d.keys("d")
	d.mustShow("needs the agents permission")
	d.keys("n")
	if s := activeAs[*agentsScreen](t, d); s.mode != agentsViewing {
		t.Fatal("the add form opened for an agent without the agents permission")
	}
	if a, _ := desk.AgentByEmail("ada@desk.example"); a.Disabled {
		t.Fatal("a non-admin disabled an agent")
	}
}

// The Inbox is the third section: 3 and i show it (no stack), 4 is the
// audit log, tab cycles through four.
func TestInboxIsATab(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	d.mustShow("1 Users", "2 Organizations", "3 Inbox", "4 Audit log")
	d.keys("3")
	if d.m.tab != tabInbox || len(d.m.stack) != 0 {
		t.Fatalf("3: tab %d, stack %d", d.m.tab, len(d.m.stack))
	}
	d.mustShow("[3 Inbox]", "Printer on fire")
	d.keys("4")
	activeAs[*auditTab](t, d)
	d.keys("1", "enter", "i")
	if d.m.tab != tabInbox || len(d.m.stack) != 0 {
		t.Fatalf("i from a user: tab %d, stack %d", d.m.tab, len(d.m.stack))
	}
	d.keys("enter")
	activeAs[*convScreen](t, d)
	d.keys("esc")
	activeAs[*inboxScreen](t, d)
	d.keys("tab")
	activeAs[*auditTab](t, d)
	d.keys("tab")
	activeAs[*usersScreen](t, d)
	d.keys("shift+tab")
	activeAs[*auditTab](t, d)
}

// A local console that names its agent (--agent) is "me" in the assign
// menu; without one the menu says how to become one.
func TestAssignToMeForALocalAgent(t *testing.T) {
	f := newConvFixture(t)
	local := domain.Actor{Name: "owner:ann (local)"}
	d := newDriverWith(t, New(Options{Desk: f.desk, Actor: local, Me: f.tess.ID, Renderer: asciiRenderer(), Location: time.UTC}), 120, 40)
	s := openPrinter(t, d)
	d.keys("a")
	d.mustShow("Assign to", "me (tess@desk.example)")
	d.mustNotShow("You are not an agent here")
	d.keys("enter")
	d.mustShow("Assigned to tess@desk.example.")
	c, _, err := f.desk.Conversation(s.id)
	if err != nil {
		t.Fatal(err)
	}
	if c.AssigneeID != f.tess.ID {
		t.Fatalf("assignee %d, want tess %d", c.AssigneeID, f.tess.ID)
	}
	// The inbox's "me" is that agent too.
	d.keys("esc", "a")
	d.mustShow("assignee: me", "Printer on fire", "1 of 1")

	d = newDriverWith(t, New(Options{Desk: f.desk, Actor: local, Renderer: asciiRenderer(), Location: time.UTC}), 80, 24)
	openPrinter(t, d)
	d.keys("a")
	d.mustNotShow("me (")
	v := strings.Join(strings.Fields(d.view()), " ")
	for _, w := range []string{"You are not an agent here, so you cannot assign to yourself:", "--agent EMAIL", "helpdesk agent add"} {
		if !strings.Contains(v, w) {
			t.Fatalf("assign menu lacks %q:\n%s", w, d.view())
		}
	}
}

// The New user form sends the mail chosen with this user's own subject and
// body (queued and held: no transport here) and puts the user in the
// groups ticked, in one save.
func TestNewUserMailOverrideAndGroups(t *testing.T) {
	desk := newTestDesk(t, 20)
	owner := domain.Actor{Name: "owner"}
	admins, err := desk.CreateGroup(owner, domain.GroupInput{Name: "Acme Admins", Org: "Acme", Perms: domain.CustConversationsOrg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.CreateGroup(owner, domain.GroupInput{Name: "Beta Testers"}); err != nil {
		t.Fatal(err)
	}
	before := outboxCount(t, desk)
	d := newDriver(t, desk, 120, 40)
	d.keys("n", "wen.li@acme.com", "tab", "Wen Li")
	form := activeAs[*createUserScreen](t, d)
	// To the groups: organization, time zone, language, phone, role.
	for form.form.Focused().key != "groups" {
		d.keys("tab")
	}
	d.mustShow("[ ] Acme Admins · group of Acme", "[ ] Beta Testers")
	d.keys(" ")
	d.mustShow("[x] Acme Admins")
	d.keys("tab", " ") // mail: welcome
	if got := form.form.Value("mail"); got != string(domain.MailWelcome) {
		t.Fatalf("mail %q", got)
	}
	d.keys("tab", "Welcome aboard, Wen", "tab")
	if !form.bodyFocus {
		t.Fatal("tab from the subject did not reach the body")
	}
	d.keys("Hello {NAME},", "enter", "your desk is ready.")
	d.mustShow("Mail body", "your desk is ready.")
	d.keys("ctrl+s")
	u := userByEmail(t, desk, "wen.li@acme.com")
	gs, _, err := desk.UserGroups(u.ID)
	if err != nil || len(gs) != 1 || gs[0].ID != admins.ID {
		t.Fatalf("groups %v, %v", gs, err)
	}
	if n := outboxCount(t, desk); n != before+1 {
		t.Fatalf("outbox %d messages, want %d", n, before+1)
	}
	ms, err := desk.Outbox("", 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := ms[0]
	if m.To != "wen.li@acme.com" || m.State != domain.MailQueued || m.Subject != "Welcome aboard, Wen" ||
		!strings.Contains(m.Text, "Hello Wen Li,\nyour desk is ready.") {
		t.Fatalf("queued %+v", m)
	}
}

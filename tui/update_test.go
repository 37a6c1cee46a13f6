package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/rivo/uniseg"

	"helpdesk/domain"
)

// These tests drive the root model's Update directly (see driver): a key
// in, the state and the screen out. Nothing waits on a clock.

func activeAs[T screen](t *testing.T, d *driver) T {
	t.Helper()
	s, ok := d.m.active().(T)
	if !ok {
		t.Fatalf("active screen is %T:\n%s", d.m.active(), d.view())
	}
	return s
}

func userByEmail(t *testing.T, desk *domain.Desk, email string) domain.User {
	t.Helper()
	u, err := desk.UserByEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestDuplicateEmailRefusedWithOwnerNamed(t *testing.T) {
	desk := newTestDesk(t, 200)
	owner := userByEmail(t, desk, "kofi.nguyen@acme.com")
	before, _ := desk.UserCounts()

	d := newDriver(t, desk, 80, 24)
	d.keys("n", "KOFI.nguyen@acme.com")
	d.mustShow("kofi.nguyen@acme.com already belongs to Kofi Nguyen (Acme).", "Saving is refused", "already exists")

	d.keys("tab", "Kofi Again", "ctrl+s")
	d.mustShow("Not saved: kofi.nguyen@acme.com already belongs to Kofi Nguyen (Acme).")
	after, _ := desk.UserCounts()
	if after[domain.StatePending] != before[domain.StatePending] {
		t.Fatalf("a user was created: %v -> %v", before, after)
	}

	// The key offered opens the owner instead.
	d.keys("ctrl+o")
	u := activeAs[*userScreen](t, d)
	if u.id != owner.ID {
		t.Fatalf("opened user %d, want the owner %d", u.id, owner.ID)
	}
	d.mustShow("Kofi Nguyen", "kofi.nguyen@acme.com")
}

func TestNearDuplicateNeedsExtraConfirm(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 80, 24)
	d.keys("n", "kofi.ngyuen@acme.com") // two letters swapped
	d.mustShow("possible duplicate", "Possible duplicate below")

	d.keys("tab", "Kofi Ngyuen", "ctrl+s")
	if d.m.dlg == nil {
		t.Fatalf("no confirm for a near duplicate:\n%s", d.view())
	}
	d.mustShow("Possible duplicate. Create kofi.ngyuen@acme.com anyway?", "kofi.nguyen@acme.com — Kofi Nguyen (Acme)")
	if _, err := desk.UserByEmail("kofi.ngyuen@acme.com"); err == nil {
		t.Fatal("created before the confirm")
	}

	d.keys("n") // cancel: nothing created, the form is still there
	if _, err := desk.UserByEmail("kofi.ngyuen@acme.com"); err == nil {
		t.Fatal("created although cancelled")
	}
	activeAs[*createUserScreen](t, d)

	d.keys("ctrl+s", "y")
	u := userByEmail(t, desk, "kofi.ngyuen@acme.com")
	if s := activeAs[*userScreen](t, d); s.id != u.ID {
		t.Fatalf("opened %d, want the new user %d", s.id, u.ID)
	}
	d.mustShow("Created kofi.ngyuen@acme.com", "Kofi Ngyuen")
}

func TestOrgPrefilledFromDomain(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 80, 24)
	d.keys("n", "new.person@eu.acme.co.uk")
	d.mustShow("Acme Europe (from acme.co.uk)")
	d.keys("ctrl+x", "new.person@acme.com")
	d.mustShow("Acme (from acme.com)")
	d.keys("tab", "New Person", "ctrl+s")
	u := userByEmail(t, desk, "new.person@acme.com")
	acme, _ := desk.OrgByName("Acme")
	if u.OrgID != acme.ID {
		t.Fatalf("organization %d, want Acme %d", u.OrgID, acme.ID)
	}

	// Cleared on purpose: the user joins no organization, domain or not.
	d.keys("esc", "n", "second.person@acme.com", "tab", "Second", "tab", "ctrl+x")
	d.mustNotShow("(from acme.com)")
	d.keys("ctrl+s")
	if u := userByEmail(t, desk, "second.person@acme.com"); u.OrgID != 0 {
		t.Fatalf("cleared organization, got %d", u.OrgID)
	}

	// Changed: another organization from the picker.
	d.keys("esc", "n", "third.person@acme.com", "tab", "Third", "tab", "ctrl+x", "glob", "enter", "ctrl+s")
	globex, _ := desk.OrgByName("Globex")
	if u := userByEmail(t, desk, "third.person@acme.com"); u.OrgID != globex.ID {
		t.Fatalf("picked Globex, got %d", u.OrgID)
	}
}

func TestDisableEnableRoundTripKeepsData(t *testing.T) {
	desk := newTestDesk(t, 200)
	orig := userByEmail(t, desk, "kofi.nguyen@acme.com")
	d := newDriver(t, desk, 120, 40)
	d.keys("/", "kofi.nguyen@acme", "enter")
	if u, ok := d.m.tabs[tabUsers].(*usersScreen).list.Selected(); !ok || u.ID != orig.ID {
		t.Fatalf("filter did not select kofi.nguyen@acme.com:\n%s", d.view())
	}

	d.keys("d")
	d.mustShow("Disable Kofi Nguyen?", "Kofi Nguyen cannot sign in or receive mail;")
	d.keys("y")
	d.mustShow("⊘ disabled", "Disabled Kofi Nguyen")
	dis := userByEmail(t, desk, orig.Email)
	if dis.State != domain.StateDisabled {
		t.Fatalf("state %s after disable", dis.State)
	}

	d.keys("d")
	d.mustShow("Enable Kofi Nguyen?", "(pending)")
	d.keys("y")
	back := userByEmail(t, desk, orig.Email)
	d.mustShow("Enabled Kofi Nguyen (pending)")
	d.mustNotShow("⊘ disabled")

	// Everything but the bookkeeping is as it was; disabling also ended
	// the user's portal sessions (a new session epoch).
	back.Version, back.UpdatedAt, back.UpdatedBy = orig.Version, orig.UpdatedAt, orig.UpdatedBy
	if back.SessionEpoch != orig.SessionEpoch+1 {
		t.Fatalf("session epoch %d after disable, want %d", back.SessionEpoch, orig.SessionEpoch+1)
	}
	back.SessionEpoch = orig.SessionEpoch
	if back != orig {
		t.Fatalf("round trip changed the user:\n got %+v\nwant %+v", back, orig)
	}
	es, _ := desk.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: orig.ID}, 0, 10)
	if len(es) != 2 || es[0].Action != "user.enable" || es[1].Action != "user.disable" {
		t.Fatalf("audit trail %+v", es)
	}
}

func TestConflictOnStaleSave(t *testing.T) {
	for _, choice := range []string{"apply", "reload"} {
		t.Run(choice, func(t *testing.T) {
			desk := newTestDesk(t, 200)
			u := userByEmail(t, desk, "kofi.nguyen@acme.com")
			d := newDriver(t, desk, 120, 40)
			d.send(openUserMsg{id: u.ID})
			d.keys("e", "ctrl+x", "Kofi Mensah-Nguyen") // name has the focus

			// Another session saves between this screen's load and its save.
			other := domain.Actor{Name: "agent:omar"}
			phone := "+1 555 9999"
			if _, err := desk.UpdateUser(other, u.ID, 0, domain.UserPatch{Phone: &phone}); err != nil {
				t.Fatal(err)
			}

			d.keys("ctrl+s")
			d.mustShow("Not saved: agent:omar changed this user", "Their change: phone:", "+1 555 9999",
				"Your edits (kept below): Name: Kofi Mensah-Nguyen")
			s := activeAs[*userScreen](t, d)
			if !s.editing || s.form.Value("name") != "Kofi Mensah-Nguyen" {
				t.Fatal("the agent's edits are gone")
			}
			if got := userByEmail(t, desk, u.Email); got.Name != u.Name {
				t.Fatalf("stale save overwrote the name: %q", got.Name)
			}

			switch choice {
			case "apply":
				d.keys("a")
				got := userByEmail(t, desk, u.Email)
				if got.Name != "Kofi Mensah-Nguyen" || got.Phone != phone {
					t.Fatalf("apply: name %q phone %q; want both changes", got.Name, got.Phone)
				}
				d.mustShow("Saved Kofi Mensah-Nguyen.")
			case "reload":
				d.keys("r")
				got := userByEmail(t, desk, u.Email)
				if got.Name != u.Name {
					t.Fatalf("reload saved the edits: %q", got.Name)
				}
				d.mustShow("Reloaded; your edits were dropped.", "+1 555 9999")
			}
			if activeAs[*userScreen](t, d).editing {
				t.Fatal("still editing")
			}
		})
	}
}

func TestEscapeSequenceInNameRendersInert(t *testing.T) {
	desk := newTestDesk(t, 20)
	evil := putRawUser(t, desk, "evil@hooli.com", "Ann\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07Lee\u202e", "note\x1b[6n\x9b1;1H")
	d := newDriver(t, desk, 80, 24)
	d.keys("end")
	assertInert(t, d.view(), 80, 24)
	d.mustShow("AnnLee")
	d.send(openUserMsg{id: evil.ID})
	assertInert(t, d.view(), 80, 24)
	d.mustShow("AnnLee", "evil@hooli.com")
}

// putRawUser writes a user straight through the store port, as an older
// version or another backend might have: the domain would refuse these
// characters, the screen must survive them anyway.
func putRawUser(t *testing.T, desk *domain.Desk, email, name, notes string) domain.User {
	t.Helper()
	u := domain.User{Email: email, Name: name, Notes: notes, Role: "cust\x1b[6nomer", State: domain.StatePending,
		TimeZone: "Europe/\x1b[2JParis", Language: "e\x1b]0;x\x07n\u202e", Phone: "+1\x07 555",
		Version: 1, CreatedAt: fixedNow, UpdatedAt: fixedNow, UpdatedBy: "import\x1b[31m"}
	err := desk.Store().Update(func(tx domain.Tx) error { return tx.PutUser(&u) })
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// assertInert checks a frame drawn with the ASCII profile: no escape or
// control character at all (the profile adds no styling), no bidi control,
// and exactly h lines of exactly w cells, so nothing moved. Cells are
// counted by uniseg, not by the console's own width, so a mistake in that
// cannot hide itself.
func assertInert(t *testing.T, view string, w, h int) {
	t.Helper()
	for _, r := range view {
		if (r != '\n' && isControl(r)) || isBidi(r) {
			t.Fatalf("frame holds %U:\n%q", r, view)
		}
	}
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("frame has %d lines, want %d:\n%s", len(lines), h, view)
	}
	for i, l := range lines {
		if got := uniseg.StringWidth(l); got != w {
			t.Fatalf("line %d is %d cells, want %d: %q", i, got, w, l)
		}
	}
}

func TestQuitAsksWhenFormDirty(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 80, 24)
	d.keys("q")
	if !d.quit {
		t.Fatal("q did not quit with nothing unsaved")
	}
	d = newDriver(t, newTestDesk(t, 20), 80, 24)
	d.keys("n", "someone@example.com", "ctrl+c")
	if d.quit || d.m.dlg == nil {
		t.Fatal("quit without asking about the unsaved form")
	}
	d.mustShow("Quit without saving?")
	d.keys("n")
	activeAs[*createUserScreen](t, d)
	d.keys("ctrl+c", "y")
	if !d.quit {
		t.Fatal("confirmed quit did not quit")
	}
}

func TestBackFromDirtyFormAsks(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 80, 24)
	d.keys("n", "someone@example.com", "esc")
	d.mustShow("Leave New user without saving?")
	d.keys("y")
	activeAs[*usersScreen](t, d)
}

func TestTooSmallWindowSaysSo(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 50, 12)
	v := d.view()
	if !strings.Contains(v, "The window is 50×12; helpdesk needs at least") || !strings.Contains(v, "60×16") {
		t.Fatalf("too small window drew:\n%s", v)
	}
	assertInert(t, v, 50, 12)
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.mustShow("EMAIL", "NAME")
}

func TestHelpListsEveryKeyOfTheScreen(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 120, 40)
	for _, open := range [][]string{nil, {"2"}, {"3"}, {"4"}, {"1", "enter"}, {"1", "n"}} {
		d.keys("esc")
		if len(open) > 0 {
			d.keys(open...)
		}
		cur := d.m.active()
		if cur.Capturing() {
			d.keys("esc", "esc")
			cur = d.m.active()
		}
		d.keys("f1")
		v := d.view()
		for _, g := range append(cur.FullHelp(), d.m.c.keys.globalHelp()) {
			for _, b := range g {
				if !strings.Contains(v, b.Help().Key+" ") || !strings.Contains(v, b.Help().Desc) {
					t.Errorf("%s help lacks %q %q:\n%s", cur.Title(), b.Help().Key, b.Help().Desc, v)
				}
			}
		}
		d.keys("f1")
	}
}

func TestMouseWheelScrolls(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 200), 80, 24)
	d.send(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	d.mustShow("4 of 200")
	d.send(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	d.mustShow("1 of 200")
}

func TestFirstRunOffersDemo(t *testing.T) {
	desk := newTestDesk(t, 0)
	d := newDriver(t, desk, 80, 24)
	d.mustShow("Welcome to helpdesk", "Load the demo data", "Start empty")
	d.keys("e")
	d.mustShow("No users yet. Press n to create one.")

	d = newDriver(t, desk, 80, 24)
	d.m.c.demoUsers = 50
	d.keys("d")
	d.mustShow("Demo data loaded: 7 organizations, 50 users, 75 conversations.", "All 50", "Disabled")
	if counts, err := desk.UserCounts(); err != nil || counts[domain.StateDisabled] == 0 || counts[domain.StateActive] == 0 || counts[domain.StatePending] == 0 {
		t.Fatalf("the welcome demo's users by state: %v (%v); want users in every state", counts, err)
	}
	activeAs[*usersScreen](t, d)
}

func TestStateCycleAndCounts(t *testing.T) {
	desk := newTestDesk(t, 200)
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	if _, err := desk.DisableUser(testActor, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 80, 24)
	d.mustShow("[All 200]", "Pending 199", "Disabled 1")
	d.keys("f", "f", "f")
	d.mustShow("[Disabled 1]", "kofi.nguyen@acme.com", "⊘ disabled", "1 of 1")
	d.keys("f")
	d.mustShow("[All 200]")
}

func TestFilterAsksTheIndex(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 200), 80, 24)
	d.keys("/", "kofi")
	v := d.view()
	if !strings.Contains(v, "kofi.nguyen@acme.com") {
		t.Fatalf("filter kofi:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "@") && !strings.Contains(l, "kofi") && !strings.Contains(l, "k") {
			t.Fatalf("row %q does not match kofi", l)
		}
	}
	d.keys("esc")
	d.mustShow("1 of 200")
}

func TestLiveEventRefreshesOpenScreens(t *testing.T) {
	desk := newTestDesk(t, 200)
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	name := "Kofi Renamed"
	if _, err := desk.UpdateUser(domain.Actor{Name: "agent:omar"}, u.ID, 0, domain.UserPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	// What the subscription delivers (the teatest test runs the real one).
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: u.ID}}})
	d.mustShow("Kofi Renamed", "by agent:omar")
	d.keys("esc")
	d.keys("/", "kofi.nguyen@acme")
	d.mustShow("Kofi Renamed")
}

func TestOrgAddDomainPreviewsAndConfirms(t *testing.T) {
	desk := newTestDesk(t, 200)
	hooli, err := desk.CreateOrg(testActor, domain.OrgInput{Name: "Hooli"})
	if err != nil {
		t.Fatal(err)
	}
	pv, _ := desk.PreviewDomain(hooli.ID, "hooli.com")
	if len(pv.Users) == 0 {
		t.Fatal("demo data has no hooli.com users")
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: hooli.ID})
	d.mustShow("Hooli", "Members (0)")

	d.keys("a", "gmail.com", "enter")
	d.mustShow("gmail.com is a public mail provider; its users are not one organization")
	d.keys("ctrl+x")
	for range "gmail.com" {
		d.keys("backspace")
	}
	d.keys("acme.com", "enter")
	d.mustShow(`domain acme.com already belongs to organization "Acme"`)
	for range "acme.com" {
		d.keys("backspace")
	}
	d.keys("hooli.com", "enter")
	n := thousands(len(pv.Users))
	d.mustShow("Add hooli.com to Hooli?", n+" users without an organization at hooli.com would join Hooli")
	if o, _ := desk.Org(hooli.ID); len(o.Domains) != 0 {
		t.Fatal("domain added before the confirm")
	}
	d.keys("y")
	d.mustShow("Added hooli.com to Hooli; "+n+" users joined.", "Members ("+n+")")
	if o, _ := desk.Org(hooli.ID); len(o.Domains) != 1 {
		t.Fatalf("domains %v", o.Domains)
	}
	// A member opens.
	d.keys("enter")
	activeAs[*userScreen](t, d)
	d.mustShow("Hooli")
}

func TestAuditFilters(t *testing.T) {
	desk := newTestDesk(t, 50)
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	if _, err := desk.DisableUser(domain.Actor{Name: "agent:omar"}, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.keys("4")
	d.mustShow("user.disable", "org.create", "agent:omar", "agent:tess")
	d.keys("a") // the newest entry is omar's
	d.mustShow("only agent agent:omar", "1 of 1")
	d.mustNotShow("org.create")
	d.keys("esc", "/", "Acme", "enter")
	d.mustShow("only organization Acme", "org.create")
	d.mustNotShow("user.disable")
	d.keys("esc", "/", "kofi.nguyen@acme.com", "enter")
	d.mustShow("only user kofi.nguyen@acme.com", "user.disable")
	d.keys("enter")
	activeAs[*userScreen](t, d)
}

func TestValidationErrorShownAtTheField(t *testing.T) {
	desk := newTestDesk(t, 20)
	d := newDriver(t, desk, 80, 24)
	d.keys("n", "someone@example.com", "tab", "Some One", "tab", "tab", "tab", "tab", "call me")
	d.keys("ctrl+s")
	d.mustShow("↳ contains 'c'; use digits, spaces, +, -, ( and )", "Not saved: phone:")
	if f := activeAs[*createUserScreen](t, d).form.Focused(); f.key != "phone" {
		t.Fatalf("focus on %s, want the phone", f.key)
	}
	if _, err := desk.UserByEmail("someone@example.com"); err == nil {
		t.Fatal("saved with a bad phone")
	}
}

func TestOrgEditToggleAndRemoveDomain(t *testing.T) {
	desk := newTestDesk(t, 50)
	eu, _ := desk.OrgByName("Acme Europe")
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: eu.ID})
	d.mustShow("Acme Europe", "acme.co.uk, acme.eu", "Acme")

	// Edit: notes and parent (cleared).
	d.keys("e", "tab", "ctrl+x", "tab", "Reseller for the EU.", "ctrl+s")
	o, _ := desk.Org(eu.ID)
	if o.Notes != "Reseller for the EU." || o.ParentID != 0 {
		t.Fatalf("edit: notes %q parent %d", o.Notes, o.ParentID)
	}
	d.mustShow("Saved Acme Europe.", "Reseller for the EU.")

	// Deactivate, with a confirm.
	d.keys("t")
	d.mustShow("Deactivate Acme Europe?")
	d.keys("y")
	if o, _ := desk.Org(eu.ID); o.Active {
		t.Fatal("still active")
	}
	d.mustShow("inactive")

	// Remove one of two domains: pick it, confirm; nobody moves.
	before := eu
	d.keys("x", "eu", "enter")
	d.mustShow("Remove acme.eu from Acme Europe?", "Nobody moves")
	d.keys("y")
	o, _ = desk.Org(eu.ID)
	if len(o.Domains) != 1 || o.Domains[0] != "acme.co.uk" {
		t.Fatalf("domains %v (were %v)", o.Domains, before.Domains)
	}
	s, _ := desk.OrgSummary(eu.ID)
	d.mustShow("Members (" + thousands(s.Members) + ")")
}

func TestOrgEditConflict(t *testing.T) {
	desk := newTestDesk(t, 20)
	acme, _ := desk.OrgByName("Acme")
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: acme.ID})
	d.keys("e", "tab", "tab", "ctrl+x", "Mine.")
	notes := "Theirs."
	if _, err := desk.UpdateOrg(domain.Actor{Name: "agent:omar"}, acme.ID, 0, domain.OrgPatch{Notes: &notes}); err != nil {
		t.Fatal(err)
	}
	d.keys("ctrl+s")
	d.mustShow("Not saved: agent:omar changed it", "Your edits are kept below", "Mine.")
	if o, _ := desk.Org(acme.ID); o.Notes != "Theirs." {
		t.Fatalf("overwritten: %q", o.Notes)
	}
	d.keys("a")
	if o, _ := desk.Org(acme.ID); o.Notes != "Mine." {
		t.Fatalf("apply: %q", o.Notes)
	}
}

func TestEmptyStateIsNotScannedAndFillsOnChange(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 80, 24)
	d.keys("f", "f", "f")
	d.mustShow("[Disabled 0]", "No disabled users.")
	if l := d.m.tabs[tabUsers].(*usersScreen).list; l.loading || l.resetReq != 0 {
		t.Fatal("an empty state was looked for user by user")
	}
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	if _, err := desk.DisableUser(domain.Actor{Name: "agent:omar"}, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: u.ID}}})
	d.mustShow("[Disabled 1]", "kofi.nguyen@acme.com", "1 of 1")
}

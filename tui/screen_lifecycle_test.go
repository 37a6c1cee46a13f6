package tui

import (
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

// The user screen says why a user cannot sign in (an inactive
// organization) and which agreement applies; A records the acceptance on
// the customer's behalf after a confirm.
func TestUserSignInAndAgreement(t *testing.T) {
	desk := newTestDesk(t, 200)
	acme, _ := desk.OrgByName("Acme")
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	if _, err := desk.SetAgreement(testActor, acme.ID, "Standard Rates", "The rates."); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.DeactivateOrg(testActor, acme.ID); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustShow("cannot sign in: organization Acme is inactive", "agreement pending: Standard Rates v1", "A records acceptance")

	d.keys("A")
	d.mustShow("Record that Kofi Nguyen accepted Standard Rates v1?", "on the customer's behalf")
	if st, _ := desk.AgreementStatus(u.ID); st.Accepted {
		t.Fatal("recorded before the confirm")
	}
	d.keys("y")
	st, _ := desk.AgreementStatus(u.ID)
	if !st.Accepted || st.AcceptedVersion != 1 {
		t.Fatalf("status after accept: %+v", st)
	}
	d.mustShow("accepted on " + fixedNow.Format(time.DateOnly) + " (v1)")
	d.mustNotShow("A records acceptance")

	// Activating the organization again lifts the sign-in line.
	if _, err := desk.ActivateOrg(testActor, acme.ID); err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectOrg, ID: acme.ID}}})
	d.mustNotShow("cannot sign in")
}

// Changing the organization in the edit form asks first, saying what the
// move means for agreements; cancel keeps the form, yes saves.
func TestUserMoveSaysWhatItMeansForAgreements(t *testing.T) {
	desk := newTestDesk(t, 200)
	eu, _ := desk.OrgByName("Acme Europe")
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	if _, err := desk.SetAgreement(testActor, eu.ID, "EU Terms", "Terms."); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.keys("e", "tab", "ctrl+x", "Acme Europe", "enter", "ctrl+s")
	d.mustShow("Move Kofi Nguyen to Acme Europe?", "Kofi Nguyen will need to accept EU Terms v1.")
	d.keys("n")
	if got, _ := desk.User(u.ID); got.OrgID == eu.ID {
		t.Fatal("moved although cancelled")
	}
	if !activeAs[*userScreen](t, d).editing {
		t.Fatal("cancel closed the form")
	}
	d.keys("ctrl+s", "y")
	if got, _ := desk.User(u.ID); got.OrgID != eu.ID {
		t.Fatalf("not moved: org %d", got.OrgID)
	}
	d.mustShow("Saved Kofi Nguyen.", "agreement pending: EU Terms v1")
}

// Delete names what goes and is enabled only by the user's email, typed in
// any case; afterwards the users list says what was removed.
func TestDeleteUserNeedsTheEmailTyped(t *testing.T) {
	desk := newTestDesk(t, 200)
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	pv, err := desk.DeletePreview(u.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.keys("X")
	d.mustShow("Delete kofi.nguyen@acme.com for good?", pv.Summary(), "Type the user's email to confirm:", "delete stays off")

	d.keys("kofi.nguyen@acme.co", "enter")
	d.mustShow("type kofi.nguyen@acme.com exactly")
	if _, err := desk.User(u.ID); err != nil {
		t.Fatal("deleted on a wrong email")
	}
	d.keys("esc")
	d.mustShow("Cancelled; nothing was deleted.")

	d.keys("X", "KOFI.Nguyen@Acme.com")
	d.mustShow("enter Delete for good")
	d.keys("enter")
	if _, err := desk.User(u.ID); !domain.IsNotFound(err) {
		t.Fatalf("still there: %v", err)
	}
	activeAs[*usersScreen](t, d)
	d.mustShow("Deleted kofi.nguyen@acme.com for good: removed the user, " + pv.Summary())
}

// Without users.delete the key is hidden, and pressed anyway names the
// permission.
func TestDeleteUserRefusedWithoutPermission(t *testing.T) {
	desk := newTestDesk(t, 20)
	agent := domain.Actor{Name: "agent:val@example.com", AgentID: 7, Perms: domain.PermAll &^ domain.PermUsersDelete}
	m := newTestModel(desk)
	m.c.actor = agent
	d := newDriverWith(t, m, 120, 40)
	d.keys("enter")
	activeAs[*userScreen](t, d)
	d.keys("?")
	if v := d.view(); strings.Contains(v, "delete user for good") {
		t.Fatalf("help offers delete:\n%s", v)
	}
	d.keys("esc", "X")
	d.mustShow("needs the users.delete permission")
	if activeAs[*userScreen](t, d).del != nil {
		t.Fatal("delete confirm opened")
	}
}

// t deactivates through the Desk's own use-case, and the confirm says what
// it means for the users.
func TestOrgDeactivateSaysWhatItDoes(t *testing.T) {
	desk := newTestDesk(t, 200)
	acme, _ := desk.OrgByName("Acme")
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: acme.ID})
	d.keys("t")
	d.mustShow("Deactivate Acme?", "Acme: its users and those of organizations under it cannot sign in")
	d.keys("y")
	if o, _ := desk.Org(acme.ID); o.Active {
		t.Fatal("still active")
	}
	es, _ := desk.Audit(domain.AuditFilter{SubjectKind: domain.SubjectOrg, SubjectID: acme.ID}, 0, 1)
	if len(es) != 1 || es[0].Action != "org.deactivate" {
		t.Fatalf("audit %+v", es)
	}
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	if ok, why, _ := desk.CanSignIn(u.ID); ok || why != "organization Acme is inactive" {
		t.Fatalf("sign-in %v %q", ok, why)
	}
	d.keys("t")
	d.mustShow("Activate Acme?", "its users can sign in and get mail again")
	d.keys("y")
	if o, _ := desk.Org(acme.ID); !o.Active {
		t.Fatal("still inactive")
	}
}

// g sets the agreement (a new version each time) and the screen shows it.
func TestOrgSetAgreement(t *testing.T) {
	desk := newTestDesk(t, 50)
	acme, _ := desk.OrgByName("Acme")
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: acme.ID})
	d.keys("A")
	d.mustShow("Agreement of Acme", "new version")
	d.keys("Standard Rates", "tab", "Rates apply from day one.", "ctrl+s")
	o, _ := desk.Org(acme.ID)
	if o.Agreement == nil || o.Agreement.Title != "Standard Rates" || o.Agreement.Version != 1 {
		t.Fatalf("agreement %+v", o.Agreement)
	}
	d.mustShow("Standard Rates v1", "pending for its users")

	d.keys("A", "ctrl+x", "Standard Rates", "ctrl+s")
	if o, _ := desk.Org(acme.ID); o.Agreement.Version != 2 {
		t.Fatalf("version %d", o.Agreement.Version)
	}
	d.mustShow("Standard Rates v2")
}

// y copies into a new, inactive organization with what the agent chose,
// and opens it.
func TestOrgCopy(t *testing.T) {
	desk := newTestDesk(t, 50)
	eu, _ := desk.OrgByName("Acme Europe")
	if _, err := desk.SetAgreement(testActor, eu.ID, "EU Terms", "Terms."); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: eu.ID})
	d.keys("c")
	d.mustShow("Copy Acme Europe", "New name", "carry over")
	// Name, keep the parent, leave the agreement out, keep the notes.
	d.keys("ctrl+x", "Acme Nordics", "tab", "tab", " ", "enter", "enter")
	cp, err := desk.OrgByName("Acme Nordics")
	if err != nil {
		t.Fatalf("no copy: %v\n%s", err, d.view())
	}
	if cp.Active || cp.ParentID != eu.ParentID || cp.Agreement != nil || len(cp.Domains) != 0 {
		t.Fatalf("copy %+v", cp)
	}
	if s := activeAs[*orgScreen](t, d); s.id != cp.ID {
		t.Fatalf("opened %d, want the copy %d", s.id, cp.ID)
	}
	d.mustShow("Copied Acme Europe to Acme Nordics (inactive", "inactive")
}

// v shows the organizations as a tree, children under their parent.
func TestOrgsTreeView(t *testing.T) {
	desk := newTestDesk(t, 20)
	d := newDriver(t, desk, 120, 40)
	d.keys("2")
	d.mustNotShow("└ Acme Europe")
	d.keys("v")
	d.mustShow("· tree", "└ Acme Europe")
	v := d.view()
	if strings.Index(v, "└ Acme Europe") < strings.Index(v, "Acme ") {
		t.Fatalf("child above its parent:\n%s", v)
	}
	d.keys("v")
	d.mustNotShow("└ Acme Europe", "· tree")
}

// p edits the language and the channel of each event; SMS without an
// E.164 phone shows why at the field and is not saved.
func TestUserPreferences(t *testing.T) {
	desk := newTestDesk(t, 200)
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustShow("email for everything", "p changes")

	// Language, then reply (the last event) set to sms: no phone yet.
	d.keys("p", "ctrl+x", "fr", "tab", "tab", "tab", "tab", " ")
	d.mustShow("SMS needs a mobile number: this user has no phone")
	d.keys("ctrl+s")
	if got, _ := desk.User(u.ID); got.Language == "fr" {
		t.Fatal("saved with an impossible SMS")
	}
	d.keys(" ") // none
	d.mustNotShow("↳ SMS needs")
	d.keys("ctrl+s")
	got, _ := desk.User(u.ID)
	if got.Language != "fr" || got.Channel(domain.EventReply) != domain.ChannelNone {
		t.Fatalf("language %q reply %q", got.Language, got.Channel(domain.EventReply))
	}
	d.mustShow("Saved the preferences of Kofi Nguyen.", "reply by none")

	// With an E.164 phone, SMS goes through.
	ph := "+33 6 12 34 56 78"
	if _, err := desk.UpdateUser(testActor, u.ID, got.Version, domain.UserPatch{Phone: &ph}); err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: u.ID}}})
	d.keys("p", "tab", " ", "ctrl+s")
	if got, _ := desk.User(u.ID); got.Channel(domain.EventVerify) != domain.ChannelSMS {
		t.Fatalf("verify %q", got.Channel(domain.EventVerify))
	}
	d.mustShow("verify by sms")
}

// The user's groups are listed with each permission and where it comes
// from.
func TestUserGroupsAndPermissions(t *testing.T) {
	desk := newTestDesk(t, 200)
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	leads, err := desk.CreateGroup(testActor, domain.GroupInput{Name: "Leads", Perms: domain.CustConversationsCreate | domain.CustConversationsOrg})
	if err != nil {
		t.Fatal(err)
	}
	billing, err := desk.CreateGroup(testActor, domain.GroupInput{Name: "Billing", Perms: domain.CustBilling | domain.CustConversationsCreate})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []domain.Group{leads, billing} {
		if err := desk.AddToGroup(testActor, g.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	d.mustShow("Groups", "conversations.create — from ", "conversations.org — from Leads", "billing — from Billing")
	v := d.view()
	if !strings.Contains(v, "conversations.create — from Leads, Billing") && !strings.Contains(v, "conversations.create — from Billing, Leads") {
		t.Fatalf("combined permission not traced to both groups:\n%s", v)
	}
}

// A new parent whose agreement the users below would have to accept asks
// first, saying so.
func TestOrgNewParentSaysWhatItMeansForAgreements(t *testing.T) {
	desk := newTestDesk(t, 200)
	globex, _ := desk.OrgByName("Globex")
	initech, _ := desk.OrgByName("Initech")
	if _, err := desk.SetAgreement(testActor, globex.ID, "Globex Terms", "Terms."); err != nil {
		t.Fatal(err)
	}
	pv, err := desk.MoveOrgPreview(initech.ID, "Globex")
	if err != nil || len(pv.Sentences()) == 0 {
		t.Fatalf("preview %+v %v", pv, err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: initech.ID})
	d.keys("e", "tab", "Globex", "enter", "ctrl+s")
	d.mustShow("Put Initech under Globex?", pv.Sentences()[0]+".")
	if o, _ := desk.Org(initech.ID); o.ParentID != 0 {
		t.Fatal("moved before the confirm")
	}
	d.keys("y")
	if o, _ := desk.Org(initech.ID); o.ParentID != globex.ID {
		t.Fatalf("parent %d", o.ParentID)
	}
	d.mustShow("Saved Initech.")
}

package domain_test

import (
	"strings"
	"testing"

	"helpdesk/domain"
)

func TestCustomerGroupsGivePermissions(t *testing.T) {
	d, db, _ := lcDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	mustOrg(t, d, domain.OrgInput{Name: "Acme Labs", Domains: []string{"labs.acme.com"}, Parent: "Acme"})
	mustOrg(t, d, domain.OrgInput{Name: "Beta", Domains: []string{"beta.com"}})
	au := mustUser(t, d, domain.UserInput{Email: "ann@labs.acme.com", Name: "Ann"})
	bea := mustUser(t, d, domain.UserInput{Email: "bea@beta.com"})

	perms, err := domain.ParseCustomerPerms("conversations.create, billing")
	if err != nil || perms.String() != "conversations.create,billing" {
		t.Fatalf("ParseCustomerPerms: %s %v", perms, err)
	}
	if _, err := domain.ParseCustomerPerms("root"); err == nil || !strings.Contains(err.Error(), `"root" is not a customer permission`) {
		t.Errorf("unknown permission: %v", err)
	}
	admins, err := d.CreateGroup(bob, domain.GroupInput{Name: "Acme Admins", Org: "acme", Perms: perms})
	if err != nil {
		t.Fatal(err)
	}
	everyone, err := d.CreateGroup(bob, domain.GroupInput{Name: "Everyone", Perms: domain.CustConversationsCreate | domain.CustConversationsOrg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateGroup(bob, domain.GroupInput{Name: "acme admins"}); err == nil || err.Error() != `name: a group named "acme admins" already exists` {
		t.Errorf("duplicate group: %v", err)
	}

	// A user below the group's organization may join; one elsewhere not.
	if err := d.AddToGroup(ann, admins.ID, au.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.AddToGroup(ann, admins.ID, bea.ID); err == nil ||
		err.Error() != "group: Acme Admins is a group of Acme; bea@beta.com is not in that organization or below it" {
		t.Errorf("outsider: %v", err)
	}
	if err := d.AddToGroup(ann, admins.ID, au.ID); err == nil || !strings.Contains(err.Error(), "already in Acme Admins") {
		t.Errorf("twice: %v", err)
	}
	if err := d.AddToGroup(ann, everyone.ID, au.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.AddToGroup(ann, everyone.ID, bea.ID); err != nil {
		t.Fatal(err)
	}
	gs, p, err := d.UserGroups(au.ID)
	if err != nil || len(gs) != 2 || p.String() != "conversations.create,conversations.org,billing" {
		t.Errorf("Ann's groups %v, permissions %s, %v", gs, p, err)
	}
	if err := d.RemoveFromGroup(ann, admins.ID, au.ID); err != nil {
		t.Fatal(err)
	}
	if _, p, _ := d.UserGroups(au.ID); p.String() != "conversations.create,conversations.org" {
		t.Errorf("after leaving Acme Admins: %s", p)
	}
	es, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: au.ID}, 0, 1)
	if es[0].Action != "user.group.remove" || es[0].Changes[0].Before != "Acme Admins" {
		t.Errorf("audit %+v", es[0])
	}
	lcCheck(t, db)

	// Deleting a user takes it out of its groups.
	if _, err := d.DeleteUser(ann, au.ID, au.Email); err != nil {
		t.Fatal(err)
	}
	if ms, _ := d.GroupMembers(everyone.ID); len(ms) != 1 || ms[0].ID != bea.ID {
		t.Errorf("Everyone after the delete: %v", emails(ms))
	}
	es, _ = d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: au.ID}, 0, 1)
	if !strings.HasSuffix(es[0].Note, "; took it out of 1 customer group") {
		t.Errorf("delete note %q", es[0].Note)
	}
	lcCheck(t, db)
}

package domain_test

import (
	"testing"

	"helpdesk/domain"
)

// A user created with groups is in them when the creation commits; a group
// it may not join (or one that does not exist) refuses the whole creation.
func TestCreateUserJoinsGroups(t *testing.T) {
	d, _, _ := lcDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	mustOrg(t, d, domain.OrgInput{Name: "Beta", Domains: []string{"beta.com"}})
	admins, err := d.CreateGroup(bob, domain.GroupInput{Name: "Acme Admins", Org: "Acme", Perms: domain.CustConversationsOrg})
	if err != nil {
		t.Fatal(err)
	}
	everyone, err := d.CreateGroup(bob, domain.GroupInput{Name: "Everyone", Perms: domain.CustConversationsCreate})
	if err != nil {
		t.Fatal(err)
	}

	u, err := d.CreateUser(ann, domain.UserInput{Email: "cy@acme.com", Groups: []string{"acme admins", "Everyone"}})
	if err != nil {
		t.Fatal(err)
	}
	gs, _, err := d.UserGroups(u.ID)
	if err != nil || len(gs) != 2 || gs[0].ID != admins.ID || gs[1].ID != everyone.ID {
		t.Fatalf("groups %v, %v", gs, err)
	}

	for _, tc := range []struct{ email, group, want string }{
		{"dee@beta.com", "Acme Admins", "groups: Acme Admins is a group of Acme; dee@beta.com is not in that organization or below it"},
		{"eve@beta.com", "Nobody Here", `groups: no group named "Nobody Here"; create it first, or leave it out`},
	} {
		_, err := d.CreateUser(ann, domain.UserInput{Email: tc.email, Groups: []string{tc.group}})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s in %s: %v, want %q", tc.email, tc.group, err, tc.want)
		}
		if _, err := d.UserByEmail(tc.email); !domain.IsNotFound(err) {
			t.Errorf("%s was created although its group was refused: %v", tc.email, err)
		}
	}
}

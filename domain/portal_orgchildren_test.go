package domain_test

import (
	"slices"
	"testing"

	"helpdesk/domain"
)

// The subtree an org-permission customer sees follows the organizations as
// they are moved: an organization moved in brings its own children, one
// moved out takes its children with it.
func TestPortalOrgSubtreeFollowsMoves(t *testing.T) {
	d, db, _ := lcDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Holding", Domains: []string{"holding.example"}})
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.example"}, Parent: "Holding"})
	labs := mustOrg(t, d, domain.OrgInput{Name: "Acme Labs", Domains: []string{"labs.acme.example"}, Parent: "Acme"})
	beta := mustOrg(t, d, domain.OrgInput{Name: "Beta", Domains: []string{"beta.example"}, Parent: "Holding"})
	mustOrg(t, d, domain.OrgInput{Name: "Beta Ops", Domains: []string{"ops.beta.example"}, Parent: "Beta"})

	boss := portalUser(t, d, domain.UserInput{Email: "boss@acme.example", Name: "Boss"})
	withPerms(t, d, boss, domain.CustConversationsOrg)
	for _, e := range []string{"lab@labs.acme.example", "bea@beta.example", "op@ops.beta.example"} {
		mustUser(t, d, domain.UserInput{Email: e})
	}
	mine := newConv(t, d, boss.Email, "mine")
	lab := newConv(t, d, "lab@labs.acme.example", "labs")
	bea := newConv(t, d, "bea@beta.example", "beta")
	op := newConv(t, d, "op@ops.beta.example", "beta ops")

	home := func(when string, want ...domain.Conversation) {
		t.Helper()
		rows, _, err := d.PortalConversations(boss.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(rows), convIDs(want...)) {
			t.Errorf("Boss's home %s: %v; want %v", when, ids(rows), convIDs(want...))
		}
		for _, c := range []domain.Conversation{lab, bea, op} {
			_, err := d.PortalConversation(boss.ID, c.ID)
			if shown := slices.Contains(convIDs(want...), c.ID); shown != (err == nil) || !shown && !domain.IsNotFound(err) {
				t.Errorf("%s: conversation %q opens with %v", when, c.Subject, err)
			}
		}
	}
	home("at first", lab, mine)

	parent := "Acme Labs"
	if _, err := d.UpdateOrg(bob, beta.ID, 0, domain.OrgPatch{Parent: &parent}); err != nil {
		t.Fatal(err)
	}
	home("with Beta moved under Acme Labs", op, bea, lab, mine)

	top := ""
	if _, err := d.UpdateOrg(bob, labs.ID, 0, domain.OrgPatch{Parent: &top}); err != nil {
		t.Fatal(err)
	}
	home("with Acme Labs moved to the top level", mine)
	lcCheck(t, db)
}

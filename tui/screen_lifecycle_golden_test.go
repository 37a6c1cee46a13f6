package tui

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
)

// TestGoldenLifecycle runs the real program (teatest) for the lifecycle
// screens at 80x24 and 120x40 and compares the final frame with
// testdata/TestGoldenLifecycle/*.golden (go test ./tui/ -run
// TestGoldenLifecycle -update rewrites them). Clock, data and colour profile
// (ASCII) are fixed, as in TestGolden.
func TestGoldenLifecycle(t *testing.T) {
	ready := []string{"All 200", "1 of 200", "Wayne Enterprises"}
	orgID := func(t *testing.T, desk *domain.Desk, name string) domain.ID {
		t.Helper()
		o, err := desk.OrgByName(name)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, desk *domain.Desk) []tea.Msg
		steps []step
	}{
		// v on the Organizations list: children under their parent.
		{name: "orgs_tree", steps: []step{
			{wait: ready},
			{keys: []string{"2"}, wait: []string{"inactive", "1 of 7"}},
			{keys: []string{"v"}, wait: []string{"· tree", "└ Acme Europe"}},
		}},
		// y on an organization (reached from the Organizations tab): the
		// copy form, with a parent and an agreement to carry over or not.
		{name: "org_copy", setup: func(t *testing.T, desk *domain.Desk) []tea.Msg {
			eu := orgID(t, desk, "Acme Europe")
			if _, err := desk.SetAgreement(testActor, eu, "EU Terms", "Terms."); err != nil {
				t.Fatal(err)
			}
			return nil
		}, steps: []step{
			{wait: ready},
			{keys: []string{"2"}, wait: []string{"inactive", "1 of 7"}},
			{keys: []string{"down"}, wait: []string{"2 of 7"}},
			{keys: []string{"enter"}, wait: []string{"Members (16)", "EU Terms v1"}},
			{keys: []string{"c"}, wait: []string{"Copy Acme Europe", "New name", "carry over"}},
		}},
		// A user of Acme Europe: the agreement of its parent Acme is pending,
		// and its permissions come from a group of Acme and a desk-wide one.
		{name: "user_agreement_groups", setup: func(t *testing.T, desk *domain.Desk) []tea.Msg {
			acme, eu := orgID(t, desk, "Acme"), orgID(t, desk, "Acme Europe")
			if _, err := desk.SetAgreement(testActor, acme, "Standard Rates", "The rates."); err != nil {
				t.Fatal(err)
			}
			users, _, err := desk.Users(domain.UserFilter{OrgID: eu}, 0, 1)
			if err != nil || len(users) == 0 {
				t.Fatalf("no user in Acme Europe: %v", err)
			}
			u := users[0]
			leads, err := desk.CreateGroup(testActor, domain.GroupInput{Name: "Acme Leads", Org: "Acme", Perms: domain.CustConversationsCreate | domain.CustConversationsOrg})
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
			return []tea.Msg{openUserMsg{id: u.ID}}
		}, steps: []step{
			{wait: []string{"agreement pending: Standard Rates v1", "billing — from Billing"}},
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				desk := newTestDesk(t, 200)
				var open []tea.Msg
				if tc.setup != nil {
					open = tc.setup(t, desk)
				}
				m := newTestModel(desk)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				if len(open) > 0 {
					// The users screen first, then the screen under test.
					waitWords(t, tm, ready...)
					for _, msg := range open {
						tm.Send(msg)
					}
				}
				view := playSteps(t, tm, tc.steps, size)
				teatest.RequireEqualOutput(t, []byte(view+"\n"))
			})
		}
	}
}

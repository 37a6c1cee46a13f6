package demo_test

import (
	"path/filepath"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/store"
)

func newDesk(t *testing.T) *domain.Desk {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return domain.NewDesk(db)
}

var owner = domain.Actor{Name: "owner"}

// TestLoadFull checks what the full demo stores: users in every state,
// the hierarchy and the agreement, groups with members, and conversations
// with customers' messages, replies, notes, statuses and assignees.
func TestLoadFull(t *testing.T) {
	d := newDesk(t)
	start := time.Now()
	f, err := demo.LoadFull(d, owner, 200)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadFull(200): %v, %+v", time.Since(start), f)

	counts, err := d.UserCounts()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, st := range domain.States {
		if counts[st] < 10 {
			t.Errorf("%d users %s, want at least 10 in every state", counts[st], st)
		}
		if counts[st] != f.States[st] {
			t.Errorf("summary says %d %s, the store %d", f.States[st], st, counts[st])
		}
		total += counts[st]
	}
	if total != 200 || f.Users != 200 {
		t.Errorf("%d users stored, summary %d, want 200", total, f.Users)
	}
	kofi, err := d.UserByEmail("kofi.nguyen@acme.com")
	if err != nil || kofi.State != domain.StateActive {
		t.Errorf("kofi.nguyen@acme.com: %v %v, want active", kofi.State, err)
	}

	// A parent with a child, and the parent's agreement, accepted by some.
	acme, err := d.OrgByName("Acme")
	if err != nil {
		t.Fatal(err)
	}
	eu, err := d.OrgByName("Acme Europe")
	if err != nil || eu.ParentID != acme.ID {
		t.Errorf("Acme Europe's parent is %d (%v), want Acme %d", eu.ParentID, err, acme.ID)
	}
	if acme.Agreement == nil || acme.Agreement.Title != "Acme Support Terms v3" {
		t.Errorf("Acme's agreement: %+v", acme.Agreement)
	}
	accepted := 0
	for _, st := range []domain.State{domain.StateActive} {
		users, _, err := d.Users(domain.UserFilter{State: st}, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if u.Acceptance.OrgID == acme.ID && u.Acceptance.Title == "Acme Support Terms v3" {
				accepted++
			}
		}
	}
	if accepted == 0 || accepted != f.Accepted {
		t.Errorf("%d users accepted Acme's agreement, summary %d", accepted, f.Accepted)
	}

	// Groups with members.
	groups, err := d.Groups()
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != len(demo.Groups) {
		t.Errorf("%d groups, want %d", len(groups), len(demo.Groups))
	}
	members := 0
	for _, g := range groups {
		us, err := d.GroupMembers(g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(us) == 0 {
			t.Errorf("group %s has no members", g.Name)
		}
		members += len(us)
	}
	if members != f.Members {
		t.Errorf("%d group members, summary %d", members, f.Members)
	}

	// A few hundred conversations, in several statuses and with several
	// assignees, holding customers' messages, replies and internal notes.
	convs, _, err := d.Conversations(domain.ConvFilter{}, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) != 300 || f.Conversations != 300 {
		t.Fatalf("%d conversations (summary %d), want 300", len(convs), f.Conversations)
	}
	statuses, assignees := map[domain.ConvStatus]int{}, map[domain.ID]int{}
	var replies, notes, customer int
	for _, c := range convs {
		statuses[c.Status]++
		assignees[c.AssigneeID]++
		_, msgs, err := d.Conversation(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 || !msgs[0].FromCustomer {
			t.Fatalf("conversation %d does not start with the customer's message", c.ID)
		}
		for _, m := range msgs[1:] {
			switch {
			case m.Kind == domain.KindNote:
				notes++
			case m.FromCustomer:
				customer++
			default:
				replies++
			}
		}
	}
	for _, st := range domain.ConvStatuses {
		if statuses[st] == 0 {
			t.Errorf("no conversation %s: %v", st, statuses)
		}
	}
	if len(assignees) < len(demo.Agents)+1 {
		t.Errorf("assignees %v, want every demo agent and some unassigned", assignees)
	}
	if notes == 0 || notes != f.Notes || replies != f.Replies || customer != f.Customer || customer == 0 || replies == 0 {
		t.Errorf("stored %d replies, %d customer messages, %d notes; summary %+v", replies, customer, notes, f)
	}
}

// TestLoadFullDeterministic: the same size gives the same desk.
func TestLoadFullDeterministic(t *testing.T) {
	a, err := demo.LoadFull(newDesk(t), owner, 60)
	if err != nil {
		t.Fatal(err)
	}
	b, err := demo.LoadFull(newDesk(t), owner, 60)
	if err != nil {
		t.Fatal(err)
	}
	if a.Users != b.Users || a.Conversations != b.Conversations || a.Notes != b.Notes || a.Replies != b.Replies ||
		a.Accepted != b.Accepted || a.Members != b.Members || a.States[domain.StateDisabled] != b.States[domain.StateDisabled] {
		t.Errorf("two loads differ:\n%+v\n%+v", a, b)
	}
}

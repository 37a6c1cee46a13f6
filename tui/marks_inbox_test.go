package tui

import (
	"strings"
	"testing"

	"helpdesk/domain"
)

// inboxAll opens the Inbox as Tess with every status shown: the three
// conversations of the fixture, newest first (printer, invoice, zz).
func inboxAll(t *testing.T) (*convFixture, *driver) {
	t.Helper()
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 30)
	d.keys("i")
	s, ok := d.m.active().(*inboxScreen)
	if !ok {
		t.Fatalf("i did not open the inbox:\n%s", d.view())
	}
	for s.status != len(convStatusFilters)-1 {
		d.keys(s.c.keys.CycleConv.Keys()[0])
	}
	d.mustShow("Printer on fire", "Invoice 2026-114", "Account locked")
	return f, d
}

func TestInboxBulkAssignAndStatus(t *testing.T) {
	f, d := inboxAll(t)
	d.keys(" ", " ", " ")
	d.mustShow("3 marked")
	for _, subject := range []string{"Printer on fire", "Invoice 2026-114", "Account locked"} {
		if r := rowOf(d, subject); !strings.Contains(r, "✓") {
			t.Fatalf("%s not marked: %q", subject, r)
		}
	}

	// Assign to me: Tess is an agent, so the menu offers it first.
	d.keys("b")
	d.mustShow("Bulk action on 3 marked conversations", "Assign to me", "Assign to an agent…", "Unassign (nobody)", "Status: resolved")
	d.keys("enter")
	d.mustShow("Assign 3 conversations to you?")
	d.keys("y")
	d.mustShow("3 conversations assigned to tess@desk.example.")
	for _, c := range []domain.Conversation{f.printer, f.invoice, f.zz} {
		got, _, err := f.desk.Conversation(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AssigneeID != f.tess.ID {
			t.Errorf("%s assigned to %d, want Tess", got.Subject, got.AssigneeID)
		}
	}
	for _, subject := range []string{"Printer on fire", "Invoice 2026-114", "Account locked"} {
		if r := rowOf(d, subject); strings.Contains(r, "✓") {
			t.Fatalf("%s still marked after a clean run: %q", subject, r)
		}
	}

	// Status: the first two rows resolved.
	d.keys("home", " ", " ", "b")
	for i := 0; i < 5; i++ { // me, agent…, nobody, open, pending, resolved
		d.keys("down")
	}
	d.keys("enter")
	d.mustShow("Set 2 conversations to resolved?")
	d.keys("y")
	d.mustShow("2 conversations set to resolved.")
	for c, want := range map[domain.ID]domain.ConvStatus{f.printer.ID: domain.ConvResolved, f.invoice.ID: domain.ConvResolved, f.zz.ID: domain.ConvOpen} {
		got, _, _ := f.desk.Conversation(c)
		if got.Status != want {
			t.Errorf("%s is %s, want %s", got.Subject, got.Status, want)
		}
	}

	// Assign to an agent through the picker; then unassign.
	d.keys("end", " ", "b", "down", "enter", "omar", "enter")
	d.mustShow("Assign 1 conversation to omar@desk.example?")
	d.keys("y")
	d.mustShow("1 conversation assigned to omar@desk.example.")
	if got, _, _ := f.desk.Conversation(f.zz.ID); got.AssigneeID != f.omar.ID {
		t.Fatalf("zz assigned to %d, want Omar", got.AssigneeID)
	}
	d.keys(" ", "b", "down", "down", "enter")
	d.mustShow("Unassign 1 conversation?")
	d.keys("y")
	d.mustShow("1 conversation unassigned.")
	if got, _, _ := f.desk.Conversation(f.zz.ID); got.AssigneeID != 0 {
		t.Fatalf("zz still assigned to %d", got.AssigneeID)
	}
}

// TestInboxMarksRangeAndEsc: V marks the rows between, esc clears marks
// before it leaves the screen, and marks survive the inbox's filter.
func TestInboxMarksRangeAndEsc(t *testing.T) {
	_, d := inboxAll(t)
	d.keys(" ", "down", "V")
	d.mustShow("3 marked")
	d.keys("/", "printer", "enter")
	d.mustShow("3 marked")
	d.keys("esc") // marks first…
	d.mustShow("Marks cleared: 3 rows unmarked.")
	if _, ok := d.m.active().(*inboxScreen); !ok {
		t.Fatal("esc left the inbox while it had marks")
	}
	d.keys("esc") // …then the filter
	d.mustShow("Invoice 2026-114")
}

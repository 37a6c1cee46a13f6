package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
)

// TestConfirmNeedsItsLetter: Enter on a confirm that creates does nothing
// but say which key confirms; only y creates.
func TestConfirmNeedsItsLetter(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 80, 24)
	d.keys("n", "kofi.ngyuen@acme.com", "tab", "Kofi Ngyuen", "ctrl+s")
	if d.m.dlg == nil {
		t.Fatalf("no confirm for a near duplicate:\n%s", d.view())
	}
	d.mustShow("y Create anyway", "n/esc Cancel")
	d.keys("enter")
	if _, err := desk.UserByEmail("kofi.ngyuen@acme.com"); err == nil {
		t.Fatal("Enter created the possible duplicate")
	}
	if d.m.dlg == nil {
		t.Fatal("Enter closed the confirm")
	}
	d.mustShow("Enter does not confirm here: press y to create anyway")
	d.keys("y")
	userByEmail(t, desk, "kofi.ngyuen@acme.com")
	d.mustShow("Created kofi.ngyuen@acme.com")
}

// TestDisableConfirmIgnoresEnter: the disable confirm takes y only.
func TestDisableConfirmIgnoresEnter(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 120, 40)
	d.keys("/", "kofi.nguyen@acme", "enter", "d")
	d.mustShow("Disable Kofi Nguyen?")
	d.keys("enter", "enter")
	if u := userByEmail(t, desk, "kofi.nguyen@acme.com"); u.State == domain.StateDisabled {
		t.Fatal("Enter disabled the user")
	}
	d.mustShow("Disable Kofi Nguyen?", "press y to")
	d.keys("y")
	if u := userByEmail(t, desk, "kofi.nguyen@acme.com"); u.State != domain.StateDisabled {
		t.Fatalf("y left the user %s", u.State)
	}
	d.mustShow("Disabled Kofi Nguyen")
}

// TestEscLeavesUntouchedForm: esc on a form nobody changed goes back at
// once, even though the form shows defaults (role, account mail); once
// the agent changes something, it asks.
func TestEscLeavesUntouchedForm(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 120, 40)
	d.keys("n")
	activeAs[*createUserScreen](t, d)
	d.keys("esc")
	if d.m.dlg != nil {
		t.Fatalf("esc on an untouched New user form asked:\n%s", d.view())
	}
	activeAs[*usersScreen](t, d)

	// Changing only a choice (the account mail) is an edit.
	d.keys("n")
	form := activeAs[*createUserScreen](t, d).form
	for i := 0; form.Focused().key != "mail"; i++ {
		if i > len(form.fields) {
			t.Fatal("no account mail field")
		}
		d.keys("tab")
	}
	d.send(tea.KeyMsg{Type: tea.KeyRight})
	d.keys("esc")
	if d.m.dlg == nil {
		t.Fatalf("esc after changing the account mail did not ask:\n%s", d.view())
	}
	d.mustShow("Leave New user without saving?")
	d.keys("y")
	activeAs[*usersScreen](t, d)

	// The user's edit form, prefilled from the record, untouched.
	d.keys("/", "kofi.nguyen@acme", "enter", "enter", "e")
	if s := activeAs[*userScreen](t, d); !s.editing {
		t.Fatalf("e did not edit:\n%s", d.view())
	}
	d.keys("esc")
	if d.m.dlg != nil {
		t.Fatalf("esc on an untouched edit asked:\n%s", d.view())
	}
	if s := activeAs[*userScreen](t, d); s.editing {
		t.Fatal("still editing after esc")
	}
}

// TestConfirmThroughProgram: in the real program, Enter on the disable
// confirm leaves the user as is; y disables.
func TestConfirmThroughProgram(t *testing.T) {
	desk := newTestDesk(t, 200)
	tm := teatest.NewTestModel(t, newTestModel(desk), teatest.WithInitialTermSize(120, 40))
	waitWords(t, tm, "All 200", "1 of 200")
	sendKeys(tm, "/", "kofi.nguyen@acme")
	waitWords(t, tm, "1 of 1")
	sendKeys(tm, "enter", "d")
	waitWords(t, tm, "Disable Kofi Nguyen?")
	sendKeys(tm, "enter")
	waitWords(t, tm, "Enter does not confirm here")
	if u := userByEmail(t, desk, "kofi.nguyen@acme.com"); u.State == domain.StateDisabled {
		t.Fatal("Enter disabled the user")
	}
	sendKeys(tm, "y")
	waitWords(t, tm, "Disabled Kofi Nguyen")
	if u := userByEmail(t, desk, "kofi.nguyen@acme.com"); u.State != domain.StateDisabled {
		t.Fatalf("y left the user %s", u.State)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

package tui

import "testing"

// tabTo moves the focus of f to the field key with tab presses.
func tabTo(t *testing.T, d *driver, f func() *form, key string) {
	t.Helper()
	for range 20 {
		if f().Focused().key == key {
			return
		}
		d.keys("tab")
	}
	t.Fatalf("no field %q in the form", key)
}

// A user's notes are edited in a textarea: enter starts a new line, and
// the lines are stored and shown again as typed.
func TestUserNotesKeepTheirLines(t *testing.T) {
	desk := newTestDesk(t, 200)
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	d := newDriver(t, desk, 120, 40)
	d.send(openUserMsg{id: u.ID})
	s := activeAs[*userScreen](t, d)
	d.keys("e")
	tabTo(t, d, func() *form { return s.form }, "notes")
	d.keys("ctrl+x", "Prefers phone.", "enter", "Calls after 10:00.", "down", "up", "ctrl+s")
	if got := userByEmail(t, desk, u.Email).Notes; got != "Prefers phone.\nCalls after 10:00." {
		t.Fatalf("stored notes %q", got)
	}
	d.mustShow("Prefers phone.", "Calls after 10:00.")
	d.keys("e")
	if got := s.form.Value("notes"); got != "Prefers phone.\nCalls after 10:00." {
		t.Fatalf("the form reads the notes back as %q", got)
	}
	tabTo(t, d, func() *form { return s.form }, "name")
	d.mustShow("Prefers phone. (+1 more line)")
}

func TestOrgNotesKeepTheirLines(t *testing.T) {
	desk := newTestDesk(t, 200)
	acme, err := desk.OrgByName("Acme")
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: acme.ID})
	s := activeAs[*orgScreen](t, d)
	d.keys("e")
	tabTo(t, d, func() *form { return s.form }, "notes")
	d.keys("ctrl+x", "Key account.", "enter", "", "enter", "Invoices by post.", "ctrl+s")
	o, err := desk.Org(acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Notes != "Key account.\n\nInvoices by post." {
		t.Fatalf("stored notes %q", o.Notes)
	}
	d.mustShow("Key account. (+2 more lines)")
	d.keys("e")
	if got := s.form.Value("notes"); got != o.Notes {
		t.Fatalf("the form reads the notes back as %q", got)
	}
}

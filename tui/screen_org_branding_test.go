package tui

import (
	"testing"

	"helpdesk/domain"
)

// An organization with sign-in branding shows it on one line; one without
// shows none.
func TestOrgShowsBranding(t *testing.T) {
	desk := newTestDesk(t, 20)
	acme, _ := desk.OrgByName("Acme")
	globex, _ := desk.OrgByName("Globex")
	title, col := "Acme Support", "#0055AA"
	logo := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 2040)...)
	if _, err := desk.SetBranding(testActor, acme.ID, domain.BrandInput{Title: &title, Color: &col, Logo: logo}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: acme.ID})
	d.mustShow("Sign-in page    acme · Acme Support · #0055aa · logo image/png 2 KB", "b edits")
	d.send(openOrgMsg{id: globex.ID})
	activeAs[*orgScreen](t, d)
	d.mustNotShow("Sign-in page")
}

// b edits the slug, title and colour; a refused value stays in the form
// with the desk's reason, and the logo is left to the command line.
func TestOrgBrandingForm(t *testing.T) {
	desk := newTestDesk(t, 20)
	globex, _ := desk.OrgByName("Globex")
	d := newDriver(t, desk, 120, 40)
	d.send(openOrgMsg{id: globex.ID})
	s := activeAs[*orgScreen](t, d)
	d.keys("b")
	if s.mode != orgBranding {
		t.Fatalf("b opened mode %d", s.mode)
	}
	d.mustShow("Sign-in branding", "No logo: a logo is set from the command line only.")
	if v := s.form.Value("slug"); v != "globex" {
		t.Fatalf("slug prefilled with %q", v)
	}
	d.keys("tab", "Globex Help", "tab", "blue", "ctrl+s")
	d.mustShow(`! Not saved: color: "blue" is not a colour such as #0055aa`, `↳ "blue" is not a colour`)
	if s.mode != orgBranding || s.form.Value("color") != "blue" {
		t.Fatal("the refused save lost the form")
	}
	d.keys("ctrl+x", "#112233", "ctrl+s")
	d.mustShow("✓ Saved the sign-in branding of Globex: globex · Globex Help · #112233 · no logo.",
		"Sign-in page    globex · Globex Help · #112233 · no logo")
	o, _ := desk.OrgByName("Globex")
	if o.Brand == nil || o.Brand.Title != "Globex Help" || o.Brand.Color != "#112233" {
		t.Fatalf("branding %+v", o.Brand)
	}
}

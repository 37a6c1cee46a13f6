package tui

import "testing"

// A Cyrillic twin of an existing address is shown and asked about as a
// look-alike, in words, before anything is created.
func TestLookalikeNeedsConfirmAndSaysSo(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 120, 40)
	twin := "k\u043efi.nguyen@acme.com" // Cyrillic о
	d.keys("n", twin)
	d.mustShow("look-alike: Cyrillic letters", "Possible duplicate below")

	d.keys("tab", "Kofi Twin", "ctrl+s")
	if d.m.dlg == nil {
		t.Fatalf("no confirm for a look-alike:\n%s", d.view())
	}
	d.mustShow("Possible duplicate. Create "+twin+" anyway?", "looks like kofi.nguyen@acme.com (Cyrillic letters) — Kofi Nguyen")
	if _, err := desk.UserByEmail(twin); err == nil {
		t.Fatal("created before the confirm")
	}
	d.keys("n")
	if _, err := desk.UserByEmail(twin); err == nil {
		t.Fatal("created although cancelled")
	}
	d.keys("ctrl+s", "y")
	u := userByEmail(t, desk, twin)
	if s := activeAs[*userScreen](t, d); s.id != u.ID {
		t.Fatalf("opened %d, want the new user %d", s.id, u.ID)
	}
}

// An address that mixes scripts is asked about even when no existing
// address looks like it.
func TestMixedScriptsNeedConfirm(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 120, 40)
	addr := "\u0440aul.zzz@nowhere-else.example" // Cyrillic р
	d.keys("n", addr, "tab", "Paul", "ctrl+s")
	if d.m.dlg == nil {
		t.Fatalf("no confirm for mixed scripts:\n%s", d.view())
	}
	d.mustShow("Look-alike address. Create "+addr+" anyway?", "it mixes Cyrillic and Latin letters, as look-alike addresses do")
	if _, err := desk.UserByEmail(addr); err == nil {
		t.Fatal("created before the confirm")
	}
	d.keys("y")
	userByEmail(t, desk, addr)
}

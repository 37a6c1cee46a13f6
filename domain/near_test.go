package domain_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"helpdesk/domain"
)

const (
	elodieNFC = "\u00e9lodie@acme.com"  // é as one character
	elodieNFD = "e\u0301lodie@acme.com" // e and a combining acute accent
	adminCyr  = "\u0430dmin@acme.com"   // Cyrillic а
)

func TestParseEmailComposesTheLocalPart(t *testing.T) {
	a, err := domain.ParseEmail(elodieNFC)
	if err != nil {
		t.Fatal(err)
	}
	b, err := domain.ParseEmail(elodieNFD)
	if err != nil {
		t.Fatal(err)
	}
	if a.Key != b.Key || b.Address != elodieNFC || b.Local != "\u00e9lodie" {
		t.Errorf("NFD parsed as %+v, NFC as %+v: want one address %q", b, a, elodieNFC)
	}
	// An ASCII address keeps its key: stored keys of ASCII emails stay valid.
	c, err := domain.ParseEmail("Ann.Lee@ACME.com")
	if err != nil || c.Key != "ann.lee@acme.com" || c.Address != "Ann.Lee@acme.com" {
		t.Errorf("ASCII address: %+v %v", c, err)
	}
}

func TestNFCAndNFDAreOneUser(t *testing.T) {
	d := newDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: elodieNFC, Name: "Élodie"})
	_, err := d.CreateUser(ann, domain.UserInput{Email: elodieNFD})
	var dup *domain.DuplicateEmailError
	if !errors.As(err, &dup) || dup.Existing.ID != u.ID {
		t.Fatalf("NFD twin: %v, want a duplicate of user %d", err, u.ID)
	}
	// The other way round: the NFD form is stored composed.
	d2 := newDesk(t)
	v := mustUser(t, d2, domain.UserInput{Email: elodieNFD})
	if v.Email != elodieNFC {
		t.Errorf("stored %q, want the composed %q", v.Email, elodieNFC)
	}
	got, err := d2.UserByEmail(elodieNFC)
	if err != nil || got.ID != v.ID {
		t.Errorf("UserByEmail(NFC) = %v, %v", got.ID, err)
	}
	res, err := d2.Suggest(elodieNFC, 5)
	if ex, ok := res.Exact(); err != nil || !ok || ex.User.ID != v.ID {
		t.Errorf("Suggest(NFC) exact = %+v %v", res.Items, err)
	}
	res, err = d2.Suggest(elodieNFD, 5)
	if ex, ok := res.Exact(); err != nil || !ok || ex.User.ID != v.ID {
		t.Errorf("Suggest(NFD) exact = %+v %v", res.Items, err)
	}
}

func TestCyrillicTwinIsALookalike(t *testing.T) {
	d := newDesk(t)
	admin := mustUser(t, d, domain.UserInput{Email: "admin@acme.com", Name: "Admin"})
	err := d.CheckNear(adminCyr)
	var nd *domain.NearDuplicateError
	if !errors.As(err, &nd) {
		t.Fatalf("CheckNear(%q) = %v, want a near duplicate", adminCyr, err)
	}
	if len(nd.Near) != 1 || nd.Near[0].User.ID != admin.ID || nd.Near[0].Kind != "lookalike" || nd.Mixed != "Cyrillic and Latin" {
		t.Errorf("near = %+v, mixed %q", nd.Near, nd.Mixed)
	}
	want := adminCyr + " is a possible duplicate (lookalike): it looks like user 1 admin@acme.com (Cyrillic letters)"
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
	// The console's box and confirm see it too.
	res, err := d.Suggest(adminCyr, 8)
	if err != nil {
		t.Fatal(err)
	}
	near := res.Near()
	if len(near) != 1 || near[0].Kind != "lookalike" || near[0].Describe() != "looks like user 1 admin@acme.com (Cyrillic letters)" {
		t.Errorf("Suggest near = %+v", near)
	}
	if res.Mixed != "Cyrillic and Latin" {
		t.Errorf("Mixed = %q", res.Mixed)
	}
	// Allowed, the twin is created: near duplicates are a warning, not a rule of the store.
	if _, err := d.CreateUser(ann, domain.UserInput{Email: adminCyr}); err != nil {
		t.Fatalf("CreateUser of the allowed lookalike: %v", err)
	}
}

func TestCheckNearKindsAndQuietCases(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "john.smith@gmail.com"})
	mustUser(t, d, domain.UserInput{Email: "maria@acme.com"})
	for _, tc := range []struct{ email, want string }{
		{"johnsmith@gmail.com", "possible duplicate (near): it may be user 1 john.smith@gmail.com (same address without dots or +tag)"},
		{"john.smith+x@gmail.com", "possible duplicate (near): it may be user 1 john.smith@gmail.com (same address without dots or +tag)"},
		{"mraia@acme.com", "possible duplicate (near): it may be user 2 maria@acme.com (2 letters swapped)"},
		{"maria@globex.com", "possible duplicate (near): it may be user 2 maria@acme.com (same name at another domain)"},
		{"\u0440aul@acme.com", "possible duplicate (lookalike): it mixes Cyrillic and Latin letters, as look-alike addresses do"},
	} {
		err := d.CheckNear(tc.email)
		if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("CheckNear(%s) = %v, want ...%s", tc.email, err, tc.want)
		}
	}
	for _, email := range []string{"john.smith@gmail.com", "someone.else@acme.com", "not an address", "\u00e9lodie@acme.com", "иван@acme.com"} {
		if err := d.CheckNear(email); err != nil {
			t.Errorf("CheckNear(%q) = %v, want nil", email, err)
		}
	}
}

func TestImportSkipsNearDuplicatesUnlessAllowed(t *testing.T) {
	d := newDesk(t)
	admin := mustUser(t, d, domain.UserInput{Email: "admin@acme.com"})
	csv := "email,name\n" + adminCyr + ",Twin\n" + elodieNFD + ",Élodie\nmaria@acme.com,Maria\n"
	var lines []string
	rep, err := d.ImportUsers(context.Background(), ann, strings.NewReader(csv), domain.ImportOptions{
		RowError: func(e domain.RowError) { lines = append(lines, e.String()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "line 2: " + adminCyr + ": possible duplicate (lookalike): it looks like user 1 admin@acme.com (Cyrillic letters)"
	if len(lines) != 1 || lines[0] != want {
		t.Errorf("report:\n got %q\nwant %q", lines, want)
	}
	if rep.Imported != 2 || rep.Failed != 1 || rep.Near != 1 {
		t.Errorf("report = %+v", rep)
	}
	if _, err := d.UserByEmail(adminCyr); !domain.IsNotFound(err) {
		t.Errorf("the lookalike was stored: %v", err)
	}
	// The NFD row was stored composed: an NFC row is now its exact duplicate.
	lines = nil
	rep, err = d.ImportUsers(context.Background(), ann, strings.NewReader("email\n"+elodieNFC+"\n"+adminCyr+"\n"), domain.ImportOptions{
		AllowNear: true, RowError: func(e domain.RowError) { lines = append(lines, e.String()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 1 || rep.Near != 0 || len(lines) != 1 || !strings.Contains(lines[0], "already on the desk") {
		t.Errorf("allowed import: %+v %q", rep, lines)
	}
	twin, err := d.UserByEmail(adminCyr)
	if err != nil || twin.ID == admin.ID {
		t.Errorf("allowed lookalike not created: %v", err)
	}
}

// An import chunk too large to put into a built suggestion index one by
// one drops it; the next query rebuilds it with every imported row.
func TestLargeImportLeavesSuggestionsComplete(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "first@acme.com"})
	if err := d.WaitSuggestReady(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("email\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "person%04d@site%04d.example\n", i, i)
	}
	rep, err := d.ImportUsers(context.Background(), ann, strings.NewReader(b.String()), domain.ImportOptions{})
	if err != nil || rep.Imported != 2000 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	for _, q := range []string{"first@acme.com", "person0000@site0000.example", "person1999@site1999.example"} {
		res, err := d.Suggest(q, 3)
		if ex, ok := res.Exact(); err != nil || !ok || ex.User.Email != q {
			t.Errorf("Suggest(%s) after the import: %+v %v", q, res.Items, err)
		}
	}
	// And near duplicates of imported rows are found.
	var nd *domain.NearDuplicateError
	if err := d.CheckNear("pers\u043en0007@site0007.example"); !errors.As(err, &nd) || nd.Near[0].User.Email != "person0007@site0007.example" {
		t.Errorf("Cyrillic twin of an imported row: %v", err)
	}
}

// Once a lookalike exists (allowed), typing it again is an exact duplicate
// naming its owner, not a lookalike of the other user.
func TestExactWinsOverLookalike(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "admin@acme.com"})
	twin := mustUser(t, d, domain.UserInput{Email: adminCyr})
	if err := d.CheckNear(adminCyr); err != nil {
		t.Errorf("CheckNear of an existing address = %v, want nil (CreateUser names the owner)", err)
	}
	var lines []string
	rep, err := d.ImportUsers(context.Background(), ann, strings.NewReader("email\n"+adminCyr+"\n"), domain.ImportOptions{
		RowError: func(e domain.RowError) { lines = append(lines, e.String()) },
	})
	want := fmt.Sprintf("line 2: %s: already on the desk (user %d)", adminCyr, twin.ID)
	if err != nil || rep.Near != 0 || len(lines) != 1 || lines[0] != want {
		t.Errorf("import: %+v %v %q, want %q", rep, err, lines, want)
	}
}

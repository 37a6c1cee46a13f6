package domain_test

import (
	"errors"
	"strings"
	"testing"

	"helpdesk/domain"
)

// Latin-1 bytes (é is 0xE9) are refused with the row's line, like any bad
// row, and never stored as U+FFFD; the other rows are imported.
func TestImportRefusesRowsThatAreNotUTF8(t *testing.T) {
	d := newDesk(t)
	file := "email,name\n" +
		"ann@acme.com,Ann\n" +
		"\"bob@acme.com\",\"Ren\xe9\nLine two\"\n" + // a quoted field over lines 3-4
		"cl\xe9o@acme.com,Cleo\n" +
		"dee@acme.com,Zoë\n"
	rep, rows, err := runImport(t, d, file, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"line 3: name is not valid UTF-8 (the file may be Latin-1; save it as UTF-8)",
		"line 5: email is not valid UTF-8 (the file may be Latin-1; save it as UTF-8)",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("row errors:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if rep.Rows != 4 || rep.Imported != 2 || rep.Failed != 2 {
		t.Errorf("report %+v", rep)
	}
	users, _, err := d.Users(domain.UserFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.Email+" "+u.Name)
		if strings.ContainsRune(u.Name, '\uFFFD') || strings.ContainsRune(u.Email, '\uFFFD') {
			t.Errorf("stored lossy: %q %q", u.Email, u.Name)
		}
	}
	if strings.Join(got, ",") != "ann@acme.com Ann,dee@acme.com Zoë" {
		t.Errorf("users %q", got)
	}
}

// Free text given through the Desk (a form, a flag, a file) that is not
// UTF-8 is refused naming the field.
func TestFreeTextThatIsNotUTF8IsRefused(t *testing.T) {
	d := newDesk(t)
	_, err := d.CreateUser(ann, domain.UserInput{Email: "ann@acme.com", Name: "Ren\xe9"})
	var ve *domain.ValidationError
	if !errors.As(err, &ve) || ve.Field != "name" || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Fatalf("CreateUser with a Latin-1 name: %v", err)
	}
	_, err = d.CreateOrg(ann, domain.OrgInput{Name: "Acme", Notes: "caf\xe9"})
	if !errors.As(err, &ve) || ve.Field != "notes" {
		t.Fatalf("CreateOrg with Latin-1 notes: %v", err)
	}
}

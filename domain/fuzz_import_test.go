package domain_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"helpdesk/domain"
	"helpdesk/store"
)

// fzImport runs an import on a fresh store holding one organization (Acme,
// acme.com) and one user (taken@acme.com), and checks what any import must
// leave behind, whatever the file held. A panic is reported as a failure.
func fzImport(t *testing.T, data []byte) (domain.ImportReport, []domain.RowError) {
	t.Helper()
	// NoSync: each fuzz input gets its own file, and durability is not what
	// is under test here.
	db, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := domain.NewDesk(db)
	agent := domain.Actor{Name: "fuzz@desk"}
	if _, err := d.CreateOrg(agent, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}}); err != nil {
		t.Fatal(err)
	}
	taken, err := d.CreateUser(agent, domain.UserInput{Email: "taken@acme.com", Name: "Taken"})
	if err != nil {
		t.Fatal(err)
	}

	var rowErrs []domain.RowError
	var rep domain.ImportReport
	var panicked any
	var stack []byte
	func() {
		defer func() {
			if panicked = recover(); panicked != nil {
				stack = debug.Stack()
			}
		}()
		rep, err = d.ImportUsers(context.Background(), agent, bytes.NewReader(data), domain.ImportOptions{Source: "fuzz.csv",
			RowError: func(e domain.RowError) { rowErrs = append(rowErrs, e) }})
	}()
	if panicked != nil {
		t.Fatalf("ImportUsers panicked on %q: %v\n%s", data, panicked, stack)
	}
	var ve *domain.ValidationError
	if err != nil && (!errors.As(err, &ve) || ve.Field != "csv") {
		t.Fatalf("ImportUsers(%q) failed with %v (%T); only a bad header may fail the whole import", data, err, err)
	}
	if err != nil && (rep.Imported != 0 || rep.Rows != 0) {
		t.Fatalf("a refused file (%v) reports %+v", err, rep)
	}
	if rep.Imported+rep.Failed != rep.Rows || rep.Imported < 0 {
		t.Fatalf("report %+v: imported + failed != rows", rep)
	}
	if len(rowErrs) != rep.Failed {
		t.Fatalf("report says %d failed; %d row errors were reported: %v", rep.Failed, len(rowErrs), rowErrs)
	}
	for _, e := range rowErrs {
		if e.Line < 2 || e.Reason == "" {
			t.Fatalf("row error %+v: want a line after the header and a reason", e)
		}
	}

	users, _, err := d.Users(domain.UserFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1+rep.Imported {
		t.Fatalf("%d users stored; want taken@acme.com and the %d imported", len(users), rep.Imported)
	}
	counts, err := d.UserCounts()
	if err != nil {
		t.Fatal(err)
	}
	if n := counts[domain.StatePending] + counts[domain.StateActive] + counts[domain.StateDisabled]; n != len(users) {
		t.Fatalf("user counters say %d, %d records", n, len(users))
	}
	for _, u := range users {
		got, err := d.UserByEmail(u.Email)
		if err != nil || got.ID != u.ID {
			t.Fatalf("user %d %q is not found by its email: %v, %v", u.ID, u.Email, got.ID, err)
		}
		if u.ID == taken.ID {
			if u != taken {
				t.Fatalf("the import changed the existing user: %+v", u)
			}
			continue
		}
		if !slices.Contains(domain.States, u.State) || u.Version != 1 {
			t.Fatalf("imported user %+v: want a known state and version 1", u)
		}
		if u.State == domain.StateDisabled && (u.StateBeforeDisable == "" || u.StateBeforeDisable == domain.StateDisabled) {
			t.Fatalf("imported disabled user %+v has no state to return to when enabled", u)
		}
	}
	problems, err := db.Check(context.Background())
	if err != nil || len(problems) > 0 {
		t.Fatalf("check after importing %q: %v %v", data, problems, err)
	}
	return rep, rowErrs
}

// FuzzImportCSV: an import never panics, accounts for every row, and leaves
// a store whose users are all findable and whose indexes agree.
func FuzzImportCSV(f *testing.F) {
	for _, s := range []string{
		"email,name,organization,time_zone,language,phone,role\nann@acme.com,Ann Lee,,Europe/Paris,en,+1 555 0100,customer\nbob@globex.com,Bob,Globex,,,,collaborator\n",
		"Email\nann@acme.com\nANN@ACME.COM\nann@acme.com\n",
		"\ufeffemail,name\r\nann@acme.com,Ann\r\nbob@acme.com,Bob\r\n",
		"email,name\nTAKEN@acme.com,Twin\nnew@acme.com,New\n",
		"email,name\nann@acme.com\nbob@acme.com,Bob,extra\n",
		"email,name\n\"ann@acme.com\",\"Ann\nLee\"\n\"unterminated@acme.com,Un\n",
		"email,name\nann\"x@acme.com,Ann\nbob@acme.com,Bob\n",
		"email,name\nbob@acme.com,Bo\"b\n",
		"email,nope\nann@acme.com,x\n",
		"name\nAnn\n",
		"",
		"email,email\na@b.co,a@b.co\n",
		"email,organization\nann@acme.com,Globex\nbob@acme.com,  globex  \ncy@initech.io,\x1b[31mRed\n",
		"email,time_zone,language,phone,role\nann@acme.com,Mars/Base,xx-!!,12,boss\n",
		"email\n\n\n\nann@acme.com\n",
		"email\nann@acme.com\u202e\n",
		"email,state\nann@acme.com,Active\nbob@acme.com,disabled\ncy@acme.com,\ndee@acme.com,gone\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fzImport(t, data)
	})
}

// A row whose first field breaks the CSV quoting rules is one bad row, named
// by its line; it neither stops the import nor crashes the program.
func TestImportRowWithBrokenQuoteInFirstField(t *testing.T) {
	rep, rowErrs := fzImport(t, []byte("email,name\nann\"x@acme.com,Ann\nbob@acme.com,Bob\n"))
	if rep.Rows != 2 || rep.Imported != 1 || rep.Failed != 1 {
		t.Errorf("report %+v; want 2 rows, 1 imported, 1 failed", rep)
	}
	if len(rowErrs) != 1 || rowErrs[0].Line != 2 || !strings.Contains(rowErrs[0].Reason, "not valid CSV") {
		t.Errorf("row errors %v; want line 2 reported as not valid CSV", fmt.Sprint(rowErrs))
	}
}

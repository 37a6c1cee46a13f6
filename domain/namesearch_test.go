package domain_test

import (
	"slices"
	"strings"
	"testing"

	"helpdesk/domain"
)

// emailsOf runs FindUsers and lists the emails found, in order.
func emailsOf(t *testing.T, d *domain.Desk, q string) []string {
	t.Helper()
	hits, err := d.FindUsers(q, 50)
	if err != nil {
		t.Fatalf("FindUsers(%q): %v", q, err)
	}
	var out []string
	for _, u := range hits.Users {
		out = append(out, u.Email)
	}
	return out
}

func TestFindUsersByNameAnyOrderCaseAndAccent(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "kn@acme.com", Name: "Kofi Nguyen"})
	mustUser(t, d, domain.UserInput{Email: "jnunez@acme.com", Name: "José Núñez"})
	mustUser(t, d, domain.UserInput{Email: "kofi.mensah@globex.com", Name: "K. Mensah"})
	mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee"})

	for _, c := range []struct {
		q    string
		want []string
	}{
		{"kofi nguyen", []string{"kn@acme.com"}},
		{"Nguyen Kofi", []string{"kn@acme.com"}},
		{"NGUYEN", []string{"kn@acme.com"}},
		{"nguyen.kofi", []string{"kn@acme.com"}},
		{"ngu ko", []string{"kn@acme.com"}},
		{"jose", []string{"jnunez@acme.com"}},
		{"JOSÉ nunez", []string{"jnunez@acme.com"}},
		{"núñez", []string{"jnunez@acme.com"}},
		// Email words count too: "kofi" is in one name and one address.
		{"kofi", []string{"kn@acme.com", "kofi.mensah@globex.com"}},
		{"globex mensah", []string{"kofi.mensah@globex.com"}},
		{"kofi lee", nil},
	} {
		got := emailsOf(t, d, c.q)
		if c.want == nil {
			// One word of the query matches nobody: nothing, not even
			// fuzzy email suggestions (those are for single words).
			if len(got) != 0 {
				t.Errorf("FindUsers(%q) = %v, want nothing", c.q, got)
			}
			continue
		}
		if len(got) < len(c.want) || !slices.Equal(got[:len(c.want)], c.want) {
			t.Errorf("FindUsers(%q) = %v, want first %v", c.q, got, c.want)
		}
	}
}

func TestFindUsersSeesCommits(t *testing.T) {
	d := newDesk(t)
	u := mustUser(t, d, domain.UserInput{Email: "old@acme.com", Name: "Ada Byron"})
	if err := d.WarmNames(); err != nil {
		t.Fatal(err)
	}
	if got := emailsOf(t, d, "wanjiru"); len(got) != 0 {
		t.Fatalf("before the user exists: %v", got)
	}
	mustUser(t, d, domain.UserInput{Email: "wk@acme.com", Name: "Wanjiru Kamau"})
	if got := emailsOf(t, d, "kamau wan"); !slices.Equal(got, []string{"wk@acme.com"}) {
		t.Errorf("a new user after its commit: %v", got)
	}

	// A rename moves the user from the old words to the new ones.
	name, email := "Ada Lovelace", "ada@acme.com"
	if _, err := d.UpdateUser(ann, u.ID, 0, domain.UserPatch{Name: &name, Email: &email}); err != nil {
		t.Fatal(err)
	}
	if got := emailsOf(t, d, "byron"); len(got) != 0 {
		t.Errorf("old name still found: %v", got)
	}
	if got := emailsOf(t, d, "lovelace ada"); !slices.Equal(got, []string{"ada@acme.com"}) {
		t.Errorf("renamed user: %v", got)
	}

	// A deleted user is gone.
	if _, err := d.DeleteUser(ann, u.ID, email); err != nil {
		t.Fatal(err)
	}
	if got := emailsOf(t, d, "lovelace"); len(got) != 0 {
		t.Errorf("deleted user still found: %v", got)
	}
}

func TestFindUsersSeesImports(t *testing.T) {
	d := newDesk(t)
	if err := d.WarmNames(); err != nil {
		t.Fatal(err)
	}
	_, _, err := runImport(t, d, "email,name\nzk@acme.com,Zainab Khalil\nmo@acme.com,Mo Farah\n", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := emailsOf(t, d, "khalil"); !slices.Equal(got, []string{"zk@acme.com"}) {
		t.Errorf("imported user: %v", got)
	}
}

func TestFindUsersSingleWordKeepsEmailSuggestions(t *testing.T) {
	d := newDesk(t)
	mustUser(t, d, domain.UserInput{Email: "margaret.hamilton@nasa.gov", Name: "Margaret Hamilton"})
	// Not a word start of anything: the email index's fuzzy match still
	// finds the address, once its fuzzy structures are built.
	if err := d.WaitSuggestReady(); err != nil {
		t.Fatal(err)
	}
	got := emailsOf(t, d, "mhamilton")
	if !slices.Contains(got, "margaret.hamilton@nasa.gov") {
		t.Errorf("FindUsers(mhamilton) = %v", got)
	}
	if got := emailsOf(t, d, strings.ToUpper("margaret.hamilton@nasa.gov")); len(got) == 0 || got[0] != "margaret.hamilton@nasa.gov" {
		t.Errorf("whole address = %v", got)
	}
}

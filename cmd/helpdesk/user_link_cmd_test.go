package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"helpdesk/domain"
	"helpdesk/store"
)

// importActive adds a user whose address is verified already.
func importActive(t *testing.T, c *cli, email string) {
	t.Helper()
	if code, _, errs := c.run("email,state\n"+email+",active\n", "import", "users", "-"); code != 0 {
		t.Fatalf("import %s: exit %d: %s", email, code, errs)
	}
}

// events lists the outbox's messages to an address, oldest first.
func events(t *testing.T, c *cli, to string) []string {
	t.Helper()
	var out []string
	ms := mailList(t, c)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i]["to"] == to {
			out = append(out, ms[i]["event"].(string)+"/"+ms[i]["state"].(string))
		}
	}
	return out
}

func TestUserResetAndResend(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	importActive(t, c, "bob@acme.com")

	// The first verification mail, whose link died, is cancelled.
	if out := c.ok("user", "resend", "ann@acme.com"); out != "resend: new verification link queued for ann@acme.com; earlier links no longer work\n" {
		t.Errorf("user resend said %q", out)
	}
	if out := c.ok("user", "reset", "ANN@acme.com"); out != "reset: set-password link queued for ann@acme.com\n" {
		t.Errorf("user reset said %q", out)
	}
	if got, want := events(t, c, "ann@acme.com"), []string{"verify/cancelled", "verify/queued", "reset/queued"}; !slices.Equal(got, want) {
		t.Errorf("ann's outbox %v, want %v", got, want)
	}
	if out := c.ok("user", "reset", "bob@acme.com"); out != "reset: set-password link queued for bob@acme.com\n" {
		t.Errorf("user reset of an active user said %q", out)
	}
	c.ok("user", "disable", "ann@acme.com")
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"user", "resend", "bob@acme.com"}, 1, "helpdesk: cannot resend to bob@acme.com: state: bob@acme.com is active: its address is verified already; send a set-password link with user reset"},
		{[]string{"user", "reset", "ann@acme.com"}, 1, "helpdesk: cannot reset ann@acme.com: mail: no mail can go to ann@acme.com"},
		{[]string{"user", "reset", "ghost@acme.com"}, 1, "helpdesk: no user with email ghost@acme.com"},
		{[]string{"user", "resend"}, 2, "helpdesk: missing EMAIL"},
	} {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.HasPrefix(errs, tc.msg) {
			t.Errorf("helpdesk %q: exit %d, stderr %q; want exit %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
	if got := events(t, c, "bob@acme.com"); !slices.Equal(got, []string{"reset/queued"}) {
		t.Errorf("bob's outbox %v", got)
	}
}

// user show gives the sign-in state: the sentence in the table, the
// fields in JSON.
func TestUserShowSignInState(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	importActive(t, c, "bob@acme.com")
	if out := c.ok("user", "show", "bob@acme.com"); !strings.Contains(out, "sign-in:") || !strings.Contains(out, "never signed in") {
		t.Errorf("user show of a new user:\n%s", out)
	}
	signIn := func() map[string]any {
		t.Helper()
		var u map[string]any
		if err := json.Unmarshal([]byte(c.ok("user", "show", "bob@acme.com", "--json")), &u); err != nil {
			t.Fatal(err)
		}
		s, ok := u["sign_in"].(map[string]any)
		if !ok {
			t.Fatalf("user show --json has no sign_in object: %v", u)
		}
		var keys []string
		for k := range s {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"last_addr", "last_at", "locked_until", "recent_failures"}; !slices.Equal(keys, want) {
			t.Errorf("sign_in fields %v, want exactly %v", keys, want)
		}
		if u["email"] != "bob@acme.com" || u["state"] != "active" {
			t.Errorf("user show --json lost the user's fields: %v", u)
		}
		return s
	}
	if s := signIn(); s["last_at"] != "" || s["last_addr"] != "" || s["locked_until"] != "" || s["recent_failures"] != float64(0) {
		t.Errorf("sign_in of a new user: %v", s)
	}

	// Failed tries on the portal, then a lock.
	tries := func(n int) {
		t.Helper()
		db, err := store.Open(c.db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		d := domain.NewDesk(db)
		for range n {
			if _, _, err := d.SignIn("bob@acme.com", "wrong password", "192.0.2.7"); err == nil {
				t.Fatal("signed in with a wrong password")
			}
		}
	}
	tries(2)
	if s := signIn(); s["recent_failures"] != float64(2) || s["locked_until"] != "" {
		t.Errorf("sign_in after 2 failures: %v", s)
	}
	if out := c.ok("user", "show", "bob@acme.com"); !strings.Contains(out, "never signed in; 2 failed tries recently") {
		t.Errorf("user show after 2 failures:\n%s", out)
	}
	tries(domain.ThrottleFailures - 2)
	if s := signIn(); s["locked_until"] == "" {
		t.Errorf("sign_in after %d failures: %v", domain.ThrottleFailures, s)
	}
	if out := c.ok("user", "show", "bob@acme.com"); !strings.Contains(out, "sign-in locked until ") {
		t.Errorf("user show of a locked user:\n%s", out)
	}
}

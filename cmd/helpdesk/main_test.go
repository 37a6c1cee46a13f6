package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// cli runs one command line against a database and returns what a shell
// user would see.
type cli struct {
	t  *testing.T
	db string
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, db: filepath.Join(t.TempDir(), "desk.db")}
}

func (c *cli) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"--db", c.db}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func (c *cli) ok(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run("", args...)
	if code != 0 {
		c.t.Fatalf("helpdesk %s: exit %d, stderr %q", strings.Join(args, " "), code, errs)
	}
	return out
}

func TestExitCodesAndErrorLines(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"user", "add", "--email", "ANN@ACME.COM"}, 1, "helpdesk: cannot add user: email ANN@acme.com already belongs to Ann Lee <ann@acme.com> (user 1)"},
		{[]string{"user", "add", "--email", "nobody"}, 1, "helpdesk: cannot add user: email: missing @"},
		{[]string{"user", "show", "ghost@acme.com"}, 1, "helpdesk: no user with email ghost@acme.com"},
		{[]string{"org", "add", "--name", "Mail", "--domain", "gmail.com"}, 1, "public mail provider"},
		{[]string{"user", "add"}, 2, "helpdesk: --email is required"},
		{[]string{"user", "frobnicate"}, 2, `helpdesk: unknown command "frobnicate" for helpdesk user`},
		{[]string{"user", "list", "--bogus"}, 2, "helpdesk: unknown flag: --bogus"},
		{[]string{"user", "show"}, 2, "helpdesk: missing EMAIL"},
		{[]string{"user", "list", "--state", "sleeping"}, 2, `"sleeping" is not a state`},
		{[]string{"nonsense"}, 2, `unknown command "nonsense"`},
		{[]string{"user", "edit", "ann@acme.com"}, 2, "nothing to change"},
	}
	for _, tc := range cases {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code {
			t.Errorf("helpdesk %s: exit %d, want %d (stderr %q)", strings.Join(tc.args, " "), code, tc.code, errs)
		}
		first := strings.SplitN(errs, "\n", 2)[0]
		if !strings.HasPrefix(first, "helpdesk: ") || !strings.Contains(first, tc.msg) {
			t.Errorf("helpdesk %s: stderr %q, want a first line with %q", strings.Join(tc.args, " "), errs, tc.msg)
		}
		if strings.Contains(errs, "goroutine") || strings.Contains(errs, "panic") {
			t.Errorf("stack trace shown to the user: %s", errs)
		}
	}
}

func TestDemoThenUserListJSON(t *testing.T) {
	c := newCLI(t)
	out := c.ok("demo")
	if !strings.Contains(out, "7 organizations and 200 users created") {
		t.Errorf("demo said %q", out)
	}
	var users []map[string]any
	if err := json.Unmarshal([]byte(c.ok("user", "list", "--json")), &users); err != nil {
		t.Fatal(err)
	}
	if len(users) != 200 {
		t.Fatalf("%d users listed, want 200", len(users))
	}
	want := []string{"created_at", "email", "id", "language", "name", "organization", "phone", "role", "state", "time_zone", "updated_at"}
	var keys []string
	for k := range users[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("user JSON fields %v, want exactly %v", keys, want)
	}
	withOrg := 0
	for _, u := range users {
		if u["organization"] != "" {
			withOrg++
		}
	}
	if withOrg == 0 {
		t.Error("no demo user joined an organization by its domain")
	}
	// The filters narrow the list.
	var acme []map[string]any
	_ = json.Unmarshal([]byte(c.ok("user", "list", "--org", "acme", "--json")), &acme)
	for _, u := range acme {
		if u["organization"] != "Acme" {
			t.Errorf("--org acme listed %v", u)
		}
	}
	if len(acme) == 0 {
		t.Error("--org acme listed nobody")
	}
	// Users in every state: the demo says how many are disabled.
	var disabled []map[string]any
	_ = json.Unmarshal([]byte(c.ok("user", "list", "--state", "disabled", "--json")), &disabled)
	if !strings.Contains(out, fmt.Sprintf("%d disabled", len(disabled))) || len(disabled) == 0 {
		t.Errorf("%d disabled demo users listed; demo said %q", len(disabled), out)
	}
	for _, u := range disabled {
		if u["state"] != "disabled" {
			t.Errorf("--state disabled listed %v", u)
		}
	}
}

func TestUserLifecycleOnTheCommandLine(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme UK", "--domain", "acme.co.uk")
	out := c.ok("user", "add", "--email", "ann@eu.acme.co.uk", "--name", "Ann", "--timezone", "Europe/London", "--language", "en-gb")
	if !strings.Contains(out, "in Acme UK") {
		t.Errorf("add said %q; want the organization assigned by domain", out)
	}
	c.ok("user", "edit", "ann@eu.acme.co.uk", "--name", "Ann Lee", "--email", "ann.lee@eu.acme.co.uk", "--notes", "VIP")
	var u map[string]any
	_ = json.Unmarshal([]byte(c.ok("user", "show", "ANN.LEE@eu.acme.co.uk", "--json")), &u)
	if u["name"] != "Ann Lee" || u["email"] != "ann.lee@eu.acme.co.uk" || u["language"] != "en-GB" || u["organization"] != "Acme UK" {
		t.Errorf("shown %v", u)
	}
	if out := c.ok("user", "disable", "ann.lee@eu.acme.co.uk"); !strings.Contains(out, "data and conversations are kept") {
		t.Errorf("disable said %q", out)
	}
	_ = json.Unmarshal([]byte(c.ok("user", "show", "ann.lee@eu.acme.co.uk", "--json")), &u)
	if u["state"] != "disabled" {
		t.Errorf("state %v after disable", u["state"])
	}
	c.ok("user", "enable", "ann.lee@eu.acme.co.uk")
	_ = json.Unmarshal([]byte(c.ok("user", "show", "ann.lee@eu.acme.co.uk", "--json")), &u)
	if u["state"] != "pending" || u["name"] != "Ann Lee" {
		t.Errorf("after enable: %v", u)
	}
	c.ok("user", "edit", "ann.lee@eu.acme.co.uk", "--org", "")
	_ = json.Unmarshal([]byte(c.ok("user", "show", "ann.lee@eu.acme.co.uk", "--json")), &u)
	if u["organization"] != "" {
		t.Errorf("--org '' kept %v", u["organization"])
	}
}

func TestOrgDomainPreviewThenApply(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Hooli")
	c.ok("user", "add", "--email", "a@hooli.com")
	c.ok("user", "add", "--email", "b@hooli.com")
	out := c.ok("org", "domain", "add", "Hooli", "hooli.com")
	if !strings.Contains(out, "2 existing users without an organization are at hooli.com") || !strings.Contains(out, "--apply") {
		t.Errorf("preview said %q", out)
	}
	var u map[string]any
	_ = json.Unmarshal([]byte(c.ok("user", "show", "a@hooli.com", "--json")), &u)
	if u["organization"] != "" {
		t.Errorf("preview moved a user: %v", u)
	}
	out = c.ok("org", "domain", "add", "Hooli", "hooli.com", "--apply")
	if !strings.Contains(out, "Moved 2 users") {
		t.Errorf("apply said %q", out)
	}
	_ = json.Unmarshal([]byte(c.ok("user", "show", "a@hooli.com", "--json")), &u)
	if u["organization"] != "Hooli" {
		t.Errorf("after --apply: %v", u)
	}
	c.ok("org", "add", "--name", "Other")
	code, _, errs := c.run("", "org", "domain", "add", "Other", "hooli.com")
	if code != 1 || !strings.Contains(errs, `already belongs to organization "Hooli"`) {
		t.Errorf("second owner: exit %d %q", code, errs)
	}
	c.ok("org", "domain", "remove", "Hooli", "hooli.com")
	_ = json.Unmarshal([]byte(c.ok("user", "show", "a@hooli.com", "--json")), &u)
	if u["organization"] != "Hooli" {
		t.Errorf("removing the domain moved a user: %v", u)
	}
	var orgs []map[string]any
	_ = json.Unmarshal([]byte(c.ok("org", "list", "--json")), &orgs)
	if len(orgs) != 2 || orgs[0]["members"] != float64(2) {
		t.Errorf("org list %v", orgs)
	}
}

func TestImportExportRoundTrip(t *testing.T) {
	c := newCLI(t)
	csv := "email,name,organization\nann@acme.com,Ann,Acme\nbad,Nope,\nbob@acme.com,Bob,Acme\n"
	code, out, errs := c.run(csv, "import", "users", "-", "--dry-run")
	if code != 0 || !strings.Contains(out, "line 3: bad: email: missing @") || !strings.Contains(out, "Dry run: would import 2 of 3 rows; 1 failed.") {
		t.Errorf("dry run: exit %d out %q err %q", code, out, errs)
	}
	if list := c.ok("user", "list", "--json"); strings.TrimSpace(list) != "[]" {
		t.Errorf("dry run wrote users: %s", list)
	}
	file := filepath.Join(t.TempDir(), "in.csv")
	os.WriteFile(file, []byte(csv), 0o600)
	out = c.ok("import", "users", file)
	if !strings.Contains(out, "Imported 2 of 3 rows; 1 failed.") || !strings.Contains(out, "Created organization Acme.") {
		t.Errorf("import said %q", out)
	}
	exported := c.ok("export", "users")
	if !strings.HasPrefix(exported, "email,name,organization,time_zone,language,phone,role\nann@acme.com,Ann,Acme,") {
		t.Errorf("export:\n%s", exported)
	}
	// The export imports into a fresh desk unchanged.
	c2 := newCLI(t)
	code, _, errs = c2.run(exported, "import", "users", "-")
	if code != 0 || c2.ok("export", "users") != exported {
		t.Errorf("re-import of the export differs (exit %d, %s)", code, errs)
	}
	code, _, errs = c.run("", "import", "users", filepath.Join(t.TempDir(), "missing.csv"))
	if code != 1 || !strings.Contains(errs, "cannot read") || !strings.Contains(errs, "no such file") {
		t.Errorf("missing file: exit %d %q", code, errs)
	}
	code, _, errs = c.run("email,shoe\n", "import", "users", "-")
	if code != 1 || !strings.Contains(errs, `unknown column "shoe"`) {
		t.Errorf("bad header: exit %d %q", code, errs)
	}
}

func TestBackupAndCheck(t *testing.T) {
	c := newCLI(t)
	c.ok("demo", "--users", "50")
	if out := c.ok("check"); !strings.Contains(out, "no problems found") {
		t.Errorf("check said %q", out)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	c.ok("backup", copyPath)
	if st, err := os.Stat(copyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", st, err)
	}
	c2 := &cli{t: t, db: copyPath}
	var users []map[string]any
	_ = json.Unmarshal([]byte(c2.ok("user", "list", "--json")), &users)
	if len(users) != 50 {
		t.Errorf("backup holds %d users, want 50", len(users))
	}
}

func TestDatabaseLocation(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	t.Setenv("HELPDESK_DB", "")
	var out, errb bytes.Buffer
	if code := run([]string{"org", "add", "--name", "X"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "helpdesk", "helpdesk.db")); err != nil {
		t.Errorf("default database not under XDG_DATA_HOME: %v", err)
	}
	env := filepath.Join(dir, "env.db")
	t.Setenv("HELPDESK_DB", env)
	run([]string{"org", "add", "--name", "Y"}, nil, &out, &errb)
	if _, err := os.Stat(env); err != nil {
		t.Errorf("HELPDESK_DB not used: %v", err)
	}
	flag := filepath.Join(dir, "flag.db")
	run([]string{"--db", flag, "org", "add", "--name", "Z"}, nil, &out, &errb)
	if _, err := os.Stat(flag); err != nil {
		t.Errorf("--db not used over HELPDESK_DB: %v", err)
	}
}

func TestSuggestCommand(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "john.smith@acme.com", "--name", "John Smith")
	var got []map[string]any
	if err := json.Unmarshal([]byte(c.ok("user", "suggest", "jonh.smith@acme.com", "--json")), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0]["email"] != "john.smith@acme.com" || got[0]["kind"] != "near" || got[0]["organization"] != "Acme" || got[0]["name"] != "John Smith" {
		t.Errorf("suggest jonh.smith: %v", got)
	}
	_ = json.Unmarshal([]byte(c.ok("user", "suggest", "JOHN.SMITH@ACME.COM", "--json")), &got)
	if len(got) == 0 || got[0]["kind"] != "exact" {
		t.Errorf("suggest exact: %v", got)
	}
	if pos, ok := got[0]["positions"].([]any); !ok || len(pos) != len("john.smith@acme.com") {
		t.Errorf("exact positions %v", got[0]["positions"])
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const rebindDown = "theme = \"light\"\n\n[keys]\ndown = [\"ctrl+n\"]\n"

func TestAgentPrefsCommand(t *testing.T) {
	c := newCLI(t)
	c.ok("agent", "add", "--name", "Al", "--email", "al@desk.example", "--role", "agent", "--key", pubKey(t))
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "config.toml"), filepath.Join(dir, "bad.toml")
	os.WriteFile(good, []byte(rebindDown), 0o600)
	os.WriteFile(bad, []byte("theme = \"dark\"\n[keys]\ndownn = \"x\"\n"), 0o600)

	if out := c.ok("agent", "prefs", "al@desk.example"); !strings.Contains(out, "no console settings stored") {
		t.Fatalf("before: %q", out)
	}
	if out := c.ok("agent", "prefs", "al@desk.example", "--file", good); !strings.Contains(out, "Stored the console settings of al@desk.example") {
		t.Fatalf("store said %q", out)
	}
	for _, args := range [][]string{{"agent", "prefs", "al@desk.example"}, {"agent", "prefs", "AL@desk.example", "--show"}} {
		if out := c.ok(args...); out != rebindDown {
			t.Fatalf("%s printed %q, want %q", args, out, rebindDown)
		}
	}
	// A file with a problem is refused with its line, and nothing changes.
	code, _, errs := c.run("", "agent", "prefs", "al@desk.example", "--file", bad)
	if code != 1 || !strings.Contains(errs, `nothing stored: `+bad+` line 3: "downn" is not an action; see helpdesk keys for the list`) {
		t.Fatalf("bad file: exit %d %q", code, errs)
	}
	if out := c.ok("agent", "prefs", "al@desk.example"); out != rebindDown {
		t.Fatalf("after a refused file: %q", out)
	}
	// Standard input, then clear.
	if code, out, errs := c.run("mouse = false\n", "agent", "prefs", "al@desk.example", "--file", "-"); code != 0 || !strings.Contains(out, "Stored") {
		t.Fatalf("stdin: %d %q %q", code, out, errs)
	}
	if out := c.ok("agent", "prefs", "al@desk.example"); out != "mouse = false\n" {
		t.Fatalf("from stdin: %q", out)
	}
	if out := c.ok("agent", "prefs", "al@desk.example", "--clear"); !strings.Contains(out, "Cleared the console settings of al@desk.example") {
		t.Fatalf("clear said %q", out)
	}
	if out := c.ok("agent", "prefs", "al@desk.example"); !strings.Contains(out, "no console settings stored") {
		t.Fatalf("after clear: %q", out)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"agent", "prefs", "al@desk.example", "--file", good, "--clear"}, 2, "give --file or --clear, not both"},
		{[]string{"agent", "prefs", "al@desk.example", "--show", "--clear"}, 2, "--show prints the stored settings"},
		{[]string{"agent", "prefs"}, 2, "AGENT"},
		{[]string{"agent", "prefs", "nobody@desk.example"}, 1, "no agent with email nobody@desk.example"},
	} {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("helpdesk %s: exit %d %q; want %d with %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.msg)
		}
	}
}

// helpdesk keys lists every action with the keys of the config.toml in
// force, and says what is wrong in it with the file and line.
func TestKeysCommand(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	c := newCLI(t)
	out := c.ok("keys")
	if !strings.Contains(out, "ACTION") || !containsLine(out, "down", "down j", "down") || !containsLine(out, "force-quit", "ctrl+c", "quit") {
		t.Fatalf("default keys:\n%s", out)
	}
	path := filepath.Join(xdg, "helpdesk", "config.toml")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte(rebindDown+"up = [\"ctrl+n\"]\n"), 0o600)
	code, out, errs := c.run("", "keys")
	if code != 0 || !containsLine(out, "down", "ctrl+n", "down") || !containsLine(out, "up", "up k", "up") {
		t.Fatalf("rebound keys: %d\n%s", code, out)
	}
	if want := path + ` line 5: "ctrl+n" for "up" is already "down" on`; !strings.Contains(errs, want) {
		t.Fatalf("stderr %q, want %q", errs, want)
	}
	var actions []struct {
		Action string   `json:"action"`
		Keys   []string `json:"keys"`
		Does   string   `json:"does"`
	}
	if err := json.Unmarshal([]byte(c.ok("keys", "--json")), &actions); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(actions, func(a struct {
		Action string   `json:"action"`
		Keys   []string `json:"keys"`
		Does   string   `json:"does"`
	}) bool {
		return a.Action == "down"
	})
	if i < 0 || !slices.Equal(actions[i].Keys, []string{"ctrl+n"}) || actions[i].Does != "down" {
		t.Fatalf("json %+v", actions)
	}
}

// containsLine finds a table row whose cells are these words.
func containsLine(table string, cells ...string) bool {
	for _, line := range strings.Split(table, "\n") {
		if strings.Join(strings.Fields(line), " ") == strings.Join(cells, " ") {
			return true
		}
	}
	return false
}

// Over SSH an agent stores its own settings (standard input only), cannot
// touch another's without the agents permission, and its next console has
// them: ctrl+n moves down.
func TestSSHAgentPrefs(t *testing.T) {
	t.Parallel()
	d, _, bob, _ := deskWithAgents(t)
	d.cli("user", "add", "--email", "second@acme.com", "--name", "Second Customer", "--mail", "none")
	d.serve(serveConfig{})
	c := d.as(bob)
	if code, out, errs := command(t, c, rebindDown, "agent", "prefs", "bob@example.com", "--file", "-"); code != 0 || !strings.Contains(out, "Stored") {
		t.Fatalf("bob stores his own: %d %q %q", code, out, errs)
	}
	if code, _, errs := command(t, c, rebindDown, "agent", "prefs", "ann@example.com", "--file", "-"); code != 1 || !strings.Contains(errs, "agents") {
		t.Fatalf("bob stores ann's: %d %q", code, errs)
	}
	if code, _, errs := command(t, c, "", "agent", "prefs", "bob@example.com", "--file", "/etc/hostname"); code != 2 || !strings.Contains(errs, "--file reads standard input only") {
		t.Fatalf("a server file: %d %q", code, errs)
	}
	tm := console(t, c, 100, 30)
	tm.waitFor(0, "1 of 2")
	m := tm.mark()
	tm.keys("\x0e") // ctrl+n
	tm.waitFor(m, "2 of 2")
}

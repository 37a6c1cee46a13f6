package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
)

func TestParsePrefsReadsEverySetting(t *testing.T) {
	p, probs := ParsePrefs([]byte(`# my console
theme = "light"
mouse = false

[keys]
down = ["ctrl+n", "J"]
up = "K"
page-down = ["space", "pgdown"]

[columns]
users = ["name", "email"]
inbox = ["subject", "status"]
`))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if p.Theme != "light" || p.Mouse == nil || *p.Mouse || p.mouseOn() {
		t.Fatalf("theme %q, mouse %v", p.Theme, p.Mouse)
	}
	if !slices.Equal(p.Keys["down"], []string{"ctrl+n", "J"}) || !slices.Equal(p.Keys["up"], []string{"K"}) ||
		!slices.Equal(p.Keys["page-down"], []string{" ", "pgdown"}) {
		t.Fatalf("keys %q", p.Keys)
	}
	if !slices.Equal(p.Columns.Users, []string{"name", "email"}) || !slices.Equal(p.Columns.Inbox, []string{"subject", "status"}) {
		t.Fatalf("columns %q", p.Columns)
	}
	// Inline tables and dotted keys are the same settings.
	p, probs = ParsePrefs([]byte("keys = { down = \"ctrl+n\" }\ncolumns.users = [\"state\", \"email\"]\n"))
	if len(probs) != 0 || !slices.Equal(p.Keys["down"], []string{"ctrl+n"}) || !slices.Equal(p.Columns.Users, []string{"state", "email"}) {
		t.Fatalf("%v %q %q", probs, p.Keys, p.Columns)
	}
	// An empty file is the defaults.
	if p, probs := ParsePrefs(nil); len(probs) != 0 || p.Keys != nil || p.Theme != "" || p.Mouse != nil {
		t.Fatalf("%v %+v", probs, p)
	}
}

// Each mistake is one problem on its own line, and only what was wrong
// keeps its default.
func TestParsePrefsReportsProblemsWithTheirLine(t *testing.T) {
	p, probs := ParsePrefs([]byte(`theme = "solarized"
mouse = "yes"

[keys]
up = ["j"]
quit = ["ctrl+q"]
downn = ["x"]
filter = ["ctrl+shift+q", "/"]
help = []

[columns]
users = ["email", "phone"]
colour = "red"
`))
	want := []string{
		`config.toml line 1: "solarized" is not a theme; use one of "auto", "dark", "light", "high-contrast". Kept auto.`,
		`config.toml line 2: mouse takes true or false; kept the default (on).`,
		`config.toml line 5: "j" for "up" is already "down" on Users; kept the default for "up".`,
		`config.toml line 7: "downn" is not an action; see helpdesk keys for the list. Kept the default.`,
		`config.toml line 8: "ctrl+shift+q" is not a key name (keys are written as "j", "G", "enter", "ctrl+n", "alt+x", "f5", "space", "pgdown"); kept the default for "filter".`,
		`config.toml line 9: "help" needs at least one key; kept the default.`,
		`config.toml line 12: "phone" is not a column of the users list; use "email", "name", "organization", "state". Kept the default columns.`,
		`config.toml line 13: columns.colour is not a setting of the console (theme, mouse, [keys], [columns]); ignored it.`,
	}
	var got []string
	for _, pr := range probs {
		got = append(got, pr.String())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// What was right applies; the rest is the default.
	if p.Theme != "" || p.Mouse != nil || p.Columns.Users != nil || !slices.Equal(p.Keys["quit"], []string{"ctrl+q"}) || len(p.Keys) != 1 {
		t.Fatalf("%+v", p)
	}
	k := keyMapFor(p.Keys)
	if !slices.Equal(k.Up.Keys(), []string{"up", "k"}) || !slices.Equal(k.Quit.Keys(), []string{"ctrl+q"}) {
		t.Fatalf("up %q, quit %q", k.Up.Keys(), k.Quit.Keys())
	}
}

func TestParsePrefsBadFileKeepsEveryDefault(t *testing.T) {
	p, probs := ParsePrefs([]byte("theme = \"dark\"\n\n[keys\ndown = \"x\"\n"))
	if len(probs) != 1 || probs[0].Line != 3 || !strings.Contains(probs[0].String(), "config.toml line 3: not valid TOML") ||
		!strings.HasSuffix(probs[0].Text, "kept every default.") {
		t.Fatalf("%v", probs)
	}
	if p.Theme != "" || p.Keys != nil {
		t.Fatalf("a broken file applied %+v", p)
	}
}

// Two actions can trade keys; a key shared only where the two actions are
// never on one screen together is no conflict; the defaults' own sharing
// (tab for a section and a form field) is none either.
func TestRebindingConflicts(t *testing.T) {
	_, probs := ParsePrefs([]byte("[keys]\ndown = [\"k\"]\nup = [\"j\"]\n"))
	if len(probs) != 0 {
		t.Fatalf("a swap: %v", probs)
	}
	// The example of the documentation: ctrl+n also picks the next
	// suggestion in the New user form, which down is not live in.
	if _, probs := ParsePrefs([]byte("[keys]\ndown = [\"j\", \"down\", \"ctrl+n\"]\n")); len(probs) != 0 {
		t.Fatalf("%v", probs)
	}
	// Load-demo (d on the welcome screen) and toggle (d on Users) live
	// apart: moving toggle to x is fine, though x removes a domain on an
	// organization's screen.
	if _, probs := ParsePrefs([]byte("[keys]\ntoggle = \"x\"\n")); len(probs) != 0 {
		t.Fatalf("%v", probs)
	}
	// Both rebound onto one key: the later line goes back to its default.
	p, probs := ParsePrefs([]byte("[keys]\nfilter = \"ctrl+f\"\nnew = \"ctrl+f\"\n"))
	if len(probs) != 1 || probs[0].Line != 3 || !strings.Contains(probs[0].Text, `"ctrl+f" for "new" is already "filter" on Users`) {
		t.Fatalf("%v", probs)
	}
	if !slices.Equal(p.Keys["filter"], []string{"ctrl+f"}) || p.Keys["new"] != nil {
		t.Fatalf("%q", p.Keys)
	}
}

func TestActionNames(t *testing.T) {
	for field, want := range map[string]string{"Down": "down", "PageDown": "page-down", "ForceQuit": "force-quit",
		"CopyOrg": "copy-org", "SaveAndConv": "save-and-conv", "OpenURL": "open-url", "F1Help": "f1-help"} {
		if got := actionName(field); got != want {
			t.Errorf("%s: %q, want %q", field, got, want)
		}
	}
	// Every binding field is an action, and every action is listed.
	var names []string
	for _, a := range KeyActions(Prefs{}) {
		names = append(names, a.Action)
		if len(a.Keys) == 0 || a.Does == "" {
			t.Errorf("%s: keys %q, does %q", a.Action, a.Keys, a.Does)
		}
	}
	for _, want := range []string{"down", "page-down", "force-quit", "copy-org", "help-anywhere"} {
		if !slices.Contains(names, want) {
			t.Errorf("no action %q in %q", want, names)
		}
	}
}

// A rebinding works on the screen and shows in its help: down = ctrl+n
// moves the cursor on Users, j no longer does, and the help names ctrl+n.
func TestRebindingMovesOnUsersAndShowsInHelp(t *testing.T) {
	p, probs := ParsePrefs([]byte("[keys]\ndown = \"ctrl+n\"\n"))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	desk := newTestDesk(t, 30)
	m := New(Options{Desk: desk, Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC, Prefs: p})
	d := newDriverWith(t, m, 100, 30)
	d.mustShow("1 of 30")
	d.keys("ctrl+n")
	d.mustShow("2 of 30")
	d.keys("ctrl+n", "ctrl+n")
	d.mustShow("4 of 30")
	d.keys("down")
	d.mustShow("4 of 30")
	d.keys("?")
	d.mustShow("ctrl+n")
	d.mustNotShow("↓/j")
}

// [columns] users chooses and orders the Users list's columns: the header
// and every row follow it, and what is left out is not drawn.
func TestUsersColumnsFollowPrefs(t *testing.T) {
	p, probs := ParsePrefs([]byte("[columns]\nusers = [\"state\", \"email\"]\n"))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	desk := newTestDesk(t, 5)
	all, _, err := desk.Users(domain.UserFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Desk: desk, Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC, Prefs: p})
	d := newDriverWith(t, m, 100, 30)
	v := d.view()
	head := lineWith(v, "EMAIL")
	if !strings.Contains(head, "STATE") || strings.Index(head, "STATE") > strings.Index(head, "EMAIL") ||
		strings.Contains(head, "NAME") || strings.Contains(head, "ORGANIZATION") {
		t.Fatalf("header %q", head)
	}
	row := lineWith(v, all[0].Email)
	if i, j := strings.Index(row, "pending"), strings.Index(row, all[0].Email); i < 0 || i > j || strings.Contains(row, all[0].Name) {
		t.Fatalf("row %q", row)
	}
	if w := width(row); w > 100 {
		t.Fatalf("row is %d cells wide", w)
	}
}

func lineWith(view, word string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, word) {
			return l
		}
	}
	return ""
}

// [columns] inbox chooses and orders the Inbox's columns; the subject
// takes the room of those left out.
func TestInboxColumnsFollowPrefs(t *testing.T) {
	p, probs := ParsePrefs([]byte("[columns]\ninbox = [\"requester\", \"subject\", \"status\"]\n"))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	f := newConvFixture(t)
	m := New(Options{Desk: f.desk, Actor: f.tess.Actor(), Renderer: asciiRenderer(), Location: time.UTC, Prefs: p})
	d := newDriverWith(t, m, 120, 40)
	d.keys("i")
	d.mustShow("Printer on fire")
	v := d.view()
	head := lineWith(v, "SUBJECT")
	r, sub, st := strings.Index(head, "REQUESTER"), strings.Index(head, "SUBJECT"), strings.Index(head, "STATUS")
	if r < 0 || r > sub || sub > st || strings.Contains(head, "ASSIGNEE") || strings.Contains(head, "UPDATED") || strings.Contains(head, "ORGANIZATION") {
		t.Fatalf("header %q", head)
	}
	row := lineWith(v, "Printer on fire")
	if s, o := strings.Index(row, "Printer on fire"), strings.Index(row, "open"); s < 0 || o < s || width(row) > 120 {
		t.Fatalf("row %q", row)
	}
}

// TestConfigThroughProgram runs the real program on an agent's config with
// a rebinding and a conflict: the rebinding moves the cursor, the action
// in conflict keeps its default key, and the problem, sent at start as the
// command line does, is on the status line with its line.
func TestConfigThroughProgram(t *testing.T) {
	p, probs := ParsePrefs([]byte("[keys]\ndown = \"ctrl+n\"\nup = \"ctrl+n\"\n"))
	if len(probs) != 1 || probs[0].Line != 3 {
		t.Fatalf("%v", probs)
	}
	m := New(Options{Desk: newTestDesk(t, 30), Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC, Prefs: p})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	tm.Send(Notice(probs[0].String(), true))
	waitWords(t, tm, "1 of 30", `config.toml line 3: "ctrl+n" for "up" is already "down"`)
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlN})
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlN})
	waitWords(t, tm, "3 of 30")
	tm.Send(tea.KeyMsg{Type: tea.KeyUp})
	waitWords(t, tm, "2 of 30")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	defer final.Close()
	if v := final.View(); !strings.Contains(v, "2 of 30") {
		t.Errorf("final frame lacks 2 of 30:\n%s", v)
	}
}

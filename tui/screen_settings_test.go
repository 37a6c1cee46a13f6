package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
)

// openSettings opens the desk settings from the audit log tab.
func openSettings(t *testing.T, d *driver) *settingsScreen {
	t.Helper()
	d.keys("4", "S")
	return activeAs[*settingsScreen](t, d)
}

func deskSettings(t *testing.T, desk *domain.Desk) domain.Settings {
	t.Helper()
	s, err := desk.DeskSettings()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// S opens the desk settings from the audit log and from the templates;
// every key is listed with its value and what it is for.
func TestSettingsListsEveryKey(t *testing.T) {
	desk := newTestDesk(t, 20)
	if _, err := desk.SetSetting(testActor, domain.SettingDeskName, "Acme Support"); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 160, 40)
	openSettings(t, d)
	for _, k := range domain.SettingKeys() {
		d.mustShow(k)
	}
	d.mustShow("Acme Support", "the desk's name in mail ({DESK_NAME}) and on the portal", "off", "default: none, top level",
		"Last change 2026-11-22 09:30 by agent:tess · version 1", "enter edit")

	d.keys("esc", "t")
	activeAs[*templatesScreen](t, d)
	d.mustShow("S desk settings")
	d.keys("S")
	activeAs[*settingsScreen](t, d)
}

// enter opens a one-field form on the selected value; ctrl+s saves it
// through a command, and the list shows the stored value.
func TestSettingsEditAndSave(t *testing.T) {
	desk := newTestDesk(t, 20)
	d := newDriver(t, desk, 120, 40)
	s := openSettings(t, d)
	if s.selectedKey() != domain.SettingBaseURL {
		t.Fatalf("cursor on %q", s.selectedKey())
	}
	d.keys("down") // desk-name
	d.keys("enter")
	if s.form == nil || s.editKey != domain.SettingDeskName || !s.Capturing() {
		t.Fatalf("enter did not open the form on desk-name: %+v", s)
	}
	d.mustShow("Edit desk-name", "empty unsets it")

	// Update alone: the typed value is the screen's; the save is a command.
	for _, r := range "Acme Support" {
		s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	if !s.Dirty() {
		t.Fatal("typing did not make the form dirty")
	}
	cmd := s.Update(tea.KeyMsg{Type: tea.KeyCtrlS})
	if cmd == nil {
		t.Fatal("ctrl+s returned no command")
	}
	if got := deskSettings(t, desk).DeskName; got != "" {
		t.Fatalf("saved before the command ran: %q", got)
	}
	msg, ok := cmd().(settingSavedMsg)
	if !ok || msg.err != nil || msg.key != domain.SettingDeskName {
		t.Fatalf("the command gave %#v", msg)
	}
	d.send(msg)
	if s.form != nil {
		t.Fatal("the form stayed open after the save")
	}
	d.mustShow("✓ Saved desk-name: Acme Support.", "Acme Support")
	if got := deskSettings(t, desk).DeskName; got != "Acme Support" {
		t.Fatalf("desk name %q", got)
	}

	// e edits too; emptying the value unsets it.
	d.keys("e", "ctrl+x", "ctrl+s")
	d.mustShow("✓ Unset desk-name; the default applies.")
	if got := deskSettings(t, desk).DeskName; got != "" {
		t.Fatalf("desk name %q after unset", got)
	}

	// Nothing typed, nothing saved.
	d.keys("e", "ctrl+s")
	d.mustShow("Nothing changed.")
}

// A refused value keeps the form open with what was typed and shows the
// desk's sentence on the status line and under the field.
func TestSettingsRefusedSaveKeepsTypedValue(t *testing.T) {
	desk := newTestDesk(t, 20)
	d := newDriver(t, desk, 120, 40)
	s := openSettings(t, d)
	d.keys("enter", "ftp://desk.example.com", "ctrl+s")
	if s.form == nil {
		t.Fatal("the form closed on a refused save")
	}
	if v := s.form.Value(domain.SettingBaseURL); v != "ftp://desk.example.com" {
		t.Fatalf("typed value now %q", v)
	}
	d.mustShow(`! Not saved: base-url: "ftp://desk.example.com" is not an http(s) URL such as https://desk.example.com`,
		`↳ "ftp://desk.example.com" is not an http(s) URL`)
	if got := deskSettings(t, desk).BaseURL; got != "" {
		t.Fatalf("base URL %q stored", got)
	}

	// Fixed, it saves.
	d.keys("ctrl+x", "https://desk.example.com/", "enter")
	d.mustShow("✓ Saved base-url: https://desk.example.com.")

	// esc on an edited form asks before dropping the edit.
	d.keys("e", "x")
	d.keys("esc")
	d.mustShow("Discard your edit of base-url?")
	d.keys("y")
	if s.form != nil {
		t.Fatal("the form stayed open after discard")
	}
}

// self-signup is not typed: enter asks, saying what it means for
// customers, and only yes turns it on.
func TestSettingsSelfSignupToggleAsks(t *testing.T) {
	desk := newTestDesk(t, 20)
	d := newDriver(t, desk, 120, 40)
	s := openSettings(t, d)
	d.keys("down", "down", "down")
	if s.selectedKey() != domain.SettingSelfSignup {
		t.Fatalf("cursor on %q", s.selectedKey())
	}
	d.keys("enter")
	if s.form != nil {
		t.Fatal("self-signup opened a text form")
	}
	d.mustShow("Turn self-signup on?", "Customers will be able to create accounts on the portal")
	d.keys("n")
	if on, _ := desk.SignupEnabled(); on {
		t.Fatal("self-signup on after cancel")
	}
	d.keys("enter", "y")
	d.mustShow("✓ Self-signup is on: customers can create accounts on the portal.")
	if on, _ := desk.SignupEnabled(); !on {
		t.Fatal("self-signup still off")
	}
	d.keys("e")
	d.mustShow("Turn self-signup off?", "Customers will no longer be able to create accounts on the portal")
	d.keys("y")
	d.mustShow("✓ Self-signup is off: only agents create accounts.")
}

// The signup parent and the default templates are chosen from a list.
func TestSettingsPickers(t *testing.T) {
	desk := newTestDesk(t, 20)
	d := newDriver(t, desk, 120, 40)
	s := openSettings(t, d)
	d.keys("down", "down", "down", "down", "enter")
	if s.editKey != domain.SettingSignupParent {
		t.Fatalf("editing %q", s.editKey)
	}
	d.keys("Acme Eu", "enter") // takes "Acme Europe" from the list
	if v := s.form.Value(domain.SettingSignupParent); v != "Acme Europe" {
		t.Fatalf("picked %q", v)
	}
	d.keys("enter") // a value from the list: enter saves
	d.mustShow("✓ Saved signup-parent: Acme Europe.")
	eu, _ := desk.OrgByName("Acme Europe")
	if got := deskSettings(t, desk).SignupParent; got != eu.ID {
		t.Fatalf("signup parent %d, want %d", got, eu.ID)
	}

	d.keys("down", "enter") // default-template.verify
	if s.editKey != domain.SettingTemplatePrefix+"verify" {
		t.Fatalf("editing %q", s.editKey)
	}
	d.mustShow("› verify")
	d.keys("ctrl+x", "reset", "ctrl+s")
	d.mustShow("! Not saved: default-template.verify: template reset is for reset mail, not verify")
}

// Another session's change reaches the open screen through the
// "settings" event; an open edit says the value moved under it.
func TestSettingsRefreshOnEvent(t *testing.T) {
	desk := newTestDesk(t, 20)
	d := newDriver(t, desk, 120, 40)
	s := openSettings(t, d)
	d.keys("down", "enter", "Mine")
	omar := domain.Actor{Name: "agent:omar"}
	if _, err := desk.SetSetting(omar, domain.SettingDeskName, "Theirs"); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.SetSetting(omar, domain.SettingFrom, "Help <help@example.com>"); err != nil {
		t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: "settings"}}})
	d.mustShow("Help <help@example.com>", "Another session changed desk-name since you started (now Theirs); saving replaces it.")
	if v := s.form.Value(domain.SettingDeskName); v != "Mine" {
		t.Fatalf("the typed value became %q", v)
	}
	d.keys("esc", "y")
	d.mustShow("Theirs", "Last change 2026-11-22 09:30 by agent:omar · version 2")
	// Events of other kinds do not reread.
	if cmd := s.Update(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: 1}}}); cmd != nil {
		t.Fatal("a user event reread the settings")
	}
}

// The real subscription: a change by another process shows up.
func TestSettingsLiveRefresh(t *testing.T) {
	desk := newTestDesk(t, 20)
	tm := teatest.NewTestModel(t, newTestModel(desk), teatest.WithInitialTermSize(120, 40))
	sendKeys(tm, "4", "S")
	waitWords(t, tm, "Desk settings", "default-template.verify")
	if _, err := desk.SetSetting(domain.Actor{Name: "agent:omar"}, domain.SettingDeskName, "Live Desk"); err != nil {
		t.Fatal(err)
	}
	waitWords(t, tm, "Live Desk", "by agent:omar")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

// An agent without the templates permission reads the settings; the edit
// keys are not offered, and pressed anyway they say which permission.
func TestSettingsReadOnlyWithoutTemplatesPermission(t *testing.T) {
	desk := newTestDesk(t, 20)
	viewer := domain.Actor{Name: "agent:val@example.com", AgentID: 7, Perms: domain.PermUsersWrite}
	d := newDriverWith(t, New(Options{Desk: desk, Actor: viewer, Renderer: asciiRenderer(), Location: time.UTC}), 120, 40)
	s := openSettings(t, d)
	d.mustShow("read only: changing settings needs the templates permission", "self-signup", "off")
	d.mustNotShow("enter edit")
	for _, k := range []string{"enter", "e"} {
		d.keys(k)
		if s.form != nil || d.m.dlg != nil {
			t.Fatalf("%s opened an edit for an agent without templates", k)
		}
		d.mustShow("needs the templates permission")
	}
	d.keys("?")
	d.mustNotShow("edit the value")
}

// TestGoldenSettings is TestGolden for the desk settings screen (go test
// ./tui/ -run TestGoldenSettings -update rewrites its files).
func TestGoldenSettings(t *testing.T) {
	ready := []string{"All 200", "1 of 200", "Wayne Enterprises"}
	setup := func(t *testing.T, desk *domain.Desk) {
		for _, kv := range [][2]string{
			{domain.SettingBaseURL, "https://desk.acme.com"},
			{domain.SettingDeskName, "Acme Support"},
			{domain.SettingFrom, "Acme Support <support@acme.com>"},
		} {
			if _, err := desk.SetSetting(testActor, kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	open := step{keys: []string{"4", "S"}, wait: []string{"Desk settings", "default-template.account-exists", "version 3"}}
	cases := []struct {
		name  string
		steps []step
	}{
		{name: "settings", steps: []step{{wait: ready}, open}},
		{name: "settings_refused", steps: []step{{wait: ready}, open,
			{keys: []string{"enter", "ctrl+x", "desk.acme.com", "ctrl+s"}, wait: []string{"Not saved", "is not an http(s) URL"}}}},
		{name: "settings_signup", steps: []step{{wait: ready}, open,
			{keys: []string{"down", "down", "down", "enter"}, wait: []string{"Turn self-signup on?"}}}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				desk := newTestDesk(t, 200)
				setup(t, desk)
				tm := teatest.NewTestModel(t, newTestModel(desk), teatest.WithInitialTermSize(size[0], size[1]))
				view := playSteps(t, tm, tc.steps, size)
				if strings.Contains(view, "Loading") {
					t.Fatalf("still loading:\n%s", view)
				}
				teatest.RequireEqualOutput(t, []byte(view+"\n"))
			})
		}
	}
}

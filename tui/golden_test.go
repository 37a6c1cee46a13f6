package tui

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
)

// step sends keys to a running program, then waits until the screen has
// shown every word.
// playSteps sends each step's keys and waits for its words, quits, and
// returns the final frame, checked to hold no control sequence but the
// app's own styling, to fit the window, and to cut no key hint and no word
// (checkGolden).
func playSteps(t *testing.T, tm *teatest.TestModel, steps []step, size [2]int) string {
	t.Helper()
	for _, s := range steps {
		sendKeys(tm, s.keys...)
		words := s.wait
		if size[1] >= 24 {
			words = append(words[:len(words):len(words)], s.waitTall...)
		}
		waitWords(t, tm, words...)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	final.Close()
	view := final.View()
	assertInert(t, view, size[0], size[1])
	checkGolden(t, final, view, size[0])
	return view
}

type step struct {
	keys []string
	wait []string
	// waitTall are words waited for too when the window is 24 lines or
	// more (below, the part of the screen they are on is not drawn).
	waitTall []string
}

// TestGolden runs the real program (teatest) for each screen at 60x16,
// 80x24, 120x40 and 200x60 (frameSizes) and compares the final frame with
// testdata/TestGolden/*.golden (go test ./tui/ -run TestGolden -update
// rewrites them). The clock, the
// data and the colour profile (ASCII) are fixed, so frames are stable.
func TestGolden(t *testing.T) {
	// ready: the users screen has its page, its counts and the
	// organization names, which arrive from three commands in any order
	// ("Wayne Ente": at 60 columns the name is shortened).
	ready := []string{"All 200", "1 of 200", "Wayne Ente"}
	cases := []struct {
		name  string
		users int
		setup func(t *testing.T, desk *domain.Desk)
		steps []step
	}{
		{name: "users", users: 200, steps: []step{{wait: ready}}},
		{name: "users_disabled", users: 200, setup: disableKofi, steps: []step{
			{wait: ready},
			{keys: []string{"f", "f", "f"}, wait: []string{"⊘ disabled", "1 of 1"}, waitTall: []string{"[Disabled 1]"}},
		}},
		{name: "confirm_disable", users: 200, steps: []step{
			{wait: ready},
			{keys: []string{"d"}, wait: []string{"Disable Uma Tanaka?"}},
		}},
		{name: "newuser_near", users: 200, steps: []step{
			{wait: ready},
			{keys: []string{"n", "kofi.ngyuen@acme.com"}, wait: []string{"possible duplicate", "(from acme.com)"}},
		}},
		{name: "newuser_lookalike", users: 200, steps: []step{
			{wait: ready},
			{keys: []string{"n", "k\u043efi.nguyen@acme.com"}, wait: []string{"look-alike: Cyrillic letters", "(from acme.com)"}},
		}},
		{name: "newuser_exact", users: 200, steps: []step{
			{wait: ready},
			{keys: []string{"n", "kofi.nguyen@acme.com"}, wait: []string{"already belongs to"}},
		}},
		{name: "user", users: 200, setup: disableKofi, steps: []step{
			{wait: ready},
			{keys: []string{"/", "kofi.nguyen@acme"}, wait: []string{"1 of 1"}},
			{keys: []string{"enter", "enter"}, wait: []string{"<kofi.nguyen@acme.com>"}, waitTall: []string{"History (1)", "pending → disabled"}},
		}},
		{name: "orgs", users: 200, steps: []step{
			{wait: ready},
			{keys: []string{"2"}, wait: []string{"inactive", "1 of 7"}},
		}},
		{name: "org", users: 200, steps: []step{
			{wait: ready},
			{keys: []string{"2"}, wait: []string{"inactive", "1 of 7"}},
			{keys: []string{"enter"}, wait: []string{"Members (20)", "Key account since 2019."}},
		}},
		{name: "audit", users: 200, setup: disableKofi, steps: []step{
			{wait: ready},
			{keys: []string{"4"}, wait: []string{"user.disable", "org.create"}},
		}},
		{name: "help", users: 200, steps: []step{
			{wait: ready},
			{keys: []string{"?"}, wait: []string{"Keys: Users"}},
		}},
		{name: "welcome", users: 0, steps: []step{{wait: []string{"Welcome to helpdesk"}}}},
	}
	for _, size := range frameSizes {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				desk := newTestDesk(t, tc.users)
				if tc.setup != nil {
					tc.setup(t, desk)
				}
				m := newTestModel(desk)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				view := playSteps(t, tm, tc.steps, size)
				teatest.RequireEqualOutput(t, []byte(view+"\n"))
			})
		}
	}
}

func disableKofi(t *testing.T, desk *domain.Desk) {
	t.Helper()
	u := userByEmail(t, desk, "kofi.nguyen@acme.com")
	if _, err := desk.DisableUser(domain.Actor{Name: "agent:omar"}, u.ID, 0); err != nil {
		t.Fatal(err)
	}
}

func sendKeys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		if msg, ok := namedKeys[k]; ok {
			tm.Send(msg)
			continue
		}
		for _, r := range k {
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
}

// waitWords waits (teatest.WaitFor: polling the output, no fixed sleep)
// until what the program drew since the last wait holds every word. Only
// new output counts, so a word still on the previous screen cannot end the
// wait early; the words must be on lines the step changes.
func waitWords(t *testing.T, tm *teatest.TestModel, words ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range words {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// TestLiveRefresh runs the real subscription: a change committed by
// another session reaches the open screen without a key press.
func TestLiveRefresh(t *testing.T) {
	desk := newTestDesk(t, 200)
	m := newTestModel(desk)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitWords(t, tm, "All 200", "Uma Tanaka")
	u := userByEmail(t, desk, "uma.tanaka@yahoo.com")
	name := "Uma Renamed"
	if _, err := desk.UpdateUser(domain.Actor{Name: "agent:omar"}, u.ID, 0, domain.UserPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	waitWords(t, tm, "Uma Renamed")
	if _, err := desk.DisableUser(domain.Actor{Name: "agent:omar"}, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	waitWords(t, tm, "Disabled 1", "⊘ disabled")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

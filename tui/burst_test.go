package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// burstKey is what Bubble Tea 1.3 delivers when several printable runes
// arrive in one read: one KeyMsg holding them all.
func burstKey(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// TestBurstEveryKeyCounts: a burst of runes moves the cursor once per
// rune, in order (gj: first, then down), on a list that is not editing.
func TestBurstEveryKeyCounts(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 200), 120, 40)
	d.mustShow("1 of 200")
	d.send(burstKey("jjjj"))
	d.mustShow("5 of 200")
	d.send(burstKey("kk"))
	d.mustShow("3 of 200")
	d.keys("G")
	d.mustShow("200 of 200")
	d.send(burstKey("gj"))
	d.mustShow("2 of 200")
}

// TestBurstIntoTextField: once a field has the keyboard, the rest of a
// burst is typed as it came; a paste stays one paste.
func TestBurstIntoTextField(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 200), 120, 40)
	// n opens the New user form, whose email field takes the rest.
	d.send(burstKey("nzed.burst@example.org"))
	d.mustShow("New user", "zed.burst@example.org")
	d.keys("esc")

	d = newDriver(t, newTestDesk(t, 200), 120, 40)
	d.keys("/")
	d.send(burstKey("kofi.nguyen@acme"))
	d.mustShow("1 of 1", "Kofi Nguyen")
	// Pasted runes are text, not keys: on the list they do not move it.
	d = newDriver(t, newTestDesk(t, 200), 120, 40)
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjjj"), Paste: true})
	d.mustShow("1 of 200")
}

// TestBurstThroughProgram sends bursts through the real program.
func TestBurstThroughProgram(t *testing.T) {
	m := newTestModel(newTestDesk(t, 200))
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitWords(t, tm, "All 200", "1 of 200")
	tm.Send(burstKey("jjjj"))
	waitWords(t, tm, "5 of 200")
	tm.Send(burstKey("G"))
	waitWords(t, tm, "200 of 200")
	tm.Send(burstKey("gj"))
	waitWords(t, tm, "2 of 200")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	defer final.Close()
	if v := final.View(); !strings.Contains(v, "2 of 200") {
		t.Errorf("final frame lacks 2 of 200:\n%s", v)
	}
}

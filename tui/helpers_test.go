package tui

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/store"
)

// fixedNow is the clock of every test desk, so times on screen are stable.
var fixedNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

var testActor = domain.Actor{Name: "agent:tess"}

// newTestDesk opens a desk on a fresh bbolt file in the test's temp dir,
// with the demo organizations and n demo users when n > 0.
func newTestDesk(t testing.TB, users int) *domain.Desk {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "helpdesk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	desk := domain.NewDesk(db, domain.WithClock(func() time.Time { return fixedNow }))
	if users > 0 {
		if _, err := demo.Load(desk, testActor, users); err != nil {
			t.Fatal(err)
		}
	}
	// Near matches are built in the background; tests want them all.
	if err := desk.WaitSuggestReady(); err != nil {
		t.Fatal(err)
	}
	return desk
}

// asciiRenderer draws without colour or attributes, as with NO_COLOR, so
// golden files hold text only.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

func newTestModel(desk *domain.Desk) *Model {
	return New(Options{Desk: desk, Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC})
}

// driver runs a root model the way the Bubble Tea runtime would, but on the
// test's goroutine and to completion: each command runs, its message goes
// back into Update, until nothing is left. Tests then look at the state or
// the view without waiting for anything.
type driver struct {
	t    testing.TB
	m    *Model
	quit bool
}

func newDriver(t testing.TB, desk *domain.Desk, w, h int) *driver {
	t.Helper()
	return newDriverWith(t, newTestModel(desk), w, h)
}

func newDriverWith(t testing.TB, m *Model, w, h int) *driver {
	t.Helper()
	m.live = false // no command may block on the event channel
	d := &driver{t: t, m: m}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(m.Init())
	return d
}

func (d *driver) send(msg tea.Msg) { d.run(d.m.step(msg)) }

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			d.t.Fatal("commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			d.quit = true
		default:
			queue = append(queue, d.m.step(msg))
		}
	}
}

// keys sends key presses: names such as "enter", "ctrl+s", "down", or
// text typed rune by rune.
func (d *driver) keys(ks ...string) {
	for _, k := range ks {
		if msg, ok := namedKeys[k]; ok {
			d.send(msg)
			continue
		}
		for _, r := range k {
			d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
}

var namedKeys = map[string]tea.KeyMsg{
	"enter":     {Type: tea.KeyEnter},
	"esc":       {Type: tea.KeyEsc},
	"tab":       {Type: tea.KeyTab},
	"shift+tab": {Type: tea.KeyShiftTab},
	"up":        {Type: tea.KeyUp},
	"down":      {Type: tea.KeyDown},
	"pgdown":    {Type: tea.KeyPgDown},
	"pgup":      {Type: tea.KeyPgUp},
	"end":       {Type: tea.KeyEnd},
	"home":      {Type: tea.KeyHome},
	"backspace": {Type: tea.KeyBackspace},
	"ctrl+s":    {Type: tea.KeyCtrlS},
	"ctrl+o":    {Type: tea.KeyCtrlO},
	"ctrl+c":    {Type: tea.KeyCtrlC},
	"ctrl+x":    {Type: tea.KeyCtrlX},
	"ctrl+n":    {Type: tea.KeyCtrlN},
	"f1":        {Type: tea.KeyF1},
}

func (d *driver) view() string { return d.m.View() }

// createElsewhere creates a user as another session would and hands the
// commit's event to the console, as its subscription would.
func (d *driver) createElsewhere(desk *domain.Desk, in domain.UserInput) domain.User {
	d.t.Helper()
	u, err := desk.CreateUser(domain.Actor{Name: "agent:omar"}, in)
	if err != nil {
		d.t.Fatal(err)
	}
	d.send(deskEventsMsg{events: []domain.Event{{Kind: domain.SubjectUser, ID: u.ID}}})
	return u
}

// mustShow fails unless the screen holds every word.
func (d *driver) mustShow(words ...string) {
	d.t.Helper()
	v := d.view()
	for _, w := range words {
		if !strings.Contains(v, w) {
			d.t.Fatalf("screen lacks %q:\n%s", w, v)
		}
	}
}

func (d *driver) mustNotShow(words ...string) {
	d.t.Helper()
	v := d.view()
	for _, w := range words {
		if strings.Contains(v, w) {
			d.t.Fatalf("screen shows %q:\n%s", w, v)
		}
	}
}

package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// mouseClock is a settable clock for the console's double clicks.
type mouseClock struct{ t time.Time }

func (c *mouseClock) now() time.Time        { return c.t }
func (c *mouseClock) after(d time.Duration) { c.t = c.t.Add(d) }
func withClock(m *Model) *mouseClock        { c := &mouseClock{t: fixedNow}; m.c.now = c.now; return c }
func leftClick(x, y int) tea.MouseMsg       { return press(x, y, tea.MouseButtonLeft) }
func wheelDown() tea.MouseMsg               { return press(10, 10, tea.MouseButtonWheelDown) }
func wheelUp() tea.MouseMsg                 { return press(10, 10, tea.MouseButtonWheelUp) }
func press(x, y int, b tea.MouseButton) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Button: b, Action: tea.MouseActionPress}
}

// rowY is the screen line of a list screen's row i: the header, then the
// body's title line, blank line and column titles.
func rowY(i int) int { return 1 + listTop + i }

func TestMouseClickSelectsDoubleClickOpensUser(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 200), 120, 40)
	clk := withClock(d.m)
	s := activeAs[*usersScreen](t, d)
	want := s.list.rows[2].u

	d.send(leftClick(10, rowY(2)))
	if u, _ := s.list.Selected(); u.ID != want.ID {
		t.Fatalf("click on the third row selected %s, want %s", u.Email, want.Email)
	}
	d.mustShow("3 of 200")

	// A second click after 500 ms is a new click, not a double one.
	clk.after(500 * time.Millisecond)
	d.send(leftClick(10, rowY(2)))
	activeAs[*usersScreen](t, d)
	// Within 400 ms on the same row: it opens.
	clk.after(300 * time.Millisecond)
	d.send(leftClick(30, rowY(2)))
	us := activeAs[*userScreen](t, d)
	if us.id != want.ID {
		t.Fatalf("double click opened user %d, want %d", us.id, want.ID)
	}
}

func TestMouseClicksOnTwoRowsDoNotOpen(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 50), 120, 40)
	withClock(d.m)
	d.send(leftClick(10, rowY(1)))
	d.send(leftClick(10, rowY(2)))
	activeAs[*usersScreen](t, d)
	d.mustShow("3 of 50")
	// Below the rows (the status line): nothing.
	d.send(leftClick(10, 38))
	d.mustShow("3 of 50")
}

func TestMouseWheelScrollsUsers(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 200), 120, 40)
	d.send(wheelDown())
	d.send(wheelDown())
	d.mustShow("7 of 200")
	d.send(wheelUp())
	d.mustShow("4 of 200")
}

func TestMouseClickOnTabSwitchesSection(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 120, 40)
	header := strings.SplitN(d.view(), "\n", 2)[0]
	x := strings.Index(header, "2 Organizations")
	if x < 0 {
		t.Fatalf("no Organizations tab in %q", header)
	}
	d.send(leftClick(x+3, 0))
	activeAs[*orgsScreen](t, d)
	if d.m.tab != tabOrgs {
		t.Fatalf("tab %d, want organizations", d.m.tab)
	}
	// Between tabs, or on the brand: nothing.
	d.send(leftClick(2, 0))
	activeAs[*orgsScreen](t, d)
}

func TestMouseInboxClickAndDoubleClick(t *testing.T) {
	f := newConvFixture(t)
	d := newDriverWith(t, f.model(), 120, 40)
	withClock(d.m)
	d.keys("i")
	d.mustShow("Printer on fire", "1 of 2")
	d.send(leftClick(20, rowY(1)))
	d.mustShow("2 of 2")
	d.send(leftClick(20, rowY(1)))
	cs := activeAs[*convScreen](t, d)
	if cs.id != f.zz.ID {
		t.Fatalf("double click opened conversation %d, want %d", cs.id, f.zz.ID)
	}
}

func TestMouseOrganizationsListAndTree(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 120, 40)
	withClock(d.m)
	d.send(showTabMsg{tab: tabOrgs})
	s := activeAs[*orgsScreen](t, d)
	for _, tree := range []bool{false, true} {
		if tree {
			d.keys("esc") // back from the organization opened below
			d.keys("v")
			activeAs[*orgsScreen](t, d)
		}
		d.send(leftClick(10, rowY(1)))
		if s.cursor != 1 {
			t.Fatalf("tree %v: click on the second row put the cursor on %d", tree, s.cursor)
		}
		want, _ := s.selected()
		d.send(leftClick(10, rowY(1)))
		if o := activeAs[*orgScreen](t, d); o.id != want.ID {
			t.Fatalf("tree %v: double click opened %d, want %d", tree, o.id, want.ID)
		}
	}
}

func TestMouseAuditAndOutbox(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 30), 120, 40)
	withClock(d.m)
	d.send(showTabMsg{tab: tabAudit})
	activeAs[*auditTab](t, d)
	d.send(wheelDown())
	d.mustShow("4 of ")
	d.send(leftClick(10, rowY(0)))
	d.mustShow("1 of ")

	d = newDriver(t, newMailDesk(t, "ann@example.com", "bob@example.com", "cy@example.com", "di@example.com"), 120, 40)
	withClock(d.m)
	d.send(openOutboxMsg{})
	s := activeAs[*outboxScreen](t, d)
	d.send(leftClick(10, rowY(2)))
	want, _ := s.selected()
	d.mustShow("3 of ")
	d.send(leftClick(10, rowY(2)))
	if ms := activeAs[*messageScreen](t, d); ms.id != want.ID {
		t.Fatalf("double click opened message %d, want %d", ms.id, want.ID)
	}
}

// msgTypes runs a command and the batches it returns, without feeding
// anything back, and names the type of every message.
func msgTypes(cmd tea.Cmd) []string {
	var out []string
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.Cmd:
			queue = append(queue, msg)
		default:
			out = append(out, fmt.Sprintf("%T", msg))
		}
	}
	return out
}

func has(types []string, cmd tea.Cmd) bool {
	want := fmt.Sprintf("%T", cmd())
	for _, t := range types {
		if t == want {
			return true
		}
	}
	return false
}

func TestMouseToggleKey(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 120, 40)
	withClock(d.m)
	off := msgTypes(d.m.step(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'M'}}))
	if !has(off, tea.DisableMouse) || has(off, tea.EnableMouseCellMotion) {
		t.Fatalf("M sent %v, want tea.DisableMouse", off)
	}
	d.send(statusMsg{text: "Mouse off: the terminal's own selection works. M turns it back on.", kind: statusInfo})
	d.mustShow("Mouse off: the terminal's own selection works. M turns it back on.")
	// Off, a click is the terminal's: the console takes none.
	d.send(leftClick(10, rowY(2)))
	d.send(leftClick(10, rowY(2)))
	activeAs[*usersScreen](t, d)
	d.mustShow("1 of 20")

	on := msgTypes(d.m.step(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'M'}}))
	if !has(on, tea.EnableMouseCellMotion) || has(on, tea.DisableMouse) {
		t.Fatalf("M again sent %v, want tea.EnableMouseCellMotion", on)
	}
	d.send(leftClick(10, rowY(2)))
	d.mustShow("3 of 20")
}

func TestMouseToggleSaysSo(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 120, 40)
	d.keys("M")
	d.mustShow("Mouse off: the terminal's own selection works. M turns it back on.")
	d.keys("M")
	d.mustShow("Mouse on")
}

func TestMousePrefsOff(t *testing.T) {
	desk := newTestDesk(t, 20)
	off := false
	m := New(Options{Desk: desk, Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC, Prefs: Prefs{Mouse: &off}})
	m.live = false
	if types := msgTypes(m.Init()); !has(types, tea.DisableMouse) {
		t.Fatalf("Init with mouse = false sent %v, want tea.DisableMouse", types)
	}
	d := newDriverWith(t, m, 120, 40)
	d.send(leftClick(10, rowY(2)))
	d.send(wheelDown())
	d.mustShow("1 of 20")

	on := New(Options{Desk: desk, Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC})
	on.live = false
	if types := msgTypes(on.Init()); has(types, tea.DisableMouse) {
		t.Fatalf("Init with the mouse on sent %v", types)
	}
}

// TestMouseProgram clicks, double clicks and scrolls through the real
// program.
func TestMouseProgram(t *testing.T) {
	f := newConvFixture(t)
	m := f.model()
	m.c.now = func() time.Time { return fixedNow } // every second click is in time
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitWords(t, tm, "1 of 200")
	tm.Send(wheelDown())
	waitWords(t, tm, "4 of 200")
	tm.Send(leftClick(10, rowY(5)))
	waitWords(t, tm, "6 of 200")
	sendKeys(tm, "i")
	waitWords(t, tm, "Printer on fire", "1 of 2")
	tm.Send(leftClick(20, rowY(1)))
	waitWords(t, tm, "2 of 2")
	tm.Send(leftClick(20, rowY(1)))
	waitWords(t, tm, "We are looking into it.")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	defer final.Close()
	if cs, ok := final.active().(*convScreen); !ok || cs.id != f.zz.ID {
		t.Fatalf("the double click left %T on show", final.active())
	}
}

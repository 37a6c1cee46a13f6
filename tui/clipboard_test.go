package tui

import (
	"bytes"
	"encoding/base64"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
)

// clipModel is a console whose clipboard writes OSC 52 into buf.
func clipModel(desk *domain.Desk, actor domain.Actor, buf *bytes.Buffer) *Model {
	return New(Options{Desk: desk, Actor: actor, Renderer: asciiRenderer(), Location: time.UTC, Clipboard: OSC52Writer(buf)})
}

// wantOSC52 checks the exact bytes written for text, then empties buf.
func wantOSC52(t *testing.T, buf *bytes.Buffer, text string) {
	t.Helper()
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
	if got := buf.String(); got != want {
		t.Fatalf("clipboard got %q, want %q", got, want)
	}
	buf.Reset()
}

func TestOSC52Bytes(t *testing.T) {
	if got, want := OSC52("ann@example.com"), "\x1b]52;c;YW5uQGV4YW1wbGUuY29t\x07"; got != want {
		t.Fatalf("OSC52 = %q, want %q", got, want)
	}
}

// TestCopyUsersAndOrgs: y copies the selected user's email (list and
// user screen) and the organization's name (list and screen); c is the
// organization's copy action now.
func TestCopyUsersAndOrgs(t *testing.T) {
	desk := newTestDesk(t, 200)
	var buf bytes.Buffer
	d := newDriverWith(t, clipModel(desk, testActor, &buf), 120, 40)
	d.keys("/", "kofi.nguyen@acme", "enter", "y")
	wantOSC52(t, &buf, "kofi.nguyen@acme.com")
	d.mustShow("Copied kofi.nguyen@acme.com to the clipboard.")
	d.keys("enter")
	activeAs[*userScreen](t, d)
	d.keys("y")
	wantOSC52(t, &buf, "kofi.nguyen@acme.com")
	d.mustShow("Copied kofi.nguyen@acme.com to the clipboard.")

	d.keys("2")
	o, ok := activeAs[*orgsScreen](t, d).selected()
	if !ok {
		t.Fatal("no organization selected")
	}
	d.keys("y")
	wantOSC52(t, &buf, o.Name)
	d.mustShow("Copied " + o.Name + " to the clipboard.")
	d.keys("enter")
	activeAs[*orgScreen](t, d)
	d.keys("y")
	wantOSC52(t, &buf, o.Name)
	d.keys("c")
	d.mustShow("Copy " + o.Name)
	if buf.Len() != 0 {
		t.Fatalf("c wrote to the clipboard: %q", buf.String())
	}
}

// TestCopyConversationID: y copies the selected conversation's id in the
// inbox, and the open conversation's id.
func TestCopyConversationID(t *testing.T) {
	f := newConvFixture(t)
	var buf bytes.Buffer
	d := newDriverWith(t, clipModel(f.desk, f.tess.Actor(), &buf), 120, 40)
	d.keys("i")
	r, ok := d.m.active().(*inboxScreen).selected()
	if !ok {
		t.Fatalf("no conversation selected:\n%s", d.view())
	}
	id := itoa(int(r.conv.ID))
	d.keys("y")
	wantOSC52(t, &buf, id)
	d.mustShow("Copied conversation id " + id + " to the clipboard.")
	d.keys("enter")
	s := activeAs[*convScreen](t, d)
	d.keys("y")
	wantOSC52(t, &buf, itoa(int(s.id)))
}

// TestCopyWithoutTerminal: with no clipboard writer the console says so.
func TestCopyWithoutTerminal(t *testing.T) {
	d := newDriver(t, newTestDesk(t, 20), 120, 40)
	d.keys("y")
	d.mustShow("no terminal to copy to")
}

// TestCopyThroughProgram: the real program writes the OSC 52 bytes.
func TestCopyThroughProgram(t *testing.T) {
	desk := newTestDesk(t, 200)
	var buf syncBuffer
	m := New(Options{Desk: desk, Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC, Clipboard: OSC52Writer(&buf)})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitWords(t, tm, "All 200", "1 of 200")
	sendKeys(tm, "/", "uma.tanaka@yahoo")
	waitWords(t, tm, "1 of 1")
	sendKeys(tm, "enter", "y")
	waitWords(t, tm, "Copied uma.tanaka@yahoo.com to the clipboard.")
	if got, want := buf.String(), "\x1b]52;c;dW1hLnRhbmFrYUB5YWhvby5jb20=\x07"; got != want {
		t.Errorf("clipboard got %q, want %q", got, want)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model).Close()
}

// TestSuspend: ctrl+z suspends a local console; over SSH it says why not.
func TestSuspend(t *testing.T) {
	desk := newTestDesk(t, 20)
	m := newTestModel(desk)
	m.live = false
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlZ})
	if cmd == nil {
		t.Fatal("ctrl+z did nothing")
	}
	if _, ok := cmd().(tea.SuspendMsg); !ok {
		t.Fatal("ctrl+z on a local terminal did not suspend")
	}

	remote := New(Options{Desk: desk, Actor: testActor, Renderer: asciiRenderer(), Location: time.UTC, Remote: true})
	d := newDriverWith(t, remote, 120, 40)
	cmd = d.m.step(tea.KeyMsg{Type: tea.KeyCtrlZ})
	if cmd == nil {
		t.Fatal("ctrl+z over SSH did nothing")
	}
	if _, ok := cmd().(tea.SuspendMsg); ok {
		t.Fatal("ctrl+z over SSH suspended (it would stop the server)")
	}
	d.send(tea.KeyMsg{Type: tea.KeyCtrlZ})
	d.mustShow("ctrl+z cannot suspend over SSH (no job control)")
}

// syncBuffer is a bytes.Buffer the program's goroutines may write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

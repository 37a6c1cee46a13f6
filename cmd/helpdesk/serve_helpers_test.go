package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// The SSH tests run `helpdesk serve` in-process on 127.0.0.1 (a random
// port) and talk to it with golang.org/x/crypto/ssh as the client: a
// terminal for the console (PTY, screen bytes read back and stripped of
// ANSI), plain sessions for commands.

// screenWait bounds every wait for the screen: generous for the race
// detector on a busy machine, never slept through when the words come.
const screenWait = 15 * time.Second

// testAgent is an agent of the test desk and its private key.
type testAgent struct {
	email  string
	signer gossh.Signer
}

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func keyLine(s gossh.Signer) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
}

// sshDesk is a database file prepared with the CLI, then served.
type sshDesk struct {
	t    testing.TB
	db   string
	addr string
	out  *lockedBuffer // the server's stdout and log
	stop func() error  // ends serve as SIGTERM would and returns its error
}

func newSSHDesk(t testing.TB) *sshDesk {
	return &sshDesk{t: t, db: filepath.Join(t.TempDir(), "desk.db")}
}

// cli runs a local command line on the file (before serve holds it).
func (d *sshDesk) cli(args ...string) string {
	d.t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"--db", d.db}, args...), strings.NewReader(""), &out, &errb); code != 0 {
		d.t.Fatalf("helpdesk %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// agent adds an agent with a fresh key; perms "" keeps the role's.
func (d *sshDesk) agent(email, role, perms string) testAgent {
	d.t.Helper()
	s := newSigner(d.t)
	args := []string{"agent", "add", "--name", strings.Split(email, "@")[0], "--email", email, "--role", role, "--key", keyLine(s)}
	if perms != "" {
		args = append(args, "--perms", perms)
	}
	d.cli(args...)
	return testAgent{email: email, signer: s}
}

// serve starts the server; it stops at the end of the test if still up.
func (d *sshDesk) serve(cfg serveConfig) {
	d.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		d.t.Fatal(err)
	}
	d.addr = ln.Addr().String()
	d.out = &lockedBuffer{}
	a := &app{in: strings.NewReader(""), out: d.out, err: d.out, dbPath: d.db}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx, ln, cfg) }()
	var once sync.Once
	var serveErr error
	d.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case serveErr = <-done:
			case <-time.After(30 * time.Second):
				serveErr = errors.New("serve did not return within 30s of its shutdown")
			}
		})
		return serveErr
	}
	d.t.Cleanup(func() {
		if err := d.stop(); err != nil {
			d.t.Errorf("serve: %v", err)
		}
	})
}

// hostKeyCheck accepts only the key serve wrote beside the database.
func (d *sshDesk) hostKeyCheck(_ string, _ net.Addr, key gossh.PublicKey) error {
	b, err := os.ReadFile(filepath.Join(filepath.Dir(d.db), hostKeyName+".pub"))
	if err != nil {
		return err
	}
	want, _, _, _, err := gossh.ParseAuthorizedKey(b)
	if err != nil {
		return err
	}
	if !bytes.Equal(want.Marshal(), key.Marshal()) {
		return errors.New("host key differs from the one serve wrote")
	}
	return nil
}

func (d *sshDesk) config(user string, auth ...gossh.AuthMethod) *gossh.ClientConfig {
	return &gossh.ClientConfig{User: user, Auth: auth, HostKeyCallback: d.hostKeyCheck, Timeout: 10 * time.Second}
}

// dial connects with a config, the connection closed at the end of the test.
func (d *sshDesk) dial(cfg *gossh.ClientConfig) (*gossh.Client, error) {
	c, err := gossh.Dial("tcp", d.addr, cfg)
	if err == nil {
		d.t.Cleanup(func() { c.Close() })
	}
	return c, err
}

// as connects as an agent (any user name: it is not the identity).
func (d *sshDesk) as(a testAgent) *gossh.Client {
	d.t.Helper()
	c, err := d.dial(d.config("someone", gossh.PublicKeys(a.signer)))
	if err != nil {
		d.t.Fatalf("%s: %v", a.email, err)
	}
	return c
}

// command runs one command line over SSH: exit status and both streams.
func command(t testing.TB, c *gossh.Client, stdin string, args ...string) (int, string, string) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out, errb bytes.Buffer
	s.Stdin, s.Stdout, s.Stderr = strings.NewReader(stdin), &out, &errb
	err = s.Run(shellJoin(args))
	var exit *gossh.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &exit):
		return exit.ExitStatus(), out.String(), errb.String()
	}
	t.Fatalf("ssh %s: %v", shellJoin(args), err)
	return 0, "", ""
}

// shellJoin quotes words the way the server splits them (POSIX shell).
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// terminal is a console session as an agent's terminal sees it: what the
// server drew, in order, and a keyboard.
type terminal struct {
	t       testing.TB
	sess    *gossh.Session
	keyMu   sync.Mutex // one writer of keys at a time
	stdin   io.WriteCloser
	mu      sync.Mutex // guards raw and closed
	raw     []byte
	closed  bool
	changed chan struct{}
}

// console opens a session with a PTY of w×h and no command.
func console(t testing.TB, c *gossh.Client, w, h int) *terminal {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &terminal{t: t, sess: s, changed: make(chan struct{}, 1)}
	if tm.stdin, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := s.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	go tm.read(stdout)
	t.Cleanup(func() { s.Close() })
	return tm
}

// read collects the screen bytes and, like a real terminal, answers the
// server's questions (background colour, device attributes).
func (tm *terminal) read(r io.Reader) {
	buf := make([]byte, 32<<10)
	answered := false
	for {
		n, err := r.Read(buf)
		tm.mu.Lock()
		tm.raw = append(tm.raw, buf[:n]...)
		ask := !answered && bytes.Contains(tm.raw, []byte(ansi.RequestPrimaryDeviceAttributes))
		if err != nil {
			tm.closed = true
		}
		tm.mu.Unlock()
		if ask {
			answered = true
			tm.write("\x1b]11;rgb:1e1e/1e1e/1e1e\x07\x1b[?62;22c")
		}
		select {
		case tm.changed <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

func (tm *terminal) write(s string) {
	tm.keyMu.Lock()
	defer tm.keyMu.Unlock()
	_, _ = io.WriteString(tm.stdin, s)
}

// Keys as a terminal sends them.
const (
	keyEnter = "\r"
	keyTab   = "\t"
	keyCtrlS = "\x13"
	keyCtrlX = "\x18"
)

// mark is where the output read so far ends: waitFor(mark, ...) looks only
// at what the server sent after it.
func (tm *terminal) mark() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return len(tm.raw)
}

// bytes is what the server sent from a mark on, escape sequences and all.
func (tm *terminal) bytes(from int) string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return string(tm.raw[from:])
}

// screen is the text the server sent from a mark on, without escape
// sequences.
func (tm *terminal) screen(from int) (string, bool) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(string(tm.raw[from:])), tm.closed
}

// waitFor reads until every word has been drawn after the mark, within
// screenWait, and returns what was drawn.
func (tm *terminal) waitFor(from int, words ...string) string {
	tm.t.Helper()
	s, err := tm.await(from, screenWait, func(s string) bool { return containsAll(s, words) })
	if err != nil {
		tm.t.Fatalf("screen lacks %q: %v; it showed:\n%s", words, err, tail(s))
	}
	return s
}

// await reads until what was drawn after the mark satisfies ok, for at
// most limit; it may run on any goroutine.
func (tm *terminal) await(from int, limit time.Duration, ok func(string) bool) (string, error) {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		s, closed := tm.screen(from)
		if ok(s) {
			return s, nil
		}
		if closed {
			return s, errors.New("the session closed")
		}
		select {
		case <-tm.changed:
		case <-deadline.C:
			return s, fmt.Errorf("nothing matched within %s", limit)
		}
	}
}

// waitClosed reads until the server ends the session and returns what it
// sent after the mark.
func (tm *terminal) waitClosed(from int) string {
	tm.t.Helper()
	deadline := time.NewTimer(screenWait)
	defer deadline.Stop()
	for {
		s, closed := tm.screen(from)
		if closed {
			return s
		}
		select {
		case <-tm.changed:
		case <-deadline.C:
			tm.t.Fatalf("session still open after %s; it showed:\n%s", screenWait, tail(s))
		}
	}
}

// keys sends keys, or text typed in one go.
func (tm *terminal) keys(keys ...string) {
	for _, k := range keys {
		tm.write(k)
	}
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

// lockedBuffer is a bytes.Buffer the server's goroutines may write to
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

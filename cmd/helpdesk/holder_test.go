package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer/mailertest"
	"helpdesk/store"
)

// heldDesk is a database with a few records, held by this test process as
// the console or serve holds one: open, with the socket served.
type heldDesk struct {
	t   *testing.T
	dir string
	db  string
	// twin is a copy of db made before it was held: the same command on
	// it runs in the calling process, for comparison.
	twin string
	s    *session
	stop func()
}

func newHeldDesk(t *testing.T) *heldDesk {
	t.Helper()
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	dir := filepath.Dir(c.db)
	twin := filepath.Join(t.TempDir(), "desk.db")
	b, err := os.ReadFile(c.db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(twin, b, 0o600); err != nil {
		t.Fatal(err)
	}
	h := &heldDesk{t: t, dir: dir, db: c.db, twin: twin}
	h.hold()
	return h
}

func (h *heldDesk) hold() {
	h.t.Helper()
	a := &app{dbPath: h.db}
	s, err := a.open()
	if err != nil {
		h.t.Fatal(err)
	}
	h.s, h.stop = s, startHolder(s)
	h.t.Cleanup(h.release)
}

// release stops the holder and closes the database (once).
func (h *heldDesk) release() {
	if h.s == nil {
		return
	}
	h.stop()
	if err := h.s.Close(); err != nil {
		h.t.Error(err)
	}
	h.s = nil
}

// child runs the helpdesk command line in another process (this test
// binary acting as the command, see TestMain) in dir, as a shell would.
func child(t *testing.T, dir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		if !ee.Exited() {
			t.Fatalf("helpdesk %s: %v; stderr %q", strings.Join(args, " "), err, errb.String())
		}
		return ee.ExitCode(), out.String(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

func TestHeldDeskRunsOtherProcessesCommands(t *testing.T) {
	h := newHeldDesk(t)
	code, out, errs := child(t, h.dir, "", "--db", h.db, "user", "add", "--email", "bo@acme.com", "--name", "Bo Chen")
	if code != 0 {
		t.Fatalf("user add beside the holder: exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "bo@acme.com") {
		t.Errorf("user add printed %q", out)
	}
	// Written by the holder, in the database it holds, as the local user.
	u, err := h.s.desk.UserByEmail("bo@acme.com")
	if err != nil {
		t.Fatalf("the user added from another process is not in the held desk: %v", err)
	}
	entries, err := h.s.desk.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 10)
	if err != nil || len(entries) == 0 {
		t.Fatalf("audit of the new user: %v %v", entries, err)
	}
	me, _ := user.Current()
	if want := "owner:" + me.Username + " (local)"; entries[0].Actor != want {
		t.Errorf("the audit says %q did it, want %q", entries[0].Actor, want)
	}
	// HELPDESK_DB names the same file, through another path.
	t.Setenv(envDB, filepath.Join(h.dir, ".", "desk.db"))
	if code, out, errs := child(t, h.dir, "", "user", "list"); code != 0 || !strings.Contains(out, "Bo Chen") {
		t.Errorf("user list with HELPDESK_DB: exit %d, out %q, stderr %q", code, out, errs)
	}
}

// The same command line, forwarded to the holder and run by the calling
// process on an identical file, prints the same and exits the same.
func TestForwardedCommandsPrintAndExitAsLocalOnes(t *testing.T) {
	h := newHeldDesk(t)
	for _, tc := range []struct {
		code int
		args []string
	}{
		{0, []string{"user", "list"}},
		{0, []string{"user", "show", "ann@acme.com", "--json"}},
		{1, []string{"user", "add", "--email", "ANN@acme.com", "--name", "Ann Again"}},
		{1, []string{"user", "show", "ghost@acme.com"}},
		{2, []string{"user", "list", "--bogus"}},
		{2, []string{"user", "show"}},
		{2, []string{"org", "frobnicate"}},
	} {
		fc, fout, ferr := child(t, h.dir, "", append([]string{"--db", h.db}, tc.args...)...)
		lc, lout, lerr := child(t, h.dir, "", append([]string{"--db", h.twin}, tc.args...)...)
		lout, lerr = strings.ReplaceAll(lout, h.twin, h.db), strings.ReplaceAll(lerr, h.twin, h.db)
		name := strings.Join(tc.args, " ")
		if fc != tc.code || lc != tc.code {
			t.Errorf("%s: exit %d forwarded, %d local; want %d (stderr %q)", name, fc, lc, tc.code, ferr)
		}
		if fout != lout || ferr != lerr {
			t.Errorf("%s: forwarded printed\n%q %q\nlocal printed\n%q %q", name, fout, ferr, lout, lerr)
		}
	}
}

func TestBackupWhileHeldPassesCheck(t *testing.T) {
	h := newHeldDesk(t)
	work := t.TempDir()
	// A relative name is the caller's: written in its working directory.
	code, out, errs := child(t, work, "", "--db", h.db, "backup", "copy.db")
	if code != 0 {
		t.Fatalf("backup while held: exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "Backed up") {
		t.Errorf("backup printed %q", out)
	}
	copyPath := filepath.Join(work, "copy.db")
	code, out, errs = child(t, work, "", "--db", copyPath, "check")
	if code != 0 || !strings.Contains(out, "no problems found") {
		t.Fatalf("check of the backup: exit %d, out %q, stderr %q", code, out, errs)
	}
	if code, out, _ := child(t, work, "", "--db", copyPath, "user", "list"); code != 0 || !strings.Contains(out, "Ann Lee") {
		t.Errorf("the backup does not list Ann Lee: %q", out)
	}
}

func TestForwardedImportReadsTheCallersInput(t *testing.T) {
	h := newHeldDesk(t)
	csv := "email,name\ncy@acme.com,Cy Diaz\n"
	code, out, errs := child(t, h.dir, csv, "--db", h.db, "import", "users", "-")
	if code != 0 || !strings.Contains(out, "Imported 1 of 1 rows") {
		t.Fatalf("import from standard input: exit %d, out %q, stderr %q", code, out, errs)
	}
	if _, err := h.s.desk.UserByEmail("cy@acme.com"); err != nil {
		t.Errorf("imported user missing: %v", err)
	}
	// A file named relative to the caller.
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "more.csv"), []byte("email,name\ndee@acme.com,Dee Fox\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := child(t, work, "", "--db", h.db, "import", "users", "more.csv"); code != 0 || !strings.Contains(out, "Imported 1 of 1 rows") {
		t.Fatalf("import of a relative file: exit %d, out %q, stderr %q", code, out, errs)
	}
}

// A command that does not read standard input does not wait for it: in a
// shell loop reading a file, the loop keeps its input.
func TestForwardedCommandLeavesStdinAlone(t *testing.T) {
	h := newHeldDesk(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	cmd := exec.Command(os.Args[0], "--db", h.db, "user", "list")
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	cmd.Stdin = r // open, never written, never closed while it runs
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "Ann Lee") {
		t.Fatalf("user list with an idle standard input: %v, %q", err, out)
	}
}

func TestCheckPeer(t *testing.T) {
	if err := checkPeer(1000, 1000, "desk.db"); err != nil {
		t.Errorf("same user refused: %v", err)
	}
	if err := checkPeer(0, 1000, "desk.db"); err != nil {
		t.Errorf("root refused: %v", err)
	}
	err := checkPeer(1001, 1000, "desk.db")
	if err == nil {
		t.Fatal("another user was let in")
	}
	if !strings.Contains(err.Error(), "only that user or root") || !strings.Contains(err.Error(), "desk.db") {
		t.Errorf("refusal says %q", err)
	}
}

func TestSocketIsOwnerOnly(t *testing.T) {
	h := newHeldDesk(t)
	fi, err := os.Stat(socketPath(h.db))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a socket of mode 0600", fi.Mode())
	}
	h.release()
	if _, err := os.Stat(socketPath(h.db)); !os.IsNotExist(err) {
		t.Errorf("socket left behind after the holder stopped: %v", err)
	}
}

// staleSocket leaves a socket file nobody listens on, as a holder killed
// with -9 does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// With the file locked and no holder answering (a process without the
// socket, a stale socket file), the message names the process.
func TestLockedWithoutHolderNamesTheProcess(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme")
	db, err := store.Open(c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	staleSocket(t, socketPath(c.db))
	code, out, errs := child(t, filepath.Dir(c.db), "", "--db", c.db, "org", "list")
	if code != 1 || out != "" {
		t.Fatalf("org list on a locked file: exit %d, out %q", code, out)
	}
	want := fmt.Sprintf("helpdesk: database %s is in use by process %d (", c.db, os.Getpid())
	if !strings.HasPrefix(errs, want) || !strings.Contains(errs, "started ") || !strings.Contains(errs, "stop it") {
		t.Errorf("stderr %q, want it to start %q and say when it started and what to do", errs, want)
	}
	if strings.Count(errs, "\n") != 1 {
		t.Errorf("more than one line: %q", errs)
	}
}

// A holder starting where a dead one left its socket takes the place.
func TestHolderReplacesStaleSocket(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme")
	staleSocket(t, socketPath(c.db))
	h := &heldDesk{t: t, dir: filepath.Dir(c.db), db: c.db}
	h.hold()
	if code, out, errs := child(t, h.dir, "", "--db", h.db, "org", "list"); code != 0 || !strings.Contains(out, "Acme") {
		t.Errorf("org list: exit %d, out %q, stderr %q", code, out, errs)
	}
}

func TestReadOnly(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	before, err := os.ReadFile(c.db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(c.db, 0o400); err != nil {
		t.Fatal(err)
	}
	if out := c.ok("--read-only", "user", "list"); !strings.Contains(out, "Ann Lee") {
		t.Errorf("--read-only user list: %q", out)
	}
	if out := c.ok("--read-only", "check"); !strings.Contains(out, "no problems found") {
		t.Errorf("--read-only check: %q", out)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	c.ok("--read-only", "backup", backup)
	code, _, errs := c.run("", "--read-only", "user", "add", "--email", "bo@acme.com", "--name", "Bo")
	if code != 1 || !strings.Contains(errs, "this command changes the database, which --read-only opens for reading only") {
		t.Errorf("write under --read-only: exit %d, stderr %q", code, errs)
	}
	after, _ := os.ReadFile(c.db)
	if !bytes.Equal(before, after) {
		t.Error("the file changed under --read-only")
	}
	if code, _, errs := c.run("", "--read-only", "serve"); code != 2 || !strings.Contains(errs, "--read-only is for commands that read") {
		t.Errorf("serve --read-only: exit %d, stderr %q", code, errs)
	}
}

// Beside a holder, --read-only runs there, and still writes nothing.
func TestReadOnlyBesideHolder(t *testing.T) {
	h := newHeldDesk(t)
	if code, out, errs := child(t, h.dir, "", "--db", h.db, "--read-only", "user", "list"); code != 0 || !strings.Contains(out, "Ann Lee") {
		t.Errorf("--read-only user list beside the holder: exit %d, out %q, stderr %q", code, out, errs)
	}
	code, _, errs := child(t, h.dir, "", "--db", h.db, "--read-only", "user", "add", "--email", "bo@acme.com", "--name", "Bo")
	if code != 1 || !strings.Contains(errs, "--read-only opens for reading only") {
		t.Errorf("write under --read-only beside the holder: exit %d, stderr %q", code, errs)
	}
	if _, err := h.s.desk.UserByEmail("bo@acme.com"); err == nil {
		t.Error("the holder wrote a user for a --read-only command")
	}
}

// A client that goes away cancels its command: the holder is not left
// waiting on its input.
func TestClientGoneCancelsForwardedCommand(t *testing.T) {
	h := newHeldDesk(t)
	conn, err := net.Dial("unix", socketPath(h.db))
	if err != nil {
		t.Fatal(err)
	}
	f := &frameConn{c: conn}
	if err := f.send(frameRequest, []byte(`{"args":["import","users","-"]}`)); err != nil {
		t.Fatal(err)
	}
	typ, _, err := readFrame(bufio.NewReader(conn))
	if err != nil || typ != frameWant {
		t.Fatalf("first frame %q, %v; want the holder to ask for standard input", typ, err)
	}
	_ = f.send(frameStdin, []byte("email,name\n"))
	conn.Close()
	// stop waits for the commands it runs; the import ends when its caller
	// is gone, long before the drain period.
	done := make(chan struct{})
	go func() { h.stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(holderDrain / 2):
		t.Fatal("the forwarded import kept running after its caller went away")
	}
}

func TestParseLocks(t *testing.T) {
	table := "1: POSIX  ADVISORY  WRITE 77 08:01:99 0 EOF\n" +
		"2: FLOCK  ADVISORY  WRITE 1234 00:2a:5678 0 EOF\n" +
		"2: -> FLOCK  ADVISORY  WRITE 999 00:2a:5678 0 EOF\n"
	dev := uint64(0x2a) // major 0, minor 0x2a
	if pid := parseLocks(table, dev, 5678); pid != 1234 {
		t.Errorf("pid %d, want 1234 (the holder, not the waiter)", pid)
	}
	if pid := parseLocks(table, dev, 1); pid != 0 {
		t.Errorf("pid %d for an unlocked file, want 0", pid)
	}
}

// A second console (or server) on a held file cannot be forwarded: it
// says which process holds the file.
func TestSecondHolderNamesTheFirst(t *testing.T) {
	h := newHeldDesk(t)
	code, _, errs := child(t, h.dir, "", "--db", h.db, "serve", "--listen", "127.0.0.1:0")
	want := fmt.Sprintf("helpdesk: database %s is held by process %d (", h.db, os.Getpid())
	if code != 1 || !strings.HasPrefix(errs, want) || !strings.Contains(errs, "cannot open a second console, server or mail worker; stop it first") {
		t.Errorf("serve beside a holder: exit %d, stderr %q; want it to start %q", code, errs, want)
	}
}

// A standalone mail worker beside a holder is not forwarded: its pass
// names the process that holds the file, and it polls again.
func TestMailWorkerBesideHolderNamesIt(t *testing.T) {
	h := newHeldDesk(t)
	p := mailertest.Start(t, mailertest.Options{})
	code, _, errs := child(t, h.dir, "", append([]string{"--db", h.db}, append(plainSMTP(p), "mail", "worker", "--once")...)...)
	want := fmt.Sprintf("database %s is held by process %d (", h.db, os.Getpid())
	if code != 1 || !strings.Contains(errs, want) {
		t.Errorf("mail worker --once beside a holder: exit %d, stderr %q; want it to name process %d", code, errs, os.Getpid())
	}
}

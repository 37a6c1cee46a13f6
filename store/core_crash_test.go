package store_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/store"
)

// The crash tests run a writer in a child process (this test binary again,
// selected by -test.run and an environment variable), read what it
// acknowledges on stdout, kill it with SIGKILL and then reopen its file.

const (
	crashRoleEnv = "HELPDESK_CORE_CRASH_ROLE"
	crashDBEnv   = "HELPDESK_CORE_CRASH_DB"
	crashArgEnv  = "HELPDESK_CORE_CRASH_ARG"
)

// TestCrashChild is the child side of the crash tests. Without the role
// variable (a normal test run) it has nothing to do.
func TestCrashChild(t *testing.T) {
	role := os.Getenv(crashRoleEnv)
	if role == "" {
		return
	}
	fail := func(code int, format string, args ...any) {
		fmt.Fprintf(os.Stderr, "crash child (%s): "+format+"\n", append([]any{role}, args...)...)
		os.Exit(code)
	}
	// Every line is written with one write call, so the parent sees whole
	// lines; a parent that went away ends the child through SIGPIPE.
	say := func(format string, args ...any) {
		if _, err := fmt.Fprintf(os.Stdout, format+"\n", args...); err != nil {
			fail(4, "stdout: %v", err)
		}
	}
	db, err := store.Open(os.Getenv(crashDBEnv), store.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		fail(3, "%v", err)
	}
	d := domain.NewDesk(db)
	arg := os.Getenv(crashArgEnv)
	switch role {
	case "users":
		// Acknowledge each user only once CreateUser has returned: the
		// transaction committed and was fsynced.
		for i := range 100000 {
			u, err := d.CreateUser(coreAgent, domain.UserInput{Email: fmt.Sprintf("%s%06d@crash.example.com", arg, i), Name: "Crash Test"})
			if err != nil {
				fail(5, "create: %v", err)
			}
			say("created %s %d", u.Email, u.ID)
		}
		fail(6, "was never killed")
	case "import":
		f, err := os.Open(arg)
		if err != nil {
			fail(3, "%v", err)
		}
		rep, err := d.ImportUsers(context.Background(), coreAgent, f, domain.ImportOptions{Source: "crash.csv",
			Progress: func(rows int) { say("progress %d", rows) }})
		if err != nil {
			fail(5, "import: %v", err)
		}
		say("done %d", rep.Imported)
	case "hold":
		// Keep the database open until the parent closes our stdin.
		say("ready")
		_, _ = io.Copy(io.Discard, os.Stdin)
	default:
		fail(2, "unknown role")
	}
	if err := db.Close(); err != nil {
		fail(5, "close: %v", err)
	}
	os.Exit(0)
}

// crashChild is a running child process and the lines it printed.
type crashChild struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  *bufio.Scanner
	stdin  io.WriteCloser
	stderr bytes.Buffer
}

func startCrashChild(t *testing.T, role, dbPath, arg string) *crashChild {
	t.Helper()
	c := &crashChild{t: t}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	c.cmd.Env = append(os.Environ(), crashRoleEnv+"="+role, crashDBEnv+"="+dbPath, crashArgEnv+"="+arg)
	c.cmd.Stderr = &c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.lines = bufio.NewScanner(out)
	t.Cleanup(func() {
		// A test that failed half-way must not leave a writer behind.
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

// next returns the child's next line; ok is false once its stdout closed.
func (c *crashChild) next() (string, bool) {
	if c.lines.Scan() {
		return c.lines.Text(), true
	}
	return "", false
}

// kill sends SIGKILL and returns every line the child printed before it died.
func (c *crashChild) kill() []string {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		c.t.Fatalf("kill: %v", err)
	}
	return c.wait()
}

// wait drains the child's output and waits for it to end.
func (c *crashChild) wait() []string {
	c.t.Helper()
	var rest []string
	for c.lines.Scan() {
		rest = append(rest, c.lines.Text())
	}
	err := c.cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
	default:
		c.t.Fatalf("child ended with %v; stderr:\n%s", err, c.stderr.String())
	}
	return rest
}

var createdLine = regexp.MustCompile(`^created (\S+@crash\.example\.com) (\d+)$`)

// A writer killed with SIGKILL between or inside commits loses nothing it
// acknowledged, and leaves no half-written user behind. Two rounds: the
// second writer works on the file the first one left.
func TestCrashDuringCreateKeepsEveryAcknowledgedUser(t *testing.T) {
	path := corePath(t)
	acked := map[string]domain.ID{}
	for round := range 2 {
		child := startCrashChild(t, "users", path, fmt.Sprintf("round%d.user", round))
		var lines []string
		for len(lines) < 300 {
			line, ok := child.next()
			if !ok {
				child.wait()
				t.Fatalf("round %d: the writer stopped after %d users; stderr:\n%s", round, len(lines), child.stderr.String())
			}
			lines = append(lines, line)
		}
		lines = append(lines, child.kill()...)
		for _, line := range lines {
			m := createdLine.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("round %d: unexpected line from the writer: %q", round, line)
			}
			id, _ := strconv.ParseUint(m[2], 10, 64)
			acked[m[1]] = domain.ID(id)
		}

		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		d := domain.NewDesk(db)
		for email, id := range acked {
			u, err := d.UserByEmail(email)
			if err != nil || u.ID != id || u.Name != "Crash Test" {
				t.Errorf("round %d: acknowledged user %s (id %d) after the crash: %+v, %v", round, email, id, u, err)
			}
		}
		// At most one user per killed writer committed without being
		// acknowledged: the one whose line it had no time to print.
		users := coreAllUsers(t, d)
		if len(users) < len(acked) || len(users) > len(acked)+round+1 {
			t.Errorf("round %d: %d users stored, %d acknowledged", round, len(users), len(acked))
		}
		if n := coreTotal(t, d); n != len(users) {
			t.Errorf("round %d: user counters say %d, %d records", round, n, len(users))
		}
		coreCheck(t, db)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// coreCSV writes n demo users as an import file in the test's temp dir.
func coreCSV(t testing.TB, n int) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "users-*.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	if err := demo.WriteUsersCSV(w, n); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// crashImportSetup makes a desk with an organization (so imported users get
// member index entries) and a few users made before the import.
func crashImportSetup(t *testing.T, path string) []domain.User {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := domain.NewDesk(db)
	if _, err := d.CreateOrg(coreAgent, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}}); err != nil {
		t.Fatal(err)
	}
	var before []domain.User
	for _, e := range []string{"first@acme.com", "second@globex.com", "third@example.org"} {
		before = append(before, coreMustUser(t, d, e, "Before Import"))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return before
}

// crashImportVerify reopens after the kill: the store is consistent, the
// users made before are there, every user there is reachable through its
// email, and it returns how many users of the import are left.
func crashImportVerify(t *testing.T, path string, before []domain.User, rows int) (*domain.Desk, int) {
	t.Helper()
	db := coreOpen(t, path) // rolls back an unfinished import
	d := domain.NewDesk(db)
	coreCheck(t, db)
	for _, u := range before {
		if got, err := d.UserByEmail(u.Email); err != nil || got.ID != u.ID {
			t.Errorf("user %s made before the import: %v, %v", u.Email, got.ID, err)
		}
	}
	users := coreAllUsers(t, d)
	for _, u := range users {
		if got, err := d.UserByEmail(u.Email); err != nil || got.ID != u.ID {
			t.Errorf("user %d %s has no working email index entry: %v, %v", u.ID, u.Email, got.ID, err)
		}
	}
	if n := coreTotal(t, d); n != len(users) {
		t.Errorf("user counters say %d, %d records", n, len(users))
	}
	kept := len(users) - len(before)
	if kept < 0 || kept > rows {
		t.Fatalf("after the crash: %d users (%d before, %d rows in the file)", len(users), len(before), rows)
	}
	return d, kept
}

// An import killed after it wrote some batches of records (but before it
// wrote their email index) is rolled back when the file is opened again, and
// the same file can then be imported cleanly.
func TestCrashDuringImportRollsBackOnOpen(t *testing.T) {
	const rows = 40_000 // twice the two batches we wait for
	path := corePath(t)
	before := crashImportSetup(t, path)
	csvPath := coreCSV(t, rows)

	child := startCrashChild(t, "import", path, csvPath)
	progress := 0
	for progress < 2 {
		line, ok := child.next()
		if !ok {
			child.wait()
			t.Fatalf("the importer stopped after %d batches; stderr:\n%s", progress, child.stderr.String())
		}
		if strings.HasPrefix(line, "progress ") {
			progress++
		}
	}
	child.kill()

	d, kept := crashImportVerify(t, path, before, rows)
	if kept != 0 {
		t.Errorf("%d users of the import were kept; it was killed before writing any email index entry", kept)
	}
	rb, err := d.Audit(domain.AuditFilter{}, 0, 1)
	if err != nil || len(rb) != 1 || rb[0].Action != "user.import.rollback" {
		t.Fatalf("newest audit entry after the rollback: %+v, %v; want user.import.rollback", rb, err)
	}
	removed := 0
	for _, n := range regexp.MustCompile(`\d+`).FindAllString(rb[0].Note, -1) {
		v, _ := strconv.Atoi(n)
		removed = max(removed, v)
	}
	if removed < 2*10000 {
		t.Errorf("rollback note %q: want it to count at least the 20000 users of two written batches", rb[0].Note)
	}

	// Nothing of the rolled-back import stands in the way of importing it
	// again: the first rows of the same file all go in.
	small := coreCSV(t, 2000)
	f, err := os.Open(small)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rowErrs []string
	rep, err := d.ImportUsers(context.Background(), coreAgent, f, domain.ImportOptions{RowError: func(e domain.RowError) { rowErrs = append(rowErrs, e.String()) }})
	if err != nil || rep.Imported != 2000 || rep.Failed != 0 {
		t.Errorf("re-import after rollback: %+v, %v, row errors %v", rep, err, rowErrs[:min(len(rowErrs), 5)])
	}
	coreCheck(t, d.Store().(*store.DB))
}

// orgCSV writes n users whose rows name one of five organizations that do
// not exist yet, so an import creates them as it goes.
func orgCSV(t testing.TB, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("email,name,organization\n")
	for i := range n {
		fmt.Fprintf(&b, "member%06d@imported.example.com,Member %d,Imported Org %d\n", i, i, i%5)
	}
	path := filepath.Join(t.TempDir(), "orgs.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// An import is all or nothing: killed with SIGKILL at any point (here 20
// points drawn with a fixed seed across the length of a whole import:
// while it creates organizations, writes batches, writes the index, or
// after it finished), the next open shows the desk either as it was before
// or with every row, and the audit trail says which.
func TestCrashDuringImportIsAllOrNothing(t *testing.T) {
	const rows = 12_000 // two batches, two index chunks, five new organizations
	csvPath := orgCSV(t, rows)

	// How long a whole import takes here, to spread the kill points over.
	path := corePath(t)
	crashImportSetup(t, path)
	child := startCrashChild(t, "import", path, csvPath)
	start := time.Now()
	for {
		line, ok := child.next()
		if !ok {
			t.Fatalf("the importer ended without finishing; stderr:\n%s", child.stderr.String())
		}
		if line == fmt.Sprintf("done %d", rows) {
			break
		}
	}
	whole := time.Since(start)
	child.wait()

	rng := rand.New(rand.NewPCG(12, 2026))
	outcomes := map[string]int{}
	for point := range 20 {
		path := corePath(t)
		before := crashImportSetup(t, path)
		child := startCrashChild(t, "import", path, csvPath)
		// The child is killed at a drawn moment, not when a condition holds:
		// the point of the test is that any moment is safe.
		at := time.Duration(rng.Int64N(int64(whole) * 12 / 10))
		timer := time.AfterFunc(at, func() { _ = child.cmd.Process.Signal(syscall.SIGKILL) })
		child.wait()
		timer.Stop()

		d, kept := crashImportVerify(t, path, before, rows)
		orgs, err := d.Orgs()
		if err != nil {
			t.Fatal(err)
		}
		last, err := d.Audit(domain.AuditFilter{}, 0, 1)
		if err != nil || len(last) != 1 {
			t.Fatalf("point %d: newest audit entry: %v, %v", point, last, err)
		}
		switch {
		case kept == rows:
			if len(orgs) != 1+5 || last[0].Action != "user.import" {
				t.Errorf("point %d (%v): every row is there with %d organizations; newest audit entry %q, want user.import", point, at, len(orgs), last[0].Action)
			}
			outcomes["all"]++
		case kept == 0:
			if len(orgs) != 1 {
				t.Errorf("point %d (%v): no row is there but %d organizations are; want only the one made before", point, at, len(orgs))
			}
			if last[0].Action == "user.import" {
				t.Errorf("point %d (%v): no row is there but the audit says the import happened", point, at)
			}
			if last[0].Action == "user.import.rollback" {
				outcomes["rolled back"]++
			} else {
				outcomes["before it began"]++
			}
		default:
			t.Errorf("point %d (%v): %d of %d imported users were kept; want none or all", point, at, kept, rows)
		}
	}
	t.Logf("a whole import took %v; outcomes of 20 kills: %v", whole, outcomes)
	if outcomes["rolled back"] == 0 {
		t.Errorf("no kill landed inside the import (outcomes %v): the drawn points do not test the roll-back", outcomes)
	}
}

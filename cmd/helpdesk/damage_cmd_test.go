package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// damageRun is one command on one damaged copy, as the child process ran it.
type damageRun struct {
	Case   string
	Args   []string
	Code   int
	Stdout string
	Stderr string
}

var damageCommands = [][]string{{"check"}, {"user", "list"}, {"export", "users"}}

// TestDamagedFileCommandsChild is the child process of
// TestTruncatedFileCommandsExitCleanly: it does nothing unless started by it.
func TestDamagedFileCommandsChild(t *testing.T) {
	sample := os.Getenv("HELPDESK_DAMAGE_SAMPLE")
	if sample == "" {
		return
	}
	file, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	if err := json.Unmarshal([]byte(os.Getenv("HELPDESK_DAMAGE_SIZES")), &sizes); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, size := range sizes {
		for j, args := range damageCommands {
			// A file of its own per run: a fault during an open keeps
			// bbolt's lock on it.
			path := filepath.Join(dir, fmt.Sprintf("cut%d-%d.db", i, j))
			if err := os.WriteFile(path, file[:size], 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := run(append([]string{"--db", path}, args...), strings.NewReader(""), &out, &errb)
			r := damageRun{Case: fmt.Sprintf("cut at %d", size), Args: args, Code: code, Stdout: out.String(), Stderr: errb.String()}
			js, _ := json.Marshal(r)
			fmt.Printf("RUN %s\n", js)
		}
	}
}

// A database cut short at every 4 KiB boundary and at 50 other offsets:
// check, user list and export exit 0 or 1, never with a signal or a stack
// trace, and a cut that loses pages in use is named as damage with what to
// do. The commands run in a child process, which a real SIGSEGV or SIGBUS
// would kill.
func TestTruncatedFileCommandsExitCleanly(t *testing.T) {
	c := newCLI(t)
	c.ok("demo", "--users", "60")
	file, err := os.ReadFile(c.db)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for size := 0; size < len(file); size += 4096 {
		sizes = append(sizes, size)
	}
	rng := rand.New(rand.NewPCG(7, 12))
	for range 50 {
		size := 1 + rng.IntN(len(file)-1)
		if size%4096 == 0 {
			size--
		}
		sizes = append(sizes, size)
	}
	js, _ := json.Marshal(sizes)
	cmd := exec.Command(os.Args[0], "-test.run=^TestDamagedFileCommandsChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HELPDESK_DAMAGE_SAMPLE="+c.db, "HELPDESK_DAMAGE_SIZES="+string(js))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the child process died (%v) after %d runs:\n%s", err, bytes.Count(out, []byte("RUN ")), stderr.String())
	}
	runs, damaged := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "RUN ")
		if !ok {
			continue
		}
		var r damageRun
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		runs++
		what := r.Case + ": helpdesk " + strings.Join(r.Args, " ")
		if r.Code != 0 && r.Code != 1 {
			t.Errorf("%s: exit %d (stderr %q)", what, r.Code, r.Stderr)
		}
		if strings.Contains(r.Stderr, "panic") || strings.Contains(r.Stderr, "goroutine") {
			t.Errorf("%s: a stack trace: %s", what, r.Stderr)
		}
		if r.Code == 1 && strings.Contains(r.Stderr, "damaged") {
			damaged++
			if !strings.Contains(r.Stderr, "helpdesk salvage") {
				t.Errorf("%s: %q does not say what to do", what, r.Stderr)
			}
			if r.Args[0] == "check" && !strings.Contains(r.Stdout, "the file is damaged") {
				t.Errorf("%s: check printed %q; want the damage named", what, r.Stdout)
			}
		}
	}
	if runs != len(sizes)*len(damageCommands) {
		t.Fatalf("%d runs reported; want %d", runs, len(sizes)*len(damageCommands))
	}
	if damaged < len(sizes) {
		t.Errorf("only %d of %d runs said the file is damaged", damaged, runs)
	}
	t.Logf("%d runs on %d cuts of a %d-byte file: %d said it is damaged", runs, len(sizes), len(file), damaged)
}

// A flipped byte in a user's record: check names it and says what to do
// (exit 1); salvage copies the rest into a new file that passes check,
// counting the one user lost; it refuses to write over a file.
func TestCheckThenSalvageAFlippedRecord(t *testing.T) {
	c := newCLI(t)
	c.ok("demo", "--users", "30")
	file, err := os.ReadFile(c.db)
	if err != nil {
		t.Fatal(err)
	}
	// The first record with an email that is not an agent's (the demo's
	// agents are at helpdesk.example) is a user's.
	i := -1
	for from := 0; ; {
		j := bytes.Index(file[from:], []byte(`"email":"`))
		if j < 0 {
			break
		}
		at := from + j
		end := bytes.IndexByte(file[at+9:], '"')
		if end > 0 && !bytes.HasSuffix(file[at+9:at+9+end], []byte("@helpdesk.example")) {
			i = at
			break
		}
		from = at + 9
	}
	if i < 0 {
		t.Fatal("no user record in the file")
	}
	file[i+12] ^= 0x20
	if err := os.WriteFile(c.db, file, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := c.run("", "check")
	if code != 1 || !strings.Contains(out, "a record fails its checksum") || !strings.Contains(errs, "helpdesk salvage "+c.db+" OUT") {
		t.Fatalf("check: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	salvaged := filepath.Join(t.TempDir(), "salvaged.db")
	code, out, errs = c.run("", "salvage", c.db, salvaged)
	if code != 0 || !strings.Contains(out, "Salvaged "+c.db+" into "+salvaged+": 1 record lost.") {
		t.Fatalf("salvage: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	var usersLine string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "users ") {
			usersLine = strings.Join(strings.Fields(l), " ")
		}
	}
	if usersLine != "users 29 1" {
		t.Errorf("salvage's users line %q; want 29 kept and 1 lost:\n%s", usersLine, out)
	}
	after := &cli{t: t, db: salvaged}
	if out := after.ok("check"); !strings.Contains(out, "no problems found") {
		t.Errorf("check of the salvaged file: %q", out)
	}
	code, _, errs = c.run("", "salvage", c.db, salvaged)
	if code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("salvage onto an existing file: exit %d, stderr %q", code, errs)
	}
}

package store_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/store"
)

// damageSample builds a small desk through the Desk (organizations, users,
// their audit entries, one conversation) and returns a compacted copy of
// its file, so that each record's bytes are in the file once.
func damageSample(t testing.TB, users int) []byte {
	t.Helper()
	path := corePath(t)
	db := coreOpen(t, path)
	d := domain.NewDesk(db)
	if _, err := demo.Load(d, coreAgent, users); err != nil {
		t.Fatal(err)
	}
	u := coreMustUser(t, d, "ann@acme.com", "Ann Lee")
	if _, _, err := d.NewConversation(coreAgent, domain.ConvInput{RequesterID: u.ID, Subject: "Hi", Body: "Hello"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	compact := filepath.Join(t.TempDir(), "compact.db")
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := bolt.Open(compact, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bolt.Compact(dst, src, 0); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	b, err := os.ReadFile(compact)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openBytes opens a copy of a database file's bytes with bbolt, read-only;
// the caller closes it.
func openBytes(t testing.TB, file []byte) *bolt.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recordRanges are the [start, end) offsets in the file of every encoded
// record's value bytes.
func recordRanges(t testing.TB, file []byte) [][2]int {
	t.Helper()
	b := openBytes(t, file)
	defer b.Close()
	var out [][2]int
	err := b.View(func(tx *bolt.Tx) error {
		for _, name := range []string{"users", "orgs", "audit", "templates", "outbox", "tokens", "agents", "conversations", "conv_messages", "groups", "sessions", "signin"} {
			err := tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				if bytes.Count(file, v) != 1 {
					return fmt.Errorf("%s %x: its bytes are in the file %d times", name, k, bytes.Count(file, v))
				}
				i := bytes.Index(file, v)
				out = append(out, [2]int{i, i + len(v)})
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("only %d records in the sample", len(out))
	}
	return out
}

// damageCase is one damaged copy of the sample: cut to Size bytes, or with
// the byte at At XORed with Xor.
type damageCase struct {
	Name   string
	Size   int `json:",omitempty"`
	At     int `json:",omitempty"`
	Xor    byte
	Record bool // the flip is inside a record's value bytes
}

// damageResult is what the helper process saw of one case.
type damageResult struct {
	Name     string
	Open     string // Open's error, if any
	Damaged  bool   // Open's error is a DamagedError
	Problems int    // what Check reported
	CheckErr string
	List     string // the error listing users, if any
	Ms       int64  // how long it took
	// For every tenth case: salvage's error, and what check finds in the
	// file it wrote.
	Salvage          string
	SalvagedProblems []store.Problem
}

// salvageAndCheck salvages a damaged file and checks the new file.
func salvageAndCheck(path string) (string, []store.Problem) {
	out := path + ".salvaged"
	defer os.Remove(out)
	if _, err := store.Salvage(context.Background(), path, out); err != nil {
		return err.Error(), nil
	}
	db, err := store.Open(out, store.Options{})
	if err != nil {
		return "", []store.Problem{store.Problem("open: " + err.Error())}
	}
	defer db.Close()
	problems, err := db.Check(context.Background())
	if err != nil {
		problems = append(problems, store.Problem("check: "+err.Error()))
	}
	return "", problems
}

func (c damageCase) apply(sample []byte) []byte {
	if c.Xor == 0 {
		return bytes.Clone(sample[:c.Size])
	}
	b := bytes.Clone(sample)
	b[c.At] ^= c.Xor
	return b
}

// runDamageCases runs the cases in a child process, which a real SIGSEGV
// or SIGBUS would kill: it must exit 0 with one result per case.
func runDamageCases(t *testing.T, sample []byte, cases []damageCase) map[string]damageResult {
	t.Helper()
	dir := t.TempDir()
	samplePath, casesPath := filepath.Join(dir, "sample.db"), filepath.Join(dir, "cases.json")
	js, _ := json.Marshal(cases)
	if err := os.WriteFile(samplePath, sample, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(casesPath, js, 0o600); err != nil {
		t.Fatal(err)
	}
	// A hang is a failure too: the child gets five minutes for all its
	// cases (a thousand take 22 s alone with the race detector on a 2-core
	// machine, over a minute while the rest of the suite runs beside them), and the
	// report names the case it was in.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDamageChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HELPDESK_DAMAGE_SAMPLE="+samplePath, "HELPDESK_DAMAGE_CASES="+casesPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || strings.Contains(stderr.String(), "panic") || strings.Contains(stderr.String(), "goroutine ") {
		n := bytes.Count(out, []byte("RESULT "))
		next := "none"
		if n < len(cases) {
			next = cases[n].Name
		}
		tail := out[max(0, len(out)-2000):]
		t.Fatalf("the child process died (%v) after %d cases, in case %q:\nstdout tail: %s\nstderr: %s", err, n, next, tail, stderr.String())
	}
	results := map[string]damageResult{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "RESULT ")
		if !ok {
			continue
		}
		var r damageResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		results[r.Name] = r
	}
	if len(results) != len(cases) {
		t.Fatalf("the child reported %d of %d cases", len(results), len(cases))
	}
	return results
}

// TestDamageChild is the child process of the damage tests: it does
// nothing unless they started it.
func TestDamageChild(t *testing.T) {
	samplePath := os.Getenv("HELPDESK_DAMAGE_SAMPLE")
	if samplePath == "" {
		return
	}
	sample, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(os.Getenv("HELPDESK_DAMAGE_CASES"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []damageCase
	if err := json.Unmarshal(js, &cases); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, c := range cases {
		// A file of its own per case: an Open that a fault stopped keeps
		// bbolt's lock on its file.
		path := filepath.Join(dir, fmt.Sprintf("case%d.db", i))
		if err := os.WriteFile(path, c.apply(sample), 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		r := openCheckList(path, c.Name)
		if i%10 == 0 {
			r.Salvage, r.SalvagedProblems = salvageAndCheck(path)
		}
		r.Ms = time.Since(start).Milliseconds()
		fmt.Printf("RESULT %s\n", mustJSON(r))
		os.Remove(path)
	}
}

// openCheckList opens a file, checks it and lists its users, as the
// commands do; every step may fail, none may crash.
func openCheckList(path, name string) damageResult {
	r := damageResult{Name: name}
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		var d *store.DamagedError
		r.Open, r.Damaged = err.Error(), errors.As(err, &d)
		return r
	}
	defer db.Close()
	problems, err := db.Check(context.Background())
	r.Problems = len(problems)
	if err != nil {
		r.CheckErr = err.Error()
	}
	if _, _, err := domain.NewDesk(db).Users(domain.UserFilter{}, 0, 0); err != nil {
		r.List = err.Error()
	}
	return r
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Cut short at every 4 KiB boundary and at 50 other offsets, a file is
// refused at Open (as damaged), or opens, checks and lists; nothing
// crashes. A cut below the pages the header needs is always refused.
func TestTruncatedFileIsAnErrorNeverACrash(t *testing.T) {
	sample := damageSample(t, 60)
	var cases []damageCase
	for size := 0; size < len(sample); size += 4096 {
		cases = append(cases, damageCase{Name: fmt.Sprintf("cut at %d", size), Size: size})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		size := 1 + rng.IntN(len(sample)-1)
		if size%4096 == 0 {
			size++
		}
		cases = append(cases, damageCase{Name: fmt.Sprintf("cut at %d", size), Size: size})
	}
	need := headerSize(t, sample)
	results := runDamageCases(t, sample, cases)
	refused := 0
	for _, c := range cases {
		r := results[c.Name]
		if c.Size < need && !r.Damaged {
			t.Errorf("%s of %d bytes (its header needs %d): open %q; want it refused as damaged", c.Name, len(sample), need, r.Open)
		}
		if r.Damaged {
			refused++
		}
		if len(r.SalvagedProblems) > 0 {
			t.Errorf("%s: the salvaged file does not pass check: %q", c.Name, r.SalvagedProblems)
		}
		if r.Open != "" && !strings.Contains(r.Open, "helpdesk salvage") {
			t.Errorf("%s: %q does not say what to do", c.Name, r.Open)
		}
	}
	t.Logf("%d cuts of a %d-byte file (header needs %d): %d refused as damaged", len(cases), len(sample), need, refused)
}

// headerSize is the size the file's header says it needs: its pages in use.
func headerSize(t testing.TB, file []byte) int {
	t.Helper()
	b := openBytes(t, file)
	defer b.Close()
	var n int64
	_ = b.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return int(n)
}

// 1,000 seeded byte flips, half anywhere in the file and half inside the
// bytes of a record: nothing crashes, and every flip inside a record is
// reported, by Open (refused as damaged) or by Check.
func TestFlippedBytesAreReportedNeverACrash(t *testing.T) {
	sample := damageSample(t, 60)
	ranges := recordRanges(t, sample)
	inRecord := func(at int) bool {
		for _, r := range ranges {
			if at >= r[0] && at < r[1] {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewPCG(12, 2026))
	var cases []damageCase
	for i := range 1000 {
		var at int
		if i%2 == 0 {
			at = rng.IntN(len(sample))
		} else {
			r := ranges[rng.IntN(len(ranges))]
			at = r[0] + rng.IntN(r[1]-r[0])
		}
		xor := byte(1 + rng.IntN(255))
		cases = append(cases, damageCase{Name: fmt.Sprintf("flip %d: byte %d ^ %#x", i, at, xor), At: at, Xor: xor, Record: inRecord(at)})
	}
	results := runDamageCases(t, sample, cases)
	reported, records := 0, 0
	for _, c := range cases {
		r := results[c.Name]
		if len(r.SalvagedProblems) > 0 {
			t.Errorf("%s: the salvaged file does not pass check: %q", c.Name, r.SalvagedProblems)
		}
		seen := r.Open != "" || r.Problems > 0 || r.CheckErr != ""
		if seen {
			reported++
		}
		if c.Record {
			records++
			if !seen {
				t.Errorf("%s is inside a record; check found nothing and open said nothing", c.Name)
			}
		}
	}
	if records < 500 {
		t.Errorf("only %d flips landed in records", records)
	}
	t.Logf("%d flips, %d inside records, %d reported", len(cases), records, reported)
}

// A damaged record is an error where it is read, naming the file, and the
// desk still opens: check lists it.
func TestChecksumFailureIsAnErrorWhereItIsRead(t *testing.T) {
	path := corePath(t)
	db := coreOpen(t, path)
	d := domain.NewDesk(db)
	u := coreMustUser(t, d, "priya@acme.com", "Priya Haddad")
	db.Close()
	coreRaw(t, path, func(tx *bolt.Tx) error {
		users := tx.Bucket([]byte("users"))
		v := bytes.Clone(users.Get(coreKey(uint64(u.ID))))
		i := bytes.Index(v, []byte("Haddad"))
		v[i+1] ^= 0x20 // Priya HaDdad
		return users.Put(coreKey(uint64(u.ID)), v)
	})
	db = coreOpen(t, path)
	_, err := domain.NewDesk(db).UserByEmail("priya@acme.com")
	var damaged *store.DamagedError
	if !errors.As(err, &damaged) || damaged.Path != path || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("reading the flipped user: %v; want a DamagedError naming %s and the checksum", err, path)
	}
	problems, err := db.Check(context.Background())
	if err != nil || len(problems) == 0 || !strings.Contains(string(problems[0]), fmt.Sprintf("user %d: a record fails its checksum", u.ID)) {
		t.Fatalf("check: %v %q; want the user's checksum named first", err, problems)
	}
}

// Check stops when its context is cancelled.
func TestCheckStopsWhenCancelled(t *testing.T) {
	db := coreOpen(t, corePath(t))
	if _, err := demo.Load(domain.NewDesk(db), coreAgent, 50); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Check(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("check with a cancelled context: %v", err)
	}
}

// A file from before the checksums comes out of the migration with every
// record sealed, and what was there reads the same.
func TestMigrationSealsEveryRecord(t *testing.T) {
	path := corePath(t)
	old, err := os.ReadFile(filepath.Join("testdata", "schema1.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	db := coreOpen(t, path)
	coreCheck(t, db)
	before := len(coreAllUsers(t, domain.NewDesk(db)))
	db.Close()
	plain := 0
	sealed := 0
	coreRaw(t, path, func(tx *bolt.Tx) error {
		for _, name := range []string{"users", "orgs", "audit", "templates", "outbox", "tokens", "agents", "conversations", "conv_messages", "groups", "sessions", "signin"} {
			_ = tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				if len(v) > 0 && v[0] == 0x01 {
					sealed++
				} else {
					plain++
				}
				return nil
			})
		}
		return nil
	})
	if plain != 0 || sealed < before {
		t.Fatalf("after the migration: %d records sealed, %d not; want all of them sealed", sealed, plain)
	}
}

// Salvage copies what verifies into a new file that passes check, and
// counts what it lost.
func TestSalvageKeepsWhatVerifies(t *testing.T) {
	sample := damageSample(t, 60)
	src := filepath.Join(t.TempDir(), "damaged.db")
	damaged := bytes.Clone(sample)
	// Three users' records: the last byte of each (in its JSON) flipped.
	var flipped int
	b := openBytes(t, sample)
	_ = b.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte("users")).Cursor()
		for k, v := c.First(); k != nil && flipped < 3; k, v = c.Next() {
			i := bytes.Index(sample, v)
			damaged[i+len(v)-2] ^= 0x01
			flipped++
		}
		return nil
	})
	b.Close()
	if err := os.WriteFile(src, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "salvaged.db")
	rep, err := store.Salvage(context.Background(), src, dst)
	if err != nil {
		t.Fatalf("salvage: %v", err)
	}
	var users store.SalvageCount
	for _, c := range rep.Counts {
		if c.Kind == "users" {
			users = c
		}
	}
	if users.Lost != 3 || users.Kept != 61-3 || rep.Lost() != 3 {
		t.Errorf("salvage counts: %+v (lost in all %d); want 58 users kept and 3 lost", rep.Counts, rep.Lost())
	}
	db := coreOpen(t, dst)
	coreCheck(t, db)
	if n := len(coreAllUsers(t, domain.NewDesk(db))); n != 58 {
		t.Errorf("%d users in the salvaged file; want 58", n)
	}
	if _, err := store.Salvage(context.Background(), src, dst); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("salvage onto an existing file: %v", err)
	}
}

// FuzzOpenCheck opens any bytes as a database, checks it, lists its users
// and salvages it: each step may fail, none may panic, fault or hang, and
// what salvage writes passes check. Seeded with a small desk, cut short
// and with bytes flipped.
func FuzzOpenCheck(f *testing.F) {
	sample := damageSample(f, 8)
	need := headerSize(f, sample)
	f.Add(sample[:need])
	f.Add(sample[:need-4096])
	f.Add(sample[:need/2+100])
	for _, at := range []int{8, 20, 4096 + 40, need - 3000, need - 100} {
		b := bytes.Clone(sample[:need])
		b[at] ^= 0x5a
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, file []byte) {
		// A hang is a failure too: it crashes the worker with every
		// goroutine's stack, and the fuzzer keeps the input.
		watchdog := time.AfterFunc(20*time.Second, func() {
			debug.SetTraceback("all")
			panic("open, check, list and salvage took over 20 s: a loop on a damaged page?")
		})
		defer watchdog.Stop()
		path := filepath.Join(t.TempDir(), "fuzz.db")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		r := openCheckList(path, "fuzz")
		if r.Open == "" && len(file) == 0 {
			t.Fatal("an empty file opened")
		}
		if _, problems := salvageAndCheck(path); len(problems) > 0 {
			t.Fatalf("the salvaged file does not pass check: %q", problems)
		}
	})
}

// A fault while reading the mapped file (here: the file cut short under an
// open desk, so reading its pages raises SIGBUS) is a DamagedError naming
// the file, and the DB refuses every later use with it instead of reading
// on.
func TestFaultUnderAnOpenDeskIsAnError(t *testing.T) {
	path := corePath(t)
	db := coreOpen(t, path)
	d := domain.NewDesk(db)
	if _, err := demo.Load(d, coreAgent, 300); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 8192); err != nil {
		t.Fatal(err)
	}
	_, _, err := d.Users(domain.UserFilter{}, 0, 0)
	var damaged *store.DamagedError
	if !errors.As(err, &damaged) || damaged.Path != path || !strings.Contains(err.Error(), "faulted") {
		t.Fatalf("listing users of a file cut under the desk: %v; want a DamagedError naming %s and the fault", err, path)
	}
	err = db.View(func(domain.Tx) error { return nil })
	if !errors.As(err, &damaged) {
		t.Fatalf("the next use: %v; want the same DamagedError", err)
	}
}

// Salvage of a file another process holds says so instead of reading it
// under that process.
func TestSalvageOfAHeldFileSaysSo(t *testing.T) {
	path := corePath(t)
	coreOpen(t, path) // held until the test ends
	_, err := store.Salvage(context.Background(), path, filepath.Join(t.TempDir(), "out.db"))
	if err == nil || !strings.Contains(err.Error(), "a helpdesk process holds it") {
		t.Fatalf("salvage of a held file: %v", err)
	}
}

package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
	"helpdesk/store"
)

// Benchmarks of bulk work: a bulk disable of 10,000 marked users through
// the console against the same 10,000 Desk.DisableUser calls made
// directly, measured in the same run; and View with 0, 1,000 and 100,000
// marks, which must not grow with them.
//
//	go test ./tui/ -run '^$' -bench 'BulkDisable|UsersViewMarks' -benchtime 1x -count 3
//
// (BenchmarkUsersViewMarks wants more iterations: -benchtime 2s.)

// bulkBenchDB returns a database file holding n pending users, built once
// (through the import) and kept under os.TempDir() for later runs. Each
// iteration works on a copy, since a run disables them.
func bulkBenchDB(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("helpdesk-tui-bulk-schema%d-%d.db", store.SchemaVersion(), n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".building"
	os.Remove(tmp)
	db, err := store.Open(tmp, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	desk := domain.NewDesk(db, domain.WithClock(func() time.Time { return fixedNow }))
	var csv bytes.Buffer
	csv.WriteString("email,name\n")
	for i := range n {
		fmt.Fprintf(&csv, "bulk%05d@example.com,Bulk User %05d\n", i+1, i+1)
	}
	rep, err := desk.ImportUsers(context.Background(), testActor, &csv, domain.ImportOptions{Source: "bench", AllowNear: true})
	if err != nil || rep.Imported != n {
		b.Fatalf("import: %d of %d, %v", rep.Imported, n, err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// openCopy opens a fresh copy of the database at src.
func openCopy(b *testing.B, src string) (*domain.Desk, func()) {
	b.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	dst := filepath.Join(b.TempDir(), "helpdesk.db")
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(dst, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	return domain.NewDesk(db, domain.WithClock(func() time.Time { return fixedNow })), func() { db.Close() }
}

func disabledCount(b *testing.B, desk *domain.Desk) int {
	b.Helper()
	c, err := desk.UserCounts()
	if err != nil {
		b.Fatal(err)
	}
	return c[domain.StateDisabled]
}

// BenchmarkBulkDisable disables 10,000 marked users.
//
//   - console: the driver presses b, enter (Disable), y; the run (one
//     DisableUser per row on its goroutine, progress, summary, the list's
//     refresh) goes until the summary is on the status line.
//   - program: the same keys through the real Bubble Tea program
//     (teatest), with the live subscription: every commit's event reaches
//     the Users screen, which refreshes while the run goes on.
//   - direct: the baseline, 10,000 Desk.DisableUser calls in a loop.
//
// Every variant works on a fresh copy of the same file, opened without
// fsync (as every console test here): the figures compare the console's
// overhead, not the disk.
func BenchmarkBulkDisable(b *testing.B) {
	const n = 10_000
	src := bulkBenchDB(b, n)
	done := thousands(n) + " users disabled."
	b.Run("console", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			desk, closeDB := openCopy(b, src)
			d := newDriver(b, desk, 120, 40)
			d.keys("home", " ", "end", "V")
			if got := usersTab(d).marks.Len(); got != n {
				b.Fatalf("%d marked, want %d", got, n)
			}
			b.StartTimer()
			d.keys("b", "enter", "y")
			b.StopTimer()
			if !strings.Contains(d.view(), done) || disabledCount(b, desk) != n {
				b.Fatalf("run not done:\n%s", d.view())
			}
			closeDB()
			b.StartTimer()
		}
	})
	b.Run("program", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			desk, closeDB := openCopy(b, src)
			tm := teatest.NewTestModel(b, newTestModel(desk), teatest.WithInitialTermSize(120, 40))
			waitOut(b, tm, "All "+thousands(n))
			sendKeys(tm, "home", " ", "end")
			waitOut(b, tm, thousands(n)+" of "+thousands(n))
			sendKeys(tm, "V")
			waitOut(b, tm, thousands(n)+" marked")
			b.StartTimer()
			sendKeys(tm, "b", "enter", "y")
			waitOut(b, tm, done)
			b.StopTimer()
			if disabledCount(b, desk) != n {
				b.Fatal("not every user is disabled")
			}
			sendKeys(tm, "q")
			tm.WaitFinished(b, teatest.WithFinalTimeout(10*time.Second))
			closeDB()
			b.StartTimer()
		}
	})
	b.Run("direct", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			desk, closeDB := openCopy(b, src)
			us, _, err := desk.Users(domain.UserFilter{}, 0, 0)
			if err != nil || len(us) != n {
				b.Fatalf("%d users, %v", len(us), err)
			}
			b.StartTimer()
			for _, u := range us {
				if _, err := desk.DisableUser(testActor, u.ID, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if disabledCount(b, desk) != n {
				b.Fatal("not every user is disabled")
			}
			closeDB()
			b.StartTimer()
		}
	})
}

// waitOut waits until the program's output holds every word.
func waitOut(tb testing.TB, tm *teatest.TestModel, words ...string) {
	tb.Helper()
	teatest.WaitFor(tb, tm.Output(), func(out []byte) bool {
		for _, w := range words {
			if !bytes.Contains(out, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Minute), teatest.WithCheckInterval(10*time.Millisecond))
}

// BenchmarkUsersViewMarks draws the users screen at 120x40 with 0, 1,000
// and 100,000 users marked (among them the rows on show) over 100,000
// users: the time must not grow with the marks, since a frame asks the set
// only about the visible rows.
func BenchmarkUsersViewMarks(b *testing.B) {
	const n = 100_000
	desk := openBench(b, n)
	us, _, err := desk.Users(domain.UserFilter{}, 0, 0)
	if err != nil || len(us) != n {
		b.Fatalf("%d users, %v", len(us), err)
	}
	for _, k := range []int{0, 1_000, 100_000} {
		b.Run("marks="+strconv.Itoa(k), func(b *testing.B) {
			d := newDriver(b, desk, 120, 40)
			s := usersTab(d)
			ids := make([]domain.ID, k)
			for i := range ids {
				ids[i] = us[i].ID
			}
			s.marks.Add(ids)
			d.keys("down") // the cursor on a marked row from 1,000 marks
			v := d.view()
			if k > 0 && !strings.Contains(v, markedText(k)) {
				b.Fatalf("marks not shown:\n%s", v)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = d.m.View()
			}
		})
	}
}

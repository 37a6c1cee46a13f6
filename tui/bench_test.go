package tui

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/store"
)

// Benchmarks of the budgets in DESIGN.md. The 1,000,000-user database is
// built once with the demo loader (its bulk import) and kept under
// os.TempDir(), keyed by schema version and size, for later runs.
//
//	go test ./tui/ -run '^$' -bench . -benchmem -benchtime 2s

var bigDBs sync.Map

// benchDB returns the path of a database holding the demo organizations
// and n demo users.
func benchDB(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("helpdesk-tui-bench-schema%d-%d.db", store.SchemaVersion(), n))
	if _, ok := bigDBs.Load(path); ok {
		return path
	}
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		tmp := path + ".building"
		os.Remove(tmp)
		db, err := store.Open(tmp, store.Options{NoSync: true})
		if err != nil {
			tb.Fatal(err)
		}
		desk := domain.NewDesk(db, domain.WithClock(func() time.Time { return fixedNow }))
		if _, err := demo.Load(desk, testActor, n); err != nil {
			tb.Fatal(err)
		}
		if err := db.Close(); err != nil {
			tb.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("built %s in %s", path, time.Since(start).Round(time.Millisecond))
	}
	bigDBs.Store(path, true)
	return path
}

func openBench(tb testing.TB, n int) *domain.Desk {
	tb.Helper()
	db, err := store.Open(benchDB(tb, n), store.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return domain.NewDesk(db, domain.WithClock(func() time.Time { return fixedNow }))
}

// BenchmarkUsersView draws the users screen (the whole frame: header,
// list, status and help line) at 120x40. It should not depend on n.
func BenchmarkUsersView(b *testing.B) {
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		for _, n := range []int{1_000, 1_000_000} {
			b.Run(profileName(profile)+"/"+strconv.Itoa(n), func(b *testing.B) {
				r := lipgloss.NewRenderer(io.Discard)
				r.SetColorProfile(profile)
				r.SetHasDarkBackground(true)
				m := New(Options{Desk: openBench(b, n), Actor: testActor, Renderer: r, Location: time.UTC})
				d := newDriverWith(b, m, 120, 40)
				d.keys("pgdown") // a cursor away from the top, as when browsing
				if !strings.Contains(d.view(), " of "+thousands(n)) {
					b.Fatalf("list not loaded:\n%s", d.view())
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					_ = d.m.View()
				}
			})
		}
	}
}

func profileName(p termenv.Profile) string {
	if p == termenv.Ascii {
		return "ascii"
	}
	return "truecolor"
}

// BenchmarkUsersScroll moves the cursor one row and draws, as holding the
// down arrow does; page fetches run as commands and are included.
func BenchmarkUsersScroll(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			d := newDriver(b, openBench(b, n), 120, 40)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if i%(n-1) == n-2 {
					d.keys("home")
				}
				d.keys("down")
				_ = d.m.View()
			}
		})
	}
}

// BenchmarkTableBaseline is the stock alternative: bubbles/table holding
// every user as a row (it wants them all in memory), scrolled one row and
// drawn per iteration. Building its rows is a full decode of every user:
// that cost is reported as decode-ms, once.
func BenchmarkTableBaseline(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			desk := openBench(b, n)
			start := time.Now()
			rows := allRows(b, desk)
			decode := time.Since(start)
			t := table.New(
				table.WithColumns([]table.Column{{Title: "EMAIL", Width: 40}, {Title: "NAME", Width: 28}, {Title: "ORGANIZATION", Width: 26}, {Title: "STATE", Width: 11}}),
				table.WithRows(rows), table.WithHeight(34), table.WithFocused(true))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if i%(n-1) == n-2 {
					t.GotoTop()
				}
				t.MoveDown(1)
				_ = t.View()
			}
			b.ReportMetric(float64(decode.Milliseconds()), "decode-ms")
		})
	}
}

func allRows(tb testing.TB, desk *domain.Desk) []table.Row {
	names, err := desk.OrgNames()
	if err != nil {
		tb.Fatal(err)
	}
	var rows []table.Row
	var after domain.ID
	for {
		page, next, err := desk.Users(domain.UserFilter{}, after, 10_000)
		if err != nil {
			tb.Fatal(err)
		}
		for _, u := range page {
			rows = append(rows, table.Row{sanitizeLine(u.Email), sanitizeLine(u.Name), names[u.OrgID], string(u.State)})
		}
		if next == 0 {
			return rows
		}
		after = next
	}
}

// BenchmarkFirstFrame is the time from opening the database to the first
// frame holding data: open the store, build the root model, run Init's
// commands (one page of users, the O(1) counts, organization names) and
// draw. The suggestion index builds in the background, as the console does.
func BenchmarkFirstFrame(b *testing.B) {
	path := benchDB(b, 1_000_000)
	for b.Loop() {
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		desk := domain.NewDesk(db)
		warm := make(chan struct{})
		go func() { _ = WarmUp(desk); close(warm) }()
		d := newDriver(b, desk, 120, 40)
		if v := d.view(); !strings.Contains(v, "1 of 1,000,000") {
			b.Fatalf("first frame without data:\n%s", v)
		}
		// Let the background build finish before the next round, untimed,
		// so rounds do not compete with each other's builds.
		b.StopTimer()
		<-warm
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkNaiveStart is the baseline for BenchmarkFirstFrame: decoding
// every user before drawing, as a list fed all rows at start would.
func BenchmarkNaiveStart(b *testing.B) {
	path := benchDB(b, 1_000_000)
	for b.Loop() {
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows := allRows(b, domain.NewDesk(db))
		if len(rows) != 1_000_000 {
			b.Fatalf("%d rows", len(rows))
		}
		db.Close()
	}
}

// BenchmarkWarmSuggest is the suggestion index build the console starts
// alongside the first frame: until Desk.WarmSuggest returns (prefix and
// exact usable), then until the near matches are ready (ready-ms).
func BenchmarkWarmSuggest(b *testing.B) {
	path := benchDB(b, 1_000_000)
	var ready time.Duration
	for b.Loop() {
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		desk := domain.NewDesk(db)
		start := time.Now()
		if err := desk.WarmSuggest(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := desk.WaitSuggestReady(); err != nil {
			b.Fatal(err)
		}
		ready += time.Since(start)
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(ready.Milliseconds())/float64(b.N), "ready-ms")
}

// BenchmarkConsoleRSS reports the resident memory of a fresh process with
// the console open on the 1,000,000-user database: store open, suggestion
// index built (near matches included), root model initialised, a frame
// drawn and a filter query answered. It runs in a child process so nothing
// else this test binary allocated counts. VmHWM is the peak, reached while
// the suggestion index builds its near-match structures.
func BenchmarkConsoleRSS(b *testing.B) {
	path := benchDB(b, 1_000_000)
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConsoleRSSChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "HELPDESK_TUI_RSS_DB="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		for _, field := range []string{"VmRSS", "RssAnon", "RssFile", "VmHWM"} {
			if kb, ok := statusField(string(out), "CHILD "+field+":"); ok {
				b.ReportMetric(float64(kb)/1024, field+"-MiB")
			}
		}
	}
}

// TestConsoleRSSChild is BenchmarkConsoleRSS's child; it does nothing in a
// normal test run.
func TestConsoleRSSChild(t *testing.T) {
	path := os.Getenv("HELPDESK_TUI_RSS_DB")
	if path == "" {
		t.Skip("run by BenchmarkConsoleRSS")
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	desk := domain.NewDesk(db)
	// As the console does (in the background there), then measured once
	// everything is built.
	if err := WarmUp(desk); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, desk, 120, 40)
	d.keys("pgdown", "/", "kofi.ng")
	d.mustShow("kofi.ng")
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, field := range []string{"VmRSS:", "RssAnon:", "RssFile:", "VmHWM:"} {
		if kb, ok := statusField(string(status), field); ok {
			fmt.Printf("CHILD %s %d kB\n", field, kb)
		}
	}
}

func statusField(s, name string) (int, bool) {
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, name); i >= 0 {
			f := strings.Fields(line[i+len(name):])
			if len(f) > 0 {
				n, err := strconv.Atoi(f[0])
				return n, err == nil
			}
		}
	}
	return 0, false
}

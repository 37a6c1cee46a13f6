package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/store"
)

// benchConvUsers is how many demo users the conversations are spread over.
const benchConvUsers = 1_000

// convBenchDB returns the path of a database holding the demo
// organizations, benchConvUsers demo users and n conversations, built once
// and kept under os.TempDir(), keyed by schema version and size. The
// conversations are written straight through the store's transactions,
// 10,000 a commit, without fsync: the Desk has no bulk path for them, and a
// million NewConversation calls (one commit, one mail and one audit entry
// each) would take minutes. The store keeps its indexes (status,
// requester) as it does for the Desk's writes.
func convBenchDB(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("helpdesk-tui-bench-conv-schema%d-%d.db", store.SchemaVersion(), n))
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
		if _, err := demo.Load(desk, testActor, benchConvUsers); err != nil {
			tb.Fatal(err)
		}
		users, _, err := desk.Users(domain.UserFilter{}, 0, 0)
		if err != nil || len(users) == 0 {
			tb.Fatalf("users: %d, %v", len(users), err)
		}
		const batch = 10_000
		for done := 0; done < n; done += batch {
			err := db.Update(func(tx domain.Tx) error {
				for i := done; i < min(done+batch, n); i++ {
					u := users[i%len(users)]
					id, err := tx.NextConversationID()
					if err != nil {
						return err
					}
					at := fixedNow.Add(time.Duration(i-n) * time.Second)
					c := domain.Conversation{
						ID: id, Subject: "Question " + strconv.Itoa(i) + " about the invoice", RequesterID: u.ID, OrgID: u.OrgID,
						Status: domain.ConvStatuses[i%len(domain.ConvStatuses)], ThreadID: fmt.Sprintf("<conv.%d.bench@hd.example>", id),
						Messages: 1, Version: 1, CreatedAt: at, UpdatedAt: at, UpdatedBy: testActor.String(),
					}
					if err := tx.PutConversation(&c); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				tb.Fatal(err)
			}
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

// BenchmarkInboxView draws the whole frame with the inbox open (open
// conversations, the first page loaded, the cursor a page down) at
// 120x40. It should not depend on the number of conversations:
//
//	go test ./tui/ -run '^$' -bench InboxView -benchmem
func BenchmarkInboxView(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			db, err := store.Open(convBenchDB(b, n), store.Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			desk := domain.NewDesk(db, domain.WithClock(func() time.Time { return fixedNow }))
			d := newDriver(b, desk, 120, 40)
			d.keys("i", "pgdown")
			if v := d.view(); !strings.Contains(v, "[open]") || !strings.Contains(v, " of ") {
				b.Fatalf("inbox not loaded:\n%s", v)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = d.m.View()
			}
		})
	}
}

// BenchmarkInboxFirstPage opens an inbox screen (open conversations) and
// draws its first frame with the first page loaded: what an agent waits
// for after pressing i.
//
//	go test ./tui/ -run '^$' -bench 'InboxFirstPage|InboxScroll' -benchmem
func BenchmarkInboxFirstPage(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			d := convBenchDriver(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				d.run(d.m.push(newInboxScreen(d.m.c, 0, "")))
				if v := d.m.View(); !strings.Contains(v, " of ") {
					b.Fatalf("inbox not loaded:\n%s", v)
				}
				d.m.stack = nil
			}
		})
	}
}

// BenchmarkInboxScroll opens an inbox screen and pages down through the
// first 5,000 open conversations (or all there are), drawing every frame:
// the pages read on the way and the rows kept.
func BenchmarkInboxScroll(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			d := convBenchDriver(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				d.run(d.m.push(newInboxScreen(d.m.c, 0, "")))
				for range 5_000 / 36 {
					d.keys("pgdown")
					_ = d.m.View()
				}
				d.m.stack = nil
			}
		})
	}
}

func convBenchDriver(b *testing.B, n int) *driver {
	db, err := store.Open(convBenchDB(b, n), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	desk := domain.NewDesk(db, domain.WithClock(func() time.Time { return fixedNow }))
	return newDriver(b, desk, 120, 40)
}

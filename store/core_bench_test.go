package store_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/store"
)

// Benchmarks of the data core against bare bbolt on the same disk, in the
// same run. They build their data (up to a million users) only when they
// run, that is with -bench; plain `go test` never builds any of it.
// How to run them and the figures measured: BENCHMARKS-core.md.

// benchLatencies records one duration per operation and reports percentiles.
type benchLatencies []time.Duration

func (l benchLatencies) pct(p float64) time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func (l benchLatencies) mean() time.Duration {
	var sum time.Duration
	for _, d := range l {
		sum += d
	}
	return sum / time.Duration(len(l))
}

func (l benchLatencies) report(b *testing.B, prefix string) {
	b.ReportMetric(float64(l.pct(0.50).Nanoseconds()), prefix+"p50-ns")
	b.ReportMetric(float64(l.pct(0.99).Nanoseconds()), prefix+"p99-ns")
	b.ReportMetric(float64(l.mean().Nanoseconds()), prefix+"mean-ns")
}

// benchValue is a ~300-byte JSON user record, as the desk stores one.
func benchValue(b *testing.B) []byte {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	v, err := json.Marshal(domain.User{ID: 123456, Email: "carla.garcia123456@umbrella-health.org", Name: "Carla Garcia",
		OrgID: 5, TimeZone: "America/Los_Angeles", Language: "pt-BR", Phone: "+1 555 0123", Role: domain.RoleCustomer,
		State: domain.StatePending, Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: "ann@desk"})
	if err != nil {
		b.Fatal(err)
	}
	return v
}

var benchFileSeq atomic.Int64

func benchFile(dir, what string) string {
	return filepath.Join(dir, fmt.Sprintf("%s-%d.db", what, benchFileSeq.Add(1)))
}

// benchDesk opens a durable desk with the demo organizations and warm-up
// users, so a create does the domain lookups and index updates it does in
// real use.
func benchDesk(b *testing.B, dir string) (*store.DB, *domain.Desk) {
	db, err := store.Open(benchFile(dir, "desk"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d := domain.NewDesk(db)
	for _, o := range demo.Orgs {
		if _, err := d.CreateOrg(coreAgent, o); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 200 {
		if _, err := d.CreateUser(coreAgent, domain.UserInput{Email: fmt.Sprintf("warm%d@acme.com", i), Name: "Warm Up"}); err != nil {
			b.Fatal(err)
		}
	}
	return db, d
}

func benchInput(i int) domain.UserInput {
	return domain.UserInput{Email: fmt.Sprintf("carla.garcia%d@acme.com", i), Name: "Carla Garcia",
		TimeZone: "America/Los_Angeles", Language: "pt-BR", Phone: "+1 555 0123"}
}

// benchBare opens a bare bbolt file (fsync on, bbolt defaults) with one bucket.
func benchBare(b *testing.B, dir string) *bolt.DB {
	db, err := bolt.Open(benchFile(dir, "bare"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("users")); return err }); err != nil {
		b.Fatal(err)
	}
	return db
}

func benchBarePut(db *bolt.DB, v []byte) error {
	return db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("users"))
		seq, err := bk.NextSequence()
		if err != nil {
			return err
		}
		return bk.Put(coreKey(seq), v)
	})
}

// BenchmarkCreateUserDurable: one Desk.CreateUser (validation, uniqueness,
// domain lookup, record, email index, counters, audit entry, one fsynced
// commit) against one bare bbolt Put+commit of a ~300-byte value, both in
// the same temp dir. "interleaved" alternates the two so both see the same
// disk at the same moment; its ratio is the budget figure (within 1.5x).
func BenchmarkCreateUserDurable(b *testing.B) {
	dir := b.TempDir()
	v := benchValue(b)
	b.Run("desk", func(b *testing.B) {
		db, d := benchDesk(b, dir)
		defer db.Close()
		lat := make(benchLatencies, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			t0 := time.Now()
			if _, err := d.CreateUser(coreAgent, benchInput(i)); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		lat.report(b, "")
	})
	b.Run("bare", func(b *testing.B) {
		db := benchBare(b, dir)
		defer db.Close()
		lat := make(benchLatencies, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			t0 := time.Now()
			if err := benchBarePut(db, v); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		lat.report(b, "")
	})
	// mail: what the creation queues; "" is the default (a verification
	// mail with a set-password token, written in the same transaction),
	// "none" is the agent's "don't send".
	for _, mail := range []string{"", "none"} {
		name := "interleaved"
		if mail != "" {
			name += "/mail=" + mail
		}
		b.Run(name, func(b *testing.B) {
			db, d := benchDesk(b, dir)
			defer db.Close()
			bare := benchBare(b, dir)
			defer bare.Close()
			desk := make(benchLatencies, 0, b.N)
			base := make(benchLatencies, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				in := benchInput(i)
				in.Mail = mail
				t0 := time.Now()
				if _, err := d.CreateUser(coreAgent, in); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := benchBarePut(bare, v); err != nil {
					b.Fatal(err)
				}
				desk, base = append(desk, t1.Sub(t0)), append(base, time.Since(t1))
			}
			b.StopTimer()
			desk.report(b, "desk-")
			base.report(b, "bare-")
			b.ReportMetric(float64(desk.pct(0.5))/float64(base.pct(0.5)), "ratio-p50")
			b.ReportMetric(float64(desk.mean())/float64(base.mean()), "ratio-mean")
		})
	}
}

// benchCSV writes n demo users as an import file (not timed).
func benchCSV(b *testing.B, dir string, n int) string {
	path := filepath.Join(dir, fmt.Sprintf("users-%d.csv", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := demo.WriteUsersCSV(w, n); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// heapPeak samples the heap every few milliseconds until stopped (with
// runtime/metrics: no stop-the-world) and keeps two peaks: heap objects
// (live and not yet collected: what the process must hold) and the live
// heap as of the last GC (what the import really keeps).
type heapPeak struct {
	stop chan struct{}
	peak chan [2]uint64
}

func heapNow() uint64 { return heapRead()[0] }

func heapRead() [2]uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return [2]uint64{s[0].Value.Uint64(), s[1].Value.Uint64()}
}

func startHeapPeak() *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), peak: make(chan [2]uint64, 1)}
	go func() {
		var peak [2]uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			now := heapRead()
			peak = [2]uint64{max(peak[0], now[0]), max(peak[1], now[1])}
			select {
			case <-h.stop:
				h.peak <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// done returns the peaks of heap objects and of live heap, in bytes.
func (h *heapPeak) done() (objects, live uint64) {
	close(h.stop)
	p := <-h.peak
	return p[0], p[1]
}

const mib = 1 << 20

// mibAbove is how far v is above base, in MiB.
func mibAbove(v, base uint64) float64 {
	if v < base {
		return 0
	}
	return float64(v-base) / mib
}

// benchDemoOrgs creates the demo organizations, so imported users join
// them by domain as in real use, and returns domain -> organization id.
func benchDemoOrgs(b *testing.B, d *domain.Desk) map[string]domain.ID {
	byDomain := map[string]domain.ID{}
	for _, in := range demo.Orgs {
		o, err := d.CreateOrg(coreAgent, in)
		if err != nil {
			b.Fatal(err)
		}
		for _, dom := range o.Domains {
			byDomain[dom] = o.ID
		}
	}
	return byDomain
}

// benchReadUsers turns the CSV into the records the import writes (not
// timed): what the bare load stores.
func benchReadUsers(b *testing.B, path string, byDomain map[string]domain.ID) []domain.User {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	var us []domain.User
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return us
		}
		if err != nil {
			b.Fatal(err)
		}
		// email, name, time_zone, language, phone, role
		var org domain.ID
		dom := rec[0][strings.LastIndexByte(rec[0], '@')+1:]
		for _, cand := range domain.AssignmentCandidates(dom) {
			if id, ok := byDomain[cand]; ok {
				org = id
				break
			}
		}
		us = append(us, domain.User{Email: rec[0], Name: rec[1], OrgID: org, TimeZone: rec[2], Language: rec[3],
			Phone: rec[4], Role: domain.Role(rec[5]), State: domain.StatePending, Version: 1,
			CreatedAt: now, UpdatedAt: now, UpdatedBy: coreAgent.String()})
	}
}

// benchBareLoad is the baseline of the budget: records JSON-encoded in
// 10,000-put transactions with sequential keys and full pages, then the
// email index built afterwards in sorted order, 10,000 puts a transaction.
// It returns the average encoded record size.
func benchBareLoad(b *testing.B, path string, us []domain.User) int {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const batch = 10000
	type entry struct {
		key string
		id  uint64
	}
	index := make([]entry, 0, len(us))
	total := 0
	for start := 0; start < len(us); start += batch {
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("users"))
			if err != nil {
				return err
			}
			bk.FillPercent = 1.0
			for i := start; i < min(start+batch, len(us)); i++ {
				seq, err := bk.NextSequence()
				if err != nil {
					return err
				}
				us[i].ID = domain.ID(seq)
				v, err := json.Marshal(&us[i])
				if err != nil {
					return err
				}
				total += len(v)
				if err := bk.Put(coreKey(seq), v); err != nil {
					return err
				}
				index = append(index, entry{strings.ToLower(us[i].Email), seq})
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	slices.SortFunc(index, func(x, y entry) int { return strings.Compare(x.key, y.key) })
	for start := 0; start < len(index); start += batch {
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("users_by_email"))
			if err != nil {
				return err
			}
			for _, e := range index[start:min(start+batch, len(index))] {
				if err := bk.Put([]byte(e.key), coreKey(e.id)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return total / max(1, len(us))
}

func fileMiB(b *testing.B, path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return float64(fi.Size()) / mib
}

// BenchmarkImport: Desk.ImportUsers of a demo CSV (written beforehand, not
// timed) into a durable store, against the bare bbolt load of the same
// records in the same run and folder. ns/op is the import alone. Also
// reported: the peak of live heap during the import above what was live
// before it, to compare file sizes.
func BenchmarkImport(b *testing.B) {
	dir := b.TempDir()
	for _, n := range []int{250_000, 1_000_000} {
		csvPath := benchCSV(b, dir, n)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			var deskTime, bareTime time.Duration
			var peak, peakLive, after, deskMiB, bareMiB float64
			var recSize int
			b.ReportAllocs()
			b.StopTimer()
			for range b.N {
				path := benchFile(dir, "import")
				db, err := store.Open(path, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				d := domain.NewDesk(db)
				byDomain := benchDemoOrgs(b, d)
				f, err := os.Open(csvPath)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				before := heapRead()
				h := startHeapPeak()
				t0 := time.Now()
				b.StartTimer()
				rep, err := d.ImportUsers(context.Background(), coreAgent, bufio.NewReaderSize(f, 1<<16), domain.ImportOptions{Source: "bench.csv"})
				b.StopTimer()
				deskTime += time.Since(t0)
				objects, live := h.done()
				peak += mibAbove(objects, before[0])
				peakLive += mibAbove(live, before[1])
				f.Close()
				if err != nil || rep.Imported != n {
					b.Fatalf("import: %+v, %v", rep, err)
				}
				runtime.GC()
				after += float64(heapNow()) / mib
				if err := db.Close(); err != nil {
					b.Fatal(err)
				}
				deskMiB += fileMiB(b, path)
				os.Remove(path)

				us := benchReadUsers(b, csvPath, byDomain)
				barePath := benchFile(dir, "bare-load")
				t1 := time.Now()
				recSize = benchBareLoad(b, barePath, us)
				bareTime += time.Since(t1)
				bareMiB += fileMiB(b, barePath)
				os.Remove(barePath)
				us = nil
				runtime.GC()
			}
			N := float64(b.N)
			b.ReportMetric(deskTime.Seconds()/N, "desk-s")
			b.ReportMetric(bareTime.Seconds()/N, "bare-s")
			b.ReportMetric(float64(deskTime)/float64(bareTime), "ratio")
			b.ReportMetric(peak/N, "peak-heap-MiB")
			b.ReportMetric(peakLive/N, "peak-live-heap-MiB")
			b.ReportMetric(after/N, "heap-after-gc-MiB")
			b.ReportMetric(deskMiB/N, "desk-file-MiB")
			b.ReportMetric(bareMiB/N, "bare-file-MiB")
			b.ReportMetric(float64(recSize), "bare-record-bytes")
		})
	}
}

// BenchmarkOpen1M: opening a desk of 1,000,000 users (built beforehand by
// an import, not timed; warm page cache). "open" is store.Open alone
// (migrations checked, import mark looked at); "open+warm-suggest" adds
// Desk.WarmSuggest, the suggest index built from the keys-only email index,
// and reports the heap the index holds; "near-ready" also waits until the
// near-match structures are built.
func BenchmarkOpen1M(b *testing.B) {
	const n = 1_000_000
	dir := b.TempDir()
	path := filepath.Join(dir, "desk.db")
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	d := domain.NewDesk(db)
	benchDemoOrgs(b, d)
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(demo.WriteUsersCSV(pw, n)) }()
	rep, err := d.ImportUsers(context.Background(), coreAgent, pr, domain.ImportOptions{Source: "bench"})
	pr.Close()
	if err != nil || rep.Imported != n {
		b.Fatalf("build: %+v, %v", rep, err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("database of %d users: %.0f MiB", n, fileMiB(b, path))
	probe := benchProbe(b, path, n/2)

	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			db, err := store.Open(path, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("open+warm-suggest", func(b *testing.B) {
		var heap float64
		for b.Loop() {
			runtime.GC()
			before := heapNow()
			func() {
				db, err := store.Open(path, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				d := domain.NewDesk(db)
				if err := d.WarmSuggest(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				defer b.StartTimer()
				// Usable at once: the exact match of an existing email.
				s, err := d.Suggest(probe, 5)
				if ex, ok := s.Exact(); err != nil || !ok || ex.User.Email != probe {
					b.Fatalf("suggest %s after warm-up: %+v, %v", probe, s, err)
				}
				runtime.GC()
				heap += mibAbove(heapNow(), before)
				if err := d.WaitSuggestReady(); err != nil {
					b.Fatal(err)
				}
			}()
		}
		b.ReportMetric(heap/float64(b.N), "suggest-heap-MiB")
	})
	b.Run("near-ready", func(b *testing.B) {
		for b.Loop() {
			func() {
				db, err := store.Open(path, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				if err := domain.NewDesk(db).WaitSuggestReady(); err != nil {
					b.Fatal(err)
				}
			}()
		}
	})
}

// benchProbe returns the email of one user of the database.
func benchProbe(b *testing.B, path string, id int) string {
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	u, err := domain.NewDesk(db).User(domain.ID(id))
	if err != nil {
		b.Fatal(err)
	}
	return u.Email
}

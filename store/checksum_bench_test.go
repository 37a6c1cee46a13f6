package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

// BenchmarkChecksum: what the record envelope (CRC-32C) costs, beside the
// same work with plain-JSON records in the same iteration (envelope on,
// then off, in the same folder). For each setting it measures a durable
// create of one user (mean of 200, on a desk of 200 users), an import of N
// users from a demo CSV, opening the imported file, and checking it. N is
// HELPDESK_BENCH_USERS, 1,000,000 by default. Run with -benchtime=1x and
// -count 3 or more; read the extra columns (on-*, off-*, and ratio-* =
// on / off).
func BenchmarkChecksum(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("HELPDESK_BENCH_USERS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	csvPath := benchCSV(b, dir, n)
	type cost struct{ create, imp, open, check time.Duration }
	measure := func(b *testing.B, on bool) cost {
		was := store.SetChecksums(on)
		defer store.SetChecksums(was)
		var c cost
		c.create = benchCreateMean(b, dir, 200)
		path := benchFile(dir, "sum")
		defer os.Remove(path)
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		d := domain.NewDesk(db)
		benchDemoOrgs(b, d)
		f, err := os.Open(csvPath)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		rep, err := d.ImportUsers(context.Background(), coreAgent, bufio.NewReaderSize(f, 1<<16), domain.ImportOptions{Source: "bench.csv"})
		c.imp = time.Since(t0)
		f.Close()
		if err != nil || rep.Imported != n {
			b.Fatalf("import: %+v, %v", rep, err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		t0 = time.Now()
		db, err = store.Open(path, store.Options{})
		c.open = time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		t0 = time.Now()
		problems, err := db.Check(context.Background())
		c.check = time.Since(t0)
		if err != nil || len(problems) > 0 {
			b.Fatalf("check: %v %q", err, problems)
		}
		return c
	}
	var on, off cost
	for range b.N {
		a, z := measure(b, true), measure(b, false)
		on.create, on.imp, on.open, on.check = on.create+a.create, on.imp+a.imp, on.open+a.open, on.check+a.check
		off.create, off.imp, off.open, off.check = off.create+z.create, off.imp+z.imp, off.open+z.open, off.check+z.check
	}
	N := float64(b.N)
	for _, m := range []struct {
		name   string
		on, of time.Duration
		unit   float64
		suffix string
	}{
		{"create", on.create, off.create, 1e3, "-us"},
		{"import", on.imp, off.imp, 1e9, "-s"},
		{"open", on.open, off.open, 1e6, "-ms"},
		{"check", on.check, off.check, 1e9, "-s"},
	} {
		b.ReportMetric(float64(m.on)/m.unit/N, "on-"+m.name+m.suffix)
		b.ReportMetric(float64(m.of)/m.unit/N, "off-"+m.name+m.suffix)
		b.ReportMetric(float64(m.on)/float64(m.of), "ratio-"+m.name)
	}
}

// benchCreateMean is the mean time of one durable Desk.CreateUser, over
// count creates on a fresh desk.
func benchCreateMean(b *testing.B, dir string, count int) time.Duration {
	db, d := benchDesk(b, dir)
	defer db.Close()
	t0 := time.Now()
	for i := range count {
		if _, err := d.CreateUser(coreAgent, benchInput(i)); err != nil {
			b.Fatal(fmt.Errorf("create: %w", err))
		}
	}
	return time.Since(t0) / time.Duration(count)
}

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
// same work with plain-JSON records (sum=off) in the same run and folder.
// Each iteration measures, for one setting: a durable create of one user
// (mean of 200, on a desk of 200 users), an import of N users from a demo
// CSV, opening the imported file, and checking it. N is
// HELPDESK_BENCH_USERS, 1,000,000 by default. Run with -benchtime=1x and
// -count 3 or more; read the extra columns.
func BenchmarkChecksum(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("HELPDESK_BENCH_USERS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	csvPath := benchCSV(b, dir, n)
	for _, on := range []bool{true, false} {
		name := "sum=on"
		if !on {
			name = "sum=off"
		}
		b.Run(name, func(b *testing.B) {
			was := store.SetChecksums(on)
			defer store.SetChecksums(was)
			var create, imp, open, check time.Duration
			for range b.N {
				create += benchCreateMean(b, dir, 200)
				path := benchFile(dir, "sum")
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
				imp += time.Since(t0)
				f.Close()
				if err != nil || rep.Imported != n {
					b.Fatalf("import: %+v, %v", rep, err)
				}
				if err := db.Close(); err != nil {
					b.Fatal(err)
				}
				t0 = time.Now()
				db, err = store.Open(path, store.Options{})
				open += time.Since(t0)
				if err != nil {
					b.Fatal(err)
				}
				t0 = time.Now()
				problems, err := db.Check(context.Background())
				check += time.Since(t0)
				if err != nil || len(problems) > 0 {
					b.Fatalf("check: %v %q", err, problems)
				}
				db.Close()
				os.Remove(path)
			}
			N := float64(b.N)
			b.ReportMetric(float64(create.Microseconds())/N, "create-us")
			b.ReportMetric(imp.Seconds()/N, "import-s")
			b.ReportMetric(float64(open.Microseconds())/N/1000, "open-ms")
			b.ReportMetric(check.Seconds()/N, "check-s")
		})
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

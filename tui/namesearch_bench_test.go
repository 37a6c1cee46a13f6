package tui

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkWarmNames is the name index build the console starts after the
// email index (tui.WarmUp): every user record of the 1,000,000-user desk
// read and its words indexed.
func BenchmarkWarmNames(b *testing.B) {
	for b.Loop() {
		desk := openBench(b, 1_000_000)
		if err := desk.WarmNames(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindUsersKeystroke is one keystroke of / on Users end to end
// at 1,000,000 users: Desk.FindUsers with the users list's limit (200),
// the name index query and reading the users it found from the store,
// for names typed a key at a time.
func BenchmarkFindUsersKeystroke(b *testing.B) {
	desk := openBench(b, 1_000_000)
	if err := desk.WarmNames(); err != nil {
		b.Fatal(err)
	}
	if err := desk.WaitSuggestReady(); err != nil {
		b.Fatal(err)
	}
	var keys []string
	for _, q := range []string{"kofi nguyen", "nguyen kofi", "uma tanaka", "rossi ann", "kowalski", "lena.haddad", "priya patel", "mateo"} {
		for k := 1; k <= len(q); k++ {
			if q[k-1] != ' ' {
				keys = append(keys, q[:k])
			}
		}
	}
	// The baseline is what / asked before, the email suggestions
	// (Desk.Suggest) with the same limit: both read the users they found.
	var lat, base []float64
	for b.Loop() {
		for _, q := range keys {
			t0 := time.Now()
			res, err := desk.FindUsers(q, searchLimit)
			lat = append(lat, float64(time.Since(t0)))
			if err != nil || len(res.Users) == 0 && q == "kofi nguyen" {
				b.Fatalf("%q: %v", q, err)
			}
			t0 = time.Now()
			if _, err := desk.Suggest(q, searchLimit); err != nil {
				b.Fatal(err)
			}
			base = append(base, float64(time.Since(t0)))
		}
	}
	pct := func(v []float64, q float64) float64 {
		slices.Sort(v)
		return v[min(len(v)-1, int(q*float64(len(v))))]
	}
	b.ReportMetric(pct(lat, 0.5), "p50-ns")
	b.ReportMetric(pct(lat, 0.99), "p99-ns")
	b.ReportMetric(pct(base, 0.5), "suggest-p50-ns")
	b.ReportMetric(pct(base, 0.99), "suggest-p99-ns")
	b.ReportMetric(float64(len(keys)), "keystrokes")
}

package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
	"helpdesk/web"
)

// benchUsers is the desk's size: HELPDESK_BENCH_USERS, default 10,000.
func benchUsers(b *testing.B) int {
	n := 10000
	if s := os.Getenv("HELPDESK_BENCH_USERS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			b.Fatalf("HELPDESK_BENCH_USERS=%q is not a count", s)
		}
		n = v
	}
	return n
}

// csvUsers streams n generated users as an import file.
func csvUsers(n int) io.Reader {
	r, w := io.Pipe()
	go func() {
		_, err := io.WriteString(w, "email,name,organization\n")
		for i := 0; i < n && err == nil; i++ {
			_, err = fmt.Fprintf(w, "user%07d@bench%03d.example,Bench User %d,Bench Org %03d\n", i, i%500, i, i%500)
		}
		_ = w.CloseWithError(err)
	}()
	return r
}

// benchPortal is a desk of benchUsers users plus one signed-in customer,
// and the portal over it.
func benchPortal(b *testing.B) (*domain.Desk, http.Handler, string) {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "h.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	desk := domain.NewDesk(db)
	n := benchUsers(b)
	if n > 0 {
		rep, err := desk.ImportUsers(context.Background(), owner, csvUsers(n), domain.ImportOptions{Source: "bench"})
		if err != nil || rep.Imported != n {
			b.Fatalf("import: %+v %v", rep, err)
		}
	}
	if _, err := desk.CreateUser(owner, domain.UserInput{Email: "bench.customer@example.com", Name: "Bench Customer"}); err != nil {
		b.Fatal(err)
	}
	m, ok, err := desk.ClaimNext("test", time.Now().Add(time.Hour), 0)
	if err != nil || !ok {
		b.Fatalf("no mail: %v", err)
	}
	sm := linkPattern.FindStringSubmatch(m.Text)
	if sm == nil {
		b.Fatalf("no link in %q", m.Text)
	}
	if err := desk.RecordSent("test", m.ID, time.Now()); err != nil {
		b.Fatal(err)
	}
	_, sid, err := desk.RedeemLink(sm[1], goodPassword, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(web.Options{Desk: desk})
	if err != nil {
		b.Fatal(err)
	}
	return desk, h, sid
}

// reportLatency adds the p50 and p99 of the timed calls, in microseconds.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))]) / float64(time.Microsecond)
	}
	b.ReportMetric(at(0.50), "p50_us")
	b.ReportMetric(at(0.99), "p99_us")
}

func benchPage(b *testing.B, path, sid string, h http.Handler) {
	lat := make([]time.Duration, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if sid != "" {
			req.AddCookie(&http.Cookie{Name: "helpdesk_session", Value: sid})
		}
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
	reportLatency(b, lat)
}

// BenchmarkPortalPages times GET / (a signed-in customer: session,
// agreement and user reads, then the template) and GET /signin (signed
// out) on a desk of HELPDESK_BENCH_USERS users, each beside its baseline:
// a bare net/http handler answering the same bytes with the same headers,
// so the ratio is what the portal's reads and rendering add.
//
//	HELPDESK_BENCH_USERS=1000000 go test ./web -run '^$' -bench PortalPages -benchtime 20000x -count 3
func BenchmarkPortalPages(b *testing.B) {
	_, h, sid := benchPortal(b)
	for _, pg := range []struct{ name, path, sid string }{{"home", "/", sid}, {"signin", "/signin", ""}} {
		b.Run(pg.name, func(b *testing.B) { benchPage(b, pg.path, pg.sid, h) })
		b.Run(pg.name+"-baseline", func(b *testing.B) { benchPage(b, pg.path, pg.sid, staticCopy(b, h, pg.path, pg.sid)) })
	}
}

// staticCopy is a handler that answers with what h answered once.
func staticCopy(b *testing.B, h http.Handler, path, sid string) http.Handler {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if sid != "" {
		req.AddCookie(&http.Cookie{Name: "helpdesk_session", Value: sid})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d", path, rec.Code)
	}
	header, body := rec.Header().Clone(), rec.Body.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}

// BenchmarkSignIn is one sign-in with the right password: argon2id by
// design, plus the session's write; its baseline is the argon2id check
// alone (CheckPassword on the same hash), so the ratio is what the
// sign-in's reads and writes add.
//
//	go test ./web -run '^$' -bench SignIn -benchtime 40x -count 3
func BenchmarkSignIn(b *testing.B) {
	desk, _, _ := benchPortal(b)
	lat := make([]time.Duration, 0, 64)
	for b.Loop() {
		start := time.Now()
		_, sid, err := desk.SignIn("bench.customer@example.com", goodPassword, "127.0.0.1")
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = desk.SignOut(sid)
		b.StartTimer()
	}
	reportLatency(b, lat)
}

func BenchmarkSignInBaselineArgon2(b *testing.B) {
	desk, _, _ := benchPortal(b)
	u, err := desk.UserByEmail("bench.customer@example.com")
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, 64)
	for b.Loop() {
		start := time.Now()
		ok := domain.CheckPassword(u.PasswordHash, goodPassword)
		lat = append(lat, time.Since(start))
		if !ok {
			b.Fatal("the password does not match")
		}
	}
	reportLatency(b, lat)
}

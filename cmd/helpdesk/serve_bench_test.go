package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

// benchServerEnv makes the test binary act as the helpdesk command: the
// load benchmark runs `helpdesk serve` as a child process (its own
// memory, measured from /proc) without needing a separate build.
const benchServerEnv = "HELPDESK_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(benchServerEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// Load: 50 agents, each in its own SSH session (x/crypto client, own key,
// PTY 100×30), open the new-user screen at once and type users in: an email
// key by key, then save. Measured: from a key sent to the screen showing
// the field with that key in it; the server's resident memory; and that
// every user typed is on the desk exactly once. The server is a child
// process on the same machine as the 50 clients.
//
// paced: each agent types a key every 100 ms (a fast typist), about 450
// keys/s in all, and a user is saved every few seconds per agent: the case
// the 50 ms budget is for. flat-out: each agent sends its next key as soon
// as the last one shows, until the two cores are full: a stress figure,
// reported, not held to the budget.
//
// One run takes about 15 s whatever -benchtime asks (b.N stays 1 unless
// -benchtime Nx says otherwise); every wait in it is bounded by benchWait.
//
//	go test ./cmd/helpdesk -run '^$' -bench SSHFiftySessions -benchtime 1x
func BenchmarkSSHFiftySessions(b *testing.B) {
	for _, tc := range []struct {
		name   string
		pace   time.Duration
		budget bool
	}{{"paced-100ms", 100 * time.Millisecond, true}, {"flat-out", 0, false}} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				benchFiftySessions(b, tc.pace, tc.budget, 0)
			}
		})
	}
}

// BenchmarkSSHFiftySessionsWithSignIns is the paced case while the same
// server's portal takes customer sign-ins (POST /signin with the right
// password: argon2id, a session written) at a steady rate from another
// client: how many sign-ins a second two cores take before the agents'
// key-to-screen p99 passes 50 ms. Each rate is its own run; the budget is
// reported, not enforced, since finding where it breaks is the point.
//
//	go test ./cmd/helpdesk -run '^$' -bench SSHFiftySessionsWithSignIns -benchtime 1x
func BenchmarkSSHFiftySessionsWithSignIns(b *testing.B) {
	for _, rate := range []float64{2, 5, 8} {
		b.Run(fmt.Sprintf("signins-%.0f-per-s", rate), func(b *testing.B) {
			for range b.N {
				benchFiftySessions(b, 100*time.Millisecond, false, rate)
			}
		})
	}
}

const (
	benchSessions = 50
	benchUsers    = 3 // users each session creates
	benchBudget   = 50 * time.Millisecond
	benchWait     = 30 * time.Second // any one wait; the run is bounded by it
)

func benchFiftySessions(b *testing.B, pace time.Duration, budget bool, signInRate float64) {
	b.StopTimer()
	d := newSSHDesk(b)
	agents := make([]testAgent, benchSessions)
	for i := range agents {
		agents[i] = d.agent(fmt.Sprintf("agent%02d@example.com", i), "agent", "")
	}
	d.cli("user", "add", "--email", "seed@acme.com", "--name", "Seed", "--mail", "none")
	var portalURL string
	var pid int
	if signInRate > 0 {
		benchCustomer(b, d.db)
		pid, portalURL = d.serveChild(b, "--http", "127.0.0.1:0")
	} else {
		pid, _ = d.serveChild(b)
	}

	// Connect every session and wait for each list before anyone types.
	terms := make([]*terminal, benchSessions)
	for i, a := range agents {
		terms[i] = console(b, d.as(a), 100, 30)
	}
	for _, tm := range terms {
		if _, err := tm.await(0, benchWait, func(s string) bool { return strings.Contains(s, "n new user") }); err != nil {
			b.Fatalf("console: %v", err)
		}
	}

	cpu0, self0, busy0 := procCPU(pid), selfCPUTime(), machineBusy()
	b.StartTimer()
	start := time.Now()
	stopSignIns := func() signInLoad { return signInLoad{} }
	if signInRate > 0 {
		stopSignIns = signInsAt(b, portalURL, signInRate)
	}
	var mu sync.Mutex
	var lat []time.Duration
	var emails []string
	errs := make(chan error, benchSessions)
	var wg sync.WaitGroup
	for i, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, e, err := typeUsers(tm, i, pace)
			mu.Lock()
			lat, emails = append(lat, l...), append(emails, e...)
			mu.Unlock()
			errs <- err
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	signIns := stopSignIns()
	b.StopTimer()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	rss, hwm := procMemory(b, pid)
	serverCPU := procCPU(pid) - cpu0
	selfCPU := selfCPUTime() - self0
	// Whatever else ran on the machine meanwhile (another test run) shows
	// here, so that a figure taken on a busy machine says so.
	otherCPU := machineBusy() - busy0 - serverCPU - selfCPU

	// Nothing lost, nothing doubled: asked over SSH of the running server.
	code, out, stderr := command(b, d.as(agents[0]), "", "user", "list", "--json")
	var users []struct{ Email string }
	if err := json.Unmarshal([]byte(out), &users); code != 0 || err != nil {
		b.Fatalf("user list: exit %d, %v, %s", code, err, stderr)
	}
	count := map[string]int{}
	for _, u := range users {
		count[u.Email]++
	}
	for _, e := range emails {
		if count[e] != 1 {
			b.Errorf("%s is on the desk %d times", e, count[e])
		}
	}
	others := 1 // the seed, and the customer who signs in to the portal
	if signInRate > 0 {
		others++
	}
	if len(emails) != benchSessions*benchUsers || len(users) != len(emails)+others {
		b.Errorf("%d users typed, %d on the desk (with %d others)", len(emails), len(users), others)
	}

	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.90).Microseconds())/1000, "p90-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "keys/s")
	b.ReportMetric(float64(rss)/1024, "server-rss-MiB")
	b.ReportMetric(float64(hwm)/1024, "server-peak-rss-MiB")
	b.ReportMetric(serverCPU.Seconds()/elapsed.Seconds(), "server-cores")
	b.ReportMetric(selfCPU.Seconds()/elapsed.Seconds(), "client-cores")
	b.ReportMetric(max(0, otherCPU.Seconds()/elapsed.Seconds()), "other-cores")
	if signInRate > 0 {
		if signIns.failed > 0 {
			b.Errorf("%d of %d sign-ins failed: %v", signIns.failed, signIns.done+signIns.failed, signIns.firstErr)
		}
		b.ReportMetric(float64(signIns.done)/elapsed.Seconds(), "signins/s")
		b.ReportMetric(float64(signIns.p99.Microseconds())/1000, "signin-p99-ms")
		b.Logf("portal: %d sign-ins in %s (%.1f/s asked), sign-in p50 %s p99 %s", signIns.done, elapsed.Round(time.Millisecond),
			signInRate, signIns.p50, signIns.p99)
	}
	b.Logf("%d sessions, %d keys, %d users in %s; key to screen p50 %s p90 %s p99 %s max %s; server RSS %d MiB (peak %d MiB); "+
		"CPU: server %.2f cores, clients %.2f cores, other processes %.2f cores",
		benchSessions, len(lat), len(emails), elapsed.Round(time.Millisecond), pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1],
		rss/1024, hwm/1024, serverCPU.Seconds()/elapsed.Seconds(), selfCPU.Seconds()/elapsed.Seconds(),
		max(0, otherCPU.Seconds()/elapsed.Seconds()))
	if p99 := pct(0.99); budget && p99 > benchBudget {
		b.Errorf("p99 key to screen %s is over the %s budget", p99, benchBudget)
	}
}

// emailLabel is the new user form's email label with its padding, before
// the placeholder of the empty field.
var emailLabel = regexp.MustCompile(`(Email +)ann@example\.com`)

// typeUsers types benchUsers new users in one console: n, the email key by
// key (each key timed until the field shows it), ctrl+s, back to the list.
func typeUsers(tm *terminal, session int, pace time.Duration) ([]time.Duration, []string, error) {
	var lat []time.Duration
	var emails []string
	// Far apart (random letters) so that no email is a near duplicate of
	// another and every save goes straight through.
	rng := rand.New(rand.NewPCG(uint64(session), uint64(time.Now().UnixNano())))
	// Each typist starts at its own moment within the first interval, as
	// agents do; in step, every key of the 50 would arrive in the same
	// millisecond (flat-out shows that case).
	var tick <-chan time.Time
	if pace > 0 {
		<-time.After(time.Duration(rng.Int64N(int64(pace))))
		t := time.NewTicker(pace)
		defer t.Stop()
		tick = t.C
	}
	for u := range benchUsers {
		local := make([]byte, 10)
		for i := range local {
			local[i] = byte('a' + rng.IntN(26))
		}
		email := fmt.Sprintf("%s.%d.%d@bench.example", local, session, u)

		m := tm.mark()
		tm.keys("n")
		s, err := tm.await(m, benchWait, func(s string) bool { return emailLabel.MatchString(s) && strings.Contains(s, "Account mail") })
		if err != nil {
			return lat, emails, fmt.Errorf("session %d: new user screen: %w", session, err)
		}
		// The email line as drawn: its label, padded, then the value typed
		// so far (the placeholder while empty).
		label := emailLabel.FindStringSubmatch(s)[1]
		for i := range email {
			if tick != nil {
				<-tick
			}
			shown := label + email[:i+1]
			m := tm.mark()
			sent := time.Now()
			tm.keys(email[i : i+1])
			if _, err := tm.await(m, benchWait, func(s string) bool { return strings.Contains(s, shown) }); err != nil {
				return lat, emails, fmt.Errorf("session %d: key %d of %s: %w", session, i, email, err)
			}
			lat = append(lat, time.Since(sent))
		}
		m = tm.mark()
		tm.keys(keyCtrlS)
		s, err = tm.await(m, benchWait, func(s string) bool {
			return strings.Contains(s, "Created "+email) || strings.Contains(s, "Create anyway")
		})
		if err == nil && strings.Contains(s, "Create anyway") {
			m = tm.mark()
			tm.keys("y")
			_, err = tm.await(m, benchWait, func(s string) bool { return strings.Contains(s, "Created "+email) })
		}
		if err != nil {
			return lat, emails, fmt.Errorf("session %d: save %s: %w", session, email, err)
		}
		emails = append(emails, email)
		m = tm.mark()
		tm.keys("\x1b") // esc: from the new user back to the list
		if _, err := tm.await(m, benchWait, func(s string) bool { return strings.Contains(s, "n new user") }); err != nil {
			return lat, emails, fmt.Errorf("session %d: back to the list: %w", session, err)
		}
	}
	return lat, emails, nil
}

// serveChild runs `helpdesk serve` on the desk as a child process (this
// test binary, as the command) and returns its pid; the server is stopped
// with SIGTERM at the end and must exit 0.
func (d *sshDesk) serveChild(b *testing.B, extra ...string) (int, string) {
	b.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--db", d.db, "serve", "--listen", "127.0.0.1:0", "--grace", "0s"}, extra...)...)
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(filepath.Dir(d.db), "serve.log"))
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				b.Errorf("serve exited: %v", err)
			}
		case <-time.After(benchWait):
			_ = cmd.Process.Kill()
			b.Errorf("serve did not stop within %s of SIGTERM", benchWait)
		}
		logf.Close()
	})
	// "Serving DB over SSH on 127.0.0.1:PORT; host key ..." and, with
	// --http, "Serving the customer portal on http://127.0.0.1:PORT".
	addr, portal := make(chan string, 1), make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), " over SSH on "); ok {
				a, _, _ := strings.Cut(rest, ";")
				addr <- a
			}
			if _, rest, ok := strings.Cut(sc.Text(), "customer portal on "); ok {
				u, _, _ := strings.Cut(rest, " ")
				portal <- strings.TrimRight(u, ";")
			}
		}
	}()
	select {
	case d.addr = <-addr:
	case err := <-exited:
		b.Fatalf("serve exited at start: %v", err)
	case <-time.After(benchWait):
		b.Fatal("serve did not start")
	}
	var portalURL string
	if slices.Contains(extra, "--http") {
		select {
		case portalURL = <-portal:
		case <-time.After(benchWait):
			b.Fatal("serve did not say where the portal is")
		}
	}
	return cmd.Process.Pid, portalURL
}

// benchCustomerEmail signs in to the portal during the sign-in load; its
// password is set through its verification link before serve starts.
const (
	benchCustomerEmail    = "bench.customer@example.com"
	benchCustomerPassword = "correct horse battery staple"
)

func benchCustomer(b *testing.B, dbPath string) {
	b.Helper()
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	desk := domain.NewDesk(db)
	if _, err := desk.CreateUser(domain.Actor{Name: "bench"}, domain.UserInput{Email: benchCustomerEmail, Name: "Bench Customer"}); err != nil {
		b.Fatal(err)
	}
	m, ok, err := desk.ClaimNext("test", time.Now().Add(time.Hour), 0)
	if err != nil || !ok {
		b.Fatalf("no verification mail: %v", err)
	}
	_, tok, found := strings.Cut(m.Text, "token=")
	if !found {
		b.Fatalf("no link in %q", m.Text)
	}
	if _, err := desk.RedeemToken(strings.Fields(tok)[0], benchCustomerPassword); err != nil {
		b.Fatal(err)
	}
	if err := desk.RecordSent("test", m.ID, time.Now()); err != nil {
		b.Fatal(err)
	}
}

// signInLoad is what the sign-in load did.
type signInLoad struct {
	done, failed int
	firstErr     error
	p50, p99     time.Duration
}

// signInsAt posts sign-ins to the portal at rate a second (open loop: a
// slow answer does not slow the next try) until the returned function is
// called, which waits for those in flight and reports. Every try comes
// from 127.0.0.1 with the right password, so the throttle (which counts
// failures) never steps in.
func signInsAt(b *testing.B, portal string, rate float64) func() signInLoad {
	form := url.Values{"email": {benchCustomerEmail}, "password": {benchCustomerPassword}}.Encode()
	client := &http.Client{Timeout: benchWait, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	stop := make(chan struct{})
	var mu sync.Mutex
	var res signInLoad
	var lat []time.Duration
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				resp, err := client.Post(portal+"/signin", "application/x-www-form-urlencoded", strings.NewReader(form))
				took := time.Since(start)
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode != http.StatusSeeOther {
						err = fmt.Errorf("POST /signin: %s", resp.Status)
					}
				}
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					res.failed++
					if res.firstErr == nil {
						res.firstErr = err
					}
					return
				}
				res.done++
				lat = append(lat, took)
			}()
		}
	}()
	return func() signInLoad {
		close(stop)
		wg.Wait()
		if len(lat) > 0 {
			slices.Sort(lat)
			res.p50, res.p99 = lat[len(lat)/2], lat[min(len(lat)-1, int(0.99*float64(len(lat))))]
		}
		return res
	}
}

// procMemory reads a process's resident and peak resident memory, in KiB.
func procMemory(b *testing.B, pid int) (rss, hwm int) {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Logf("no /proc: memory not measured (%v)", err)
		return 0, 0
	}
	field := func(name string) int {
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, name+":"); ok {
				n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
				return n
			}
		}
		return 0
	}
	return field("VmRSS"), field("VmHWM")
}

// procCPU is a process's user and system CPU time so far, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).
func procCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from after it.
	i := strings.LastIndexByte(string(raw), ')')
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return time.Duration(u+s) * 10 * time.Millisecond
}

// selfCPUTime is this process's CPU time so far: the 50 clients' share.
func selfCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineBusy is the CPU time the whole machine has spent busy (every
// column of /proc/stat's cpu line but idle and iowait).
func machineBusy() time.Duration {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line)
	var ticks int
	for i, v := range f[1:] {
		if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest time is in user already
			continue
		}
		n, _ := strconv.Atoi(v)
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

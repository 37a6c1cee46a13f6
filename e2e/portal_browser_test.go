//go:build browser

// Package e2e drives the real helpdesk binary, a real browser (Debian's
// chromium, through chromedp) and a real mail catcher (maildev) through the
// customer's first steps: a mailed link to set a password, and
// self-signup; then a reply on the portal that the agent's console, driven
// in tmux, shows live. CI runs it (.ci/portal-e2e.sh) with
//
//	HELPDESK_E2E_CHROMIUM  the browser to drive (e.g. /usr/bin/chromium)
//	HELPDESK_E2E_SMTP_PORT maildev's SMTP port on 127.0.0.1 (user desk)
//	HELPDESK_E2E_MAILDEV   maildev's REST API, e.g. http://127.0.0.1:1080
//	HELPDESK_SMTP_PASSWORD maildev's SMTP password
//
// and, to refresh the README's pictures, HELPDESK_E2E_SCREENSHOTS naming
// the folder to write them to.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func env(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: this test needs the browser and maildev that .ci/portal-e2e.sh starts", name)
	}
	return v
}

// desk is the helpdesk binary on one database.
type desk struct {
	t   *testing.T
	bin string
	db  string
}

func (d desk) run(args ...string) string {
	d.t.Helper()
	cmd := exec.Command(d.bin, append([]string{"--db", d.db}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		d.t.Fatalf("helpdesk %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (d desk) json(v any, args ...string) {
	d.t.Helper()
	if err := json.Unmarshal([]byte(d.run(args...)), v); err != nil {
		d.t.Fatalf("helpdesk %s: %v", strings.Join(args, " "), err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// serve starts `helpdesk serve --http` with the mail worker on maildev and
// returns the portal's URL and a function that stops it (SIGTERM, then
// waits for a clean exit).
func (d desk) serve(smtpPort string) (string, func()) {
	t := d.t
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(d.bin, "--db", d.db, "--smtp-host", "127.0.0.1", "--smtp-port", smtpPort, "--smtp-tls", "none",
		"--smtp-username", "desk", "serve", "--http", addr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			t.Log("serve: " + line)
			if strings.Contains(line, "customer portal on") {
				ready <- line
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("helpdesk serve --http did not say it serves the portal within 30 s")
	}
	stop := func() {
		t.Helper()
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("helpdesk serve did not stop cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Error("helpdesk serve did not stop within 30 s of SIGTERM")
		}
	}
	return "http://" + addr, stop
}

var linkPattern = regexp.MustCompile(`https?://\S+/set-password\?token=[A-Za-z0-9_-]+`)

// mailedLink waits for maildev to hold a mail to addr with the subject and
// returns the link in it.
func mailedLink(t *testing.T, api, to, subject string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(api + "/email")
		if err == nil {
			var mails []struct {
				Subject string `json:"subject"`
				Text    string `json:"text"`
				To      []struct {
					Address string `json:"address"`
				} `json:"to"`
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if json.Unmarshal(body, &mails) == nil {
				for _, m := range mails {
					if len(m.To) == 1 && m.To[0].Address == to && m.Subject == subject {
						if link := linkPattern.FindString(m.Text); link != "" {
							return link
						}
						t.Fatalf("the mail to %s has no set-password link:\n%s", to, m.Text)
					}
				}
			}
		}
		time.Sleep(200 * time.Millisecond) // polling maildev's API: nothing to wait on
	}
	t.Fatalf("no mail %q to %s reached maildev within 60 s", subject, to)
	return ""
}

func TestPortalInBrowser(t *testing.T) {
	chromium := env(t, "HELPDESK_E2E_CHROMIUM")
	smtpPort := env(t, "HELPDESK_E2E_SMTP_PORT")
	api := strings.TrimRight(env(t, "HELPDESK_E2E_MAILDEV"), "/")
	env(t, "HELPDESK_SMTP_PASSWORD")
	shots := os.Getenv("HELPDESK_E2E_SCREENSHOTS")

	work := t.TempDir()
	bin := filepath.Join(work, "helpdesk")
	if out, err := exec.Command("go", "build", "-o", bin, "helpdesk/cmd/helpdesk").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	d := desk{t: t, bin: bin, db: filepath.Join(work, "desk.db")}
	d.run("config", "set", "desk-name", "Acme Support")
	d.run("config", "set", "from", "Acme Support <support@acme.example>")
	d.run("org", "add", "--name", "Self-Created Customer Accounts")
	d.run("config", "set", "signup-parent", "Self-Created Customer Accounts")
	d.run("config", "set", "self-signup", "on")
	d.run("user", "add", "--email", "ann.lee@example.test", "--name", "Ann Lee")

	portal, stop := d.serve(smtpPort)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
		chromedp.NoSandbox, chromedp.WindowSize(900, 760))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			if shots == "" {
				return chromedp.Void{}, nil
			}
			png, err := chromedp.FullScreenshot(100)(ctx, t)
			if err != nil {
				return chromedp.Void{}, err
			}
			return chromedp.Void{}, os.WriteFile(filepath.Join(shots, name), png, 0o644)
		}
	}
	var body string
	text := func() chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			var err error
			body, err = chromedp.Text(chromedp.CSS("body"))(ctx, t)
			return chromedp.Void{}, err
		}
	}

	// 1. The agent's new user follows the link in the verification mail.
	link := mailedLink(t, api, "ann.lee@example.test", "Confirm your email for Acme Support")
	if !strings.HasPrefix(link, portal+"/set-password?token=") {
		t.Fatalf("the mailed link %s does not lead to this portal (%s)", link, portal)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)),
		text(), shot("portal-set-password.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "ann.lee@example.test") {
		t.Errorf("the set-password page does not name the address:\n%s", body)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "correct horse battery staple"),
		setConfirm("correct horse battery staple"),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
		text(), shot("portal-home.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "Ann Lee") || !strings.Contains(body, "ann.lee@example.test") {
		t.Errorf("home after setting the password does not say who is signed in:\n%s", body)
	}

	// 2. Sign out, and back in on the sign-in page.
	err = chromedp.Do(ctx,
		chromedp.Submit(chromedp.CSS(`form[action="/signout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		shot("portal-signin.png"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "ann.lee@example.test"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "correct horse battery staple"),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
		chromedp.Submit(chromedp.CSS(`form[action="/signout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}

	// 3. Self-signup with a new organization's name.
	err = chromedp.Do(ctx,
		chromedp.Navigate(portal+"/signup"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="organization"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "kim@newco.example"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "Kim Park"),
		chromedp.SendKeys(chromedp.CSS(`input[name="organization"]`), "NewCo"),
		chromedp.Submit(chromedp.CSS(`input[name="email"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`input[name="organization"]`)),
		text(),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(body), "check your mail") {
		t.Errorf("after signing up the page does not say to check the mail:\n%s", body)
	}
	link = mailedLink(t, api, "kim@newco.example", "Finish creating your Acme Support account")
	err = chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "another fine password"),
		setConfirm("another fine password"),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
		text(),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "NewCo") {
		t.Errorf("home after self-signup does not name the new organization:\n%s", body)
	}

	// 4. What the agents' side holds (the server lets go of the file first).
	stop()
	stopped = true
	var ann struct {
		State string `json:"state"`
	}
	d.json(&ann, "user", "show", "ann.lee@example.test", "--json")
	if ann.State != "active" {
		t.Errorf("ann.lee@example.test is %q after setting her password, want active", ann.State)
	}
	var kim struct {
		State        string `json:"state"`
		Organization string `json:"organization"`
	}
	d.json(&kim, "user", "show", "kim@newco.example", "--json")
	var org struct {
		Parent  string `json:"parent"`
		Members int    `json:"members"`
	}
	d.json(&org, "org", "show", "NewCo", "--json")
	if kim.State != "active" || kim.Organization != "NewCo" || org.Parent != "Self-Created Customer Accounts" || org.Members != 1 {
		t.Errorf("after self-signup: kim %+v, NewCo %+v; want kim active in NewCo, NewCo under Self-Created Customer Accounts with 1 member", kim, org)
	}

	// 5. The customer answers on the portal and the agent's console shows it.
	// An agent opens a conversation with Ann from the command line; the
	// console runs in tmux with the portal in the same process (--http),
	// showing that conversation, while Ann replies in the browser.
	first := filepath.Join(work, "first.txt")
	if err := os.WriteFile(first, []byte("Please step away from the printer; facilities are on their way.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := d.run("conv", "new", "--requester", "ann.lee@example.test", "--subject", "Printer on fire", "--body-file", first)
	m := regexp.MustCompile(`Created conversation (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("conv new said:\n%s", out)
	}
	convID := m[1]
	d.run("conv", "reply", convID, "--internal", "--body-file", writeFile(t, work, "note.txt", "INTERNAL-E2E: the customer unplugged it herself.\n"))

	con := d.console(t, work)
	con.waitFor("1 of ")
	con.keys("i")
	con.waitFor("Printer on fire")
	con.keys("Enter")
	con.waitFor("Please step away from the printer")

	const reply = "Thank you, it is out now. The paper tray is melted."
	err = chromedp.Do(ctx,
		// Kim's session from the signup is still in the browser (cookies
		// do not look at the port): end it first.
		chromedp.Navigate(con.portal+"/"),
		signOut(),
		chromedp.Navigate(con.portal+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "ann.lee@example.test"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "correct horse battery staple"),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/c/`+convID+`"]`)),
		text(), shot("portal-conversations.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "Printer on fire") || strings.Contains(body, "INTERNAL-E2E") {
		t.Errorf("the customer's home does not list the conversation, or shows the internal note:\n%s", body)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/c/`+convID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="body"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), reply),
		chromedp.Submit(chromedp.CSS(`textarea[name="body"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
		text(), shot("portal-thread.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, reply) || !strings.Contains(body, "Please step away") || strings.Contains(body, "INTERNAL-E2E") {
		t.Errorf("the thread after the reply lacks the messages or shows the internal note:\n%s", body)
	}
	// The console, never touched since, shows the reply marked as the customer's.
	con.waitFor(reply)
	con.waitFor("◆ customer · Ann Lee")
	con.waitFor("via portal")
	con.quit()

	var shown struct {
		Status   string `json:"status"`
		Messages []struct {
			Author string `json:"author"`
			Body   string `json:"body"`
		} `json:"messages"`
	}
	d.json(&shown, "conv", "show", convID, "--json")
	last := shown.Messages[len(shown.Messages)-1]
	if shown.Status != "open" || last.Author != "customer:ann.lee@example.test" || last.Body != reply {
		t.Errorf("conv show after the portal reply: %+v", shown)
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// console is `helpdesk --http ADDR` (the console and the portal in one
// process) in a tmux server of its own, 120x40.
type console struct {
	t      *testing.T
	socket string
	portal string
	status string
}

func (d desk) console(t *testing.T, work string) *console {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	c := &console{t: t, socket: fmt.Sprintf("helpdesk-e2e-%d", os.Getpid()), portal: "http://" + addr,
		status: filepath.Join(work, "console.status")}
	// The exit status goes to a file; the pane stays a while after, so the
	// screen can be read if it failed.
	line := fmt.Sprintf("NO_COLOR=1 %q --db %q --http %q; echo $? > %q; sleep 60", d.bin, d.db, addr, c.status)
	c.tmux("-u", "new-session", "-d", "-s", "desk", "-x", "120", "-y", "40", line)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", c.socket, "kill-server").Run() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(c.portal + "/signin")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the portal of helpdesk --http did not answer within 30 s; screen:\n%s", c.screen())
		}
		time.Sleep(100 * time.Millisecond) // polling a port: nothing to wait on
	}
}

func (c *console) tmux(args ...string) string {
	c.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", c.socket}, args...)...).CombinedOutput()
	if err != nil {
		c.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (c *console) screen() string {
	out, _ := exec.Command("tmux", "-L", c.socket, "capture-pane", "-p", "-t", "desk").CombinedOutput()
	return string(out)
}

func (c *console) keys(ks ...string) { c.tmux(append([]string{"send-keys", "-t", "desk"}, ks...)...) }

// waitFor polls the screen until it shows the words, for at most 20 s.
func (c *console) waitFor(words string) {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(c.screen(), words) {
		if time.Now().After(deadline) {
			c.t.Fatalf("the console never showed %q; screen:\n%s", words, c.screen())
		}
		time.Sleep(100 * time.Millisecond) // polling tmux: nothing to wait on
	}
}

// quit leaves the console with q and waits for a clean exit.
func (c *console) quit() {
	c.t.Helper()
	c.keys("q")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, err := os.ReadFile(c.status); err == nil && len(b) > 0 {
			if s := strings.TrimSpace(string(b)); s != "0" {
				c.t.Fatalf("the console exited with status %s; screen:\n%s", s, c.screen())
			}
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("the console did not exit after q; screen:\n%s", c.screen())
		}
		time.Sleep(100 * time.Millisecond) // polling a file: nothing to wait on
	}
}

// setConfirm fills the optional password_confirm field when the page has
// one.
func setConfirm(pw string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		n, err := chromedp.Evaluate[int](`document.querySelectorAll('input[name="password_confirm"]').length`)(ctx, t)
		if err != nil || n == 0 {
			return chromedp.Void{}, err
		}
		return chromedp.SendKeys(chromedp.CSS(`input[name="password_confirm"]`), pw)(ctx, t)
	}
}

// signOut submits the sign-out form when the page has one, and waits for
// the sign-in page.
func signOut() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		n, err := chromedp.Evaluate[int](`document.querySelectorAll('form[action="/signout"]').length`)(ctx, t)
		if err != nil || n == 0 {
			return chromedp.Void{}, err
		}
		if _, err := chromedp.Submit(chromedp.CSS(`form[action="/signout"]`))(ctx, t); err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`))(ctx, t)
	}
}

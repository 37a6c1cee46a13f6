package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// smsGateway is a minimal gateway of Twilio's shape: it takes what is
// posted with the right path and credentials (201), and answers 401 to
// anything else, as Twilio does.
type smsGateway struct {
	mu    sync.Mutex
	taken []url.Values
	srv   *httptest.Server
}

func startSMSGateway(t *testing.T, account, token string) *smsGateway {
	g := &smsGateway{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		if user != account || pass != token || r.URL.Path != "/2010-04-01/Accounts/"+account+"/Messages.json" {
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"code": 20003, "message": "Authenticate", "status": 401}`))
			return
		}
		_ = r.ParseForm()
		g.mu.Lock()
		g.taken = append(g.taken, r.PostForm)
		g.mu.Unlock()
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"sid": "SM1", "status": "queued"}`))
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *smsGateway) got() []url.Values {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]url.Values(nil), g.taken...)
}

func clearSMSEnv(t *testing.T) {
	clearMailEnv(t)
	t.Setenv(envSMSToken, "")
	t.Setenv(envSMSTokenFile, "")
}

func TestSMSTokenIsNeverAFlag(t *testing.T) {
	clearSMSEnv(t)
	c := newCLI(t)
	code, _, errs := c.run("", "--sms-token", "s3cret", "mail", "list")
	if code != 2 || !strings.Contains(errs, "--sms-token is not accepted: a token on the command line shows in the process list and the shell history; set HELPDESK_SMS_TOKEN, or HELPDESK_SMS_TOKEN_FILE to a file holding it") {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestSMSTokenFromTheEnvironmentOrAFile(t *testing.T) {
	clearSMSEnv(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		token, file, want, err string
	}{
		{"", "", "", ""},
		{"from-env", "", "from-env", ""},
		{"", file, "from-file", ""},
		{"from-env", file, "", "both HELPDESK_SMS_TOKEN and HELPDESK_SMS_TOKEN_FILE are set: keep one"},
		{"", empty, "", "which is empty"},
		{"", filepath.Join(dir, "missing"), "", "cannot read the SMS token (HELPDESK_SMS_TOKEN_FILE)"},
	} {
		t.Setenv(envSMSToken, c.token)
		t.Setenv(envSMSTokenFile, c.file)
		got, err := smsToken()
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("token %q file %q: %q, %v", c.token, c.file, got, err)
		}
	}
}

// An SMS customer's verification waits, saying why, until the settings and
// the token are there; then `mail worker --once` sends it with its link.
func TestMailWorkerSendsSMS(t *testing.T) {
	clearSMSEnv(t)
	const account, token = "AC42", "s3cret"
	g := startSMSGateway(t, account, token)
	c := newCLI(t)
	c.ok("config", "set", "base-url", "https://desk.example.com")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee", "--phone", "+33 6 12 34 56 78", "--mail", "none")
	c.ok("user", "prefs", "ann@acme.com", "--notify", "verify=sms")
	c.ok("user", "resend", "ann@acme.com")

	ms := mailList(t, c)
	if len(ms) != 1 || ms[0]["channel"] != "sms" || ms[0]["to"] != "+33612345678" || ms[0]["state"] != "queued" {
		t.Fatalf("queued: %v", ms)
	}
	out := c.ok("mail", "list")
	if !strings.Contains(out, "held: SMS needs sms-url, sms-account, sms-from, HELPDESK_SMS_TOKEN") {
		t.Errorf("mail list without settings:\n%s", out)
	}
	// Without any transport the worker refuses to start, naming both.
	if code, _, errs := c.run("", "mail", "worker", "--once"); code != 2 || !strings.Contains(errs, "or set HELPDESK_SMS_TOKEN for SMS") {
		t.Errorf("worker without transport: %d %q", code, errs)
	}

	c.ok("config", "set", "sms-url", g.srv.URL)
	c.ok("config", "set", "sms-account", account)
	c.ok("config", "set", "sms-from", "+15017122661")
	if out := c.ok("mail", "show", "1"); !strings.Contains(out, "channel:") || !strings.Contains(out, "held: SMS needs HELPDESK_SMS_TOKEN") {
		t.Errorf("mail show without the token:\n%s", out)
	}
	// A token the gateway refuses: failed for good, saying so.
	t.Setenv(envSMSToken, "wrong")
	if out := c.ok("mail", "worker", "--once"); !strings.Contains(out, "1 message(s) attempted through the SMS gateway.") ||
		!strings.Contains(out, "the SMS gateway refused the credentials (HTTP 401)") {
		t.Errorf("worker with a wrong token:\n%s", out)
	}
	t.Setenv(envSMSToken, "")
	if out := c.ok("mail", "retry", "1"); out != "Message 1 to +33612345678 is queued again.\nIt stays queued: SMS needs HELPDESK_SMS_TOKEN.\n" {
		t.Errorf("retry: %q", out)
	}

	t.Setenv(envSMSToken, token)
	if out := c.ok("mail", "worker", "--once"); !strings.Contains(out, "sent message 1 to +33612345678") {
		t.Errorf("worker:\n%s", out)
	}
	got := g.got()
	if len(got) != 1 || got[0].Get("To") != "+33612345678" || got[0].Get("From") != "+15017122661" ||
		!strings.Contains(got[0].Get("Body"), "https://desk.example.com/set-password?token=") {
		t.Fatalf("gateway took %v", got)
	}
	if ms := mailList(t, c); ms[0]["state"] != "sent" {
		t.Errorf("after: %v", ms[0])
	}
}

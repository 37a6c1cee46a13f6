package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"helpdesk/domain"
	"helpdesk/mailer/mailertest"
)

// configJSONOf runs config show --json and decodes it loosely, so the
// field names are checked as a script sees them.
func configJSONOf(t *testing.T, c *cli, args ...string) map[string]any {
	t.Helper()
	out := c.ok(append(args, "config", "show", "--json")...)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("config show --json: %v\n%s", err, out)
	}
	return m
}

func TestConfigShowDefaultsAndJSONFields(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	m := configJSONOf(t, c)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"base_url", "default_templates", "desk_name", "from", "inbound_addresses", "inbound_max_size", "language", "self_signup", "signup_parent", "sms_account", "sms_from", "sms_url"}
	if !slices.Equal(keys, want) {
		t.Errorf("config JSON fields %v, want exactly %v", keys, want)
	}
	if a, ok := m["inbound_addresses"].([]any); !ok || len(a) != 0 || m["inbound_max_size"] != float64(domain.DefaultInboundMaxSize) {
		t.Errorf("fresh desk inbound settings: %v %v; want [] and the default size", m["inbound_addresses"], m["inbound_max_size"])
	}
	if m["base_url"] != "" || m["desk_name"] != "" || m["from"] != "" || m["self_signup"] != false || m["signup_parent"] != "" {
		t.Errorf("fresh desk settings: %v", m)
	}
	tpl, _ := m["default_templates"].(map[string]any)
	if len(tpl) != len(domain.MailEvents) {
		t.Errorf("default_templates %v, want one per event %v", tpl, domain.MailEvents)
	}
	for _, e := range domain.MailEvents {
		if tpl[string(e)] != string(e) {
			t.Errorf("default_templates[%s] = %v, want %s", e, tpl[string(e)], e)
		}
	}

	out := c.ok("config", "show")
	if !strings.HasPrefix(out, "KEY") || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "VALUE") || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "NOTE") {
		t.Errorf("config show header:\n%s", out)
	}
	for _, k := range domain.SettingKeys() {
		if !strings.Contains(out, "\n"+k+" ") {
			t.Errorf("config show lacks %s:\n%s", k, out)
		}
	}
	for _, s := range []string{"(default: http://localhost:8080)", "(default: Helpdesk)", "(default: none)", "(default: off)", "(default: verify)", "needed before mail can be sent"} {
		if !strings.Contains(out, s) {
			t.Errorf("config show lacks %q:\n%s", s, out)
		}
	}
}

func TestConfigSetEveryKey(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	c.ok("org", "add", "--name", "Signups")
	c.ok("template", "set", "vip-verify", "--event", "verify", "--subject", "Confirm, {NAME}",
		"--body-file", writeFile(t, "vip.txt", "Dear {NAME}: {MESSAGE}\n"))

	for _, tc := range []struct{ key, value, said string }{
		{"base-url", "https://desk.example.com/", "base-url: https://desk.example.com\n"},
		{"desk-name", "Acme Care", "desk-name: Acme Care\n"},
		{"from", "Acme Care <care@acme.com>", "from: Acme Care <care@acme.com>\n"},
		{"self-signup", "on", "self-signup: on\n"},
		{"signup-parent", "Signups", "signup-parent: Signups\n"},
		{"default-template.verify", "vip-verify", "default-template.verify: vip-verify\n"},
		{"Default-Template.Reset", "reset", "default-template.reset: reset\n"},
	} {
		if out := c.ok("config", "set", tc.key, tc.value); out != tc.said {
			t.Errorf("config set %s %q said %q, want %q", tc.key, tc.value, out, tc.said)
		}
	}
	m := configJSONOf(t, c)
	tpl := m["default_templates"].(map[string]any)
	if m["base_url"] != "https://desk.example.com" || m["desk_name"] != "Acme Care" || m["from"] != "Acme Care <care@acme.com>" ||
		m["self_signup"] != true || m["signup_parent"] != "Signups" || tpl["verify"] != "vip-verify" || tpl["welcome"] != "welcome" {
		t.Errorf("settings after config set: %v", m)
	}
	out := c.ok("config", "show")
	for _, s := range []string{"https://desk.example.com", "Acme Care <care@acme.com>", "vip-verify"} {
		if !strings.Contains(out, s) {
			t.Errorf("config show lacks %q:\n%s", s, out)
		}
	}

	// A bad value is refused with the reason (exit 1) and changes nothing;
	// an unknown key is a usage error (exit 2).
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"config", "set", "base-url", "ftp://desk.example.com"}, 1, `helpdesk: base-url: "ftp://desk.example.com" is not an http(s) URL`},
		{[]string{"config", "set", "base-url", "https://desk.example.com/?a=b"}, 1, "is not an http(s) URL"},
		{[]string{"config", "set", "desk-name", "Acme\nBcc: x"}, 1, "helpdesk: desk-name: must be one line of at most 100 characters"},
		{[]string{"config", "set", "from", "not an address"}, 1, `helpdesk: from: "not an address" is not a sender`},
		{[]string{"config", "set", "self-signup", "maybe"}, 1, `helpdesk: self-signup: "maybe" is not on or off`},
		{[]string{"config", "set", "signup-parent", "Nowhere"}, 1, "Nowhere"},
		{[]string{"config", "set", "default-template.verify", "welcome"}, 1, "template welcome is for welcome mail, not verify"},
		{[]string{"config", "set", "default-template.verify", "nope"}, 1, `"nope"`},
		{[]string{"config", "set", "colour", "blue"}, 2, `helpdesk: key: "colour" is not a setting; use one of base-url, desk-name`},
		{[]string{"config", "set", "default-template.reply", "x"}, 2, "is not a setting"},
		{[]string{"config", "set", "base-url"}, 2, "helpdesk: missing VALUE"},
		{[]string{"config", "show", "extra"}, 2, "too many arguments"},
		{[]string{"config"}, 2, "helpdesk config needs a subcommand"},
	} {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.HasPrefix(errs, "helpdesk: ") || !strings.Contains(errs, tc.msg) {
			t.Errorf("helpdesk %q: exit %d, stderr %q; want exit %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
	if after := configJSONOf(t, c); !jsonEqual(after, m) {
		t.Errorf("a refused config set changed the settings:\n%v\n%v", m, after)
	}

	// An empty value goes back to the default.
	if out := c.ok("config", "set", "base-url", ""); out != "base-url: (default: http://localhost:8080)\n" {
		t.Errorf("unset base-url said %q", out)
	}
	if out := c.ok("config", "set", "default-template.verify", ""); out != "default-template.verify: (default: verify)\n" {
		t.Errorf("unset default-template.verify said %q", out)
	}
	c.ok("config", "set", "self-signup", "off")
	c.ok("config", "set", "signup-parent", "")
	m = configJSONOf(t, c)
	if m["base_url"] != "" || m["self_signup"] != false || m["signup_parent"] != "" || m["default_templates"].(map[string]any)["verify"] != "verify" {
		t.Errorf("settings after unsetting: %v", m)
	}
}

func jsonEqual(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// A flag or variable overrides a stored setting for its own process, and
// config show says so.
func TestConfigShowNamesTheOverride(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	c.ok("config", "set", "base-url", "https://desk.example.com")
	t.Setenv(envBaseURL, "https://staging.example.com")
	out := c.ok("config", "show")
	if !strings.Contains(out, "https://desk.example.com") || !strings.Contains(out, "overridden here by HELPDESK_BASE_URL=https://staging.example.com") {
		t.Errorf("config show with HELPDESK_BASE_URL:\n%s", out)
	}
	out = c.ok("--desk-name", "Staging", "config", "show")
	if !strings.Contains(out, "overridden here by --desk-name Staging") {
		t.Errorf("config show with --desk-name:\n%s", out)
	}
	// JSON is the stored settings only.
	if m := configJSONOf(t, c, "--desk-name", "Staging"); m["base_url"] != "https://desk.example.com" || m["desk_name"] != "" {
		t.Errorf("config show --json with overrides: %v", m)
	}
	out = c.ok("config", "set", "base-url", "https://desk.example.org")
	if !strings.Contains(out, "base-url: https://desk.example.org\n") || !strings.Contains(out, "HELPDESK_BASE_URL=https://staging.example.com overrides it") {
		t.Errorf("config set under an override said %q", out)
	}
}

// The sender may be a stored setting: the worker runs without --from,
// and with no sender anywhere it refuses to start.
func TestWorkerTakesTheStoredSender(t *testing.T) {
	clearMailEnv(t)
	p := mailertest.Start(t, mailertest.Options{})
	c := newCLI(t)
	smtp := plainSMTP(p)[:6] // without --from
	c.ok("user", "add", "--email", "ann@acme.com")

	code, _, errs := c.run("", append(smtp, "mail", "worker", "--once")...)
	want := `helpdesk: no sender: give --from "Support <support@example.com>", set HELPDESK_FROM, or run helpdesk config set from "Support <support@example.com>"`
	if code != 2 || !strings.HasPrefix(errs, want+"\n") {
		t.Errorf("worker with no sender: exit %d, %q", code, errs)
	}
	code, _, errs = c.run("", append(smtp, "serve", "--http", "127.0.0.1:0")...)
	if code != 2 || !strings.HasPrefix(errs, want+"\n") {
		t.Errorf("serve with SMTP and no sender: exit %d, %q", code, errs)
	}

	c.ok("config", "set", "from", "Acme Care <care@acme.com>")
	out := c.ok(append(smtp, "mail", "worker", "--once")...)
	if !strings.Contains(out, "sent message 1 to ann@acme.com") {
		t.Errorf("worker with the stored sender:\n%s", out)
	}
	if got := p.Next(t); !strings.Contains(got.Header.Get("From"), "care@acme.com") {
		t.Errorf("sent From %q", got.Header.Get("From"))
	}
}

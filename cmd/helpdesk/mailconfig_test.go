package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"helpdesk/mailer/mailertest"
)

// clearMailEnv makes the test independent of the machine's environment.
func clearMailEnv(t *testing.T) {
	for _, k := range []string{envSMTPHost, envSMTPPort, envSMTPUsername, envSMTPPassword, envSMTPTLS, envSMTPCAFile, envFrom, envBaseURL, envDeskName, envSMSToken, envSMSTokenFile} {
		t.Setenv(k, "")
	}
}

func TestMailConfigRefusals(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	worker := func(flags ...string) []string { return append(flags, "mail", "worker", "--once") }
	cases := []struct {
		env  map[string]string
		args []string
		msg  string
	}{
		{nil, worker(), "not sent: no transport configured: give --smtp-host (or set HELPDESK_SMTP_HOST) and --from"},
		{nil, worker("--smtp-host", "mail.example.com", "--smtp-tls", "none", "--from", "a@acme.com"),
			"helpdesk: --smtp-tls none is only allowed for a loopback host (127.0.0.1, ::1, localhost), not mail.example.com"},
		{map[string]string{envSMTPHost: "mail.example.com", envSMTPTLS: "none", envFrom: "a@acme.com"}, worker(),
			"helpdesk: HELPDESK_SMTP_TLS=none is only allowed for a loopback host (127.0.0.1, ::1, localhost), not mail.example.com"},
		{nil, worker("--smtp-host", "mail.example.com", "--smtp-tls", "ssl", "--from", "a@acme.com"), `--smtp-tls: "ssl" is not a TLS mode; use starttls, tls or none`},
		{nil, worker("--smtp-host", "mail.example.com", "--smtp-port", "99999", "--from", "a@acme.com"), `--smtp-port "99999" is not a port number between 1 and 65535`},
		{map[string]string{envSMTPPort: "smtp"}, worker("--smtp-host", "mail.example.com", "--from", "a@acme.com"), `HELPDESK_SMTP_PORT "smtp" is not a port number`},
		{nil, worker("--smtp-host", "mail.example.com:587", "--from", "a@acme.com"), "give the port separately, with --smtp-port"},
		{nil, worker("--smtp-host", "mail.example.com"), `no sender: give --from "Support <support@example.com>", set HELPDESK_FROM, or run helpdesk config set from "Support <support@example.com>"`},
		{nil, worker("--smtp-host", "mail.example.com", "--from", "not an address"), `--from: "not an address" is not a sender address`},
		{nil, worker("--smtp-host", "mail.example.com", "--from", "a@acme.com", "--smtp-username", "desk"), "--smtp-username needs a password: set HELPDESK_SMTP_PASSWORD or use --smtp-password-file"},
		{map[string]string{envSMTPPassword: "pw"}, worker("--smtp-host", "mail.example.com", "--from", "a@acme.com"), "an SMTP password was given but no user name"},
		// The password never comes from a plain flag, on any command.
		{nil, worker("--smtp-host", "mail.example.com", "--from", "a@acme.com", "--smtp-username", "desk", "--smtp-password", "hunter2"),
			"--smtp-password is not accepted: a password on the command line shows in the process list and the shell history; set HELPDESK_SMTP_PASSWORD or use --smtp-password-file"},
		{nil, []string{"--smtp-password=hunter2", "user", "list"}, "--smtp-password is not accepted"},
		{nil, []string{"--base-url", "ftp://desk.example.com/", "user", "add", "--email", "ann@acme.com"}, `--base-url: base URL: "ftp://desk.example.com/" is not an http(s) URL`},
		{map[string]string{envBaseURL: "desk.example.com"}, []string{"user", "add", "--email", "ann@acme.com"}, "HELPDESK_BASE_URL: base URL:"},
		{nil, []string{"--desk-name", "Acme\nBcc: x", "user", "add", "--email", "ann@acme.com"}, "--desk-name must be one line of at most 100 characters"},
		{nil, []string{"mail", "test"}, "--to is required"},
		{nil, []string{"mail", "test", "--to", "nobody"}, "--to: email: missing @"},
		{nil, worker("--smtp-host", "mail.example.com", "--from", "a@acme.com", "--smtp-ca-file", writeFile(t, "ca.pem", "not a certificate")), "holds no PEM certificate"},
	}
	for _, tc := range cases {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		code, _, errs := c.run("", tc.args...)
		if code != 2 || !strings.HasPrefix(errs, "helpdesk: ") || !strings.Contains(errs, tc.msg) {
			t.Errorf("helpdesk %s (env %v): exit %d, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), tc.env, code, errs, tc.msg)
		}
		for k := range tc.env {
			t.Setenv(k, "")
		}
	}
	// Nothing was queued by the refused user adds.
	if ms := mailList(t, c); len(ms) != 0 {
		t.Errorf("refused commands queued %v", ms)
	}
}

// The flag wins over the environment, and the password comes from the
// environment or a file: here over STARTTLS with AUTH, trusting the peer's
// certificate through --smtp-ca-file.
func TestMailTestWithEnvAndFlags(t *testing.T) {
	clearMailEnv(t)
	p := mailertest.Start(t, mailertest.Options{TLS: mailertest.StartTLS, Users: map[string]string{"desk": "correct horse"}})
	ca := writeFile(t, "peer.pem", string(p.CertPEM))
	t.Setenv(envSMTPHost, "mail.example.com") // overridden by the flag
	t.Setenv(envSMTPTLS, "tls")               // overridden by the flag
	t.Setenv(envSMTPPort, strconv.Itoa(p.Port))
	t.Setenv(envSMTPUsername, "desk")
	t.Setenv(envSMTPPassword, "correct horse")
	t.Setenv(envFrom, "Acme Care <care@acme.com>")
	t.Setenv(envDeskName, "Acme Care")
	c := newCLI(t)
	out := c.ok("--smtp-host", "127.0.0.1", "--smtp-tls", "starttls", "--smtp-ca-file", ca, "mail", "test", "--to", "bob@example.com")
	got := p.Next(t)
	if !strings.Contains(out, "Test message sent to bob@example.com through 127.0.0.1:"+strconv.Itoa(p.Port)) {
		t.Errorf("mail test said %q", out)
	}
	if !got.TLS || got.User != "desk" || got.Header.Get("Subject") != "Test message from Acme Care" || got.To[0] != "bob@example.com" {
		t.Errorf("received: TLS %v user %q subject %q to %v", got.TLS, got.User, got.Header.Get("Subject"), got.To)
	}
	if !strings.Contains(out, got.Header.Get("Message-Id")) {
		t.Errorf("the printed Message-ID is not the one sent: %q vs %q", out, got.Header.Get("Message-Id"))
	}

	// The password from a file, winning over the environment's.
	t.Setenv(envSMTPPassword, "wrong")
	pwFile := writeFile(t, "pw", "correct horse\n")
	c.ok("--smtp-host", "127.0.0.1", "--smtp-tls", "starttls", "--smtp-ca-file", ca, "--smtp-password-file", pwFile, "mail", "test", "--to", "bob@example.com")
	p.Next(t)

	// A wrong password is a permanent failure, said as such (exit 1).
	code, _, errs := c.run("", "--smtp-host", "127.0.0.1", "--smtp-tls", "starttls", "--smtp-ca-file", ca, "mail", "test", "--to", "bob@example.com")
	if code != 1 || !strings.Contains(errs, "refused for good") || !strings.Contains(errs, "535") {
		t.Errorf("wrong password: exit %d, %q", code, errs)
	}
	// Without trusting the peer's certificate the connection is refused.
	code, _, errs = c.run("", "--smtp-host", "127.0.0.1", "--smtp-tls", "starttls", "--smtp-password-file", pwFile, "mail", "test", "--to", "bob@example.com")
	if code != 1 || !strings.Contains(errs, "certificate") || !strings.Contains(errs, "temporary") {
		t.Errorf("untrusted certificate: exit %d, %q", code, errs)
	}
}

func TestMailTestReportsAPermanentRefusal(t *testing.T) {
	clearMailEnv(t)
	p := mailertest.Start(t, mailertest.Options{Rcpt: func(int, string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}})
	c := newCLI(t)
	code, _, errs := c.run("", append(plainSMTP(p), "mail", "test", "--to", "ghost@example.com")...)
	if code != 1 || !strings.Contains(errs, "helpdesk: test message to ghost@example.com not sent") || !strings.Contains(errs, "refused for good") || !strings.Contains(errs, "550") {
		t.Errorf("exit %d, %q", code, errs)
	}
}

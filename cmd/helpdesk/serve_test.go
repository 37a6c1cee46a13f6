package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"helpdesk/domain"
	"helpdesk/store"
)

// deskWithAgents is the usual cast: ann an admin, bob a plain agent, val
// who may only touch organizations, and one customer so the console opens
// on the users list rather than the first-run screen.
func deskWithAgents(t *testing.T) (d *sshDesk, ann, bob, val testAgent) {
	d = newSSHDesk(t)
	ann = d.agent("ann@example.com", "admin", "")
	bob = d.agent("bob@example.com", "agent", "")
	val = d.agent("val@example.com", "agent", "orgs.write")
	d.cli("user", "add", "--email", "seed@acme.com", "--name", "Seed Customer", "--mail", "none")
	return d, ann, bob, val
}

func TestSSHKnownKeyGetsTheConsole(t *testing.T) {
	t.Parallel()
	d, ann, _, _ := deskWithAgents(t)
	d.serve(serveConfig{})

	tm := console(t, d.as(ann), 100, 30)
	tm.waitFor(0, "helpdesk", "Users", "seed@acme.com", "agent:ann@example.com", "n new user")
	// Drawn for this agent's terminal (xterm-256color: 256-colour
	// sequences), not for the server's, which here is no terminal at all.
	if raw := tm.bytes(0); !strings.Contains(raw, "\x1b[38;5;") || strings.Contains(raw, "\x1b[38;2;") {
		t.Errorf("the console is not drawn in the session's 256 colours: %q", tail(raw))
	}

	// The host key was made on first start, readable by its owner only.
	fi, err := os.Stat(filepath.Join(filepath.Dir(d.db), hostKeyName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %04o, want 0600", fi.Mode().Perm())
	}
}

func TestSSHRefusesAtTheHandshake(t *testing.T) {
	t.Parallel()
	d, ann, _, _ := deskWithAgents(t)
	gone := d.agent("gone@example.com", "agent", "")
	d.cli("agent", "disable", "gone@example.com")
	d.serve(serveConfig{})

	refused := func(what string, cfg *gossh.ClientConfig) error {
		t.Helper()
		_, err := d.dial(cfg)
		if err == nil {
			t.Fatalf("%s: connected", what)
		}
		if !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("%s: %v, want a refusal at authentication", what, err)
		}
		return err
	}
	refused("unknown key", d.config("ann", gossh.PublicKeys(newSigner(t))))
	refused("disabled agent's key", d.config("gone", gossh.PublicKeys(gone.signer)))

	// Password and keyboard-interactive are not even offered: the client
	// never gets to try them, whatever user name it gives.
	var asked atomic.Bool
	err := refused("password", d.config("ann@example.com",
		gossh.Password("hunter2"),
		gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			asked.Store(true)
			return []string{"hunter2"}, nil
		})))
	if asked.Load() || strings.Contains(err.Error(), "password") || strings.Contains(err.Error(), "keyboard-interactive") {
		t.Errorf("the server let the client try a password or keyboard-interactive: %v", err)
	}
	var offered []string
	cfg := d.config("ann@example.com")
	cfg.AuthCallback = func(ctx *gossh.ClientAuthContext) (gossh.AuthMethod, error) {
		offered = ctx.AllowedMethods
		return nil, errors.New("only looking")
	}
	_, _ = d.dial(cfg)
	if !slices.Equal(offered, []string{"publickey"}) {
		t.Errorf("server offers %q, want only publickey", offered)
	}

	// No SFTP subsystem, no tunnels.
	c := d.as(ann)
	if conn, err := c.Dial("tcp", d.addr); err == nil {
		conn.Close()
		t.Error("port forwarding was accepted")
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was accepted")
	}
}

// offerOnly is a key whose owner's public half the client knows but whose
// private half it does not hold: the server may accept the offer, but no
// signature follows.
type offerOnly struct {
	gossh.Signer
	offered *atomic.Bool
}

func (o offerOnly) Sign(_ io.Reader, _ []byte) (*gossh.Signature, error) {
	o.offered.Store(true)
	return nil, errors.New("no private key")
}

// A client offers ann's key under ann's name, then authenticates with
// bob's: the session is bob's. (x/crypto's client keeps one user name per
// connection, as OpenSSH does; the name here is the offered key's owner.)
func TestSSHIdentityIsTheKeyThatAuthenticated(t *testing.T) {
	t.Parallel()
	d, ann, bob, _ := deskWithAgents(t)
	d.serve(serveConfig{})

	var offered atomic.Bool
	step := 0
	cfg := d.config("ann@example.com")
	cfg.AuthCallback = func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
		step++
		switch step {
		case 1:
			return gossh.PublicKeys(offerOnly{Signer: ann.signer, offered: &offered}), nil
		case 2:
			return gossh.PublicKeys(bob.signer), nil
		}
		return nil, errors.New("out of keys")
	}
	c, err := d.dial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !offered.Load() {
		t.Fatal("the server never accepted the offer of ann's key: the test proves nothing")
	}
	if code, out, errs := command(t, c, "", "whoami"); code != 0 || !strings.HasPrefix(out, "agent:bob@example.com\n") {
		t.Fatalf("whoami: exit %d, %q %q; want bob", code, out, errs)
	}
	// The console says so too.
	console(t, c, 100, 30).waitFor(0, "agent:bob@example.com")

	// The user name is never the identity.
	c2, err := d.dial(d.config("ann@example.com", gossh.PublicKeys(bob.signer)))
	if err != nil {
		t.Fatal(err)
	}
	if _, out, _ := command(t, c2, "", "whoami"); !strings.HasPrefix(out, "agent:bob@example.com\n") {
		t.Fatalf("whoami as user ann with bob's key: %q", out)
	}

	// An offered key never lets an unknown one in.
	step = 0
	cfg.AuthCallback = func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
		step++
		switch step {
		case 1:
			return gossh.PublicKeys(offerOnly{Signer: ann.signer, offered: &offered}), nil
		case 2:
			return gossh.PublicKeys(newSigner(t)), nil
		}
		return nil, errors.New("out of keys")
	}
	if _, err := d.dial(cfg); err == nil {
		t.Fatal("an unknown key got in after an offered one")
	}
}

func TestSSHAgentWithoutPermissionIsToldOnScreen(t *testing.T) {
	t.Parallel()
	d, _, _, val := deskWithAgents(t)
	d.serve(serveConfig{})

	tm := console(t, d.as(val), 100, 30)
	first := tm.waitFor(0, "seed@acme.com", "q quit")
	if strings.Contains(first, "new user") {
		t.Errorf("the help offers new user to an agent without users.write:\n%s", first)
	}
	m := tm.mark()
	tm.keys("n")
	tm.waitFor(m, "agent:val@example.com may not do this: it needs the users.write permission")
}

func TestSSHNewUserShowsInOtherSessionsWithoutAKey(t *testing.T) {
	t.Parallel()
	d, ann, bob, _ := deskWithAgents(t)
	d.serve(serveConfig{})

	a := console(t, d.as(ann), 100, 30)
	b := console(t, d.as(bob), 100, 30)
	a.waitFor(0, "seed@acme.com")
	b.waitFor(0, "seed@acme.com")
	seen := b.mark()

	m := a.mark()
	a.keys("n")
	a.waitFor(m, "New user", "Email")
	a.keys("live.one@example.org")
	m = a.mark()
	a.keys(keyCtrlS)
	a.waitFor(m, "Created live.one@example.org")

	b.waitFor(seen, "live.one@example.org", "All 2")
}

func TestSSHConcurrentEditsConflict(t *testing.T) {
	t.Parallel()
	d, ann, bob, _ := deskWithAgents(t)
	d.serve(serveConfig{})

	a := console(t, d.as(ann), 100, 30)
	b := console(t, d.as(bob), 100, 30)
	for _, tm := range []*terminal{a, b} {
		tm.waitFor(0, "seed@acme.com")
		m := tm.mark()
		tm.keys(keyEnter)
		tm.waitFor(m, "Seed Customer", "e edit")
		m = tm.mark()
		tm.keys("e")
		tm.waitFor(m, "ctrl+s save")
		m = tm.mark()
		tm.keys(keyCtrlX)
		tm.waitFor(m, "Full name")
	}
	m := a.mark()
	a.keys("Ann's Name")
	a.waitFor(m, "Ann's Name")
	m = a.mark()
	a.keys(keyCtrlS)
	a.waitFor(m, "Saved Ann's Name")

	m = b.mark()
	b.keys("Bob's Name")
	b.waitFor(m, "Bob's Name")
	m = b.mark()
	b.keys(keyCtrlS)
	b.waitFor(m, "Not saved: agent:ann@example.com changed this user at", "reload, dropping your edits")
	m = b.mark()
	b.keys("r")
	b.waitFor(m, "Reloaded", "Ann's Name")
}

func TestSSHCommandsRunAsTheAgent(t *testing.T) {
	t.Parallel()
	d, ann, bob, _ := deskWithAgents(t)
	d.serve(serveConfig{})
	cb := d.as(bob)

	if code, out, errs := command(t, cb, "", "user", "add", "--email", "cli@acme.com", "--name", "Cli User", "--mail", "none"); code != 0 || !strings.Contains(out, "Created user") {
		t.Fatalf("user add: exit %d, %q %q", code, out, errs)
	}
	code, out, errs := command(t, cb, "", "user", "list", "--json")
	var users []struct{ Email string }
	if err := json.Unmarshal([]byte(out), &users); code != 0 || err != nil {
		t.Fatalf("user list --json: exit %d, %v: %q %q", code, err, out, errs)
	}
	if !slices.ContainsFunc(users, func(u struct{ Email string }) bool { return u.Email == "cli@acme.com" }) {
		t.Errorf("user list lacks cli@acme.com: %s", out)
	}

	// Standard input reaches the command: an import as the admin.
	csv := "email,name\nimp1@acme.com,Imp One\nimp2@acme.com,Imp Two\n"
	if code, out, errs := command(t, d.as(ann), csv, "import", "users", "-"); code != 0 || !strings.Contains(out, "Imported 2 of 2 rows") {
		t.Fatalf("import users -: exit %d, %q %q", code, out, errs)
	}

	// Permissions are the agent's, with the refusal naming what is needed.
	code, _, errs = command(t, cb, "", "agent", "add", "--name", "Eve", "--email", "eve@example.com", "--key", keyLine(newSigner(t)))
	if code != exitFailed || !strings.Contains(errs, "agent:bob@example.com may not do this: it needs the agents permission") {
		t.Errorf("agent add by bob: exit %d, %q", code, errs)
	}

	// What makes no sense remotely is refused with a sentence.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve"}, exitFailed, "serve runs on the desk's host"},
		{[]string{"mail", "worker"}, exitFailed, "the server already delivers the desk's mail"},
		{[]string{"--demo"}, exitFailed, "the console opens when you connect from a terminal"},
		{[]string{"backup", "/tmp/x.db"}, exitFailed, "backup writes a file on the desk's host"},
		{[]string{"salvage", "/tmp/x.db", "/tmp/y.db"}, exitFailed, "salvage reads and writes files on the desk's host"},
		{[]string{"import", "users", "/etc/passwd"}, exitUsage, "import reads standard input only"},
		{[]string{"user", "list", "--db", "/tmp/other.db"}, exitUsage, "--db is the desk's own setting"},
		{[]string{"user", "add", "--email", "x@acme.com", "--base-url", "https://evil.example/"}, exitUsage, "--base-url is the desk's own setting"},
		{[]string{"user", "add", "--email", "x@acme.com", "--body-file", "/etc/passwd"}, exitUsage, "--body-file reads standard input only"},
		{[]string{"scp", "-t", "/tmp"}, exitFailed, "it transfers no files"},
	} {
		code, _, errs := command(t, cb, "", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("ssh %s: exit %d, %q; want exit %d and %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.want)
		}
	}

	// Without a command and without a terminal: one line of usage.
	s, err := cb.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	s.Stderr = &stderr
	err = s.Run("")
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != exitUsage || strings.Count(stderr.String(), "\n") != 1 ||
		!strings.Contains(stderr.String(), "connect from a terminal (ssh -t)") {
		t.Errorf("no command, no terminal: %v, %q", err, stderr.String())
	}
}

// An admin disables an agent while its console is open: the console closes
// and says why.
func TestSSHDisabledAgentsConsoleCloses(t *testing.T) {
	t.Parallel()
	d, ann, bob, _ := deskWithAgents(t)
	d.serve(serveConfig{})

	tm := console(t, d.as(bob), 100, 30)
	tm.waitFor(0, "seed@acme.com")
	m := tm.mark()
	if code, _, errs := command(t, d.as(ann), "", "agent", "disable", "bob@example.com"); code != 0 {
		t.Fatalf("agent disable: %d %s", code, errs)
	}
	if s := tm.waitClosed(m); !strings.Contains(s, "an admin disabled this agent") {
		t.Errorf("the console closed without saying why:\n%s", tail(s))
	}
	if _, err := d.dial(d.config("bob", gossh.PublicKeys(bob.signer))); err == nil {
		t.Error("a disabled agent connected")
	}
}

func TestSSHGracefulShutdown(t *testing.T) {
	t.Parallel()
	d, ann, bob, _ := deskWithAgents(t)
	d.serve(serveConfig{drain: 10 * time.Second})

	tm := console(t, d.as(ann), 100, 30)
	tm.waitFor(0, "seed@acme.com")
	m := tm.mark()
	if code, _, errs := command(t, d.as(bob), "", "user", "add", "--email", "kept@acme.com", "--mail", "none"); code != 0 {
		t.Fatalf("user add: %d %s", code, errs)
	}
	tm.waitFor(m, "kept@acme.com")

	m = tm.mark()
	if err := d.stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	s := tm.waitClosed(m)
	if !strings.Contains(s, "The desk is shutting down") || !strings.Contains(s, "helpdesk: the desk is shutting down; reconnect in a minute") {
		t.Errorf("the agent was not told:\n%s", tail(s))
	}
	if out := d.out.String(); !strings.Contains(out, "the database is closed") {
		t.Errorf("serve said:\n%s", out)
	}
	if _, err := d.dial(d.config("ann", gossh.PublicKeys(ann.signer))); err == nil {
		t.Error("connected after shutdown")
	}

	// The file is free again, and holds what was committed, under the
	// agent's name.
	db, err := store.Open(d.db, store.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatalf("the store was not closed: %v", err)
	}
	defer db.Close()
	desk := domain.NewDesk(db)
	u, err := desk.UserByEmail("kept@acme.com")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := desk.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 10)
	if err != nil || len(entries) == 0 || entries[0].Actor != "agent:bob@example.com" {
		t.Errorf("audit of kept@acme.com: %+v %v; want it to name agent:bob@example.com", entries, err)
	}
}

// The host key is made once and kept; a key others may read is refused.
func TestHostKeyKeptAndGuarded(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", hostKeyName)
	first, err := loadHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := loadHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if gossh.FingerprintSHA256(first.PublicKey()) != gossh.FingerprintSHA256(again.PublicKey()) {
		t.Fatal("the host key changed between two starts")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable host key: %v", err)
	}
}

package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func pubKey(t *testing.T) string {
	t.Helper()
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " someone@laptop"
}

func TestAgentCommands(t *testing.T) {
	c := newCLI(t)
	keyFile := filepath.Join(t.TempDir(), "ada.pub")
	os.WriteFile(keyFile, []byte(pubKey(t)+"\n"), 0o600)
	out := c.ok("agent", "add", "--name", "Ada", "--email", "ada@desk.example", "--role", "admin", "--key-file", keyFile)
	if !strings.Contains(out, "Added agent ada@desk.example (admin)") || !strings.Contains(out, "SHA256:") {
		t.Errorf("add said %q", out)
	}
	c.ok("agent", "add", "--name", "Al", "--email", "al@desk.example", "--key", pubKey(t))
	c.ok("agent", "perms", "al@desk.example", "users.write,orgs.write")
	c.ok("agent", "disable", "al@desk.example")
	var agents []map[string]any
	if err := json.Unmarshal([]byte(c.ok("agent", "list", "--json")), &agents); err != nil {
		t.Fatal(err)
	}
	if len(agents) != 2 || agents[1]["disabled"] != true || len(agents[1]["permissions"].([]any)) != 2 || agents[0]["role"] != "admin" {
		t.Errorf("agents %v", agents)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"agent", "add", "--name", "X", "--email", "x@desk.example"}, 2, "a public key is required"},
		{[]string{"agent", "add", "--name", "X", "--email", "x@desk.example", "--role", "boss", "--key", "k"}, 2, "not an agent role"},
		{[]string{"agent", "add", "--name", "X", "--email", "x@desk.example", "--key", "ssh-ed25519 garbage"}, 1, "not an SSH public key"},
		{[]string{"agent", "perms", "al@desk.example", "everything"}, 2, "not a permission"},
		{[]string{"agent", "disable", "ada@desk.example"}, 1, "last enabled agent who can manage agents"},
	} {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("helpdesk %s: exit %d %q; want %d with %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.msg)
		}
	}
}

package main

import (
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// The console's --agent (or HELPDESK_AGENT) names the agent a local
// console stands for; an unknown or disabled one is refused in a sentence
// that says what to do.
func TestConsoleAgentFlag(t *testing.T) {
	c := newCLI(t)
	c.ok("agent", "add", "--name", "Ada", "--email", "ada@desk.example", "--role", "admin", "--key", pubKey(t))
	c.ok("agent", "add", "--name", "Al", "--email", "al@desk.example", "--key", pubKey(t))
	c.ok("agent", "disable", "al@desk.example")

	a := &app{in: strings.NewReader(""), out: io.Discard, err: io.Discard, dbPath: c.db}
	s, err := a.open()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ada, err := s.desk.AgentByEmail("ada@desk.example")
	if err != nil {
		t.Fatal(err)
	}
	console := func(args ...string) *cobra.Command {
		cmd := &cobra.Command{}
		a.consoleFlags(cmd)
		if err := cmd.Flags().Parse(args); err != nil {
			t.Fatal(err)
		}
		return cmd
	}

	t.Setenv("HELPDESK_AGENT", "")
	if id, err := a.consoleAgent(console(), s); id != 0 || err != nil {
		t.Fatalf("no agent named: %d, %v", id, err)
	}
	if id, err := a.consoleAgent(console("--agent", "ADA@desk.example"), s); id != ada.ID || err != nil {
		t.Fatalf("--agent ada: %d, %v", id, err)
	}
	t.Setenv("HELPDESK_AGENT", "ada@desk.example")
	if id, err := a.consoleAgent(console(), s); id != ada.ID || err != nil {
		t.Fatalf("HELPDESK_AGENT ada: %d, %v", id, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--agent", "zed@desk.example"}, "--agent names zed@desk.example, but no agent has that email; run 'helpdesk agent list' to see them, or 'helpdesk agent add' to become one"},
		{[]string{"--agent", "al@desk.example"}, "--agent names al@desk.example, an agent who is disabled; enable them with 'helpdesk agent enable al@desk.example', or name another"},
	} {
		if _, err := a.consoleAgent(console(tc.args...), s); err == nil || err.Error() != tc.want {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	t.Setenv("HELPDESK_AGENT", "zed@desk.example")
	if _, err := a.consoleAgent(console(), s); err == nil || !strings.HasPrefix(err.Error(), "HELPDESK_AGENT names zed@desk.example, but no agent") {
		t.Errorf("HELPDESK_AGENT zed: %v", err)
	}
}

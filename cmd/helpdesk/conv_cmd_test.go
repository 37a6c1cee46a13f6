package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"helpdesk/domain"
)

func convKeys(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func convList(t *testing.T, c *cli, args ...string) []map[string]any {
	t.Helper()
	var cs []map[string]any
	out := c.ok(append([]string{"conv", "list", "--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("conv list --json: %v\n%s", err, out)
	}
	return cs
}

func convShow(t *testing.T, c *cli, id string) map[string]any {
	t.Helper()
	var m map[string]any
	out := c.ok("conv", "show", id, "--json")
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("conv show --json: %v\n%s", err, out)
	}
	return m
}

func TestConvCommands(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee", "--mail", "none")
	c.ok("user", "add", "--email", "bob@beta.com", "--mail", "none")
	c.ok("agent", "add", "--name", "Al Agent", "--email", "al@desk.example", "--role", "agent", "--key", pubKey(t))
	body := filepath.Join(t.TempDir(), "body.txt")
	if err := os.WriteFile(body, []byte("Hello Ann,\n\nwe got your call.\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// new: from a file, and from standard input.
	out := c.ok("conv", "new", "--requester", "ANN@acme.com", "--subject", "Printer on fire", "--body-file", body, "--tag", "hardware")
	if !strings.Contains(out, "Created conversation 1 with ann@acme.com: Printer on fire") || !strings.Contains(out, "Mail to ann@acme.com queued, held: no transport configured (outbox message") {
		t.Errorf("conv new said %q", out)
	}
	code, out, errs := c.run("Hi Bob", "conv", "new", "--requester", "bob@beta.com", "--subject", "Invoice", "--body-file", "-")
	if code != 0 || !strings.Contains(out, "Created conversation 2 with bob@beta.com") {
		t.Fatalf("conv new from stdin: %d %q %q", code, out, errs)
	}

	// reply, public and internal.
	code, out, errs = c.run("Try turning it off.", "conv", "reply", "1", "--body-file", "-")
	if code != 0 || !strings.Contains(out, "Reply #2 added to conversation 1.") || !strings.Contains(out, "Mail to ann@acme.com queued") {
		t.Errorf("conv reply: %d %q %q", code, out, errs)
	}
	code, out, _ = c.run("She sounded upset.", "conv", "reply", "1", "--body-file", "-", "--internal")
	if code != 0 || !strings.Contains(out, "Note #3 added") || !strings.Contains(out, "Internal note: not mailed.") {
		t.Errorf("conv reply --internal: %d %q", code, out)
	}
	ms := mailList(t, c)
	if len(ms) != 3 || ms[0]["event"] != "reply" || ms[0]["subject"] != "Re: Printer on fire" {
		t.Errorf("outbox after the replies: %v", ms)
	}

	// A disabled requester: kept, not mailed, and said so.
	c.ok("user", "disable", "bob@beta.com")
	code, out, _ = c.run("Are you there?", "conv", "reply", "2", "--body-file", "-")
	if code != 0 || !strings.Contains(out, "Not mailed: requester is disabled; the message is kept") {
		t.Errorf("reply to a disabled requester: %d %q", code, out)
	}
	if n := len(mailList(t, c)); n != 3 {
		t.Errorf("%d mails after replying to a disabled requester, want 3", n)
	}
	c.ok("user", "enable", "bob@beta.com")
	code, out, _ = c.run("Welcome back.", "conv", "reply", "2", "--body-file", "-")
	if code != 0 || !strings.Contains(out, "Mail to bob@beta.com queued") {
		t.Errorf("reply after enable: %d %q", code, out)
	}

	// status and assign.
	if out := c.ok("conv", "status", "2", "PENDING"); out != "Conversation 2: open -> pending.\n" {
		t.Errorf("conv status said %q", out)
	}
	if out := c.ok("conv", "status", "2", "pending"); out != "Conversation 2 is already pending.\n" {
		t.Errorf("conv status again said %q", out)
	}
	if out := c.ok("conv", "assign", "1", "al@desk.example"); out != "Conversation 1 is assigned to al@desk.example.\n" {
		t.Errorf("conv assign said %q", out)
	}

	// list: fields, filters, table.
	all := convList(t, c)
	if len(all) != 2 || all[0]["id"] != 2.0 || all[1]["id"] != 1.0 {
		t.Fatalf("conv list: %v", all)
	}
	want := []string{"assignee", "created_at", "id", "organization", "requester", "status", "subject", "tags", "updated_at"}
	if got := convKeys(all[0]); !slices.Equal(got, want) {
		t.Errorf("conv list JSON fields %v, want exactly %v", got, want)
	}
	one := all[1]
	if one["requester"] != "ann@acme.com" || one["organization"] != "Acme" || one["status"] != "open" ||
		one["assignee"] != "al@desk.example" || one["subject"] != "Printer on fire" {
		t.Errorf("conversation 1: %v", one)
	}
	if tags, _ := one["tags"].([]any); len(tags) != 1 || tags[0] != "hardware" {
		t.Errorf("tags %v", one["tags"])
	}
	if tags, ok := all[0]["tags"].([]any); !ok || len(tags) != 0 {
		t.Errorf("no tags should be [], got %v", all[0]["tags"])
	}
	if open := convList(t, c, "--status", "open"); len(open) != 1 || open[0]["id"] != 1.0 {
		t.Errorf("--status open: %v", open)
	}
	if bobs := convList(t, c, "--requester", "bob@beta.com"); len(bobs) != 1 || bobs[0]["id"] != 2.0 {
		t.Errorf("--requester bob: %v", bobs)
	}
	if none := convList(t, c, "--status", "closed"); len(none) != 0 {
		t.Errorf("--status closed: %v", none)
	}
	table := c.ok("conv", "list")
	if !strings.HasPrefix(table, "ID  STATUS   REQUESTER") || !strings.Contains(table, "Printer on fire") || !strings.Contains(table, "pending") {
		t.Errorf("conv list table:\n%s", table)
	}

	// show: fields and messages.
	s := convShow(t, c, "1")
	if got := convKeys(s); !slices.Equal(got, []string{"assignee", "created_at", "id", "messages", "organization", "requester", "status", "subject", "tags", "updated_at"}) {
		t.Errorf("conv show JSON fields %v", got)
	}
	msgs, _ := s["messages"].([]any)
	if len(msgs) != 3 {
		t.Fatalf("messages %v", s["messages"])
	}
	m0 := msgs[0].(map[string]any)
	if got := convKeys(m0); !slices.Equal(got, []string{"author", "body", "created_at", "id", "kind", "mailed"}) {
		t.Errorf("message JSON fields %v", got)
	}
	if m0["id"] != 1.0 || m0["kind"] != "reply" || m0["mailed"] != true || m0["body"] != "Hello Ann,\n\nwe got your call." ||
		!strings.HasPrefix(m0["author"].(string), "owner:") {
		t.Errorf("first message %v", m0)
	}
	if m2 := msgs[2].(map[string]any); m2["kind"] != "note" || m2["mailed"] != false {
		t.Errorf("note %v", m2)
	}
	b := convShow(t, c, "2")["messages"].([]any)
	if len(b) != 3 || b[1].(map[string]any)["mailed"] != false || b[2].(map[string]any)["mailed"] != true {
		t.Errorf("bob's thread %v", b)
	}
	text := c.ok("conv", "show", "1")
	for _, w := range []string{"subject:", "Printer on fire", "assignee:", "al@desk.example", "--- #1 reply by owner:", "(queued, held: no transport configured)", "--- #3 note", "(internal)", "She sounded upset."} {
		if !strings.Contains(text, w) {
			t.Errorf("conv show lacks %q:\n%s", w, text)
		}
	}

	// Unassign, with none or "".
	if out := c.ok("conv", "assign", "1", "none"); out != "Conversation 1 is unassigned.\n" {
		t.Errorf("assign none said %q", out)
	}
	c.ok("conv", "assign", "1", "al@desk.example")
	if out := c.ok("conv", "assign", "1", ""); out != "Conversation 1 is unassigned.\n" {
		t.Errorf("assign \"\" said %q", out)
	}
	c.ok("check")
}

func TestConvErrorsAndExitCodes(t *testing.T) {
	c := newCLI(t)
	c.ok("user", "add", "--email", "ann@acme.com", "--mail", "none")
	code, _, errs := c.run("hi", "conv", "new", "--requester", "ann@acme.com", "--subject", "S", "--body-file", "-")
	if code != 0 {
		t.Fatal(errs)
	}
	cases := []struct {
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"", []string{"conv"}, 2, "helpdesk: helpdesk conv needs a subcommand"},
		{"", []string{"conv", "frob"}, 2, `unknown command "frob" for helpdesk conv`},
		{"", []string{"conv", "new", "--subject", "S", "--body-file", "-"}, 2, "--requester is required"},
		{"", []string{"conv", "new", "--requester", "ann@acme.com", "--body-file", "-"}, 2, "--subject is required"},
		{"", []string{"conv", "new", "--requester", "ann@acme.com", "--subject", "S"}, 2, "--body-file is required"},
		{"hi", []string{"conv", "new", "--requester", "ghost@acme.com", "--subject", "S", "--body-file", "-"}, 1, "helpdesk: cannot start the conversation: no user with email ghost@acme.com"},
		{"  ", []string{"conv", "new", "--requester", "ann@acme.com", "--subject", "S", "--body-file", "-"}, 1, "body: is empty"},
		{"", []string{"conv", "new", "--requester", "ann@acme.com", "--subject", "S", "--body-file", "/nonexistent/body.txt"}, 1, "cannot read /nonexistent/body.txt"},
		{"hi", []string{"conv", "new", "--requester", "ann@acme.com", "--subject", "S", "--body-file", "-", "--tag", "No Spaces"}, 1, "tags:"},
		{"", []string{"conv", "list", "--status", "sleeping"}, 2, `"sleeping" is not a conversation status`},
		{"", []string{"conv", "list", "--requester", "ghost@acme.com"}, 1, "helpdesk: no user with email ghost@acme.com"},
		{"", []string{"conv", "show"}, 2, "helpdesk: missing ID"},
		{"", []string{"conv", "show", "abc"}, 2, `"abc" is not a conversation id`},
		{"", []string{"conv", "show", "9"}, 1, "helpdesk: no conversation with id 9"},
		{"hi", []string{"conv", "reply", "9", "--body-file", "-"}, 1, "helpdesk: cannot add to conversation 9: no conversation with id 9"},
		{"", []string{"conv", "reply", "1"}, 2, "--body-file is required"},
		{"", []string{"conv", "status", "1"}, 2, "helpdesk: missing STATUS"},
		{"", []string{"conv", "status", "1", "done"}, 2, `"done" is not a conversation status`},
		{"", []string{"conv", "status", "9", "open"}, 1, "no conversation with id 9"},
		{"", []string{"conv", "assign", "1"}, 2, "helpdesk: missing AGENT_EMAIL"},
		{"", []string{"conv", "assign", "1", "nobody@desk.example"}, 1, "helpdesk: cannot assign conversation 1: no agent with email nobody@desk.example"},
		{"", []string{"conv", "list", "--bogus"}, 2, "unknown flag: --bogus"},
	}
	for _, tc := range cases {
		code, _, errs := c.run(tc.stdin, tc.args...)
		if code != tc.code {
			t.Errorf("helpdesk %s: exit %d, want %d (stderr %q)", strings.Join(tc.args, " "), code, tc.code, errs)
		}
		first := strings.SplitN(errs, "\n", 2)[0]
		if !strings.HasPrefix(first, "helpdesk: ") || !strings.Contains(first, tc.msg) {
			t.Errorf("helpdesk %s: stderr %q, want a first line with %q", strings.Join(tc.args, " "), errs, tc.msg)
		}
	}
}

// An agent without users.write may read conversations but not change them;
// the refusal names the permission and exits 1.
func TestConvCommandsObeyPermissions(t *testing.T) {
	c := newCLI(t)
	c.ok("user", "add", "--email", "ann@acme.com", "--mail", "none")
	if code, _, errs := c.run("hi", "conv", "new", "--requester", "ann@acme.com", "--subject", "S", "--body-file", "-"); code != 0 {
		t.Fatal(errs)
	}
	ro := &domain.Actor{Name: "agent:ro@desk.example", AgentID: 9, Perms: domain.PermOrgsWrite}
	as := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := runWith(append([]string{"--db", c.db}, args...), strings.NewReader(stdin), &out, &errb, ro, nil)
		return code, out.String(), errb.String()
	}
	for _, args := range [][]string{
		{"conv", "new", "--requester", "ann@acme.com", "--subject", "S", "--body-file", "-"},
		{"conv", "reply", "1", "--body-file", "-"},
		{"conv", "status", "1", "closed"},
		{"conv", "assign", "1", "none"},
	} {
		code, _, errs := as("hello", args...)
		if code != 1 || !strings.Contains(errs, "needs the users.write permission") {
			t.Errorf("%v as a read-only agent: exit %d, %q", args, code, errs)
		}
	}
	if code, out, errs := as("", "conv", "list"); code != 0 || !strings.Contains(out, "ann@acme.com") {
		t.Errorf("conv list as a read-only agent: %d %q %q", code, out, errs)
	}
	if s := convShow(t, c, "1"); len(s["messages"].([]any)) != 1 || s["status"] != "open" {
		t.Errorf("a refused command changed the conversation: %v", s)
	}
}

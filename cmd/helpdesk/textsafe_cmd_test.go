package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"helpdesk/domain"
	"helpdesk/domain/textsafe"
	"helpdesk/store"
)

// hostile holds the escape corpus of the console's sanitiser tests in one
// string: OSC 52 (writes the clipboard), OSC 0 (window title), CSI, DCS, a
// UTF-8 C1 CSI (U+009B), a lone 0x9B byte (CSI to a terminal in 8-bit
// mode), bidi controls (U+202E, U+2066, U+200F, U+061C), BEL, CR, BS, DEL,
// a tab and a newline.
const hostile = "\x1b]52;c;ZXZpbA==\x07\x1b]0;pwned\x07\x1b[2J\x1bPqdcs\x1b\\\u009b6n\x9b6n\u202e\u2066\u200f\u061c\x07\r\b\x7f\tX\nY"

// assertInert fails if out holds anything a terminal acts on: ESC, a C0
// control but newline, DEL, a C1 control (as a rune, or as a lone byte: the
// output must be valid UTF-8), or a bidi control.
func assertInert(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: output is not valid UTF-8 (a lone C1 byte?): %q", what, out)
		return
	}
	for _, r := range out {
		if (r != '\n' && textsafe.IsControl(r)) || textsafe.IsBidi(r) {
			t.Errorf("%s: output holds %U: %q", what, r, out)
			return
		}
	}
}

// taint appends hostile to each named string or []string field of the
// struct v points to, where it has one.
func taint(v any, fields ...string) {
	rv := reflect.ValueOf(v).Elem()
	for _, name := range fields {
		f := rv.FieldByName(name)
		switch {
		case !f.IsValid():
		case f.Kind() == reflect.String:
			f.SetString(f.String() + hostile)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.Append(f, reflect.ValueOf(hostile).Convert(f.Type().Elem())))
		}
	}
}

// hostileDesk is a desk whose records hold the corpus in every free-text
// field. The Desk refuses such input, so the records are written straight
// into the store, as a damaged file or an older version could hold them.
func hostileDesk(t *testing.T) *cli {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	c.ok("user", "add", "--email", "bob@acme.com", "--name", "Bob")
	c.ok("agent", "add", "--name", "Al", "--email", "al@desk.example", "--role", "admin", "--key", pubKey(t))
	c.ok("group", "add", "--name", "Buyers", "--org", "Acme")
	if code, _, errs := c.run("Hello", "conv", "new", "--requester", "ann@acme.com", "--subject", "Printer", "--body-file", "-"); code != 0 {
		t.Fatalf("conv new: %s", errs)
	}
	if code, _, errs := c.run("Note", "conv", "reply", "1", "--internal", "--body-file", "-"); code != 0 {
		t.Fatalf("conv reply: %s", errs)
	}

	db, err := store.Open(c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	text := []string{"Name", "Notes", "Phone", "TimeZone", "Language", "Subject", "Body", "Text", "ToName",
		"Tags", "LastError", "Title", "UpdatedBy", "Author", "CreatedBy"}
	err = db.Update(func(tx domain.Tx) error {
		for id, email := range map[domain.ID]bool{1: false, 2: true} {
			u, err := tx.User(id)
			if err != nil {
				return err
			}
			taint(&u, text...)
			if email { // bob's address itself: it is printed in every list
				taint(&u, "Email")
			}
			if err := tx.PutUser(&u); err != nil {
				return err
			}
		}
		o, err := tx.Org(1)
		if err != nil {
			return err
		}
		taint(&o, "Notes")
		if err := tx.PutOrg(&o); err != nil {
			return err
		}
		for ag, err := range tx.Agents() {
			if err != nil {
				return err
			}
			taint(&ag, text...)
			if err := tx.PutAgent(&ag); err != nil {
				return err
			}
		}
		g, err := tx.Group(1)
		if err != nil {
			return err
		}
		taint(&g, text...)
		if err := tx.PutGroup(&g); err != nil {
			return err
		}
		conv, err := tx.Conversation(1)
		if err != nil {
			return err
		}
		taint(&conv, text...)
		if err := tx.PutConversation(&conv); err != nil {
			return err
		}
		var msgs []domain.ConvMessage
		for m, err := range tx.ConvMessages(1) {
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		for _, m := range msgs {
			taint(&m, text...)
			if err := tx.PutConvMessage(&m); err != nil {
				return err
			}
		}
		var mails []domain.OutboxMessage
		for m, err := range tx.Messages(0) {
			if err != nil {
				return err
			}
			mails = append(mails, m)
		}
		for _, m := range mails {
			taint(&m, text...)
			if err := tx.PutMessage(&m); err != nil {
				return err
			}
		}
		return tx.AppendAudit(&domain.AuditEntry{Actor: hostile, Action: "user.update", Note: hostile,
			SubjectKind: domain.SubjectUser, SubjectID: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestNoCommandPrintsTerminalControls runs every command of the tree
// against a desk holding the escape corpus, in table and JSON form, and
// through its error paths, and checks that nothing a terminal acts on
// reaches standard output or standard error. A command missing from the
// table fails the test: a new command is covered or says why not.
func TestNoCommandPrintsTerminalControls(t *testing.T) {
	c := hostileDesk(t)
	dir := t.TempDir()
	badCSV := filepath.Join(dir, "bad.csv")
	// Rows that are UTF-8 reach the checks that quote the cell; the last
	// one is refused for its lone 0x9B byte.
	utf := strings.Replace(hostile, "\x9b6n\u202e", "\u202e", 1)
	mustWrite(t, badCSV, []byte("email,name\n"+strings.ReplaceAll(utf, "\n", "")+"@acme.com,X\n"+
		"\""+utf+"@acme.com\",X\n"+"cy@acme.com,\""+utf+"\"\n"+"\"dee@acme.com\",Dee\x9b\n"), 0o600)
	evilFile := filepath.Join(dir, "\x1b]0;t\x07.csv")
	ev := strings.ReplaceAll(hostile, "\n", "")

	cases := map[string][][]string{
		"helpdesk user add":            {{"--email", "cy@acme.com", "--name", hostile}, {"--email", ev + "@acme.com"}},
		"helpdesk user list":           {{}, {"--json"}, {"--org", hostile}},
		"helpdesk user show":           {{"ann@acme.com"}, {"ann@acme.com", "--json"}, {ev + "@acme.com"}},
		"helpdesk user edit":           {{"ann@acme.com", "--phone", "+1 555 0100"}, {"ann@acme.com", "--org", hostile}},
		"helpdesk user suggest":        {{"bob"}, {"bob", "--json"}, {"ann"}, {hostile}},
		"helpdesk user disable":        {{"ann@acme.com"}},
		"helpdesk user enable":         {{"ann@acme.com"}},
		"helpdesk user reset":          {{"ann@acme.com"}},
		"helpdesk user resend":         {{"ann@acme.com"}},
		"helpdesk user accept":         {{"ann@acme.com"}},
		"helpdesk user prefs":          {{"ann@acme.com"}, {"ann@acme.com", "--language", hostile}},
		"helpdesk user delete":         {{"ann@acme.com"}, {ev}},
		"helpdesk org add":             {{"--name", hostile}},
		"helpdesk org list":            {{}, {"--json"}},
		"helpdesk org show":            {{"Acme"}, {"Acme", "--json"}, {hostile}},
		"helpdesk org edit":            {{"Acme", "--parent", hostile}},
		"helpdesk org tree":            {{}},
		"helpdesk org copy":            {{"Acme", "--name", "Acme Two", "--notes"}},
		"helpdesk org activate":        {{"Acme"}},
		"helpdesk org deactivate":      {{"Acme"}},
		"helpdesk org brand":           {{"Acme"}, {"Acme", "--title", hostile}},
		"helpdesk org agreement set":   {{"Acme", "--title", hostile, "--text-file", "-"}},
		"helpdesk org domain add":      {{"Acme", "sub.acme.com"}, {"Acme", hostile}},
		"helpdesk org domain remove":   {{"Acme", "sub.acme.com"}},
		"helpdesk agent add":           {{"--name", hostile, "--email", "x@desk.example", "--key", hostile}},
		"helpdesk agent list":          {{}, {"--json"}},
		"helpdesk agent perms":         {{"al@desk.example", "all"}, {ev, "all"}},
		"helpdesk agent disable":       {{ev}},
		"helpdesk agent enable":        {{"al@desk.example"}},
		"helpdesk agent key add":       {{"al@desk.example", "--key", hostile}},
		"helpdesk agent key remove":    {{"al@desk.example", hostile}},
		"helpdesk group add":           {{"--name", hostile}},
		"helpdesk group list":          {{}},
		"helpdesk group member add":    {{"Buyers", "ann@acme.com"}},
		"helpdesk group member remove": {{"Buyers", "ann@acme.com"}, {hostile, "ann@acme.com"}},
		"helpdesk conv new":            {{"--requester", "ann@acme.com", "--subject", hostile, "--body-file", "-"}},
		"helpdesk conv list":           {{}, {"--json"}},
		"helpdesk conv show":           {{"1"}, {"1", "--json"}},
		"helpdesk conv reply":          {{"1", "--body-file", "-"}},
		"helpdesk conv status":         {{"1", "pending"}, {"1", hostile}},
		"helpdesk conv assign":         {{"1", "al@desk.example"}, {"1", ev}},
		"helpdesk mail list":           {{}, {"--json"}},
		"helpdesk mail show":           {{"1"}, {"1", "--json"}, {"2"}, {"2", "--json"}},
		"helpdesk mail retry":          {{"1"}},
		"helpdesk mail test":           {{"--to", ev}},
		"helpdesk template list":       {{}},
		"helpdesk template show":       {{"verify"}, {"verify", "--preview"}, {hostile}},
		"helpdesk template set":        {{"verify", "--subject", hostile}},
		"helpdesk config show":         {{}, {"--json"}},
		"helpdesk config set":          {{"desk-name", hostile}, {hostile, "x"}},
		"helpdesk import users":        {{badCSV}, {badCSV, "--dry-run"}, {evilFile}},
		"helpdesk export users":        {{}, {"--format", "json"}, {"--format", hostile}},
		"helpdesk check":               {{}},
		"helpdesk backup":              {{filepath.Join(dir, "backup.db")}, {evilFile}},
		"helpdesk whoami":              {{}},
		"helpdesk demo":                {{"--users", hostile}},
		"helpdesk salvage":             {{evilFile, filepath.Join(dir, "salvaged.db")}, {c.db, evilFile}},

		"helpdesk mail receive":             {{}, {"--to", ev}},
		"helpdesk conv collaborator add":    {{"1", "ann@acme.com"}, {"1", ev}, {"1", hostile}},
		"helpdesk conv collaborator remove": {{"1", "ann@acme.com"}, {"1", ev}},
		"helpdesk keys":                     {{}, {"--json"}},
		"helpdesk agent prefs":              {{"al@desk.example"}, {"al@desk.example", "--show"}, {ev}, {hostile, "--clear"}},
	}
	// Commands whose output holds no stored or given text beyond what the
	// cases above cover, or that do not end on their own.
	skipped := map[string]string{
		"helpdesk serve":       "runs until stopped; its lines and log pass the same writer (serve_test.go)",
		"helpdesk mail worker": "needs an SMTP server; its result lines go through oneLine and the same writer",
		"helpdesk conv attachment": "writes a customer's file byte for byte, by design, and never to a terminal " +
			"(TestConvAttachmentRefusesTerminal); its stderr line passes the same writer",
	}

	var leaves []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		if !cmd.HasSubCommands() {
			leaves = append(leaves, cmd)
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk((&app{}).rootCommand())
	for _, cmd := range leaves {
		path := cmd.CommandPath()
		if _, ok := skipped[path]; ok || path == programName {
			continue
		}
		runs, ok := cases[path]
		if !ok {
			t.Errorf("%s is not in this test: add its command lines (table and --json) or say why it is skipped", path)
			continue
		}
		for _, args := range runs {
			line := append(strings.Fields(strings.TrimPrefix(path, programName+" ")), args...)
			_, out, errs := c.run(hostile, line...)
			what := strings.Join(line, " ")
			assertInert(t, what+" (stdout)", out)
			assertInert(t, what+" (stderr)", errs)
			if slicesContains(args, "--json") || slicesContains(args, "json") {
				if out != "" && !json.Valid([]byte(out)) {
					t.Errorf("%s: not JSON: %q", what, out)
				}
			}
		}
	}
	// Unknown flags and commands quote what was typed.
	for _, args := range [][]string{{"user", "list", "--" + ev}, {ev}, {"user", ev}, {"user", "show", "--db", ev}} {
		_, out, errs := c.run("", args...)
		assertInert(t, strings.Join(args, " "), out+errs)
	}
}

func mustWrite(t *testing.T, name string, b []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, b, mode); err != nil {
		t.Fatal(err)
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// The JSON of a stored hostile value is escaped, not stripped: a program
// reading it gets back exactly what is stored.
func TestJSONEscapesAndRoundTrips(t *testing.T) {
	c := hostileDesk(t)
	out := c.ok("user", "show", "ann@acme.com", "--json")
	for _, esc := range []string{`\u001b]52;c;`, `\u009b6n`, `\u202e`, `\u2066`, `\u200f`, `\u061c`, `\u007f`} {
		if !strings.Contains(out, esc) {
			t.Errorf("user show --json does not hold %s: %s", esc, out)
		}
	}
	var u struct{ Name string }
	if err := json.Unmarshal([]byte(out), &u); err != nil {
		t.Fatal(err)
	}
	// The lone 0x9B byte was stored as U+FFFD by the store's JSON; the
	// rest comes back byte for byte.
	if want := "Ann Lee" + strings.Replace(hostile, "\x9b6n\u202e", "\uFFFD6n\u202e", 1); u.Name != want {
		t.Errorf("name read back as %q, want %q", u.Name, want)
	}
	// The table shows the same field stripped, on one line.
	table := c.ok("user", "show", "ann@acme.com")
	var name string
	for _, l := range strings.Split(table, "\n") {
		if strings.HasPrefix(l, "name:") {
			name = l
		}
	}
	if !strings.Contains(name, "Ann Lee") || !strings.HasSuffix(name, "X Y") {
		t.Errorf("user show's name row is %q, want Ann Lee ... X Y on one line:\n%s", name, table)
	}
}

// Input that is not UTF-8 is refused naming the flag or the argument, and
// nothing is stored.
func TestLatin1CommandLineIsRefused(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"user", "add", "--email", "rene@acme.com", "--name", "Ren\xe9"}, "helpdesk: --name is not valid UTF-8: set the terminal or script to UTF-8 and give it again\n"},
		{[]string{"org", "edit", "Acme", "--notes", "caf\xe9"}, "helpdesk: --notes is not valid UTF-8"},
		{[]string{"org", "show", "Acm\xe9"}, `helpdesk: the argument "Acm\xe9" is not valid UTF-8`},
		{[]string{"config", "set", "desk-name", "Caf\xe9 desk"}, `helpdesk: the argument "Caf\xe9 desk" is not valid UTF-8`},
	}
	for _, tc := range cases {
		code, out, errs := c.run("", tc.args...)
		if code != exitFailed || out != "" || !strings.HasPrefix(errs, tc.msg) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 1 and %q", tc.args, code, out, errs, tc.msg)
		}
	}
	if out := c.ok("user", "list"); strings.Contains(out, "rene") {
		t.Errorf("a refused user was stored:\n%s", out)
	}
	// A body read from a file or standard input is text too: the Desk
	// refuses it naming the field.
	c.ok("user", "add", "--email", "ann@acme.com")
	code, _, errs := c.run("Caf\xe9 au lait", "conv", "new", "--requester", "ann@acme.com", "--subject", "S", "--body-file", "-")
	if code != exitFailed || !strings.Contains(errs, "body: is not valid UTF-8") {
		t.Errorf("a Latin-1 body: exit %d, stderr %q", code, errs)
	}
	if out := c.ok("conv", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("a conversation with a refused body was stored:\n%s", out)
	}
	// A file name need not be UTF-8: it is not refused for its encoding.
	latin1File := filepath.Join(t.TempDir(), "caf\xe9.csv")
	mustWrite(t, latin1File, []byte("email,name\nzoe@acme.com,Zo\xeb\n"), 0o600)
	code, out, errs := c.run("", "import", "users", latin1File)
	if code != exitOK || !strings.Contains(out, "line 2: name is not valid UTF-8 (the file may be Latin-1; save it as UTF-8)") ||
		!strings.Contains(out, "Imported 0 of 1 rows; 1 failed.") {
		t.Errorf("import of a Latin-1 file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

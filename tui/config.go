package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// Problem is one thing wrong in an agent's config.toml, with the line it is
// on (0 when it concerns the whole file). Whatever it names was left at its
// default; the rest of the file applies.
type Problem struct {
	Line int
	Text string // one sentence, ending with what was kept
}

// In words for an agent: `config.toml line 7: "downn" is not an action; ...`.
// file is the name to show (a path on a terminal, config.toml in the status
// line).
func (p Problem) In(file string) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", file, p.Line, p.Text)
	}
	return file + ": " + p.Text
}

func (p Problem) String() string { return p.In("config.toml") }

// Fault is the problem without what was kept instead, for a file that is
// refused rather than applied: `"downn" is not an action; see helpdesk keys
// for the list`.
func (p Problem) Fault() string {
	t := p.Text
	for _, tail := range []string{". Kept", "; kept", "; ignored it"} {
		if i := strings.LastIndex(t, tail); i > 0 {
			return t[:i]
		}
	}
	return strings.TrimSuffix(t, ".")
}

// Themes are the theme names config.toml accepts.
var Themes = []string{"auto", "dark", "light", "high-contrast"}

// UsersColumns are the columns the Users list can show, in their default
// order; InboxColumns the same for the Inbox.
var (
	UsersColumns = []string{"email", "name", "organization", "state"}
	InboxColumns = []string{"status", "subject", "requester", "organization", "assignee", "updated"}
)

// ParsePrefs reads an agent's config.toml:
//
//	theme = "auto"            # or "dark", "light", "high-contrast"
//	mouse = true
//	[keys]
//	down = ["j", "down", "ctrl+n"]   # a single string is accepted too
//	[columns]
//	users = ["email", "name", "organization", "state"]
//	inbox = ["id", "status", "requester", "subject"]
//
// It never fails: a file that is not TOML keeps every default, and each
// unknown setting, action, key name or column, and each key that would
// collide with another action on the same screen, is a Problem with its
// line whose setting keeps its default. The same parser reads a local file
// and an agent's prefs stored for SSH sessions.
func ParsePrefs(data []byte) (Prefs, []Problem) {
	var cp configParser
	cp.p.Reset(data)
	for cp.p.NextExpression() {
		cp.expression(cp.p.Expression())
	}
	if err := cp.p.Error(); err != nil {
		line := 0
		var pe *unstable.ParserError
		if errors.As(err, &pe) && pe.Highlight != nil {
			line = cp.p.Shape(cp.p.Range(pe.Highlight)).Start.Line
			err = errors.New(pe.Message)
		}
		return Prefs{}, []Problem{{Line: line, Text: "not valid TOML (" + err.Error() + "); kept every default."}}
	}
	cp.out.Keys, cp.problems = checkBindings(cp.keys, cp.problems)
	slices.SortStableFunc(cp.problems, func(a, b Problem) int { return a.Line - b.Line })
	return cp.out, cp.problems
}

// rebinding is one action's keys as the file gives them.
type rebinding struct {
	action string
	keys   []string
	line   int
}

type configParser struct {
	p        unstable.Parser
	table    []string // the current [table]
	seen     map[string]int
	at       int // the line of the setting being read
	out      Prefs
	keys     []rebinding
	problems []Problem
}

// line is the line a node starts on; for a node without a place of its own
// (an array), the line of the setting being read.
func (cp *configParser) line(n *unstable.Node) int {
	if n == nil || n.Raw.Length == 0 && n.Raw.Offset == 0 {
		return cp.at
	}
	return cp.p.Shape(n.Raw).Start.Line
}

func (cp *configParser) problem(n *unstable.Node, format string, args ...any) {
	cp.problems = append(cp.problems, Problem{Line: cp.line(n), Text: fmt.Sprintf(format, args...)})
}

func keyPath(it unstable.Iterator) ([]string, *unstable.Node) {
	var path []string
	var first *unstable.Node
	for it.Next() {
		if first == nil {
			first = it.Node()
		}
		path = append(path, string(it.Node().Data))
	}
	return path, first
}

func (cp *configParser) expression(e *unstable.Node) {
	switch e.Kind {
	case unstable.Table:
		path, first := keyPath(e.Key())
		cp.table = path
		name := strings.Join(path, ".")
		if name != "keys" && name != "columns" {
			cp.problem(first, "[%s] is not a section of the console's settings (those are [keys] and [columns]); ignored it.", name)
		}
	case unstable.ArrayTable:
		path, first := keyPath(e.Key())
		cp.table = []string{"\x00"} // nothing in it applies
		cp.problem(first, "[[%s]] is not a section of the console's settings (those are [keys] and [columns]); ignored it.", strings.Join(path, "."))
	case unstable.KeyValue:
		cp.keyValue(cp.table, e)
	}
}

func (cp *configParser) keyValue(table []string, kv *unstable.Node) {
	path, first := keyPath(kv.Key())
	full := append(slices.Clone(table), path...)
	if slices.Contains(full, "\x00") {
		return
	}
	v := kv.Value()
	if v.Kind == unstable.InlineTable {
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				cp.keyValue(full, c)
			}
		}
		return
	}
	name := strings.Join(full, ".")
	cp.at = 0
	cp.at = cp.line(first)
	if cp.seen == nil {
		cp.seen = map[string]int{}
	}
	if l, ok := cp.seen[name]; ok {
		cp.problem(first, "%s is set twice (first on line %d); kept the first.", name, l)
		return
	}
	cp.seen[name] = cp.line(first)
	switch {
	case name == "theme":
		s, ok := cp.str(v, name)
		if !ok {
			return
		}
		if !slices.Contains(Themes, s) {
			cp.problem(v, "%q is not a theme; use one of %s. Kept auto.", s, quoteList(Themes))
			return
		}
		cp.out.Theme = s
	case name == "mouse":
		if v.Kind != unstable.Bool {
			cp.problem(v, "mouse takes true or false; kept the default (on).")
			return
		}
		on := string(v.Data) == "true"
		cp.out.Mouse = &on
	case len(full) == 2 && full[0] == "keys":
		action := full[1]
		if _, ok := actionIndex()[action]; !ok {
			cp.problem(first, "%q is not an action; see helpdesk keys for the list. Kept the default.", action)
			return
		}
		keys, ok := cp.strs(v, name)
		if !ok {
			return
		}
		cp.keys = append(cp.keys, rebinding{action: action, keys: keys, line: cp.line(first)})
	case len(full) == 2 && full[0] == "columns" && (full[1] == "users" || full[1] == "inbox"):
		known := UsersColumns
		if full[1] == "inbox" {
			known = InboxColumns
		}
		cols, ok := cp.strs(v, name)
		if !ok {
			return
		}
		var bad []string
		for _, c := range cols {
			if !slices.Contains(known, c) {
				bad = append(bad, c)
			}
		}
		switch {
		case len(bad) > 0:
			cp.problem(v, "%s is not a column of the %s list; use %s. Kept the default columns.", quoteList(bad), full[1], quoteList(known))
		case len(cols) == 0:
			cp.problem(v, "columns.%s needs at least one column; kept the default columns.", full[1])
		case hasDuplicate(cols):
			cp.problem(v, "columns.%s names a column twice; kept the default columns.", full[1])
		case full[1] == "users":
			cp.out.Columns.Users = cols
		default:
			cp.out.Columns.Inbox = cols
		}
	default:
		cp.problem(first, "%s is not a setting of the console (theme, mouse, [keys], [columns]); ignored it.", name)
	}
}

func (cp *configParser) str(v *unstable.Node, name string) (string, bool) {
	if v.Kind != unstable.String {
		cp.problem(v, "%s takes a string in quotes; kept the default.", name)
		return "", false
	}
	return string(v.Data), true
}

// strs reads a string or an array of strings.
func (cp *configParser) strs(v *unstable.Node, name string) ([]string, bool) {
	if v.Kind == unstable.String {
		return []string{string(v.Data)}, true
	}
	if v.Kind != unstable.Array {
		cp.problem(v, "%s takes a string or a list of strings such as [\"j\", \"down\"]; kept the default.", name)
		return nil, false
	}
	var out []string
	it := v.Children()
	for it.Next() {
		c := it.Node()
		if c.Kind != unstable.String {
			cp.problem(c, "%s takes a list of strings such as [\"j\", \"down\"]; kept the default.", name)
			return nil, false
		}
		out = append(out, string(c.Data))
	}
	return out, true
}

func hasDuplicate(s []string) bool {
	seen := map[string]bool{}
	for _, x := range s {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

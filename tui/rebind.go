package tui

import (
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// Every key.Binding field of keyMap is an action, named by its field in
// kebab-case (Down "down", PageDown "page-down", ForceQuit "force-quit").
// Rebinding finds the fields by reflection, so a field added to keyMap can
// be rebound in config.toml, is listed by `helpdesk keys` and gets its name
// in the README's key table without anything else to change.

// actionName is a keyMap field's name in kebab-case.
func actionName(field string) string {
	var b strings.Builder
	rs := []rune(field)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

var bindingType = reflect.TypeFor[key.Binding]()

// actions are keyMap's binding fields in declaration order: name and field
// index.
var actions = sync.OnceValue(func() []struct {
	name  string
	field int
} {
	var out []struct {
		name  string
		field int
	}
	t := reflect.TypeFor[keyMap]()
	for i := range t.NumField() {
		if f := t.Field(i); f.Type == bindingType {
			out = append(out, struct {
				name  string
				field int
			}{actionName(f.Name), i})
		}
	}
	return out
})

// actionIndex maps an action's name to its field index.
var actionIndex = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for _, a := range actions() {
		m[a.name] = a.field
	}
	return m
})

func (k *keyMap) binding(action string) *key.Binding {
	i, ok := actionIndex()[action]
	if !ok {
		return nil
	}
	return reflect.ValueOf(k).Elem().Field(i).Addr().Interface().(*key.Binding)
}

// keyMapFor is the default key map with an agent's rebindings (already
// checked by ParsePrefs) applied: each replaces the action's keys, and its
// help shows the keys in force.
func keyMapFor(rebound map[string][]string) *keyMap {
	k := newKeyMap()
	for action, keys := range rebound {
		if b := k.binding(action); b != nil {
			*b = key.NewBinding(key.WithKeys(keys...), key.WithHelp(keysLabel(keys), b.Help().Desc))
		}
	}
	return k
}

// keysLabel is the help's name for a list of keys: "ctrl+n", "↓/j".
func keysLabel(keys []string) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		switch k {
		case " ":
			k = "space"
		case "up":
			k = "↑"
		case "down":
			k = "↓"
		case "left":
			k = "←"
		case "right":
			k = "→"
		}
		out[i] = k
	}
	return strings.Join(out, "/")
}

// keyNames are the names of the keys Bubble Tea's KeyMsg.String gives that
// are not a single character.
var keyNames = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, k := range []string{"enter", "esc", "tab", "shift+tab", "backspace", "delete", "insert", "space",
		"up", "down", "left", "right", "home", "end", "pgup", "pgdown"} {
		m[k] = true
	}
	for _, k := range []string{"up", "down", "left", "right", "home", "end"} {
		m["shift+"+k], m["ctrl+"+k], m["ctrl+shift+"+k] = true, true, true
	}
	m["ctrl+pgup"], m["ctrl+pgdown"] = true, true
	for c := 'a'; c <= 'z'; c++ {
		m["ctrl+"+string(c)] = true
	}
	for _, c := range []string{"@", "\\", "]", "^", "_"} {
		m["ctrl+"+c] = true
	}
	for i := 1; i <= 20; i++ {
		m["f"+strconv.Itoa(i)] = true
	}
	return m
})

// normalKey is a key name as KeyMsg.String gives it ("space" is " "), and
// whether it names a key at all: a single printable character, a named key,
// or alt+ either.
func normalKey(k string) (string, bool) {
	if k == "space" || k == " " {
		return " ", true
	}
	if r, n := utf8.DecodeRuneInString(k); n == len(k) && r != utf8.RuneError && unicode.IsPrint(r) && !unicode.IsSpace(r) {
		return k, true
	}
	if keyNames()[k] {
		return k, true
	}
	if rest, ok := strings.CutPrefix(k, "alt+"); ok {
		if n, ok := normalKey(rest); ok {
			if n == " " {
				return "alt+ ", true
			}
			return "alt+" + n, true
		}
	}
	return k, false
}

// liveTogether lists, per screen, the actions an agent can reach there:
// the actions of the screen's full help plus the global help. A conflict is
// two actions of one such set bound to one key. The sets are read from the
// screens themselves (built once with no desk, on the default keys, and
// their help bindings matched back to the actions by help text), not kept
// in a table beside them, so a screen that lists a new action in its help
// is checked without anything else to change; a screen added to
// helpScreens is checked from then on.
var liveTogether = sync.OnceValue(func() []liveSet {
	m := New(Options{Renderer: lipgloss.NewRenderer(io.Discard)})
	of := actionsOf(m.c.keys)
	names := func(bs []key.Binding) []string {
		var out []string
		for _, b := range bs {
			out = append(out, of(b)...)
		}
		return out
	}
	global := names(m.c.keys.globalHelp())
	var out []liveSet
	for _, s := range helpScreens(m.c) {
		set := slices.Clone(global)
		for _, g := range s.FullHelp() {
			set = append(set, names(g)...)
		}
		slices.Sort(set)
		out = append(out, liveSet{screen: s.Title(), actions: slices.Compact(set)})
	}
	// The confirm dialog takes only its own keys.
	out = append(out, liveSet{screen: "a confirm dialog", actions: []string{"no", "yes"}})
	return out
})

// actionsOf returns what tells which action a binding a screen shows is:
// its help text, else (a screen that words the help its own way) the one
// action bound to exactly its keys; nothing when that is ambiguous.
func actionsOf(k *keyMap) func(key.Binding) []string {
	byHelp, byKeys := map[string][]string{}, map[string][]string{}
	for _, a := range actions() {
		b := k.binding(a.name)
		h := b.Help()
		byHelp[h.Key+"\x00"+h.Desc] = append(byHelp[h.Key+"\x00"+h.Desc], a.name)
		ks := strings.Join(b.Keys(), "\x00")
		byKeys[ks] = append(byKeys[ks], a.name)
	}
	return func(b key.Binding) []string {
		h := b.Help()
		if as, ok := byHelp[h.Key+"\x00"+h.Desc]; ok {
			return as
		}
		if as := byKeys[strings.Join(b.Keys(), "\x00")]; len(as) == 1 {
			return as
		}
		return nil
	}
}

type liveSet struct {
	screen  string
	actions []string
}

// helpScreens builds one of each screen, for the README's key table and the
// conflict check. A new screen goes here.
func helpScreens(c *common) []screen {
	return []screen{
		newUsersScreen(c), newCreateUserScreen(c), newUserScreen(c, 0),
		newOrgsScreen(c), newOrgScreen(c, 0), newAuditTab(c), newOutboxScreen(c, false), newMessageScreen(c, 0, false),
		newTemplatesScreen(c), newTemplateScreen(c, ""), newSettingsScreen(c), newWelcomeScreen(c),
		newInboxScreen(c, 0, ""), newConvScreen(c, 0), newCreateConvScreen(c, 0, ""),
	}
}

// checkBindings checks the file's rebindings: every key must be a key
// name, and no key may reach two actions on one screen (see conflict). A rebinding that fails keeps the
// action's default keys.
func checkBindings(rs []rebinding, problems []Problem) (map[string][]string, []Problem) {
	if len(rs) == 0 {
		return nil, problems
	}
	def := newKeyMap()
	cur := map[string][]string{}
	keysOf := func(a string) []string {
		if k, ok := cur[a]; ok {
			return k
		}
		return def.binding(a).Keys()
	}
	var valid []rebinding
	for _, r := range rs {
		if len(r.keys) == 0 {
			problems = append(problems, Problem{Line: r.line, Text: `"` + r.action + `" needs at least one key; kept the default.`})
			continue
		}
		var keys, bad []string
		for _, k := range r.keys {
			n, ok := normalKey(k)
			if !ok {
				bad = append(bad, k)
			} else if !slices.Contains(keys, n) {
				keys = append(keys, n)
			}
		}
		if len(bad) > 0 {
			problems = append(problems, Problem{Line: r.line, Text: quoteList(bad) + ` is not a key name (keys are written as "j", "G", "enter", "ctrl+n", "alt+x", "f5", "space", "pgdown"); kept the default for "` + r.action + `".`})
			continue
		}
		r.keys = keys
		valid = append(valid, r)
		cur[r.action] = keys
	}
	// All at once, so that a swap (down = "k", up = "j") is no conflict;
	// then, while any rebinding clashes, the last in the file goes back to
	// its defaults, which the next round checks in turn.
	for changed := true; changed; {
		changed = false
		for i := len(valid) - 1; i >= 0; i-- {
			r := valid[i]
			if p, clash := conflict(r.action, r.keys, keysOf, def); clash {
				problems = append(problems, Problem{Line: r.line, Text: p})
				delete(cur, r.action)
				valid = slices.Delete(valid, i, i+1)
				changed = true
				break
			}
		}
	}
	if len(cur) == 0 {
		return nil, problems
	}
	return cur, problems
}

// conflict finds an action live on the same screen as action that the new
// keys would share a key with, where the defaults do not already share it.
func conflict(action string, keys []string, keysOf func(string) []string, def *keyMap) (string, bool) {
	for _, set := range liveTogether() {
		if !slices.Contains(set.actions, action) {
			continue
		}
		for _, other := range set.actions {
			if other == action {
				continue
			}
			// Two actions whose defaults share a key on a screen are
			// told apart by the screen's mode (up moves the list, or the
			// open picker's choice; tab changes section, or field): they
			// never compete for a key, whatever they are bound to.
			if shareKey(def.binding(action).Keys(), def.binding(other).Keys()) {
				continue
			}
			for _, k := range keys {
				if !slices.Contains(keysOf(other), k) {
					continue
				}
				return `"` + keysLabel([]string{k}) + `" for "` + action + `" is already "` + other + `" on ` + set.screen + `; kept the default for "` + action + `".`, true
			}
		}
	}
	return "", false
}

func shareKey(a, b []string) bool {
	for _, k := range a {
		if slices.Contains(b, k) {
			return true
		}
	}
	return false
}

// KeyAction is one action of the console with the keys in force.
type KeyAction struct {
	Action string   `json:"action"`
	Keys   []string `json:"keys"`
	Does   string   `json:"does"`
}

// KeyActions lists every action of the console, in the order keyMap
// declares them, with the keys p binds it to (the defaults where p does not
// rebind it).
func KeyActions(p Prefs) []KeyAction {
	k := keyMapFor(p.Keys)
	var out []KeyAction
	for _, a := range actions() {
		b := k.binding(a.name)
		keys := slices.Clone(b.Keys())
		for i, x := range keys {
			if x == " " {
				keys[i] = "space"
			}
		}
		out = append(out, KeyAction{Action: a.name, Keys: keys, Does: b.Help().Desc})
	}
	return out
}

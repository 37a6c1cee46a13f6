package tui

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"

	"helpdesk/domain"
)

// checkGolden runs on every golden frame (playSteps), so a regenerated
// golden cannot hide a cut:
//
//   - the key-hint line (the last) holds no "…", holds the hints that
//     always show (help and quit, or f1 help and ctrl+c quit in a form, or
//     the dialog's own keys), and lacks a key of the screen's ShortHelp only
//     when that key would not have fitted on the line;
//   - no audit text (an entry's changes or actor) and, from 80 columns on,
//     no description of a key in the full help is cut inside a word: a
//     cell ending in "…" right after a letter or digit, where the full
//     value goes on with a letter or digit, fails.
func checkGolden(t *testing.T, m *Model, view string, w int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	hints := lines[len(lines)-1]
	if strings.Contains(hints, "…") {
		t.Errorf("the key hints are cut: %q", hints)
	}
	k := m.c.keys
	hint := func(b key.Binding) string { return b.Help().Key + " " + b.Help().Desc }
	var must []string
	cur := m.active()
	switch {
	case m.dlg != nil:
		for _, b := range m.dlg.ShortHelp() {
			must = append(must, hint(b))
		}
	case m.showHelp:
		must = append(must, k.Help.Help().Key+" close help")
	case cur.Capturing():
		must = append(must, k.HelpAnywhere.Help().Key+" help", hint(k.ForceQuit))
	default:
		must = append(must, hint(k.Help), hint(k.Quit))
	}
	for _, s := range must {
		if !strings.Contains(hints, s) {
			t.Errorf("the key hints lack %q: %q", s, hints)
		}
	}
	if m.dlg == nil && !m.showHelp {
		for _, b := range cur.ShortHelp() {
			if !b.Enabled() || strings.Contains(hints, hint(b)) {
				continue
			}
			// Missing: it must not have fitted (" • " before it).
			if room := w - width(hints); room >= width(hint(b))+3 {
				t.Errorf("the key hints drop %q with %d cells free: %q", hint(b), room, hints)
			}
			break // the rest come after it: dropped with it
		}
	}

	var known []string
	es, err := m.c.desk.Audit(domain.AuditFilter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		known = append(known, changesText(e), actorText(e, false))
	}
	if m.showHelp && w >= 80 {
		for _, g := range append(cur.FullHelp(), k.globalHelp()) {
			for _, b := range g {
				known = append(known, b.Help().Desc)
			}
		}
	}
	for i, l := range lines {
		for _, seg := range cutCells(l) {
			for _, v := range known {
				if cutInsideWord(seg, v) {
					t.Errorf("line %d cuts %q inside a word: %q", i, v, l)
				}
			}
		}
	}
}

// cutCells returns the text before each "…" of a line, back to the start
// of its cell (two spaces, or the line's start), without the row marker
// and the space cutWords leaves before its ellipsis.
func cutCells(l string) []string {
	var out []string
	for rest, off := l, 0; ; {
		p := strings.Index(rest, "…")
		if p < 0 {
			return out
		}
		before := l[:off+p]
		if s := strings.LastIndex(before, "  "); s >= 0 {
			before = before[s+2:]
		}
		before = strings.TrimLeft(strings.TrimPrefix(strings.TrimLeft(before, " "), "›"), " ")
		if before = strings.TrimRight(before, " "); before != "" {
			out = append(out, before)
		}
		off += p + len("…")
		rest = l[off:]
	}
}

// cutInsideWord reports whether seg is v cut short between two letters or
// digits of one word.
func cutInsideWord(seg, v string) bool {
	if len(v) <= len(seg) || !strings.HasPrefix(v, seg) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(seg)
	next, _ := utf8.DecodeRuneInString(v[len(seg):])
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return word(last) && word(next)
}

func TestGoldenCheckSeesCuts(t *testing.T) {
	for _, tc := range []struct {
		line, v string
		want    bool
	}{
		{"  11-22 09:30  agent:tess  org.create  name: Wayne En…", "name: Wayne Enterprises; domains: wayne.co", true},
		{"  11-22 09:30  agent:tess  org.create  name: Wayne Enterprises …", "name: Wayne Enterprises; domains: wayne.co", false},
		{"  11-22 09:30  owner:root (loca…  disable", "owner:root (local)", true},
		{"  11-22 09:30  owner:root …  disable", "owner:root (local)", false},
		{" e edit • ctrl+c qu…", "quit", false}, // not a known value's prefix
		{"› 2026-11-22 09:30  state: pend…", "state: pending → disabled", true},
	} {
		got := false
		for _, seg := range cutCells(tc.line) {
			got = got || cutInsideWord(seg, tc.v)
		}
		if got != tc.want {
			t.Errorf("%q against %q: cut inside a word %v, want %v", tc.line, tc.v, got, tc.want)
		}
	}
}

package tui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/rivo/uniseg"
)

// wideSamples are texts a customer's name, an organization or a typed
// reply may hold whose cells a byte or rune count gets wrong: emoji taking
// two cells (some of them in U+2010–U+2BFF, among the app's own symbols),
// a skin tone, CJK, a combining mark, joiner sequences.
var wideSamples = []string{
	"✅", "⚡", "⌚", "⭐", "👍🏽", "山田太郎", "e\u0301", "👩\u200d💻", "Ann ✅ Lee ⚡⚡",
}

func TestWidthAgreesWithAnsi(t *testing.T) {
	samples := append([]string{
		"", "plain", "\x1b[1;38;2;1;2;3mbold\x1b[0m", "› ○ pending • x … ⊘ ● → ↵", "Zoë", "東京", "a\u200bb", "a\u2028b",
		"e\u0301", "👩‍👩‍👧", "\x1b[7m›\x1b[0m", "\u2060x", "\u2c00", "\u2010",
		"✅ ⚡ ⌚ ⭐", "› ✅", "\x1b[1m⚡\x1b[0m·", "✓\ufe0f", "a·b×c", "…\u0301", "→\u200d→",
	}, wideSamples...)
	for _, s := range samples {
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Errorf("width(%q) = %d, ansi says %d", s, got, want)
		}
	}
}

// TestWidthFastPathSymbols checks width's fast path rune by rune: every
// symbol it counts without asking ansi is one cell by ansi.StringWidth and
// by an independent measure (uniseg), and appSymbol accepts exactly the
// three-byte runes of appSymbols, nothing else of U+2000–U+2FFF.
func TestWidthFastPathSymbols(t *testing.T) {
	listed := map[rune]bool{}
	for _, r := range appSymbols {
		listed[r] = true
		s := string(r)
		if got, a, u := width(s), ansi.StringWidth(s), uniseg.StringWidth(s); got != 1 || a != 1 || u != 1 {
			t.Errorf("%q (%U): width %d, ansi %d, uniseg %d; a fast-path symbol must be one cell", s, r, got, a, u)
		}
		// Between ASCII letters and SGR sequences, as rows draw them.
		line := "a" + s + "\x1b[1m" + s + "\x1b[0mb"
		if got, want := width(line), ansi.StringWidth(line); got != want || got != 4 {
			t.Errorf("width(%q) = %d, ansi says %d, want 4", line, got, want)
		}
	}
	for r := rune(0x2000); r <= 0x2fff; r++ {
		if appSymbol(r) != listed[r] {
			t.Errorf("appSymbol(%q %U) = %v, but appSymbols lists it: %v", r, r, appSymbol(r), listed[r])
		}
		if utf8.RuneLen(r) != 3 {
			t.Fatalf("%U is not three bytes", r)
		}
		s := "x" + string(r) + "y"
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Errorf("width(%q %U) = %d, ansi says %d", s, r, got, want)
		}
	}
	for r := rune(0x80); r < 0x800; r++ {
		s := "x" + string(r) + "y"
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Errorf("width(%q %U) = %d, ansi says %d", s, r, got, want)
		}
	}
}

// TestWideTextFits: fit, cut, frame and joinRight keep wide text within
// the cells they are given, measured by uniseg, not by width itself.
func TestWideTextFits(t *testing.T) {
	for _, s := range wideSamples {
		long := strings.Repeat(s+" ", 12)
		for w := 1; w <= 30; w++ {
			if got := uniseg.StringWidth(fit(long, w)); got != w {
				t.Errorf("fit(%q, %d) is %d cells", long, w, got)
			}
			if got := uniseg.StringWidth(cut(long, w)); got > w {
				t.Errorf("cut(%q, %d) is %d cells", long, w, got)
			}
			if got := uniseg.StringWidth(joinRight(long, s, w)); got > w {
				t.Errorf("joinRight(%q, %q, %d) is %d cells", long, s, w, got)
			}
			if got := uniseg.StringWidth(fitLeft(s, w)); got > w || (uniseg.StringWidth(s) < w && got != w) {
				t.Errorf("fitLeft(%q, %d) is %d cells", s, w, got)
			}
			for l := range strings.SplitSeq(frame(long+"\n"+s, w, 3), "\n") {
				if got := uniseg.StringWidth(l); got != w {
					t.Errorf("frame(%q, %d) has a line of %d cells: %q", long, w, got, l)
				}
			}
		}
	}
}

func FuzzWidth(f *testing.F) {
	f.Add("› ○ pending")
	f.Add("\x1b[1mx\x1b[0m")
	f.Add("Ann ✅ Lee ⚡⚡")
	f.Add("· × ✓ ⌚")
	f.Fuzz(func(t *testing.T, s string) {
		s = sanitize(s)
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("width(%q) = %d, ansi says %d", s, got, want)
		}
	})
}

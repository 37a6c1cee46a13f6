package tui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWidthAgreesWithAnsi(t *testing.T) {
	for _, s := range []string{
		"", "plain", "\x1b[1;38;2;1;2;3mbold\x1b[0m", "› ○ pending • x … ⊘ ● → ↵", "Zoë", "東京", "a\u200bb", "a\u2028b",
		"e\u0301", "👩‍👩‍👧", "\x1b[7m›\x1b[0m", "\u2060x", "\u2c00", "\u2010",
	} {
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Errorf("width(%q) = %d, ansi says %d", s, got, want)
		}
	}
}

func FuzzWidth(f *testing.F) {
	f.Add("› ○ pending")
	f.Add("\x1b[1mx\x1b[0m")
	f.Fuzz(func(t *testing.T, s string) {
		s = sanitize(s)
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("width(%q) = %d, ansi says %d", s, got, want)
		}
	})
}

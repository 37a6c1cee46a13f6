package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBlock(t *testing.T) {
	cases := map[string]string{
		"Ann Lee":                                  "Ann Lee",
		"Ann\x1b[2JLee":                            "AnnLee",
		"Ann\x1b]0;pwned\x07Lee":                   "AnnLee",
		"Ann\x1b]52;c;ZXZpbA==\x07Lee":             "AnnLee",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\": "link",
		"Ann\x1bPqdcs\x1b\\Lee":                    "AnnLee",
		"Ann\x1bcLee":                              "AnnLee",
		"A\x07B\rC\bD\x0eE":                        "ABCDE",
		"A\u009b2JB":                               "A2JB",
		"A\x9b2JB":                                 "AB", // Strip reads a raw 0x9B as CSI and drops it with its parameters
		"A\xffB":                                   "AB",
		"evil\u202emoc.elgoog":                     "evilmoc.elgoog",
		"a\u2066b\u2069c":                          "abc",
		"line1\nline2":                             "line1\nline2",
		"a\tb":                                     "a    b",
		"Zoë 東京":                                   "Zoë 東京",
	}
	for in, want := range cases {
		if got := Block(in); got != want {
			t.Errorf("Block(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Line("a\nb"); got != "a b" {
		t.Errorf("Line kept a newline: %q", got)
	}
}

func TestBlockCleanDoesNotAllocate(t *testing.T) {
	s := "ann.lee@acme.com Ann Lee Zoë 東京"
	if n := testing.AllocsPerRun(100, func() { _ = Block(s) }); n != 0 {
		t.Fatalf("clean text allocated %v times", n)
	}
}

// FuzzBlock checks the promise DESIGN.md makes: whatever goes in, what
// comes out holds no control character but newline and no bidi control.
func FuzzBlock(f *testing.F) {
	for _, s := range []string{
		"Ann Lee", "\x1b[2J", "\x1b]0;t\x07", "\x1b]52;c;eA==\x1b\\", "\x1bP1$r\x1b\\", "\x1bc",
		"\x07\r\b\x0e", "\x9b6n", "\u009b6n", "\u202e", "\u2066x\u2069", "\t\n", "\x1b", "\x1b[", "a\x1b]8;;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Block(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Block(%q) = %q is not valid UTF-8", in, out)
		}
		for _, r := range out {
			if r != '\n' && IsControl(r) {
				t.Fatalf("Block(%q) = %q holds control %U", in, out, r)
			}
			if IsBidi(r) {
				t.Fatalf("Block(%q) = %q holds bidi control %U", in, out, r)
			}
		}
		if line := Line(in); strings.ContainsRune(line, '\n') {
			t.Fatalf("Line(%q) = %q holds a newline", in, line)
		}
		if again := Block(out); again != out {
			t.Fatalf("Block is not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}

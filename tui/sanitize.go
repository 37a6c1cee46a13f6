package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// tabWidth is how many spaces a tab in user text becomes: a tab's width
// depends on the column it lands in, which would shift our own layout.
const tabWidth = 4

// sanitize is the one gate user text (names, notes, emails, audit values,
// imported CSV) passes before it is drawn. A name holding an escape sequence
// could otherwise move the cursor, set the window title, write the
// clipboard (OSC 52) or make a link, so:
//
//  1. ansi.Strip removes the escape sequences themselves (CSI, OSC, DCS, ...);
//  2. every control character Strip keeps (BEL, CR, BS, SO, UTF-8 encoded C1
//     such as U+009B, DEL) is dropped, except newline; a tab becomes spaces;
//  3. bidi controls (U+202A-U+202E, U+2066-U+2069, and the marks U+200E,
//     U+200F, U+061C) are dropped: they reorder what follows them on the
//     line, so "evil\u202Emoc.elgoog" would read as a different address;
//  4. bytes that are not UTF-8 become U+FFFD: a lone 0x9B byte is CSI for a
//     terminal in 8-bit mode.
//
// Text that needs none of this (nearly all of it) is returned as is,
// without allocating.
func sanitize(s string) string {
	if isClean(s) {
		return s
	}
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteString(strings.Repeat(" ", tabWidth))
		case isControl(r), isBidi(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sanitizeLine is sanitize for text drawn on one line (a list cell, a
// title): newlines become spaces so a name cannot add rows to a table.
func sanitizeLine(s string) string {
	s = sanitize(s)
	if strings.IndexByte(s, '\n') >= 0 {
		s = strings.ReplaceAll(s, "\n", " ")
	}
	return s
}

// isClean reports whether s can be drawn as it is: valid UTF-8 without
// control characters (newline allowed) or bidi controls.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			// Check the rest rune by rune; ASCII prefixes stay on the fast path.
			for _, r := range s[i:] {
				if r == utf8.RuneError || (r != '\n' && isControl(r)) || isBidi(r) {
					return false
				}
			}
			return true
		}
	}
	return true
}

// isControl is C0, DEL and C1 (U+0080-U+009F).
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// isBidi reports the bidi embedding, override and isolate controls and the
// directional marks.
func isBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}

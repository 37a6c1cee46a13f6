// Package textsafe is the one rule for text that reaches a terminal: the
// console draws through it and every command of the CLI prints through it.
// A name, a note or an imported CSV cell holding an escape sequence could
// otherwise move the cursor, set the window title, write the clipboard
// (OSC 52) or make a link, and a bidi control would make one address read
// as another. The package is pure: no I/O but the io.Writer it wraps.
package textsafe

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// TabWidth is how many spaces a tab in user text becomes: a tab's width
// depends on the column it lands in, which would shift the layout around it.
const TabWidth = 4

// Block makes s safe to print where a field may hold several lines (a note,
// a message body):
//
//  1. ansi.Strip removes the escape sequences themselves (CSI, OSC, DCS, ...);
//  2. every control character Strip keeps (BEL, CR, BS, SO, UTF-8 encoded C1
//     such as U+009B, DEL) is dropped, except newline; a tab becomes spaces;
//  3. bidi controls (U+202A-U+202E, U+2066-U+2069, and the marks U+200E,
//     U+200F, U+061C) are dropped: they reorder what follows them on the
//     line, so "evil\u202Emoc.elgoog" would read as a different address;
//  4. bytes that are not UTF-8 are dropped or become U+FFFD: a lone 0x9B
//     byte is CSI for a terminal in 8-bit mode.
//
// Text that needs none of this (nearly all of it) is returned as is,
// without allocating.
func Block(s string) string {
	if IsClean(s) {
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
			b.WriteString(strings.Repeat(" ", TabWidth))
		case IsControl(r), IsBidi(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Line is Block for text printed on one line (a table cell, a title, an
// error message): newlines become spaces, so a name cannot add rows to a
// table or a line of its own to a report.
func Line(s string) string {
	s = Block(s)
	if strings.IndexByte(s, '\n') >= 0 {
		s = strings.ReplaceAll(s, "\n", " ")
	}
	return s
}

// IsClean reports whether s can be printed as it is: valid UTF-8 without
// control characters (newline allowed) or bidi controls. Block(s) == s
// whenever it is true.
func IsClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			// Check the rest rune by rune; ASCII prefixes stay on the fast path.
			for _, r := range s[i:] {
				if r == utf8.RuneError || (r != '\n' && IsControl(r)) || IsBidi(r) {
					return false
				}
			}
			return true
		}
	}
	return true
}

// IsControl is C0, DEL and C1 (U+0080-U+009F).
func IsControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// IsBidi reports the bidi embedding, override and isolate controls and the
// directional marks.
func IsBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}

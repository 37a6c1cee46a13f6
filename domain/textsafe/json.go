package textsafe

import (
	"fmt"
	"unicode/utf8"
)

// EscapeJSON rewrites the output of encoding/json so that it holds no byte
// a terminal acts on: DEL, C1 controls (U+0080-U+009F) and bidi controls
// become \u escapes. encoding/json already escapes C0 and U+2028/U+2029 and
// replaces bytes that are not UTF-8 with U+FFFD. The result is the same
// JSON value (a decoder reads back exactly the strings that went in), and
// Block leaves it unchanged.
//
// Outside strings, JSON holds only ASCII punctuation, digits, letters and
// white space, so every rune rewritten here is inside a string value and
// the rewrite needs no parser. Clean input is returned as is.
func EscapeJSON(b []byte) []byte {
	i := firstUnsafe(b)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				out = append(out, `\u007f`...)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if (r >= 0x80 && r <= 0x9f) || IsBidi(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// firstUnsafe is the index of the first rune EscapeJSON rewrites, or -1.
func firstUnsafe(b []byte) int {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if (r >= 0x80 && r <= 0x9f) || IsBidi(r) {
			return i
		}
		i += size
	}
	return -1
}

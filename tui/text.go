package tui

import (
	"strconv"

	"strings"

	"github.com/charmbracelet/bubbles/textinput"

	"github.com/charmbracelet/x/ansi"
)

func itoa(n int) string { return strconv.Itoa(n) }

// thousands writes 1000000 as 1,000,000: counts are read at a glance.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// width is the one measure of text in cells in the console: every
// padding, cut and layout goes through it (or through fit, cut, frame and
// joinRight, which do). It is ansi.StringWidth with a fast path: frames are
// redrawn on every key, and nearly every line is ASCII plus a few symbols
// of our own wrapped in SGR sequences, whose width needs no grapheme
// segmentation. The fast path knows only the symbols in appSymbols, each
// one cell wide on its own and in any sequence with the others and ASCII
// (TestWidthFastPathSymbols checks every one against ansi.StringWidth);
// anything else in s (an emoji, CJK, a combining mark, a joiner, a
// variation selector) sends the whole string to ansi.StringWidth.
func width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			// CSI: parameters and intermediates, then one final byte.
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j + 1
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0xb7, // · U+00B7
			c == 0xc3 && i+1 < len(s) && s[i+1] == 0x97: // × U+00D7
			n++
			i += 2
		case c == 0xe2 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 &&
			appSymbol(0x2000|rune(s[i+1]&0x3f)<<6|rune(s[i+2]&0x3f)):
			n++
			i += 3
		default:
			return ansi.StringWidth(s)
		}
	}
	return n
}

// appSymbols are the symbols the console draws itself, measured by width's
// fast path: · × (two bytes) and these three-byte ones.
const appSymbols = "·×–—•…›←↑→↓↳↵⊘─│┃└╭╮╯╰▌○◆●✓"

// appSymbol reports whether r, which must be in U+2000–U+2FFF (a UTF-8
// sequence starting with 0xE2), is one of appSymbols.
func appSymbol(r rune) bool {
	switch r {
	case '–', '—', '•', '…', '›', '←', '↑', '→', '↓', '↳', '↵', '⊘',
		'─', '│', '┃', '└', '╭', '╮', '╯', '╰', '▌', '○', '◆', '●', '✓':
		return true
	}
	return false
}

// fit cuts s to w cells (with an ellipsis) or pads it with spaces to w, so
// columns line up whatever the text. s must be sanitized already.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(s)
	if sw > w {
		// A two-cell character at the cut leaves one cell over: pad it.
		s = ansi.Truncate(s, w, "…")
		sw = width(s)
	}
	return s + strings.Repeat(" ", w-sw)
}

// cut shortens s to at most w cells without padding.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// cutWords shortens s to at most w cells at a word boundary, ending in an
// ellipsis, so no word is cut: "preferences: language, channels" in 20
// cells is "preferences: …". Only a first word longer than w is cut
// inside (cut), as nothing else would fit.
func cutWords(s string, w int) string {
	if width(s) <= w {
		return s
	}
	end := -1
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] != ' ' && width(s[:i])+2 <= w {
			end = i
		}
	}
	if end < 0 {
		return cut(s, w)
	}
	return strings.TrimRight(s[:end], " ,;:·—-→") + " …"
}

// frame makes a block exactly h lines of exactly w cells: whatever a screen
// draws, the chrome around it stays where it is.
func frame(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(fit(lines[i], w))
		} else {
			b.WriteString(strings.Repeat(" ", w))
		}
	}
	return b.String()
}

// overlay draws box over base with its top-left corner at (x, y); base is
// a framed block of width w.
func overlay(base, box string, x, y, w int) string {
	lines := strings.Split(base, "\n")
	for i, bl := range strings.Split(box, "\n") {
		row := y + i
		if row < 0 || row >= len(lines) {
			continue
		}
		bw := width(bl)
		left := ansi.Truncate(lines[row], x, "")
		if lw := width(left); lw < x {
			left += strings.Repeat(" ", x-lw)
		}
		right := ""
		if want := w - x - bw; want > 0 {
			// A two-cell character under the box's right edge is kept
			// whole by ansi.Cut: start past it and pad instead.
			k := x + bw
			right = ansi.Cut(lines[row], k, w)
			for width(right) > want {
				k++
				right = ansi.Cut(lines[row], k, w)
			}
			right = strings.Repeat(" ", want-width(right)) + right
		}
		lines[row] = left + bl + right
	}
	return strings.Join(lines, "\n")
}

// joinRight puts right at the right edge of a w-cell line starting with
// left, cutting left if both do not fit.
func joinRight(left, right string, w int) string {
	rw := width(right)
	if rw >= w {
		return cut(right, w)
	}
	left = cut(left, w-rw-1)
	gap := w - rw - width(left)
	return left + strings.Repeat(" ", gap) + right
}

// highlight draws the bytes of s at the given offsets (each the first byte
// of a matched character, increasing) in hl and the rest in base; runs of
// neighbours are drawn in one piece. s must be sanitized already; offsets
// that do not fall on s's characters are ignored.
func highlight(s string, pos []int, base, hl styleRenderer) string {
	if len(pos) == 0 {
		return base.Render(s)
	}
	matched := make(map[int]bool, len(pos))
	for _, p := range pos {
		matched[p] = true
	}
	var b strings.Builder
	start, inMatch := 0, false
	flush := func(end int) {
		if end <= start {
			return
		}
		if inMatch {
			b.WriteString(hl.Render(s[start:end]))
		} else {
			b.WriteString(base.Render(s[start:end]))
		}
		start = end
	}
	for i := range s { // i walks character starts
		m := matched[i]
		if m != inMatch {
			flush(i)
			inMatch = m
		}
	}
	flush(len(s))
	return b.String()
}

// cleanInput keeps what an agent types or pastes drawable: textinput drops
// control characters itself but keeps bidi controls, which would reorder
// the line they are drawn on. The domain refuses them on save anyway.
func cleanInput(ti *textinput.Model) {
	if v := ti.Value(); !isClean(v) || strings.IndexByte(v, '\n') >= 0 {
		pos := ti.Position()
		ti.SetValue(sanitizeLine(v))
		ti.SetCursor(pos)
	}
}

// styleRenderer is what highlight needs of a lipgloss.Style.
type styleRenderer interface{ Render(...string) string }

// ansiWidth is width under its older name.
func ansiWidth(s string) int { return width(s) }

// fitLeft is fit for numbers: padded on the left so digits line up.
func fitLeft(s string, w int) string {
	sw := width(s)
	if sw >= w {
		return cut(s, w)
	}
	return strings.Repeat(" ", w-sw) + s
}

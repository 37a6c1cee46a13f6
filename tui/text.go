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

// width is ansi.StringWidth with a fast path: frames are redrawn on every
// key, and nearly every line is ASCII plus a few symbols of our own (› ○ •
// …) wrapped in SGR sequences, whose width needs no grapheme segmentation.
// Anything else goes to ansi.StringWidth.
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
		case c == 0xe2 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80:
			// U+2010-U+2BFF (punctuation, arrows, shapes) are one cell,
			// apart from the invisible formatting controls below U+2010
			// and at U+2028-U+202F, U+2060-U+206F.
			r := rune(c&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
			if r < 0x2010 || (r >= 0x2028 && r <= 0x202f) || (r >= 0x2060 && r <= 0x206f) || r > 0x2bff {
				return ansi.StringWidth(s)
			}
			n++
			i += 3
		default:
			return ansi.StringWidth(s)
		}
	}
	return n
}

// fit cuts s to w cells (with an ellipsis) or pads it with spaces to w, so
// columns line up whatever the text. s must be sanitized already.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
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
		bw := ansi.StringWidth(bl)
		left := ansi.Truncate(lines[row], x, "")
		if lw := ansi.StringWidth(left); lw < x {
			left += strings.Repeat(" ", x-lw)
		}
		right := ""
		if x+bw < w {
			right = ansi.Cut(lines[row], x+bw, w)
		}
		lines[row] = left + bl + right
	}
	return strings.Join(lines, "\n")
}

// joinRight puts right at the right edge of a w-cell line starting with
// left, cutting left if both do not fit.
func joinRight(left, right string, w int) string {
	rw := ansi.StringWidth(right)
	if rw >= w {
		return cut(right, w)
	}
	left = cut(left, w-rw-1)
	gap := w - rw - ansi.StringWidth(left)
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

func ansiWidth(s string) int { return width(s) }

// fitLeft is fit for numbers: padded on the left so digits line up.
func fitLeft(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw >= w {
		return cut(s, w)
	}
	return strings.Repeat(" ", w-sw) + s
}

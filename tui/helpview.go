package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
)

// hintsLine lays the always-on key hints out in w cells: opt, most
// important first, then keep, which always shows (help and quit). Hints
// that do not fit are dropped whole from the end of opt: a hint is never
// cut, and the line never ends in an ellipsis.
func hintsLine(h help.Model, opt, keep []key.Binding, w int) string {
	keep = dedupe(enabledOnly(keep))
	opt = enabledOnly(opt)
	sep := h.Styles.ShortSeparator.Inline(true).Render(h.ShortSeparator)
	sepW := width(sep)
	itemW := func(b key.Binding) int { return width(b.Help().Key) + 1 + width(b.Help().Desc) }
	used := 0
	for i, b := range keep {
		if i > 0 {
			used += sepW
		}
		used += itemW(b)
	}
	seen := map[string]bool{}
	for _, b := range keep {
		seen[b.Help().Key+b.Help().Desc] = true
	}
	var shown []key.Binding
	for _, b := range opt {
		id := b.Help().Key + b.Help().Desc
		if seen[id] {
			continue
		}
		if used+itemW(b)+sepW > w {
			break
		}
		seen[id] = true
		shown = append(shown, b)
		used += itemW(b) + sepW
	}
	shown = append(shown, keep...)
	var s strings.Builder
	for i, b := range shown {
		if i > 0 {
			s.WriteString(sep)
		}
		s.WriteString(h.Styles.ShortKey.Inline(true).Render(b.Help().Key))
		s.WriteByte(' ')
		s.WriteString(h.Styles.ShortDesc.Inline(true).Render(b.Help().Desc))
	}
	return s.String()
}

func enabledOnly(bs []key.Binding) []key.Binding {
	out := bs[:0:0]
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

// helpEntry is one line of the full help: a key and what it does.
type helpEntry struct{ key, desc string }

// helpColumns lays the full help's groups out in columns of at most rows
// lines that fit w cells, so every binding shows. Each group stays in one
// column (under the previous one, after a blank line, when both fit), in
// the shortest columns that fit the width; otherwise the bindings run
// on from column to column without gaps; if the columns are still too wide
// the longest descriptions are shortened at a word boundary. Keys are never
// shortened.
func helpColumns(h help.Model, groups [][]key.Binding, w, rows int) string {
	rows = max(rows, 1)
	var blocks [][]helpEntry
	for _, g := range groups {
		var block []helpEntry
		for _, b := range g {
			if b.Enabled() {
				block = append(block, helpEntry{b.Help().Key, b.Help().Desc})
			}
		}
		if len(block) > 0 {
			blocks = append(blocks, block)
		}
	}
	const gap = 3 // cells between columns
	// The shortest columns that fit the width: groups side by side
	// rather than one long column with the width unused.
	tallest := 0
	for _, b := range blocks {
		tallest = max(tallest, len(b))
	}
	var cols [][]helpEntry
	for r := min(tallest, rows); r <= rows; r++ {
		if cols = packGroups(blocks, r); columnsWidth(cols, gap) <= w {
			break
		}
	}
	if columnsWidth(cols, gap) > w {
		var flat []helpEntry
		for _, b := range blocks {
			flat = append(flat, b...)
		}
		cols = nil
		for len(flat) > 0 {
			n := min(rows, len(flat))
			cols = append(cols, flat[:n])
			flat = flat[n:]
		}
	}
	descW := make([]int, len(cols))
	keyW := make([]int, len(cols))
	for i, c := range cols {
		for _, e := range c {
			keyW[i] = max(keyW[i], width(e.key))
			descW[i] = max(descW[i], width(e.desc))
		}
	}
	// Shorten the widest descriptions first, one cell at a time, down to
	// 8 cells each, until the columns fit.
	total := func() int {
		t := gap * max(len(cols)-1, 0)
		for i := range cols {
			t += keyW[i] + 1 + descW[i]
		}
		return t
	}
	for total() > w {
		widest := -1
		for i := range cols {
			if descW[i] > 8 && (widest < 0 || descW[i] > descW[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		descW[widest]--
	}
	lines := make([]string, 0, rows)
	for r := range rowsOf(cols) {
		var line strings.Builder
		for i, c := range cols {
			if i > 0 {
				line.WriteString(strings.Repeat(" ", gap))
			}
			k, d := "", ""
			if r < len(c) {
				k, d = c[r].key, cutWords(c[r].desc, descW[i])
			}
			line.WriteString(h.Styles.FullKey.Render(k) + strings.Repeat(" ", keyW[i]-width(k)+1))
			line.WriteString(h.Styles.FullDesc.Render(d) + strings.Repeat(" ", descW[i]-width(d)))
		}
		lines = append(lines, strings.TrimRight(line.String(), " "))
	}
	return strings.Join(lines, "\n")
}

// packGroups puts each group in a column under the previous one (a blank
// entry between) while it fits rows, else at the top of a new column; a
// group taller than rows runs on into the next column.
func packGroups(blocks [][]helpEntry, rows int) [][]helpEntry {
	var cols [][]helpEntry
	var cur []helpEntry
	for _, b := range blocks {
		if len(cur) > 0 && len(cur)+1+len(b) <= rows {
			cur = append(cur, helpEntry{})
		} else if len(cur) > 0 {
			cols = append(cols, cur)
			cur = nil
		}
		for _, e := range b {
			if len(cur) == rows {
				cols = append(cols, cur)
				cur = nil
			}
			cur = append(cur, e)
		}
	}
	if len(cur) > 0 {
		cols = append(cols, cur)
	}
	return cols
}

func columnsWidth(cols [][]helpEntry, gap int) int {
	t := gap * max(len(cols)-1, 0)
	for _, c := range cols {
		kw, dw := 0, 0
		for _, e := range c {
			kw, dw = max(kw, width(e.key)), max(dw, width(e.desc))
		}
		t += kw + 1 + dw
	}
	return t
}

func rowsOf(cols [][]helpEntry) int {
	n := 0
	for _, c := range cols {
		n = max(n, len(c))
	}
	return n
}

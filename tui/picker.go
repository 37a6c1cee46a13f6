package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"
)

// picker is a text field with a fuzzy-matched list under it, for choosing
// one of a known set of names (organizations, time zones). The agent types
// any part of the name ("par" finds Europe/Paris), moves with the arrows
// and takes the highlighted entry with enter. The sets are small (hundreds
// of zones, as many organizations as a desk has), so sahilm/fuzzy over all
// of them on each key is well inside a frame.
type picker struct {
	c       *common
	input   textinput.Model
	items   []string
	matches fuzzy.Matches
	sel     int
	rows    int
	focused bool
	// match ranks the items for a query; nil: fuzzy over the items, an
	// exact entry first. The time zone list ranks as zones (matchZones).
	match func(q string, items []string) fuzzy.Matches
}

func newPicker(c *common, items []string, placeholder string) *picker {
	p := &picker{c: c, input: c.st.input(placeholder), items: items, rows: 5}
	if isZoneList(items) {
		p.match = matchZones
	}
	p.refilter()
	return p
}

func (p *picker) SetItems(items []string) {
	p.items = items
	p.refilter()
}

func (p *picker) Value() string { return strings.TrimSpace(p.input.Value()) }

func (p *picker) SetValue(v string) {
	p.input.SetValue(v)
	p.input.CursorEnd()
	p.refilter()
}

func (p *picker) Focus() tea.Cmd {
	p.focused = true
	return p.input.Focus()
}

func (p *picker) Blur() {
	p.focused = false
	p.input.Blur()
}

// Update handles a key while the picker has focus; picked is true when
// enter took an entry from the list.
func (p *picker) Update(msg tea.KeyMsg) (picked bool, cmd tea.Cmd) {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.SelUp):
		if p.sel > 0 {
			p.sel--
		}
		return false, nil
	case key.Matches(msg, k.SelDown):
		if p.sel < len(p.matches)-1 {
			p.sel++
		}
		return false, nil
	case key.Matches(msg, k.Pick):
		if p.sel < len(p.matches) {
			p.SetValue(p.matches[p.sel].Str)
			return true, nil
		}
		return false, nil
	case key.Matches(msg, k.Clear):
		p.SetValue("")
		return false, nil
	}
	before := p.input.Value()
	p.input, cmd = p.input.Update(msg)
	cleanInput(&p.input)
	if p.input.Value() != before {
		p.refilter()
	}
	return false, cmd
}

// refilter recomputes the list for the text typed. An empty field lists
// the first entries in order; a field that already holds an exact entry
// lists it first, so tab after a pick keeps it.
func (p *picker) refilter() {
	q := p.Value()
	p.sel = 0
	if q == "" {
		p.matches = p.matches[:0]
		for i, it := range p.items {
			if i == p.rows {
				break
			}
			p.matches = append(p.matches, fuzzy.Match{Str: it, Index: i})
		}
		return
	}
	if p.match != nil {
		p.matches = p.match(q, p.items)
		return
	}
	p.matches = fuzzy.Find(q, p.items)
	for i, m := range p.matches {
		if strings.EqualFold(m.Str, q) {
			p.matches[0], p.matches[i] = p.matches[i], p.matches[0]
			break
		}
	}
}

// Exact returns the entry equal to the text typed (in any letter case).
func (p *picker) Exact() (string, bool) {
	q := p.Value()
	for _, it := range p.items {
		if strings.EqualFold(it, q) {
			return it, true
		}
	}
	return "", false
}

// View draws the field; with focus, the list follows on the next lines.
func (p *picker) View(w int) string {
	p.input.Width = max(w-1, 1)
	if !p.focused {
		return p.input.View()
	}
	st := p.c.st
	var b strings.Builder
	b.WriteString(p.input.View())
	if len(p.matches) == 0 {
		b.WriteString("\n" + st.muted.Render("  no match"))
		return b.String()
	}
	first := 0
	if p.sel >= p.rows {
		first = p.sel - p.rows + 1
	}
	for i := first; i < len(p.matches) && i < first+p.rows; i++ {
		m := p.matches[i]
		text := sanitizeLine(m.Str)
		pos := m.MatchedIndexes
		if text != m.Str {
			pos = nil
		}
		marker, base := "  ", st.row
		if i == p.sel {
			marker, base = "› ", st.rowSel
		}
		b.WriteString("\n" + base.Render(marker) + highlight(cut(text, w-2), pos, base, st.match))
	}
	if n := len(p.matches); n > p.rows {
		b.WriteString("\n" + st.muted.Render("  "+thousands(n)+" matches; keep typing"))
	}
	return b.String()
}

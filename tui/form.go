package tui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"helpdesk/domain"
)

type fieldKind int

const (
	textField fieldKind = iota
	pickField
	choiceField
	// areaField is text of several lines (notes): a textarea, where enter
	// starts a new line and tab (or ↑/↓ past its first or last line)
	// moves to the other fields.
	areaField
)

// areaHeight is how many lines a focused areaField shows.
const areaHeight = 4

// field is one labelled value of a form.
type field struct {
	key     string // the domain's name for it, as ValidationError.Field says
	label   string
	kind    fieldKind
	input   textinput.Model
	area    textarea.Model
	pick    *picker
	choices []string
	choice  int
	err     string
	// hint follows the value when the field has no focus, e.g. why an
	// organization was prefilled.
	hint    string
	initial string
}

func (f *field) Value() string {
	switch f.kind {
	case pickField:
		return f.pick.Value()
	case choiceField:
		return f.choices[f.choice]
	case areaField:
		return strings.TrimSpace(f.area.Value())
	}
	return strings.TrimSpace(f.input.Value())
}

func (f *field) set(v string) {
	switch f.kind {
	case pickField:
		f.pick.SetValue(v)
	case choiceField:
		for i, c := range f.choices {
			if strings.EqualFold(c, v) {
				f.choice = i
			}
		}
	case areaField:
		f.area.SetValue(v)
	default:
		f.input.SetValue(v)
		f.input.CursorEnd()
	}
}

// form is a column of labelled fields with one focused, used by the new
// user form and by in-place editing of a user or an organization. It knows
// nothing of users: screens read values by key and map the domain's
// ValidationError back to the field it names.
type form struct {
	c      *common
	fields []*field
	focus  int
	width  int
	// below holds lines a screen draws under a field (the suggestion box
	// under the email), by field key.
	below map[string]string
}

func newForm(c *common) *form { return &form{c: c, below: map[string]string{}} }

func (f *form) addText(key, label, placeholder string) *field {
	fl := &field{key: key, label: label, kind: textField, input: f.c.st.input(placeholder)}
	fl.input.CharLimit = 10000
	f.fields = append(f.fields, fl)
	return fl
}

// addArea adds a field of several lines (notes), edited in a textarea.
func (f *form) addArea(key, label, placeholder string) *field {
	fl := &field{key: key, label: label, kind: areaField, input: f.c.st.input(placeholder), area: f.c.st.textarea(placeholder)}
	fl.area.CharLimit = 10000
	fl.area.SetHeight(areaHeight)
	f.fields = append(f.fields, fl)
	return fl
}

func (f *form) addPicker(key, label string, items []string, placeholder string) *field {
	fl := &field{key: key, label: label, kind: pickField, pick: newPicker(f.c, items, placeholder)}
	f.fields = append(f.fields, fl)
	return fl
}

func (f *form) addChoice(key, label string, choices ...string) *field {
	// The first choice is the default, not an edit: an untouched form is
	// not dirty.
	fl := &field{key: key, label: label, kind: choiceField, choices: choices, initial: choices[0]}
	f.fields = append(f.fields, fl)
	return fl
}

func (f *form) field(key string) *field {
	for _, fl := range f.fields {
		if fl.key == key {
			return fl
		}
	}
	return nil
}

func (f *form) Value(key string) string { return f.field(key).Value() }

// Load sets a field's value as the one stored: Changed compares with it.
// The value is drawn, so it is sanitized; an untouched field is not saved,
// so the stored value is not changed by that.
func (f *form) Load(key, v string) {
	fl := f.field(key)
	fl.set(sanitize(v))
	fl.initial = fl.Value()
}

// Set changes a field's value as if typed.
func (f *form) Set(key, v string) { f.field(key).set(v) }

// Changed reports whether a field differs from what was loaded.
func (f *form) Changed(key string) bool {
	fl := f.field(key)
	return fl.Value() != fl.initial
}

func (f *form) Dirty() bool {
	for _, fl := range f.fields {
		if fl.Value() != fl.initial {
			return true
		}
	}
	return false
}

func (f *form) Focused() *field { return f.fields[f.focus] }

// FocusOn moves the focus to field i.
func (f *form) FocusOn(i int) tea.Cmd {
	f.Blur()
	f.focus = max(0, min(i, len(f.fields)-1))
	fl := f.fields[f.focus]
	switch fl.kind {
	case textField:
		return fl.input.Focus()
	case areaField:
		return fl.area.Focus()
	case pickField:
		return fl.pick.Focus()
	}
	return nil
}

func (f *form) Blur() {
	for _, fl := range f.fields {
		fl.input.Blur()
		fl.area.Blur()
		if fl.pick != nil {
			fl.pick.Blur()
		}
	}
}

// Update passes a key to the focused field or moves the focus. submit is
// true when enter was pressed on the last field.
func (f *form) Update(msg tea.KeyMsg) (cmd tea.Cmd, submit bool) {
	k := f.c.keys
	fl := f.Focused()
	if fl.kind == pickField {
		// The list under a picker takes the arrows and enter.
		if key.Matches(msg, k.SelUp, k.SelDown) {
			_, cmd = fl.pick.Update(msg)
			return cmd, false
		}
		if key.Matches(msg, k.Pick) {
			if picked, _ := fl.pick.Update(msg); picked {
				fl.err = ""
				return f.FocusOn(f.focus + 1), false
			}
		}
	}
	if fl.kind == areaField {
		return f.updateArea(fl, msg), false
	}
	switch {
	case key.Matches(msg, k.NextField):
		return f.FocusOn(f.focus + 1), false
	case key.Matches(msg, k.PrevField):
		return f.FocusOn(f.focus - 1), false
	case key.Matches(msg, k.Open): // enter
		if f.focus == len(f.fields)-1 {
			return nil, true
		}
		return f.FocusOn(f.focus + 1), false
	}
	switch fl.kind {
	case choiceField:
		if key.Matches(msg, k.ChoiceNext) {
			fl.choice = (fl.choice + 1) % len(fl.choices)
		}
	case pickField:
		_, cmd = fl.pick.Update(msg)
		fl.err = ""
	default:
		if key.Matches(msg, k.Clear) {
			fl.input.SetValue("")
			return nil, false
		}
		before := fl.input.Value()
		fl.input, cmd = fl.input.Update(msg)
		cleanInput(&fl.input)
		if fl.input.Value() != before {
			fl.err = ""
		}
	}
	return cmd, false
}

// updateArea passes a key to a textarea field: enter is a new line; tab
// and shift+tab move to the other fields, as ↓ on its last line and ↑ on
// its first do.
func (f *form) updateArea(fl *field, msg tea.KeyMsg) tea.Cmd {
	k := f.c.keys
	last := fl.area.Line() >= fl.area.LineCount()-1
	switch {
	case key.Matches(msg, k.NextField) && (msg.Type != tea.KeyDown || last):
		return f.FocusOn(f.focus + 1)
	case key.Matches(msg, k.PrevField) && (msg.Type != tea.KeyUp || fl.area.Line() == 0):
		return f.FocusOn(f.focus - 1)
	case key.Matches(msg, k.Clear):
		fl.area.Reset()
		return nil
	}
	before := fl.area.Value()
	var cmd tea.Cmd
	fl.area, cmd = fl.area.Update(msg)
	if fl.area.Value() != before {
		fl.err = ""
	}
	return cmd
}

// SetError shows err next to the field it names and reports whether a field
// took it; other errors are for the status line.
func (f *form) SetError(err error) bool {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	fl := f.field(ve.Field)
	if fl == nil {
		return false
	}
	fl.err = ve.Reason
	f.FocusOn(f.indexOf(fl))
	return true
}

func (f *form) ClearErrors() {
	for _, fl := range f.fields {
		fl.err = ""
	}
}

func (f *form) indexOf(fl *field) int {
	for i, x := range f.fields {
		if x == fl {
			return i
		}
	}
	return 0
}

const labelWidth = 14

// View draws the fields, the focused one marked with ›.
func (f *form) View() string {
	st := f.c.st
	vw := max(f.width-labelWidth-6, 10)
	var b strings.Builder
	for i, fl := range f.fields {
		if i > 0 {
			b.WriteByte('\n')
		}
		focused := i == f.focus
		marker := "  "
		label := st.label.Render(fit(fl.label, labelWidth))
		if focused {
			marker = st.tabActive.Render("› ")
			label = st.title.Render(fit(fl.label, labelWidth))
		}
		b.WriteString(marker + label + "  ")
		switch fl.kind {
		case choiceField:
			var parts []string
			for j, c := range fl.choices {
				if j == fl.choice {
					parts = append(parts, st.tabActive.Render("("+"•"+") "+c))
				} else {
					parts = append(parts, st.muted.Render("( ) "+c))
				}
			}
			b.WriteString(strings.Join(parts, "  "))
		case pickField:
			if focused {
				b.WriteString(indentAfterFirst(fl.pick.View(vw), labelWidth+4))
			} else {
				b.WriteString(f.still(fl.pick.Value(), fl.pick.input.Placeholder, fl.hint, vw))
			}
		case areaField:
			if focused {
				fl.area.SetWidth(vw)
				b.WriteString(indentAfterFirst(fl.area.View(), labelWidth+4))
			} else {
				b.WriteString(f.still(areaSummary(fl.area.Value()), fl.area.Placeholder, fl.hint, vw))
			}
		default:
			if focused {
				fl.input.Width = vw
				b.WriteString(fl.input.View())
			} else {
				b.WriteString(f.still(fl.input.Value(), fl.input.Placeholder, fl.hint, vw))
			}
		}
		if fl.err != "" {
			b.WriteString("\n" + strings.Repeat(" ", labelWidth+4) + st.errText.Render(cut("↳ "+sanitizeLine(fl.err), vw)))
		}
		if extra := f.below[fl.key]; extra != "" {
			b.WriteString("\n" + indentAll(extra, labelWidth+4))
		}
	}
	return b.String()
}

// still draws a field without focus: its value (or its placeholder) and the
// hint after it, cut to w. A text input without focus would pad itself to
// its full width and push the hint off the line.
func (f *form) still(v, placeholder, hint string, w int) string {
	st := f.c.st
	v = sanitizeLine(v)
	if hint != "" {
		hint = " " + hint
	}
	if v == "" {
		return st.placeholder.Render(cut(placeholder, w))
	}
	v = cut(v, max(w-ansiWidth(hint), w/2))
	return st.value.Render(v) + st.muted.Render(cut(hint, w-ansiWidth(v)))
}

// areaSummary is a field of several lines drawn on one: its first line
// and how many more follow.
func areaSummary(v string) string {
	v = strings.TrimSpace(v)
	first, rest, more := strings.Cut(v, "\n")
	if !more {
		return v
	}
	return first + " (+" + plural(strings.Count(rest, "\n")+1, "more line") + ")"
}

func indentAfterFirst(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return strings.ReplaceAll(s, "\n", "\n"+pad)
}

func indentAll(s string, n int) string {
	return strings.Repeat(" ", n) + indentAfterFirst(s, n)
}

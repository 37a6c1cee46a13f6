package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// palette is the first layer of the theme: colour tokens, from one of the
// themes in theme.go. Nothing outside styles.go and theme.go names a colour.
type palette struct {
	fg, muted, subtle, accent, accentFg, selBg, danger, warn, ok, match lipgloss.TerminalColor
}

// styles is the second layer: every style the console draws with, built
// from one renderer. Over SSH each session has its own renderer (its own
// colour profile and background), so nothing here may come from the
// package-level lipgloss.NewStyle, which renders for the server's terminal.
//
// Every meaning carried by a colour is also carried by a character (the
// selection marker, the disabled marker, brackets around the active tab),
// because with NO_COLOR lipgloss drops colour and attributes alike.
type styles struct {
	r *lipgloss.Renderer

	header, tab, tabActive, brand lipgloss.Style
	title, label, value, muted    lipgloss.Style
	colHead, row, rowSel          lipgloss.Style
	disabled, disabledSel         lipgloss.Style
	errText, warnText, okText     lipgloss.Style
	match, box, dangerBox         lipgloss.Style
	status, statusErr, statusOK   lipgloss.Style
	helpKey, helpDesc, helpSep    lipgloss.Style
	inputPrompt, inputText        lipgloss.Style
	placeholder, cursor           lipgloss.Style

	// Row styles as plain escape sequences, for the lists' rows (see
	// inline).
	rowI, rowSelI, disabledI, disabledSelI inline
}

// inline is a style with colours and attributes only, reduced to the
// sequences it writes before and after a text. lipgloss's Render measures
// and wraps its input every call, which for thirty rows a frame is most of
// View's cost; a row needs none of that, its width is already exact.
type inline struct{ pre, post string }

func newInline(st lipgloss.Style) inline {
	const probe = "X"
	out := st.Render(probe)
	i := strings.Index(out, probe)
	if i < 0 {
		return inline{}
	}
	return inline{pre: out[:i], post: out[i+len(probe):]}
}

func (in inline) Render(s string) string { return in.pre + s + in.post }

// forRenderer picks every colour for the renderer's background and
// converts it to the renderer's colour profile, once per session. Given a
// hex colour, lipgloss converts it again on every Render, and on a
// 256-colour terminal that conversion (a nearest-colour search in HSLuv)
// took a fifth of the SSH server's CPU with 50 agents typing.
func (p palette) forRenderer(r *lipgloss.Renderer) palette {
	dark := r.HasDarkBackground()
	profile := r.ColorProfile()
	fix := func(c lipgloss.TerminalColor) lipgloss.TerminalColor {
		var hex string
		switch ac := c.(type) {
		case lipgloss.Color:
			hex = string(ac)
		case lipgloss.AdaptiveColor:
			hex = ac.Light
			if dark {
				hex = ac.Dark
			}
		default:
			return c
		}
		switch tc := profile.Color(hex).(type) {
		case termenv.RGBColor:
			return lipgloss.Color(string(tc))
		case termenv.ANSI256Color:
			return lipgloss.Color(strconv.Itoa(int(tc)))
		case termenv.ANSIColor:
			return lipgloss.Color(strconv.Itoa(int(tc)))
		}
		return lipgloss.NoColor{} // no colour: NO_COLOR, or a dumb terminal
	}
	return palette{fg: fix(p.fg), muted: fix(p.muted), subtle: fix(p.subtle), accent: fix(p.accent),
		accentFg: fix(p.accentFg), selBg: fix(p.selBg), danger: fix(p.danger), warn: fix(p.warn), ok: fix(p.ok),
		match: fix(p.match)}
}

// newStyles builds the styles of a theme (a name of Themes; "" is auto)
// for the renderer.
func newStyles(r *lipgloss.Renderer, themeName string) *styles {
	p := themeFor(themeName, r.HasDarkBackground()).palette().forRenderer(r)
	s := &styles{r: r}
	n := r.NewStyle
	s.brand = n().Bold(true).Foreground(p.accent)
	s.header = n()
	s.tab = n().Foreground(p.muted)
	s.tabActive = n().Bold(true).Foreground(p.accent)
	s.title = n().Bold(true).Foreground(p.fg)
	s.label = n().Foreground(p.muted)
	s.value = n().Foreground(p.fg)
	s.muted = n().Foreground(p.muted)
	s.colHead = n().Bold(true).Foreground(p.muted)
	s.row = n().Foreground(p.fg)
	s.rowSel = n().Foreground(p.fg).Background(p.selBg).Bold(true)
	s.disabled = n().Foreground(p.muted)
	s.disabledSel = n().Foreground(p.muted).Background(p.selBg)
	s.errText = n().Foreground(p.danger).Bold(true)
	s.warnText = n().Foreground(p.warn)
	s.okText = n().Foreground(p.ok)
	s.match = n().Foreground(p.match).Bold(true).Underline(true)
	s.box = n().Border(lipgloss.RoundedBorder()).BorderForeground(p.accent).Padding(0, 1)
	s.dangerBox = n().Border(lipgloss.RoundedBorder()).BorderForeground(p.danger).Padding(0, 1)
	s.status = n().Foreground(p.muted)
	s.statusErr = n().Foreground(p.danger).Bold(true)
	s.statusOK = n().Foreground(p.ok)
	s.helpKey = n().Foreground(p.accent)
	s.helpDesc = n().Foreground(p.muted)
	s.helpSep = n().Foreground(p.subtle)
	s.inputPrompt = n().Foreground(p.accent)
	s.inputText = n().Foreground(p.fg)
	s.placeholder = n().Foreground(p.muted)
	s.cursor = n().Reverse(true)
	s.rowI, s.rowSelI = newInline(s.row), newInline(s.rowSel)
	s.disabledI, s.disabledSelI = newInline(s.disabled), newInline(s.disabledSel)
	return s
}

// help returns a bubbles help model drawn in the theme (its own defaults use
// the global renderer).
func (s *styles) help() help.Model {
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis:       s.helpSep,
		ShortKey:       s.helpKey,
		ShortDesc:      s.helpDesc,
		ShortSeparator: s.helpSep,
		FullKey:        s.helpKey,
		FullDesc:       s.helpDesc,
		FullSeparator:  s.helpSep,
	}
	return h
}

// input returns a text input drawn in the theme, with a steady cursor: a
// blinking one would redraw the screen twice a second for nothing and make
// golden files depend on timing.
func (s *styles) input(placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = placeholder
	ti.PromptStyle = s.inputPrompt
	ti.TextStyle = s.inputText
	ti.PlaceholderStyle = s.placeholder
	ti.CompletionStyle = s.placeholder
	ti.Cursor.Style = s.cursor
	ti.Cursor.TextStyle = s.inputText
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}

// textarea returns a multi-line input drawn in the theme (its defaults use
// the global renderer), without line numbers or prompt, with a steady
// cursor, for text as long as the domain accepts.
func (s *styles) textarea(placeholder string) textarea.Model {
	ta := textarea.New()
	ta.Prompt = ""
	ta.ShowLineNumbers = false
	ta.Placeholder = placeholder
	ta.CharLimit = 20000
	ta.MaxHeight = 0
	n := s.r.NewStyle
	focused := textarea.Style{
		Base: n(), CursorLine: n(), CursorLineNumber: s.muted, EndOfBuffer: s.placeholder,
		LineNumber: s.muted, Placeholder: s.placeholder, Prompt: s.inputPrompt, Text: s.inputText,
	}
	blurred := focused
	blurred.Text = s.value
	ta.FocusedStyle, ta.BlurredStyle = focused, blurred
	ta.Cursor.Style = s.cursor
	ta.Cursor.TextStyle = s.inputText
	ta.Cursor.SetMode(cursor.CursorStatic)
	ta.Blur() // points the widget at the styles set above
	return ta
}

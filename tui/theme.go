package tui

import "github.com/charmbracelet/lipgloss"

// A theme is an explicit palette for one kind of terminal background.
// "auto" picks dark or light from the session's renderer
// (Renderer.HasDarkBackground, asked once in New); high-contrast has a
// variant for each background, since it paints no background of its own.
//
// Every text colour keeps a contrast ratio of at least 4.5:1 (WCAG 2.x AA)
// against the backgrounds in refBackgrounds and against the selection
// background; subtle, drawn only for separators and borders, keeps 3:1
// (WCAG's non-text contrast). TestThemeContrast checks every pair the
// styles use.
type theme struct {
	name string
	dark bool
	hex  struct{ fg, muted, subtle, accent, accentFg, selBg, danger, warn, ok, match string }
}

// refBackgrounds are the terminal backgrounds each kind of theme is
// checked against: pure black or white, and a common tinted one.
func refBackgrounds(dark bool) []string {
	if dark {
		return []string{"#000000", "#282c34"}
	}
	return []string{"#ffffff", "#f0f0f0"}
}

// themeFor is the palette of a theme name ("" is auto) for a terminal
// with a dark or light background.
func themeFor(name string, darkBackground bool) theme {
	t := theme{name: name}
	switch name {
	case "dark":
		t.dark = true
	case "light":
		t.dark = false
	case "high-contrast":
		t.dark = darkBackground
	default:
		t.name, t.dark = "auto", darkBackground
	}
	h := &t.hex
	switch {
	case name == "high-contrast" && t.dark:
		h.fg, h.muted, h.subtle = "#ffffff", "#d0d0d0", "#a0a0a0"
		h.accent, h.accentFg, h.selBg = "#87d7ff", "#000000", "#303030"
		h.danger, h.warn, h.ok, h.match = "#ff8787", "#ffd700", "#87ff87", "#ffaf00"
	case name == "high-contrast":
		h.fg, h.muted, h.subtle = "#000000", "#303030", "#6c6c6c"
		h.accent, h.accentFg, h.selBg = "#00008b", "#ffffff", "#d7d7ff"
		h.danger, h.warn, h.ok, h.match = "#a00000", "#5f3f00", "#005f00", "#8b3a00"
	case t.dark:
		h.fg, h.muted, h.subtle = "#e4e4e4", "#a0a0a0", "#7a7a7a"
		h.accent, h.accentFg, h.selBg = "#a48bff", "#1a1a1a", "#322a4e"
		h.danger, h.warn, h.ok, h.match = "#ff7a70", "#f2c04c", "#6fd68f", "#ffaf5f"
	default:
		h.fg, h.muted, h.subtle = "#1a1a1a", "#5e5e5e", "#868686"
		h.accent, h.accentFg, h.selBg = "#5a3fc0", "#ffffff", "#e6e0fa"
		h.danger, h.warn, h.ok, h.match = "#b3261e", "#7a4f00", "#1a6b33", "#a04300"
	}
	return t
}

func (t theme) palette() palette {
	c := func(h string) lipgloss.TerminalColor { return lipgloss.Color(h) }
	h := t.hex
	return palette{fg: c(h.fg), muted: c(h.muted), subtle: c(h.subtle), accent: c(h.accent), accentFg: c(h.accentFg),
		selBg: c(h.selBg), danger: c(h.danger), warn: c(h.warn), ok: c(h.ok), match: c(h.match)}
}

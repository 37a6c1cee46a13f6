package tui

import (
	"io"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Colours resolved once per renderer draw exactly what lipgloss draws from
// the theme's colours, on every profile, background and theme.
func TestPaletteForRendererDrawsTheSame(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		for _, dark := range []bool{true, false} {
			for _, name := range Themes {
				r := lipgloss.NewRenderer(io.Discard)
				r.SetColorProfile(profile)
				r.SetHasDarkBackground(dark)
				raw := themeFor(name, dark).palette()
				fixed := raw.forRenderer(r)
				pairs := [][2]lipgloss.TerminalColor{{raw.fg, fixed.fg}, {raw.muted, fixed.muted}, {raw.subtle, fixed.subtle},
					{raw.accent, fixed.accent}, {raw.accentFg, fixed.accentFg}, {raw.selBg, fixed.selBg},
					{raw.danger, fixed.danger}, {raw.warn, fixed.warn}, {raw.ok, fixed.ok}, {raw.match, fixed.match}}
				for i, p := range pairs {
					want := r.NewStyle().Foreground(p[0]).Background(p[0]).Render("x")
					got := r.NewStyle().Foreground(p[1]).Background(p[1]).Render("x")
					if got != want {
						t.Errorf("profile %d, dark %v, theme %s, colour %d: %q, want %q", profile, dark, name, i, got, want)
					}
				}
			}
		}
	}
}

package tui

import (
	"io"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Colours resolved once per renderer draw exactly what lipgloss draws from
// the adaptive tokens, on every profile and background.
func TestPaletteForRendererDrawsTheSame(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(profile)
			r.SetHasDarkBackground(dark)
			raw, fixed := defaultPalette(), defaultPalette().forRenderer(r)
			pairs := [][2]lipgloss.TerminalColor{{raw.fg, fixed.fg}, {raw.muted, fixed.muted}, {raw.subtle, fixed.subtle},
				{raw.accent, fixed.accent}, {raw.accentFg, fixed.accentFg}, {raw.selBg, fixed.selBg},
				{raw.danger, fixed.danger}, {raw.warn, fixed.warn}, {raw.ok, fixed.ok}, {raw.match, fixed.match}}
			for i, p := range pairs {
				want := r.NewStyle().Foreground(p[0]).Background(p[0]).Render("x")
				got := r.NewStyle().Foreground(p[1]).Background(p[1]).Render("x")
				if got != want {
					t.Errorf("profile %d, dark %v, colour %d: %q, want %q", profile, dark, i, got, want)
				}
			}
		}
	}
}

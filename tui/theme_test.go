package tui

import (
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// luminance is WCAG 2.x relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("%q is not a #rrggbb colour", hex)
	}
	ch := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(v>>16&0xff) + 0.7152*ch(v>>8&0xff) + 0.0722*ch(v&0xff)
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastFormula(t *testing.T) {
	// WCAG's own figures: black on white is 21:1, #767676 on white 4.54:1.
	if c := contrast(t, "#000000", "#ffffff"); math.Abs(c-21) > 0.01 {
		t.Fatalf("black on white: %.2f, want 21", c)
	}
	if c := contrast(t, "#767676", "#ffffff"); math.Abs(c-4.54) > 0.01 {
		t.Fatalf("#767676 on white: %.2f, want 4.54", c)
	}
}

// Every style the console draws with, in every theme and on either kind of
// terminal, is legible: text at least 4.5:1 (WCAG AA) against its own
// background, or against the terminal backgrounds the theme is made for;
// separators and borders (non-text) at least 3:1.
func TestThemeContrast(t *testing.T) {
	nonText := map[string]bool{"helpSep": true}
	for _, name := range Themes {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(termenv.TrueColor)
			r.SetHasDarkBackground(dark)
			st := newStyles(r, name)
			th := themeFor(name, dark)
			v := reflect.ValueOf(st).Elem()
			checked := 0
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if f.Type != reflect.TypeFor[lipgloss.Style]() {
					continue
				}
				// The fields are unexported: read them through their address.
				style := *(*lipgloss.Style)(unsafe.Pointer(v.Field(i).UnsafeAddr()))
				bgs := refBackgrounds(th.dark)
				if bg, ok := style.GetBackground().(lipgloss.Color); ok {
					bgs = []string{string(bg)}
				}
				check := func(what string, c lipgloss.TerminalColor, min float64) {
					fg, ok := c.(lipgloss.Color)
					if !ok {
						return // the terminal's own colour
					}
					for _, bg := range bgs {
						checked++
						if got := contrast(t, string(fg), bg); got < min {
							t.Errorf("theme %s (dark terminal %v): %s %s %s on %s is %.2f:1, want at least %.1f:1",
								name, dark, f.Name, what, fg, bg, got, min)
						}
					}
				}
				min := 4.5
				if nonText[f.Name] {
					min = 3
				}
				check("text", style.GetForeground(), min)
				check("border", style.GetBorderTopForeground(), 3)
			}
			if checked < 40 {
				t.Fatalf("theme %s: only %d pairs checked; the styles were not read", name, checked)
			}
		}
	}
}

// The themes differ where they should: dark and light pick their own
// palette whatever the terminal, auto follows the terminal, and
// high-contrast has a variant for each background.
func TestThemeChoice(t *testing.T) {
	fg := func(name string, dark bool) string { return themeFor(name, dark).hex.fg }
	if fg("dark", false) != fg("dark", true) || fg("light", true) != fg("light", false) {
		t.Fatal("an explicit dark or light theme followed the terminal's background")
	}
	if fg("auto", true) != fg("dark", true) || fg("auto", false) != fg("light", false) || fg("", true) != fg("dark", true) {
		t.Fatal("auto does not pick dark or light from the terminal's background")
	}
	if fg("high-contrast", true) != "#ffffff" || fg("high-contrast", false) != "#000000" {
		t.Fatal("high-contrast is not white on a dark terminal and black on a light one")
	}
}

// With NO_COLOR (the Ascii profile) no theme writes a colour or an
// attribute.
func TestThemesWithoutColour(t *testing.T) {
	for _, name := range Themes {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.Ascii)
		st := newStyles(r, name)
		for _, out := range []string{st.rowSel.Render("x"), st.errText.Render("x"), st.match.Render("x"), st.rowSelI.Render("x")} {
			if out != "x" {
				t.Errorf("theme %s without colour drew %q", name, out)
			}
		}
	}
}

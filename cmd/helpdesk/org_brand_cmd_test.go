package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"testing"
)

// smallPNG is a valid 4×4 PNG image.
func smallPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for x := range 4 {
		for y := range 4 {
			img.Set(x, y, color.RGBA{0, 0x55, 0xaa, 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestOrgBrandWithAPNGAndShow(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme Europe", "--domain", "acme.eu")
	logo := smallPNG(t)
	file := writeFile(t, "logo.png", string(logo))

	out := c.ok("org", "brand", "Acme Europe", "--title", "Acme Support", "--color", "#0055AA", "--logo", file)
	for _, s := range []string{"Sign-in branding of Acme Europe:", "slug:", "acme-europe", "title:", "Acme Support", "color:", "#0055aa",
		"logo:", "image/png, " + strconv.Itoa(len(logo)) + " bytes", "sign-in:", "http://localhost:8080/signin?branding=acme-europe"} {
		if !strings.Contains(out, s) {
			t.Errorf("org brand lacks %q:\n%s", s, out)
		}
	}
	out = c.ok("org", "show", "Acme Europe")
	if !strings.Contains(out, "branding:") || !strings.Contains(out, `acme-europe, title "Acme Support", color #0055aa, logo image/png`) ||
		!strings.Contains(out, "http://localhost:8080/signin?branding=acme-europe") {
		t.Errorf("org show lacks the branding:\n%s", out)
	}

	// The sign-in link follows the desk's portal URL; flags not given keep
	// their value; --no-logo removes the logo; --slug renames the page.
	c.ok("config", "set", "base-url", "https://desk.example.com")
	out = c.ok("org", "brand", "Acme Europe", "--slug", "acme", "--no-logo")
	if !strings.Contains(out, "https://desk.example.com/signin?branding=acme\n") || !strings.Contains(out, "Acme Support") || !strings.Contains(out, "logo:     none") {
		t.Errorf("org brand --slug --no-logo:\n%s", out)
	}
	// Without branding, org show says nothing of it.
	c.ok("org", "add", "--name", "Plain")
	if out := c.ok("org", "show", "Plain"); strings.Contains(out, "branding") || strings.Contains(out, "sign-in") {
		t.Errorf("org show of an unbranded organization:\n%s", out)
	}
}

func TestOrgBrandRefusals(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme")
	c.ok("org", "add", "--name", "Other")
	c.ok("org", "brand", "Other", "--slug", "taken")
	script := writeFile(t, "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	onload := writeFile(t, "onload.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)
	text := writeFile(t, "logo.txt", "just text")
	big := writeFile(t, "big.png", string(smallPNG(t))+strings.Repeat("x", 200*1024))
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"org", "brand", "Acme", "--logo", script}, 1, "helpdesk: cannot brand Acme: logo: the SVG holds <script"},
		{[]string{"org", "brand", "Acme", "--logo", onload}, 1, "event attribute"},
		{[]string{"org", "brand", "Acme", "--logo", text}, 1, "is neither a PNG nor an SVG image"},
		{[]string{"org", "brand", "Acme", "--logo", big}, 1, "a logo may have at most 200 KB"},
		{[]string{"org", "brand", "Acme", "--color", "blue"}, 1, `color: "blue" is not a colour such as #0055aa`},
		{[]string{"org", "brand", "Acme", "--slug", "Not A Slug"}, 1, "is not a slug"},
		{[]string{"org", "brand", "Acme", "--slug", "taken"}, 1, `"taken" is the branding of Other already`},
		{[]string{"org", "brand", "Ghost"}, 1, "Ghost"},
		{[]string{"org", "brand", "Acme", "--logo", script, "--no-logo"}, 2, "--logo and --no-logo"},
		{[]string{"org", "brand"}, 2, "missing NAME"},
	} {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.HasPrefix(errs, "helpdesk: ") || !strings.Contains(errs, tc.msg) {
			t.Errorf("helpdesk %q: exit %d, stderr %q; want exit %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
	if out := c.ok("org", "show", "Acme"); strings.Contains(out, "branding") {
		t.Errorf("a refused brand was saved:\n%s", out)
	}
}

package tui

import (
	"strings"
	"testing"
)

// TestSuggestBoxKeepsTheEmail: at every size the duplicate box shows the
// existing user's email whole and the reason in full words; where there
// is room the reason sits right after the name, not at the far right.
func TestSuggestBoxKeepsTheEmail(t *testing.T) {
	desk := newTestDesk(t, 200)
	for _, size := range frameSizes {
		w, h := size[0], size[1]
		d := newDriver(t, desk, w, h)
		d.keys("n", "kofi.ngyuen@acme.com")
		v := d.view()
		assertCells(t, "new user", v, w, h)
		if !strings.Contains(v, "› kofi.nguyen@acme.com") {
			t.Errorf("%dx%d: the match's email is cut:\n%s", w, h, v)
		}
		box := suggestLines(v)
		reason := strings.Join(strings.Fields(strings.Join(box, " ")), " ")
		if !strings.Contains(reason, "possible duplicate: ") || strings.Contains(reason, "…") && !strings.Contains(reason, " …") {
			t.Errorf("%dx%d: the reason is cut inside a word: %q\n%s", w, h, reason, v)
		}
		if w >= 120 && !strings.Contains(v, "kofi.nguyen@acme.com  Kofi Nguyen · Acme  possible duplicate: ") {
			t.Errorf("%dx%d: the reason is not next to the match:\n%s", w, h, v)
		}
	}
}

// suggestLines are the lines of the box under the email field: from the
// match to the next field (Name).
func suggestLines(v string) []string {
	var out []string
	in := false
	for l := range strings.SplitSeq(v, "\n") {
		switch {
		case strings.Contains(l, "› kofi.nguyen@"):
			in = true
		case strings.Contains(l, "Name "):
			in = false
		}
		if in {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

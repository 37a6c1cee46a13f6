package suggest_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"helpdesk/domain/suggest"
)

// fixture is a small desk whose answers can be spelled out by hand.
var fixture = map[string]uint64{
	"john.smith@acme.com":     1,
	"jane.doe@acme.com":       2,
	"john.smithers@acme.com":  3,
	"johnny.b@acme.com":       4,
	"j.smith@acme.com":        5,
	"mary.jones@example.org":  6,
	"smith.john@initech.io":   7,
	"peter_parker@bugle.com":  8,
	"john.smith@globex.net":   9,
	"jon.smyth@acme.com":      10,
	"anna.lee@acme.com":       11,
	"johan.smith@acme.com":    12,
	"bob@acme.com":            13,
	"bob.baker@acme.com":      14,
	"robert.brown@gmail.com":  15,
	"robertbrown@example.org": 16,
}

func fixtureDesk() desk {
	var d desk
	for e := range fixture {
		d.emails = append(d.emails, e)
	}
	slices.Sort(d.emails)
	for _, e := range d.emails {
		d.ids = append(d.ids, fixture[e])
	}
	return d
}

// buildReady builds an index and waits for its background build, as the
// console would have after a few hundred milliseconds.
func buildReady(t testing.TB, d desk) *suggest.Index {
	t.Helper()
	ix := suggest.Build(d.seq())
	ix.WaitNear()
	return ix
}

func emailsOf(ms []suggest.Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Email
	}
	return out
}

func find(ms []suggest.Match, email string) (suggest.Match, bool) {
	for _, m := range ms {
		if m.Email == email {
			return m, true
		}
	}
	return suggest.Match{}, false
}

// checkWellFormed asserts what any result must satisfy for the UI: at most
// limit rows, no email twice, ids matching the index, positions inside the
// email on character starts and increasing, reasons only on near and
// lookalike rows.
func checkWellFormed(t testing.TB, ix *suggest.Index, q string, limit int, r suggest.Result) {
	t.Helper()
	want := limit
	if want <= 0 {
		want = 8
	}
	if len(r.Matches) > want {
		t.Fatalf("Query(%q, %d): %d matches, limit %d", q, limit, len(r.Matches), want)
	}
	seen := map[string]bool{}
	for _, m := range r.Matches {
		if seen[m.Email] {
			t.Fatalf("Query(%q): %s listed twice: %v", q, m.Email, emailsOf(r.Matches))
		}
		seen[m.Email] = true
		if m.Kind > suggest.Lookalike {
			t.Fatalf("Query(%q): bad kind %d", q, m.Kind)
		}
		if (m.Reason != "") != (m.Kind == suggest.Near || m.Kind == suggest.Lookalike) {
			t.Fatalf("Query(%q): %s kind %v reason %q", q, m.Email, m.Kind, m.Reason)
		}
		last := -1
		for _, p := range m.Positions {
			if p <= last || p >= len(m.Email) || !utf8.RuneStart(m.Email[p]) {
				t.Fatalf("Query(%q): %s bad positions %v", q, m.Email, m.Positions)
			}
			last = p
		}
		if m.Kind == suggest.Exact && m.Email != strings.ToLower(strings.TrimSpace(q)) {
			t.Fatalf("Query(%q): exact match %s", q, m.Email)
		}
	}
	// Ids are checked only when no writer runs, so no lookup race exists.
	if ix != nil {
		for _, m := range r.Matches {
			if id, ok := ix.Lookup(m.Email); !ok || id != m.ID {
				t.Fatalf("Query(%q): %s has id %d, index says %d %v", q, m.Email, m.ID, id, ok)
			}
		}
	}
}

// buildGatedOpen builds with a small merge threshold and no gate, so merges
// happen during a test.
func buildGatedOpen(d desk, mergeAt int) *suggest.Index {
	return suggest.BuildGated(d.seq(), nil, mergeAt)
}

func normalizedForTest(q string) string { return strings.ToLower(strings.TrimSpace(q)) }

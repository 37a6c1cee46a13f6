package suggest_test

import (
	"testing"
	"unicode/utf8"
)

// FuzzQuery types arbitrary text: a query must never panic and its result
// must be well formed; an address just Put must be found exactly.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"", "j", "JOHN.SMITH@ACME.COM", "johnsmith@acme.com", "john.smith+x@acme.com",
		"jonh.smith@acme.com", "john.smith@acme.org", "jsmith", "@", "@.", "a@b.c", "+@x.y", "..@..", " a b ",
		"\x00", "é@ü.de", "ß", "john\xffsmith@acme.com", "j.s.m.i.t.h@acme.com"} {
		f.Add(s, 8)
	}
	ix := buildReady(f, fixtureDesk())
	f.Fuzz(func(t *testing.T, q string, limit int) {
		limit %= 64
		checkWellFormed(t, ix, q, limit, ix.Query(q, limit))
		if !utf8.ValidString(q) || len(q) == 0 || len(q) > 300 {
			return
		}
		oldID, existed := ix.Lookup(q)
		ix.Put(q, 1<<40)
		defer func() {
			// Leave the desk as it was for the next input.
			if existed {
				ix.Put(q, oldID)
			} else {
				ix.Delete(q)
			}
		}()
		r := ix.Query(q, limit)
		checkWellFormed(t, ix, q, limit, r)
		// Query trims and lower-cases; Put stores as given.
		if q == normalizedForTest(q) && (len(r.Matches) == 0 || r.Matches[0].Email != q || r.Matches[0].ID != 1<<40) {
			t.Fatalf("Put(%q) then Query: %+v", q, r.Matches)
		}
	})
}

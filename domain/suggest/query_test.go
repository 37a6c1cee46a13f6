package suggest_test

import (
	"slices"
	"testing"

	"helpdesk/domain/suggest"
)

func TestQuery(t *testing.T) {
	ix := buildReady(t, fixtureDesk())
	type row struct {
		email  string
		kind   suggest.Kind
		reason string // checked when not empty
	}
	tests := []struct {
		name  string
		query string
		limit int
		first *row     // the first suggestion
		has   []row    // suggestions that must appear, with their kind
		not   []string // suggestions that must not appear
		order []string // the suggestions, exactly and in this order
	}{
		{
			name:  "typed in capitals, the existing user blocks the save",
			query: "JOHN.SMITH@ACME.COM",
			first: &row{"john.smith@acme.com", suggest.Exact, ""},
		},
		{
			name:  "surrounding spaces are ignored",
			query: "  john.smith@acme.com \t",
			first: &row{"john.smith@acme.com", suggest.Exact, ""},
		},
		{
			name:  "without the dot it is the same mailbox",
			query: "johnsmith@acme.com",
			first: &row{"john.smith@acme.com", suggest.Near, "same address without dots or +tag"},
		},
		{
			name:  "with a +tag it is the same mailbox",
			query: "john.smith+x@acme.com",
			first: &row{"john.smith@acme.com", suggest.Near, "same address without dots or +tag"},
		},
		{
			name:  "two letters swapped",
			query: "jonh.smith@acme.com",
			has:   []row{{"john.smith@acme.com", suggest.Near, "2 letters swapped"}},
		},
		{
			name:  "one letter wrong",
			query: "john.smitj@acme.com",
			has:   []row{{"john.smith@acme.com", suggest.Near, "one typo away"}},
		},
		{
			name:  "two typos",
			query: "jon.smith@acme.com",
			has: []row{
				{"john.smith@acme.com", suggest.Near, "one typo away"},
				{"jon.smyth@acme.com", suggest.Near, "one typo away"},
				{"johan.smith@acme.com", suggest.Near, "two typos away"},
			},
		},
		{
			name:  "same name at another domain",
			query: "john.smith@acme.org",
			has: []row{
				{"john.smith@acme.com", suggest.Near, "same name at another domain"},
				{"john.smith@globex.net", suggest.Near, "same name at another domain"},
			},
			not: []string{"jane.doe@acme.com"},
		},
		{
			name:  "near matches best first: same mailbox, then fewer edits, then other domain",
			query: "johnsmith@acme.com",
			order: []string{
				"john.smith@acme.com",    // same mailbox
				"johan.smith@acme.com",   // one edit from "johnsmith"
				"john.smith@globex.net",  // same name elsewhere
				"john.smithers@acme.com", // fuzzy: every typed character in order
			},
		},
		{
			name:  "a different domain's unrelated user is not a near match",
			query: "anna.lee@globex.net",
			has:   []row{{"anna.lee@acme.com", suggest.Near, "same name at another domain"}},
			not:   []string{"john.smith@globex.net"},
		},
		{
			name:  "prefix results in sorted order",
			query: "john",
			order: []string{"john.smith@acme.com", "john.smith@globex.net", "john.smithers@acme.com", "johnny.b@acme.com",
				// then fuzzy: the whole word "john" scores above j-o-h-a-n
				"smith.john@initech.io", "johan.smith@acme.com"},
		},
		{
			name:  "limit is respected, prefix order kept",
			query: "j",
			limit: 3,
			order: []string{"j.smith@acme.com", "jane.doe@acme.com", "johan.smith@acme.com"},
		},
		{
			name:  "exact first, then near: one edit, two edits, other domain; then fuzzy",
			query: "john.smith@acme.com",
			order: []string{
				"john.smith@acme.com",    // exact
				"johan.smith@acme.com",   // one typo
				"jon.smyth@acme.com",     // two typos
				"john.smith@globex.net",  // other domain
				"john.smithers@acme.com", // fuzzy
			},
		},
		{
			name:  "initials and surname find the person fuzzily",
			query: "jsmith",
			has:   []row{{"john.smith@acme.com", suggest.Fuzzy, ""}, {"j.smith@acme.com", suggest.Fuzzy, ""}},
			not:   []string{"mary.jones@example.org"},
		},
		{
			name:  "words with a space find dotted addresses",
			query: "robert brown",
			has:   []row{{"robert.brown@gmail.com", suggest.Fuzzy, ""}, {"robertbrown@example.org", suggest.Fuzzy, ""}},
		},
		{
			name:  "nothing resembles it",
			query: "zzzz@qqqq.xyz",
			order: []string{},
		},
		{
			name:  "empty query suggests nothing",
			query: "   ",
			order: []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ix.Query(tc.query, tc.limit)
			checkWellFormed(t, ix, tc.query, tc.limit, r)
			got := emailsOf(r.Matches)
			if r.NearPending {
				t.Errorf("NearPending after WaitNear")
			}
			if tc.first != nil {
				if len(r.Matches) == 0 {
					t.Fatalf("no suggestion, want %s first", tc.first.email)
				}
				m := r.Matches[0]
				if m.Email != tc.first.email || m.Kind != tc.first.kind || (tc.first.reason != "" && m.Reason != tc.first.reason) {
					t.Errorf("first = %s %v %q, want %s %v %q", m.Email, m.Kind, m.Reason, tc.first.email, tc.first.kind, tc.first.reason)
				}
			}
			for _, w := range tc.has {
				m, ok := find(r.Matches, w.email)
				if !ok {
					t.Errorf("missing %s; got %v", w.email, got)
					continue
				}
				if m.Kind != w.kind || (w.reason != "" && m.Reason != w.reason) {
					t.Errorf("%s: %v %q, want %v %q", w.email, m.Kind, m.Reason, w.kind, w.reason)
				}
			}
			for _, e := range tc.not {
				if _, ok := find(r.Matches, e); ok {
					t.Errorf("unexpected %s in %v", e, got)
				}
			}
			if tc.order != nil && !slices.Equal(got, tc.order) {
				t.Errorf("got  %q\nwant %q", got, tc.order)
			}
		})
	}
}

func TestHighlightPositions(t *testing.T) {
	ix := buildReady(t, fixtureDesk())
	tests := []struct {
		query, email string
		kind         suggest.Kind
		positions    []int
	}{
		// Every character of the address.
		{"John.Smith@acme.com", "john.smith@acme.com", suggest.Exact, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}},
		// The typed prefix.
		{"mary.j", "mary.jones@example.org", suggest.Prefix, []int{0, 1, 2, 3, 4, 5}},
		// j at the start, then "smith" after the dot.
		{"jsmith", "john.smith@acme.com", suggest.Fuzzy, []int{0, 5, 6, 7, 8, 9}},
		// The characters typed right: all but the dot the agent left out.
		{"johnsmith@acme.com", "john.smith@acme.com", suggest.Near, []int{0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			m, ok := find(ix.Query(tc.query, 20).Matches, tc.email)
			if !ok {
				t.Fatalf("%s not suggested", tc.email)
			}
			if m.Kind != tc.kind || !slices.Equal(m.Positions, tc.positions) {
				t.Errorf("%v %v, want %v %v", m.Kind, m.Positions, tc.kind, tc.positions)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[suggest.Kind]string{suggest.Exact: "exact", suggest.Prefix: "prefix", suggest.Near: "near", suggest.Fuzzy: "fuzzy"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), want)
		}
	}
}

// TestManyQueriesWellFormed runs every prefix and a few variants of many
// generated addresses: whatever is typed, the list stays well formed.
func TestManyQueriesWellFormed(t *testing.T) {
	d := genDesk(20000, 7)
	ix := buildReady(t, d)
	if ix.Len() != len(d.emails) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(d.emails))
	}
	for i := 0; i < len(d.emails); i += 997 {
		e := d.emails[i]
		for k := 1; k <= len(e); k++ {
			for _, limit := range []int{0, 1, 5} {
				checkWellFormed(t, ix, e[:k], limit, ix.Query(e[:k], limit))
			}
		}
		r := ix.Query(e, 3)
		if len(r.Matches) == 0 || r.Matches[0].Email != e || r.Matches[0].Kind != suggest.Exact || r.Matches[0].ID != d.ids[i] {
			t.Fatalf("Query(%q) = %v, want it exact first", e, r.Matches)
		}
	}
}

func TestBuildUnsortedAndRepeated(t *testing.T) {
	d := desk{
		emails: []string{"b@x.com", "a@x.com", "c@x.com", "a@x.com"},
		ids:    []uint64{2, 1, 3, 4},
	}
	ix := buildReady(t, d)
	if ix.Len() != 3 {
		t.Fatalf("Len = %d, want 3", ix.Len())
	}
	if id, _ := ix.Lookup("a@x.com"); id != 4 {
		t.Errorf("a@x.com id %d, want the last one given, 4", id)
	}
	if got := emailsOf(ix.Query("a", 0).Matches); !slices.Equal(got[:1], []string{"a@x.com"}) {
		t.Errorf("prefix a: %v", got)
	}
	if got := emailsOf(ix.Query("", 0).Matches); len(got) != 0 {
		t.Errorf("empty query: %v", got)
	}
}

func TestEmptyIndex(t *testing.T) {
	ix := suggest.Build(nil)
	ix.WaitNear()
	for _, q := range []string{"a", "john.smith@acme.com", "jsmith"} {
		if r := ix.Query(q, 0); len(r.Matches) != 0 || r.NearPending {
			t.Errorf("Query(%q) on empty index = %+v", q, r)
		}
	}
	ix.Put("a@b.co", 1)
	if r := ix.Query("a@b.co", 0); len(r.Matches) != 1 || r.Matches[0].Kind != suggest.Exact {
		t.Errorf("after Put: %+v", r)
	}
}

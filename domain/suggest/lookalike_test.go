package suggest_test

import (
	"math/rand/v2"
	"testing"

	"github.com/mtibben/confusables"

	"helpdesk/domain/suggest"
)

func TestLookalikeCyrillicBesideLatin(t *testing.T) {
	d := fixtureDesk()
	ix := buildReady(t, d)
	ix.Put("admin@acme.com", 50)
	for _, ready := range []bool{true, false} {
		if !ready {
			// The same answers from the delta alone: the address was added
			// after the build.
			ix = buildReady(t, desk{})
			ix.Put("admin@acme.com", 50)
		}
		q := "\u0430dmin@acme.com" // Cyrillic а
		r := ix.Query(q, 0)
		checkWellFormed(t, ix, q, 0, r)
		if len(r.Matches) == 0 {
			t.Fatalf("Query(%q): no match", q)
		}
		m := r.Matches[0]
		if m.Email != "admin@acme.com" || m.Kind != suggest.Lookalike || m.ID != 50 || m.Reason != "Cyrillic letters" {
			t.Errorf("Query(%q)[0] = %+v, want admin@acme.com lookalike id 50 (Cyrillic letters)", q, m)
		}
		near := ix.NearDuplicates(q, 0)
		if len(near.Matches) != 1 || near.Matches[0].Kind != suggest.Lookalike || near.Matches[0].ID != 50 {
			t.Errorf("NearDuplicates(%q) = %+v", q, near.Matches)
		}
	}
}

func TestLookalikeTheOtherWayAndOtherDomains(t *testing.T) {
	ix := buildReady(t, desk{emails: []string{"\u0430dmin@acme.com", "admin@globex.net", "bob@acme.com"}, ids: []uint64{1, 2, 3}})
	r := ix.NearDuplicates("admin@acme.com", 0)
	got := map[string]suggest.Match{}
	for _, m := range r.Matches {
		got[m.Email] = m
	}
	if m := got["\u0430dmin@acme.com"]; m.Kind != suggest.Lookalike || m.Reason != "Cyrillic letters" {
		t.Errorf("Cyrillic twin at the same domain: %+v", r.Matches)
	}
	if m := got["admin@globex.net"]; m.Kind != suggest.Near {
		t.Errorf("same name at another domain stays near: %+v", r.Matches)
	}
	if r.Matches[0].Email != "\u0430dmin@acme.com" {
		t.Errorf("the same-domain lookalike comes first: %v", emailsOf(r.Matches))
	}
	if _, ok := got["bob@acme.com"]; ok {
		t.Errorf("bob@acme.com is no near duplicate of admin@acme.com: %v", emailsOf(r.Matches))
	}
	// rn reads as m: a look-alike without another script.
	r = ix.NearDuplicates("adrnin@acme.com", 0)
	if m, ok := find(r.Matches, "admin@acme.com"); ok {
		t.Errorf("admin@acme.com is not in the index: %+v", m)
	}
	if m, ok := find(r.Matches, "\u0430dmin@acme.com"); !ok || m.Kind != suggest.Lookalike || m.Reason != "Cyrillic letters" {
		t.Errorf("adrnin@acme.com: %+v", r.Matches)
	}
}

func TestNearDuplicatesLeavesOutExactPrefixFuzzy(t *testing.T) {
	ix := buildReady(t, fixtureDesk())
	r := ix.NearDuplicates("john.smith@acme.com", 20)
	for _, m := range r.Matches {
		if m.Kind != suggest.Near && m.Kind != suggest.Lookalike {
			t.Errorf("NearDuplicates: %s is %v", m.Email, m.Kind)
		}
		if m.Email == "john.smith@acme.com" {
			t.Errorf("the address itself is listed")
		}
	}
	if _, ok := find(r.Matches, "john.smith@globex.net"); !ok {
		t.Errorf("same name at another domain missing: %v", emailsOf(r.Matches))
	}
	if r := ix.NearDuplicates("zzz.qqq@nowhere.example", 0); len(r.Matches) != 0 {
		t.Errorf("unrelated address: %v", emailsOf(r.Matches))
	}
}

func TestLookalikeAfterDeleteAndMerge(t *testing.T) {
	ix := buildGatedOpen(fixtureDesk(), 4)
	ix.WaitNear()
	ix.Put("admin@acme.com", 50)
	for i := range 8 { // enough changes to fold the delta into a new base
		ix.Put(string(rune('a'+i))+"x@acme.com", uint64(100+i))
	}
	ix.WaitNear()
	if m, ok := find(ix.Query("\u0430dmin@acme.com", 0).Matches, "admin@acme.com"); !ok || m.Kind != suggest.Lookalike {
		t.Fatalf("after merge: %+v %v", m, ok)
	}
	ix.Delete("admin@acme.com")
	if m, ok := find(ix.Query("\u0430dmin@acme.com", 0).Matches, "admin@acme.com"); ok {
		t.Errorf("deleted address still suggested: %+v", m)
	}
}

func TestMixedScripts(t *testing.T) {
	for _, tc := range []struct{ local, want string }{
		{"admin", ""},
		{"j.smith+42", ""},
		{"\u0430dmin", "Cyrillic and Latin"},
		{"\u0430\u0434\u043c\u0438\u043d", ""}, // all Cyrillic
		{"élodie", ""},
		{"e\u0301lodie", ""}, // a combining mark has no script of its own
		{"\u03b1lpha", "Greek and Latin"},
		{"山田たろう", ""},    // Japanese: Han and Hiragana
		{"tanaka山田", ""}, // Latin and Han
		{"김minsu", ""},   // Korean and Latin
		{"p\u0430y\u03c1al", "Cyrillic, Greek and Latin"},
	} {
		if got := suggest.MixedScripts(tc.local); got != tc.want {
			t.Errorf("MixedScripts(%q) = %q, want %q", tc.local, got, tc.want)
		}
	}
}

// The allocation-free skeleton of ASCII local parts agrees with the
// library's.
func TestSkeletonASCIIMatchesLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, 1+r.IntN(20))
		for i := range b {
			b[i] = byte(0x21 + r.IntN(0x7f-0x21))
		}
		s := string(b)
		if got, want := suggest.Skeleton(s), confusables.Skeleton(s); got != want {
			t.Fatalf("Skeleton(%q) = %q, library says %q", s, got, want)
		}
	}
	if suggest.Skeleton("\u0430dmin") != suggest.Skeleton("admin") {
		t.Error("Cyrillic а and Latin a differ in skeleton")
	}
}

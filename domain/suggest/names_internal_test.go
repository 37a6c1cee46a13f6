package suggest

import (
	"fmt"
	"slices"
	"testing"
)

func TestUserWordsFold(t *testing.T) {
	got := UserWords(nil, "José  Núñez-O'Brien", "J.Nunez+desk@Example.COM")
	want := []string{"brien", "com", "desk", "example", "j", "jose", "nunez", "o"}
	if !slices.Equal(got, want) {
		t.Errorf("UserWords = %q, want %q", got, want)
	}
	// Compatibility forms and other scripts.
	if got := UserWords(nil, "ﬁona 山田太郎", ""); !slices.Equal(got, []string{"fiona", "山田太郎"}) {
		t.Errorf("UserWords = %q", got)
	}
}

func TestNameIndexQuery(t *testing.T) {
	nb := NewNameBuilder()
	nb.Add(1, "Kofi Nguyen", "kn@acme.com")
	nb.Add(2, "Kofi Mensah", "km@globex.com")
	nb.Add(3, "Kim Nguyen", "kim@acme.com")
	nb.Add(4, "", "kofinguyen@acme.com")
	ix := nb.Finish()
	for _, c := range []struct {
		q    string
		want []uint64
	}{
		{"kofi", []uint64{1, 2, 4}},    // the exact word first, then "kofinguyen"
		{"nguyen k", []uint64{1, 3}},   // every word a start of a word
		{"k nguyen k", []uint64{1, 3}}, // repeats count once
		{"acme", []uint64{1, 3, 4}},    // the domain's words
		{"ACME.COM kim", []uint64{3}},  //
		{"nguyen kofi x", nil},         // one word matches nothing
		{"  ", nil},                    //
		{"kofi nguyen", []uint64{1}},   //
		{"kofin", []uint64{4}},         //
		{"gl", []uint64{2}},            //
		{"mensah.kofi@", []uint64{2}},  //
		{"nguyen", []uint64{1, 3}},     //
		{"n", []uint64{1, 3}},          //
		{"nguyenx", nil},               //
		{"kim nguyen kofi", nil},       //
		{"k", []uint64{3, 2, 1, 4}},    // in word order (kim, km, kn, kofi...), each user once
	} {
		if got := ix.Query(c.q, 10); !slices.Equal(got, c.want) {
			t.Errorf("Query(%q) = %v, want %v", c.q, got, c.want)
		}
	}
	if got := ix.Query("k", 2); len(got) != 2 {
		t.Errorf("limit 2: %v", got)
	}
}

func TestNameIndexChangesAndMerge(t *testing.T) {
	nb := NewNameBuilder()
	for i := range 100 {
		nb.Add(uint64(i+1), fmt.Sprintf("User%03d Smith", i+1), fmt.Sprintf("u%d@acme.com", i+1))
	}
	ix := nb.Finish()
	ix.mergeAt = 10
	ix.merged = make(chan struct{}, 1)

	ix.Put(5, "Ada Lovelace", "ada@acme.com") // replaces a base user
	ix.Delete(6)
	ix.Put(200, "Grace Hopper", "grace@navy.mil") // a new user
	check := func(when string) {
		t.Helper()
		for _, c := range []struct {
			q    string
			want []uint64
		}{
			{"user005 smith", nil},
			{"user006", nil},
			{"lovelace", []uint64{5}},
			{"hopper grace", []uint64{200}},
			{"navy", []uint64{200}},
			{"user007 smith", []uint64{7}},
		} {
			if got := ix.Query(c.q, 10); !slices.Equal(got, c.want) {
				t.Errorf("%s: Query(%q) = %v, want %v", when, c.q, got, c.want)
			}
		}
		if n := ix.Len(); n != 100 {
			t.Errorf("%s: Len = %d, want 100", when, n)
		}
	}
	check("in the delta")
	// Seven more changes reach mergeAt: the delta is folded into a new base.
	for i := range 7 {
		ix.Put(uint64(300+i), "Extra Person", fmt.Sprintf("x%d@acme.com", i))
	}
	<-ix.merged
	ix.mu.RLock()
	left := len(ix.delta)
	ix.mu.RUnlock()
	if left != 0 {
		t.Errorf("after the merge %d changes are left in the delta", left)
	}
	if got := ix.Query("extra", 10); len(got) != 7 {
		t.Errorf("after the merge: extra = %v", got)
	}
	// Len counts the seven extra users now.
	ix.Delete(300)
	for i := 1; i < 7; i++ {
		ix.Delete(uint64(300 + i))
	}
	check("after the merge")
}

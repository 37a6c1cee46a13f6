package suggest_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"helpdesk/domain/suggest"
)

func TestPutVisibleAtOnce(t *testing.T) {
	ix := buildReady(t, fixtureDesk())
	ix.Put("zoe.quinn@acme.com", 100)

	tests := []struct {
		query string
		kind  suggest.Kind
	}{
		{"zoe.quinn@acme.com", suggest.Exact},
		{"zoe", suggest.Prefix},
		{"zoequinn@acme.com", suggest.Near},
		{"zoe.quinn@globex.net", suggest.Near},
		{"zquinn", suggest.Fuzzy},
	}
	for _, tc := range tests {
		m, ok := find(ix.Query(tc.query, 0).Matches, "zoe.quinn@acme.com")
		if !ok || m.Kind != tc.kind || m.ID != 100 {
			t.Errorf("Query(%q): zoe.quinn@acme.com %v %v id %d, want %v id 100", tc.query, ok, m.Kind, m.ID, tc.kind)
		}
	}
	if id, ok := ix.Lookup("zoe.quinn@acme.com"); !ok || id != 100 {
		t.Errorf("Lookup = %d %v", id, ok)
	}
	if ix.Len() != len(fixture)+1 {
		t.Errorf("Len = %d, want %d", ix.Len(), len(fixture)+1)
	}
}

func TestChangedEmailFoundByNewNotOld(t *testing.T) {
	ix := buildReady(t, fixtureDesk())
	// john.smith@acme.com (id 1) changes address, as a commit does it.
	ix.Delete("john.smith@acme.com")
	ix.Put("john.smith@newco.io", 1)

	r := ix.Query("john.smith@newco.io", 0)
	if len(r.Matches) == 0 || r.Matches[0].Email != "john.smith@newco.io" || r.Matches[0].Kind != suggest.Exact || r.Matches[0].ID != 1 {
		t.Errorf("new address: %v", r.Matches)
	}
	for _, q := range []string{"john.smith@acme.com", "john.smith@", "johnsmith@acme.com", "jsmith"} {
		if m, ok := find(ix.Query(q, 20).Matches, "john.smith@acme.com"); ok {
			t.Errorf("Query(%q) still suggests the old address: %+v", q, m)
		}
	}
	if _, ok := ix.Lookup("john.smith@acme.com"); ok {
		t.Error("old address still looked up")
	}
	// The old address is free again, so typing it shows the new one as a
	// near match (same name at another domain), not an exact one.
	m, ok := find(ix.Query("john.smith@acme.com", 0).Matches, "john.smith@newco.io")
	if !ok || m.Kind != suggest.Near {
		t.Errorf("old address typed: new one %+v %v, want near", m, ok)
	}
}

func TestPutReplacesIDAndDeleteIsIdempotent(t *testing.T) {
	ix := buildReady(t, fixtureDesk())
	ix.Put("bob@acme.com", 99) // the address was reassigned to another user
	if id, _ := ix.Lookup("bob@acme.com"); id != 99 {
		t.Errorf("id %d, want 99", id)
	}
	if got := ix.Query("bob@acme.com", 1).Matches; len(got) != 1 || got[0].ID != 99 {
		t.Errorf("query: %+v", got)
	}
	n := ix.Len()
	ix.Delete("bob@acme.com")
	ix.Delete("bob@acme.com")
	ix.Delete("nobody@acme.com")
	if ix.Len() != n-1 {
		t.Errorf("Len %d, want %d", ix.Len(), n-1)
	}
}

// TestRandomChangesMatchModel applies random creations, changes and
// deletions, with merges forced every few changes, and checks the index
// against a plain map after each batch.
func TestRandomChangesMatchModel(t *testing.T) {
	d := genDesk(3000, 3)
	model := map[string]uint64{}
	for i, e := range d.emails {
		model[e] = d.ids[i]
	}
	ix := suggest.BuildGated(d.seq(), nil, 64)
	r := rand.New(rand.NewPCG(1, 2))
	live := slices.Clone(d.emails)
	nextID := uint64(1 << 20)
	for batch := range 40 {
		for range 50 {
			switch r.IntN(3) {
			case 0: // new user
				e := fmt.Sprintf("new%d.user@%s", nextID, []string{"gmail.com", "acme.com"}[r.IntN(2)])
				ix.Put(e, nextID)
				model[e] = nextID
				live = append(live, e)
				nextID++
			case 1: // address change
				i := r.IntN(len(live))
				old, id := live[i], model[live[i]]
				if _, ok := model[old]; !ok {
					continue
				}
				e := fmt.Sprintf("moved%d.%s", batch, old)
				ix.Delete(old)
				ix.Put(e, id)
				delete(model, old)
				model[e] = id
				live[i] = e
			case 2: // deletion
				i := r.IntN(len(live))
				ix.Delete(live[i])
				delete(model, live[i])
			}
		}
		if batch%10 == 9 {
			ix.WaitNear()
		}
		if ix.Len() != len(model) {
			t.Fatalf("batch %d: Len %d, model %d", batch, ix.Len(), len(model))
		}
		for k := 0; k < len(live); k += 37 {
			e := live[k]
			id, ok := ix.Lookup(e)
			wid, wok := model[e]
			if ok != wok || id != wid {
				t.Fatalf("batch %d: Lookup(%s) = %d %v, model %d %v", batch, e, id, ok, wid, wok)
			}
			res := ix.Query(e, 0)
			checkWellFormed(t, ix, e, 0, res)
			exact := len(res.Matches) > 0 && res.Matches[0].Kind == suggest.Exact
			if exact != wok {
				t.Fatalf("batch %d: Query(%s) exact %v, exists %v", batch, e, exact, wok)
			}
		}
	}
	ix.WaitNear()
	// After the last merge every prefix listing equals the model's.
	for _, p := range []string{"new", "moved3", "a", "j"} {
		var want []string
		for e := range model {
			if len(e) >= len(p) && e[:len(p)] == p {
				want = append(want, e)
			}
		}
		slices.Sort(want)
		want = want[:min(len(want), 50)]
		var got []string
		for _, m := range ix.Query(p, 50).Matches {
			if m.Kind == suggest.Prefix {
				got = append(got, m.Email)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("prefix %q:\n got %v\nwant %v", p, got, want)
		}
	}
}

func TestNearPendingUntilBackgroundBuildEnds(t *testing.T) {
	gate := make(chan struct{})
	ix := suggest.BuildGated(fixtureDesk().seq(), gate, 4096)

	// Exact and prefix work at once; near waits, and the UI is told so.
	r := ix.Query("johnsmith@acme.com", 0)
	if !r.NearPending {
		t.Error("NearPending false while the background build is held")
	}
	if _, ok := find(r.Matches, "john.smith@acme.com"); ok {
		t.Error("near match before the near structures exist")
	}
	r = ix.Query("JOHN.SMITH@acme.com", 0)
	if len(r.Matches) == 0 || r.Matches[0].Kind != suggest.Exact || !r.NearPending {
		t.Errorf("exact while pending: %+v", r)
	}
	if got := emailsOf(ix.Query("mary", 0).Matches); !slices.Equal(got, []string{"mary.jones@example.org"}) {
		t.Errorf("prefix while pending: %v", got)
	}
	// Changes are visible while pending too, near matches included.
	ix.Put("zoe.quinn@acme.com", 100)
	if _, ok := find(ix.Query("zoequinn@acme.com", 0).Matches, "zoe.quinn@acme.com"); !ok {
		t.Error("added address not near-matched while pending")
	}

	close(gate)
	ix.WaitNear()
	r = ix.Query("johnsmith@acme.com", 0)
	if r.NearPending {
		t.Error("NearPending after WaitNear")
	}
	if m, ok := find(r.Matches, "john.smith@acme.com"); !ok || m.Kind != suggest.Near {
		t.Errorf("near match after WaitNear: %+v %v", m, ok)
	}
}

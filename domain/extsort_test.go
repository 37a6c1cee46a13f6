package domain

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// The sorter must give the same order whether everything fits in memory or
// it spills many runs to its temporary file.
func TestEntrySorterSpillsAndMerges(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var in []importEntry
	for i := range 2500 {
		in = append(in, importEntry{IndexEntry: IndexEntry{Key: fmt.Sprintf("u%d@x.com", r.IntN(800)), ID: ID(i + 1)}, Line: i + 2})
	}
	want := slices.Clone(in)
	slices.SortFunc(want, compareEntries)
	for _, runSize := range []int{7, 100, 10_000} {
		s := newEntrySorter(runSize)
		for _, e := range in {
			if err := s.add(e); err != nil {
				t.Fatal(err)
			}
		}
		var got []importEntry
		if err := s.each(func(e importEntry) error { got = append(got, e); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("runSize %d: merged order differs from a plain sort", runSize)
		}
		if spilled := runSize < len(in); spilled != (len(s.runs) > 0) {
			t.Errorf("runSize %d: %d runs spilled", runSize, len(s.runs))
		}
	}
}

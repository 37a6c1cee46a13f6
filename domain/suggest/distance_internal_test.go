package suggest

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestOSABitParallelMatchesDP checks the fast edit distance against the
// plain DP on random near-miss strings, where the two could disagree.
func TestOSABitParallelMatchesDP(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	alpha := []byte("abcdefgh.")
	rnd := func(n int) []byte {
		s := make([]byte, n)
		for i := range s {
			s[i] = alpha[r.IntN(len(alpha))]
		}
		return s
	}
	mutate := func(s []byte) []byte {
		s = append([]byte(nil), s...)
		for range r.IntN(4) {
			switch i := r.IntN(len(s) + 1); r.IntN(4) {
			case 0:
				s = append(s[:i], append([]byte{alpha[r.IntN(len(alpha))]}, s[i:]...)...)
			case 1:
				if i < len(s) {
					s = append(s[:i], s[i+1:]...)
				}
			case 2:
				if i < len(s) {
					s[i] = alpha[r.IntN(len(alpha))]
				}
			case 3:
				if i+1 < len(s) {
					s[i], s[i+1] = s[i+1], s[i]
				}
			}
		}
		return s
	}
	for range 30000 {
		a := rnd(1 + r.IntN(12))
		b := mutate(a)
		if r.IntN(10) == 0 {
			b = rnd(r.IntN(12))
		}
		for k := 0; k <= 3; k++ {
			want := osa(a, b, k)
			if got := osaBits(newOSAPattern(a), b, k); got != want {
				t.Fatalf("osa(%q, %q, %d): bit-parallel %d, DP %d", a, b, k, got, want)
			}
			// The filters may let anything through, but never drop a
			// pair that is within k edits.
			if want <= k {
				if !sigMayBeWithin(charSet(a), charSet(b), k) {
					t.Fatalf("charSet filter drops %q, %q at %d edits", a, b, want)
				}
				abg := bigramSet(a)
				if !bigramsMayBeWithin(abg, bits.OnesCount64(abg), bigramSet(b), k) {
					t.Fatalf("bigram filter drops %q, %q at %d edits", a, b, want)
				}
			}
		}
	}
	// Known values: a swap is one edit, a swap plus a change two.
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"john", "jonh", 1}, {"john.smith", "jonh.smith", 1}, {"ca", "abc", 3}, {"johnsmith", "johansmith", 1}, {"abc", "abc", 0}} {
		if got := osa([]byte(tc.a), []byte(tc.b), 5); got != tc.d {
			t.Errorf("osa(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}

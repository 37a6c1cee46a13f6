package suggest

import "iter"

// BuildGated is Build whose background builds wait until gate is closed
// and whose delta is merged at mergeAt changes, so tests can observe the
// pending state and force merges without sleeping or big inputs.
func BuildGated(seq iter.Seq2[[]byte, uint64], gate <-chan struct{}, mergeAt int) *Index {
	return build(seq, gate, mergeAt)
}

package suggest

// radixSort sorts keys ascending and permutes vals alongside. An LSD radix
// sort over bytes is linear, which matters for the millions of entries of
// the background build: a comparison sort of the same would take several
// times longer and burn the core the console's queries share. Byte positions
// where every key agrees are skipped.
func radixSort[V any](keys []uint64, vals []V) {
	n := len(keys)
	if n < 2 {
		return
	}
	origKeys, origVals := keys, vals
	tk, tv := make([]uint64, n), make([]V, n)
	for shift := uint(0); shift < 64; shift += 8 {
		var count [256]int
		for _, k := range keys {
			count[byte(k>>shift)]++
		}
		if count[byte(keys[0]>>shift)] == n {
			continue
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for i, k := range keys {
			d := byte(k >> shift)
			p := count[d]
			count[d]++
			tk[p] = k
			tv[p] = vals[i]
		}
		keys, tk = tk, keys
		vals, tv = tv, vals
	}
	if &keys[0] != &origKeys[0] {
		copy(origKeys, keys)
		copy(origVals, vals)
	}
}

package suggest

import "unicode/utf8"

// runeStarts returns the offsets of the characters of s that lie before
// byte n: the highlight of an exact or prefix match.
func runeStarts(s string, n int) []int {
	pos := make([]int, 0, min(n, len(s)))
	for i := range s {
		if i >= n {
			break
		}
		pos = append(pos, i)
	}
	return pos
}

// lcsLimit bounds the highlight computation for near matches.
const lcsLimit = 128

// lcsPositions returns the offsets in e of a longest common subsequence of
// q and e: for a near match, the characters the agent did type right. Only
// character starts are kept, so a multi-byte character is highlighted as a
// whole or not at all.
func lcsPositions(q, e string) []int {
	if len(q) > lcsLimit || len(e) > lcsLimit {
		return nil
	}
	n, m := len(q), len(e)
	// t[i][j] = LCS length of q[i:], e[j:]; filled from the end so the
	// walk below can go forward and prefer the earliest positions.
	t := make([]uint8, (n+1)*(m+1))
	at := func(i, j int) int { return int(t[i*(m+1)+j]) }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			v := max(at(i+1, j), at(i, j+1))
			if q[i] == e[j] {
				v = max(v, at(i+1, j+1)+1)
			}
			t[i*(m+1)+j] = uint8(v)
		}
	}
	pos := make([]int, 0, at(0, 0))
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case q[i] == e[j] && at(i, j) == at(i+1, j+1)+1:
			if utf8.RuneStart(e[j]) {
				pos = append(pos, j)
			}
			i++
			j++
		case at(i+1, j) >= at(i, j+1):
			i++
		default:
			j++
		}
	}
	return pos
}

// highlight returns the scorer's positions when they are usable: strictly
// increasing offsets inside the email. sahilm/fuzzy can repeat an offset on
// runs of one character ("000" in "0000"); then the leftmost subsequence is
// highlighted instead, which is always well formed.
func highlight(pos []int, p []byte, email string) []int {
	ok := true
	for i, x := range pos {
		if x < 0 || x >= len(email) || (i > 0 && x <= pos[i-1]) {
			ok = false
			break
		}
	}
	if ok {
		return pos
	}
	out := make([]int, 0, len(p))
	j := 0
	for i := 0; i < len(email) && j < len(p); i++ {
		if email[i] == p[j] {
			if utf8.RuneStart(email[i]) {
				out = append(out, i)
			}
			j++
		}
	}
	return out
}

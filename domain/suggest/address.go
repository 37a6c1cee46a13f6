package suggest

import "bytes"

// text is what the helpers below accept: base emails are views into the
// arena ([]byte), delta emails are strings, and neither should be converted
// (and allocated) per keystroke.
type text interface{ ~string | ~[]byte }

// splitEmail splits at the last '@' (a quoted local part may contain '@',
// a domain never does). An address without '@' is all local part.
func splitEmail[T text](e T) (local, domain T) {
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] == '@' {
			return e[:i], e[i+1:]
		}
	}
	return e, e[len(e):]
}

// equalText compares a []byte with a string (or any two texts) without
// converting either.
func equalText[A, B text](a A, b B) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// looksLikeAddress reports whether the query is worth near matching: it
// has a local part and a domain with a dot followed by something. Before
// that, the agent is still typing and prefix and fuzzy matches serve better.
func looksLikeAddress(q []byte) bool {
	at := bytes.LastIndexByte(q, '@')
	if at <= 0 {
		return false
	}
	dot := bytes.LastIndexByte(q[at+1:], '.')
	return dot > 0 && at+1+dot+1 < len(q)
}

// canonical treats a local part the way the large providers deliver mail:
// dots do not matter and everything from the first '+' is a tag. Applied to
// every domain, it errs toward warning, which is what duplicate detection
// wants.
func canonical(local []byte) []byte {
	if i := bytes.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	out := make([]byte, 0, len(local))
	for _, c := range local {
		if c != '.' {
			out = append(out, c)
		}
	}
	return out
}

// canonHash hashes canonical(local) without building it (FNV-1a), so the
// background build does not allocate per email.
func canonHash(local []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range local {
		if c == '+' {
			break
		}
		if c == '.' {
			continue
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// canonEqual reports whether canonical(local) == canon, without allocating;
// it verifies hash hits.
func canonEqual[T text](local T, canon []byte) bool {
	j := 0
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c == '+' {
			break
		}
		if c == '.' {
			continue
		}
		if j >= len(canon) || canon[j] != c {
			return false
		}
		j++
	}
	return j == len(canon)
}

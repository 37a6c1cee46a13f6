package domain

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password rules follow NIST SP 800-63B: a minimum and a maximum length,
// no composition rules, and no password found in a list of common ones.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// commonPasswords is the shipped list: one a line, lower case, sorted
// bytewise, after a few comment lines. Only entries a customer could
// choose (MinPasswordLen or longer) are in it.
//
//go:embed passwords_common.txt
var commonPasswords string

// commonList is the list's lines, made on first use; they point into the
// embedded text, so it costs one slice header a line.
var commonList = sync.OnceValue(func() []string {
	lines := strings.Split(commonPasswords, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	slices.Sort(out) // already sorted; a cheap guarantee for the search
	return out
})

// IsCommonPassword reports whether a password is in the shipped list.
func IsCommonPassword(pw string) bool {
	_, found := slices.BinarySearch(commonList(), strings.ToLower(pw))
	return found
}

// ValidatePassword refuses a password a customer may not choose, saying
// why in one sentence.
func ValidatePassword(pw string) error {
	if !utf8.ValidString(pw) {
		return invalid("password", "is not valid text; type it again")
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return invalid("password", "must have at least %d characters (it has %d); a few words in a row make a good one", MinPasswordLen, n)
	case n > MaxPasswordLen:
		return invalid("password", "must have at most %d characters", MaxPasswordLen)
	}
	if IsCommonPassword(pw) {
		return invalid("password", "is one of the most common passwords, which are tried first by anyone guessing; choose another")
	}
	return nil
}

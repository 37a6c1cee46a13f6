package domain

import (
	_ "embed"
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

// commonPasswords is the shipped list, one a line, lower case. Only the
// entries a customer could choose (MinPasswordLen or longer) matter.
//
//go:embed passwords_common.txt
var commonPasswords string

var commonSet = sync.OnceValue(func() map[string]struct{} {
	set := map[string]struct{}{}
	for _, line := range strings.Split(commonPasswords, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || utf8.RuneCountInString(line) < MinPasswordLen {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
})

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
	if _, common := commonSet()[strings.ToLower(pw)]; common {
		return invalid("password", "is one of the most common passwords, which are tried first by anyone guessing; choose another")
	}
	return nil
}

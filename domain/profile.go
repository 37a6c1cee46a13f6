package domain

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone names validate the same on every machine, with or without a system zoneinfo
	"unicode/utf8"

	"golang.org/x/text/language"
)

// ParseTimeZone accepts an IANA zone name such as Europe/Paris; empty means
// unset.
func ParseTimeZone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	// "Local" is the server's zone, which means nothing to a customer.
	if s == "Local" {
		return "", invalid("time zone", "use an IANA zone name such as Europe/Paris, not Local")
	}
	if name, ok := knownZones.Load(s); ok {
		return name.(string), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return "", invalid("time zone", "%q is not an IANA time zone; use a name such as Europe/Paris or America/New_York", s)
	}
	knownZones.Store(s, loc.String())
	return loc.String(), nil
}

// knownZones remembers accepted zone names: LoadLocation reads and parses a
// zone file each call, a quarter of an import's time before this cache.
// There are a few hundred zones, so it stays small.
var knownZones sync.Map

// ParseLanguage accepts a BCP 47 tag (en, pt-BR) and returns its canonical
// form; empty means unset.
func ParseLanguage(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	tag, err := language.Parse(s)
	if err != nil {
		return "", invalid("language", "%q is not a language tag; use a BCP 47 tag such as en, fr or pt-BR", s)
	}
	return tag.String(), nil
}

// ParsePhone accepts the characters people write phone numbers with; the
// number itself is not checked until it is used for SMS.
func ParsePhone(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 32 {
		return "", invalid("phone", "is longer than 32 characters")
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-(). /", r):
		default:
			return "", invalid("phone", "contains %q; use digits, spaces, +, -, ( and )", r)
		}
	}
	if s != "" && digits < 3 {
		return "", invalid("phone", "has too few digits")
	}
	return s, nil
}

// cleanText trims a free-text field and refuses control characters other
// than newline and tab, which would otherwise reach terminals and mail,
// and bytes that are not UTF-8 (Latin-1 from a file or a form), which the
// store's JSON would otherwise turn into U+FFFD without a word.
func cleanText(field, s string, max int, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid(field, "is not valid UTF-8 (it may be Latin-1); give it as UTF-8")
	}
	s = strings.TrimSpace(s)
	if len(s) > max {
		return "", invalid(field, "is longer than %d characters", max)
	}
	for _, r := range s {
		if r == '\n' || r == '\t' {
			if multiline {
				continue
			}
			return "", invalid(field, "must be on one line")
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
			return "", invalid(field, "contains a control character (%U)", r)
		}
	}
	return s, nil
}

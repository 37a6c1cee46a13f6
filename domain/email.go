package domain

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Limits from RFC 5321 section 4.5.3.1: longer addresses cannot be delivered.
const (
	maxLocalOctets   = 64
	maxAddressOctets = 254
)

// Email is a validated address. Address is what we store and mail to (local
// part as typed but in Unicode NFC, domain lower-cased ASCII); Key is the
// identity used for uniqueness: the whole address lower-cased. An ASCII
// address is its own NFC form, so only accented local parts typed
// decomposed ("e" + U+0301) differ from what was typed.
type Email struct {
	Address string
	Key     string
	Local   string
	Domain  string // ASCII (punycode) form, lower case
}

func (e Email) String() string { return e.Address }

// dnsProfile maps and validates the domain the way a resolver would, so
// "ACME.com", "acme.com." typos and Unicode domains all land on one key.
var dnsProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.VerifyDNSLength(true),
	idna.StrictDomainName(true),
)

// ParseEmail validates and normalizes an address typed by an agent or read
// from a file. Every rejection says what was wrong, because the agent has to
// fix it by hand.
func ParseEmail(raw string) (Email, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Email{}, invalid("email", "is empty")
	}
	if !utf8.ValidString(s) {
		return Email{}, invalid("email", "is not valid UTF-8")
	}
	for _, r := range s {
		// A control character in an address ends up in a mail header: that is
		// a header injection, not a typo, so it is refused outright.
		if unicode.IsControl(r) || isBidiControl(r) {
			return Email{}, invalid("email", "contains a control character (%U)", r)
		}
		// Invisible characters (no-break and other Unicode spaces, zero-width
		// and format characters) would make a look-alike of another address.
		if r > unicode.MaxASCII && (unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)) {
			return Email{}, invalid("email", "contains an invisible character (%U); type the address again", r)
		}
	}
	if strings.ContainsAny(s, `"`) {
		return Email{}, invalid("email", "quoted local parts are not accepted")
	}
	if strings.ContainsAny(s, "()") {
		return Email{}, invalid("email", "comments in parentheses are not accepted")
	}
	if strings.ContainsAny(s, "<>") {
		return Email{}, invalid("email", "has a display name or angle brackets; enter only the address, like ann@example.com")
	}
	if strings.ContainsAny(s, ",;") {
		return Email{}, invalid("email", "holds more than one address; enter one")
	}
	switch n := strings.Count(s, "@"); {
	case n == 0:
		return Email{}, invalid("email", "missing @")
	case n > 1:
		return Email{}, invalid("email", "has more than one @; enter a single address")
	}
	if strings.ContainsAny(s, " \t") {
		return Email{}, invalid("email", "contains a space")
	}
	at := strings.LastIndexByte(s, '@')
	local, host := s[:at], s[at+1:]
	// People read "é" the same whether it was typed as one character or as
	// "e" and a combining accent: compose it, so both are one address.
	local = norm.NFC.String(local)
	switch {
	case local == "":
		return Email{}, invalid("email", "nothing before the @")
	case host == "":
		return Email{}, invalid("email", "missing domain after the @")
	case strings.HasPrefix(host, "["):
		return Email{}, invalid("email", "IP-address domains are not accepted; use a domain name")
	}
	if len(local) > maxLocalOctets {
		return Email{}, invalid("email", "the part before the @ is %d bytes; at most %d are allowed", len(local), maxLocalOctets)
	}
	domain, err := NormalizeDomain(host)
	if err != nil {
		return Email{}, invalid("email", "%s", err.(*ValidationError).Reason)
	}
	addr := local + "@" + domain
	if len(addr) > maxAddressOctets {
		return Email{}, invalid("email", "is %d bytes long; at most %d are allowed", len(addr), maxAddressOctets)
	}
	// net/mail has the final word on the local part's syntax (dots, specials).
	parsed, err := mail.ParseAddress(addr)
	if err != nil {
		return Email{}, invalid("email", "is not a valid address (%s)", strings.TrimPrefix(err.Error(), "mail: "))
	}
	if parsed.Name != "" || parsed.Address != addr {
		return Email{}, invalid("email", "is not a plain address; enter only the address, like ann@example.com")
	}
	return Email{Address: addr, Key: strings.ToLower(addr), Local: local, Domain: domain}, nil
}

// NormalizeDomain lower-cases a domain and converts it to its ASCII (IDNA)
// form. The error is a ValidationError naming the reason.
func NormalizeDomain(raw string) (string, error) {
	d := strings.TrimSpace(raw)
	d = strings.TrimSuffix(d, ".")
	if d == "" {
		return "", invalid("domain", "is empty")
	}
	if strings.HasPrefix(d, "[") {
		return "", invalid("domain", "IP-address domains are not accepted; use a domain name")
	}
	if !strings.Contains(d, ".") {
		return "", invalid("domain", "domain has no dot")
	}
	ascii, err := dnsProfile.ToASCII(d)
	if err != nil {
		return "", invalid("domain", "domain %q is not a valid domain name", d)
	}
	ascii = strings.ToLower(ascii)
	labels := strings.Split(ascii, ".")
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return "", invalid("domain", "domain ends in a number; IP addresses are not accepted")
	}
	for _, l := range labels {
		if l == "" {
			return "", invalid("domain", "domain has an empty label (two dots in a row)")
		}
	}
	return ascii, nil
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

package domain

import (
	"golang.org/x/net/publicsuffix"
)

// ParseOrgDomain validates a domain an agent wants to give an organization.
// Public suffixes (co.uk) and public mail providers are refused: users
// sharing them have nothing in common.
func ParseOrgDomain(raw string) (string, error) {
	d, err := NormalizeDomain(raw)
	if err != nil {
		return "", err
	}
	if suffix, icann := publicsuffix.PublicSuffix(d); suffix == d && icann {
		return "", invalid("domain", "%s is a public suffix shared by unrelated sites; use the organization's own domain", d)
	}
	if IsPublicProvider(d) {
		return "", invalid("domain", "%s is a public mail provider; its users are not one organization", d)
	}
	return d, nil
}

// AssignmentCandidates lists the domains that may own an email's domain, in
// order of preference: the domain itself, then each parent down to the
// registrable domain (eu.acme.co.uk, acme.co.uk). The public suffix itself is
// never a candidate.
func AssignmentCandidates(domain string) []string {
	top, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil {
		return nil
	}
	var out []string
	for d := domain; d != ""; d = parentDomain(d) {
		out = append(out, d)
		if d == top {
			break
		}
	}
	return out
}

// underDomain reports whether emailDomain is domain or one of its subdomains.
func underDomain(emailDomain, domain string) bool {
	if emailDomain == domain {
		return true
	}
	n := len(emailDomain) - len(domain)
	return n > 1 && emailDomain[n-1] == '.' && emailDomain[n:] == domain
}

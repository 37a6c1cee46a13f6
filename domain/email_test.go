package domain

import (
	"strings"
	"testing"
)

func TestParseEmailAccepts(t *testing.T) {
	cases := []struct{ in, addr, key, domain string }{
		{"ann@acme.com", "ann@acme.com", "ann@acme.com", "acme.com"},
		{"  Ann.Lee@ACME.com  ", "Ann.Lee@acme.com", "ann.lee@acme.com", "acme.com"},
		{"ann+billing@acme.co.uk", "ann+billing@acme.co.uk", "ann+billing@acme.co.uk", "acme.co.uk"},
		{"jörg@bücher.de", "jörg@xn--bcher-kva.de", "jörg@xn--bcher-kva.de", "xn--bcher-kva.de"},
		{"ann@acme.com.", "ann@acme.com", "ann@acme.com", "acme.com"},
		{"o'brien@example.ie", "o'brien@example.ie", "o'brien@example.ie", "example.ie"},
	}
	for _, c := range cases {
		e, err := ParseEmail(c.in)
		if err != nil {
			t.Errorf("ParseEmail(%q): %v", c.in, err)
			continue
		}
		if e.Address != c.addr || e.Key != c.key || e.Domain != c.domain {
			t.Errorf("ParseEmail(%q) = %+v, want address %q key %q domain %q", c.in, e, c.addr, c.key, c.domain)
		}
	}
}

func TestParseEmailRefusesWithReason(t *testing.T) {
	long := strings.Repeat("a", 65)
	cases := []struct{ in, reason string }{
		{"", "is empty"},
		{"ann.acme.com", "missing @"},
		{"ann@localhost", "domain has no dot"},
		{"Ann Lee <ann@acme.com>", "display name"},
		{"ann@acme.com, bob@acme.com", "more than one address"},
		{"ann@acme.com bob@acme.com", "more than one @"},
		{`"ann lee"@acme.com`, "quoted local parts"},
		{"ann(comment)@acme.com", "comments"},
		{"ann@[192.168.0.1]", "IP-address domains"},
		{"ann@192.168.0.1", "ends in a number"},
		{"ann\r\nBcc: x@evil.com@acme.com", "control character"},
		{"ann\x00@acme.com", "control character"},
		{"ann\u202e@acme.com", "control character"},
		{long + "@acme.com", "at most 64"},
		{strings.Repeat("a", 60) + "@" + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + "." + strings.Repeat("e", 60) + ".com", "at most 254"},
		{"@acme.com", "nothing before the @"},
		{"ann@", "missing domain"},
		{"ann..lee@acme.com", "not a valid address"},
		{"ann@acme..com", "not a valid domain"},
		{"ann@-acme.com", "not a valid domain"},
	}
	for _, c := range cases {
		_, err := ParseEmail(c.in)
		if err == nil {
			t.Errorf("ParseEmail(%q) accepted; want refusal mentioning %q", c.in, c.reason)
			continue
		}
		if !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParseEmail(%q) = %q; want a reason mentioning %q", c.in, err, c.reason)
		}
		if !strings.HasPrefix(err.Error(), "email: ") {
			t.Errorf("ParseEmail(%q) = %q; want the field named first", c.in, err)
		}
	}
}

func TestParseOrgDomain(t *testing.T) {
	ok := map[string]string{"Acme.COM": "acme.com", "eu.acme.co.uk": "eu.acme.co.uk", "bücher.de": "xn--bcher-kva.de"}
	for in, want := range ok {
		got, err := ParseOrgDomain(in)
		if err != nil || got != want {
			t.Errorf("ParseOrgDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	refused := map[string]string{
		"gmail.com":      "public mail provider",
		"mail.yahoo.com": "public mail provider",
		"outlook.com":    "public mail provider",
		"co.uk":          "public suffix",
		"com":            "no dot",
		"[10.0.0.1]":     "IP-address",
	}
	for in, reason := range refused {
		_, err := ParseOrgDomain(in)
		if err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("ParseOrgDomain(%q) = %v; want refusal mentioning %q", in, err, reason)
		}
	}
	if n := len(publicProviders); n < 50 {
		t.Errorf("public provider list has %d domains; at least the 50 largest are required", n)
	}
}

func TestAssignmentCandidates(t *testing.T) {
	cases := map[string][]string{
		"eu.acme.co.uk":  {"eu.acme.co.uk", "acme.co.uk"},
		"acme.com":       {"acme.com"},
		"a.b.acme.com":   {"a.b.acme.com", "b.acme.com", "acme.com"},
		"sales.acme.com": {"sales.acme.com", "acme.com"},
	}
	for in, want := range cases {
		got := AssignmentCandidates(in)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("AssignmentCandidates(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestProfileFields(t *testing.T) {
	if tz, err := ParseTimeZone("Europe/Paris"); err != nil || tz != "Europe/Paris" {
		t.Errorf("Europe/Paris: %q %v", tz, err)
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "UTC+3"} {
		if _, err := ParseTimeZone(bad); err == nil || !strings.Contains(err.Error(), "time zone") {
			t.Errorf("ParseTimeZone(%q) = %v; want a time zone error", bad, err)
		}
	}
	if l, err := ParseLanguage("pt-br"); err != nil || l != "pt-BR" {
		t.Errorf("ParseLanguage(pt-br) = %q, %v; want pt-BR", l, err)
	}
	if _, err := ParseLanguage("not a tag!"); err == nil {
		t.Error("ParseLanguage accepted garbage")
	}
	if _, err := ParsePhone("+1 (555) 010-2030"); err != nil {
		t.Errorf("phone refused: %v", err)
	}
	if _, err := ParsePhone("call me"); err == nil || !strings.Contains(err.Error(), "phone") {
		t.Errorf("ParsePhone(call me) = %v", err)
	}
	if _, err := ParseRole("Admin"); err == nil || !strings.Contains(err.Error(), "customer or collaborator") {
		t.Errorf("ParseRole(Admin) = %v", err)
	}
	if _, err := cleanText("name", "Ann\x1b[2JLee", 100, false); err == nil {
		t.Error("a name with an escape sequence was accepted")
	}
}

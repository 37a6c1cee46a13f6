package domain

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParseEmail: whatever an agent types or a file holds, ParseEmail never
// panics, and an address it accepts is one plain, deliverable address whose
// key is stable.
func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{
		"ann@acme.com", "  Ann.Lee@ACME.com  ", "ann+billing@acme.co.uk", "jörg@bücher.de", "ann@acme.com.",
		"o'brien@example.ie", "", "ann.acme.com", "ann@localhost", "Ann Lee <ann@acme.com>",
		"ann@acme.com, bob@acme.com", `"ann lee"@acme.com`, "ann(comment)@acme.com", "ann@[192.168.0.1]",
		"ann@192.168.0.1", "ann\r\nBcc: x@evil.com@acme.com", "ann\x00@acme.com", "ann\u202e@acme.com",
		strings.Repeat("a", 64) + "@acme.com", strings.Repeat("a", 65) + "@acme.com",
		"a@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 57) + ".com",
		"@acme.com", "ann@", "ann..lee@acme.com", "ann@acme..com", "ann@-acme.com", "ÄNN@Bücher.DE",
		"ann@xn--bcher-kva.de", "ann@ｅｘａｍｐｌｅ.com", "ann@acme.com\u0085", "\xff@acme.com", "ann@acme.١٢٣",
		"Ⱥⱥ@acme.com", "ann@ACME.COM.", "a@b.c", "ann@acme.com@acme.com", "ann@xn--.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		e, err := ParseEmail(raw)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != "email" || ve.Reason == "" {
				t.Fatalf("ParseEmail(%q) = %v (%T); want a ValidationError on the email field", raw, err, err)
			}
			return
		}
		if strings.Count(e.Address, "@") != 1 {
			t.Fatalf("ParseEmail(%q).Address = %q: not exactly one @", raw, e.Address)
		}
		if e.Address != e.Local+"@"+e.Domain {
			t.Fatalf("ParseEmail(%q) = %+v: Address is not Local@Domain", raw, e)
		}
		if e.Key != strings.ToLower(e.Address) {
			t.Fatalf("ParseEmail(%q) = %+v: Key is not the lower-cased Address", raw, e)
		}
		if e.Domain != strings.ToLower(e.Domain) || strings.ContainsFunc(e.Domain, func(r rune) bool { return r >= utf8.RuneSelf }) || !strings.Contains(e.Domain, ".") {
			t.Fatalf("ParseEmail(%q).Domain = %q: want a lower-case ASCII name with a dot", raw, e.Domain)
		}
		if e.Local == "" || len(e.Local) > 64 || len(e.Address) > 254 {
			t.Fatalf("ParseEmail(%q) = %+v: local part %d bytes, address %d bytes", raw, e, len(e.Local), len(e.Address))
		}
		if !utf8.ValidString(e.Address) {
			t.Fatalf("ParseEmail(%q).Address = %q: not UTF-8", raw, e.Address)
		}
		for _, r := range e.Address {
			if unicode.IsControl(r) || isBidiControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("ParseEmail(%q).Address = %q holds %U", raw, e.Address, r)
			}
		}
		again, err := ParseEmail(e.Address)
		if err != nil {
			t.Fatalf("ParseEmail(%q) accepted as %q, which is then refused: %v", raw, e.Address, err)
		}
		if again != e {
			t.Fatalf("ParseEmail is not idempotent: %q -> %+v -> %+v", raw, e, again)
		}
	})
}

// Characters an agent cannot see must not make a second identity for the
// same person: "ann<no-break space>lee@acme.com" or "ann<zero-width
// space>@acme.com" would be a new user next to ann@acme.com, unnoticed by
// the duplicate check. They are refused like a space or a control character.
func TestParseEmailRefusesInvisibleCharacters(t *testing.T) {
	for _, r := range []rune{0x00A0, 0x2007, 0x202F, 0x3000, 0x200B, 0x2060, 0xFEFF, 0x00AD} {
		in := "ann" + string(r) + "lee@acme.com"
		if e, err := ParseEmail(in); err == nil {
			t.Errorf("ParseEmail(%q) accepted %+v; an invisible %U makes a look-alike of annlee@acme.com", in, e, r)
		} else if !strings.HasPrefix(err.Error(), "email: ") {
			t.Errorf("ParseEmail(%q) = %q; want the field named first", in, err)
		}
	}
}

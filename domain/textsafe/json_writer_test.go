package textsafe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile holds what a stored field or an imported cell may try to send a
// terminal: OSC 52 (clipboard), OSC 0 (title), OSC 8 (link), CSI, DCS, a
// UTF-8 C1 CSI, a lone 0x9B byte (CSI in 8-bit mode), bidi controls, BEL,
// CR, BS, DEL and a tab.
var hostile = []string{
	"Ann\x1b]52;c;ZXZpbA==\x07Lee", "Ann\x1b]0;pwned\x07Lee", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
	"Ann\x1b[2JLee", "Ann\x1bPqdcs\x1b\\Lee", "A\u009b2JB", "A\x9b2JB", "evil\u202emoc.elgoog",
	"a\u2066b\u2069c\u200e\u200f\u061c", "A\x07B\rC\bD\x7fE", "a\tb", "Zoë 東京 <a&b>",
}

// assertInert fails if out holds ESC, a C0 control but newline, DEL, a C1
// control (as a rune or as a lone byte), a bidi control or a byte that is
// not UTF-8.
func assertInert(t *testing.T, what string, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("%s is not valid UTF-8: %q", what, out)
	}
	for _, r := range string(out) {
		if (r != '\n' && IsControl(r)) || IsBidi(r) {
			t.Fatalf("%s holds %U: %q", what, r, out)
		}
	}
}

func TestEscapeJSONRoundTrips(t *testing.T) {
	for _, in := range append(hostile, "plain", "\u2028\u2029", "\u00a0é") {
		raw, err := json.Marshal(map[string]string{"name": in})
		if err != nil {
			t.Fatal(err)
		}
		out := EscapeJSON(raw)
		if !utf8.ValidString(in) {
			// encoding/json turns such bytes into U+FFFD itself; what
			// matters is that nothing a terminal acts on comes out.
			assertInert(t, "EscapeJSON of "+in, out)
			continue
		}
		var back map[string]string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("EscapeJSON(%s) = %s is not JSON: %v", raw, out, err)
		}
		if back["name"] != in {
			t.Errorf("EscapeJSON(%s) reads back as %q, want %q", raw, back["name"], in)
		}
		assertInert(t, "EscapeJSON of "+in, out)
		if Block(string(out)) != string(out) {
			t.Errorf("Block changes escaped JSON %s", out)
		}
	}
	if got := string(EscapeJSON([]byte(`"a\u202eb"`))); got != `"a\u202eb"` {
		t.Errorf("already escaped JSON changed: %s", got)
	}
	if got := string(EscapeJSON([]byte("\"a\u202eb\u0085\x7f\""))); got != `"a\u202eb\u0085\u007f"` {
		t.Errorf("EscapeJSON = %s", got)
	}
}

func TestEscapeJSONCleanDoesNotAllocate(t *testing.T) {
	b := []byte(`{"email":"ann.lee@acme.com","name":"Zoë 東京"}`)
	if n := testing.AllocsPerRun(100, func() { _ = EscapeJSON(b) }); n != 0 {
		t.Fatalf("clean JSON allocated %v times", n)
	}
}

func TestWriterSanitisesWholeLines(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	in := strings.Join(hostile, "\n") + "\nlast line without newline"
	// One byte at a time: escape sequences and runes cut between writes
	// must come out as if written whole.
	for i := 0; i < len(in); i++ {
		if _, err := w.Write([]byte{in[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(buf.String(), "last line") {
		t.Fatalf("text after the last newline was written before Flush: %q", buf.String())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := Block(in); buf.String() != want {
		t.Fatalf("Writer wrote\n%q\nwant\n%q", buf.String(), want)
	}
	assertInert(t, "Writer output", buf.Bytes())
}

func TestWriterLongLineKeepsRunesWhole(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	line := strings.Repeat("é", maxPending) // 2 bytes each: twice the bound
	for i := 0; i < len(line); i += 4095 {  // odd chunks cut runes in two
		if _, err := w.Write([]byte(line[i:min(i+4095, len(line))])); err != nil {
			t.Fatal(err)
		}
	}
	if buf.Len() == 0 {
		t.Fatal("a long line without newline was all held back")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != line {
		t.Fatalf("a long line came out changed (%d bytes, want %d)", buf.Len(), len(line))
	}
}

func BenchmarkBlockClean(b *testing.B) {
	s := "4711  ann.lee@acme.com  Ann Lee  Acme Corporation  active  Zoë 東京"
	b.ReportAllocs()
	for b.Loop() {
		_ = Block(s)
	}
}

func BenchmarkWriterTable(b *testing.B) {
	page := []byte(strings.Repeat("4711  ann.lee@acme.com  Ann Lee  Acme Corporation  active\n", 70))
	w := NewWriter(discard{})
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = w.Write(page)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// FuzzEscapeJSON: whatever a string holds, its escaped JSON holds nothing a
// terminal acts on and, for UTF-8 input, decodes back to the same string.
func FuzzEscapeJSON(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		raw, err := json.Marshal([]string{in})
		if err != nil {
			t.Fatal(err)
		}
		out := EscapeJSON(raw)
		assertInert(t, "EscapeJSON", out)
		if !utf8.ValidString(in) {
			return
		}
		var back []string
		if err := json.Unmarshal(out, &back); err != nil || len(back) != 1 || back[0] != in {
			t.Fatalf("EscapeJSON(%s) = %s reads back as %q (%v)", raw, out, back, err)
		}
	})
}

package mailer_test

import (
	"strings"
	"testing"

	"helpdesk/mailer"
)

func TestHTMLFromText(t *testing.T) {
	cases := []struct{ text, want string }{
		{"Hello <b>Ann</b> & co", "Hello &lt;b&gt;Ann&lt;/b&gt; &amp; co"},
		{"line one\nline two\r\nthree", "line one<br>\nline two<br>\nthree"},
		{"Go to https://desk.example.com/set?token=a&b=c.", `Go to <a href="https://desk.example.com/set?token=a&amp;b=c">https://desk.example.com/set?token=a&amp;b=c</a>.`},
		{"(see http://x.example/a)", `(see <a href="http://x.example/a">http://x.example/a</a>)`},
		{`<https://x.example/"onmouseover="alert(1)>`, `&lt;<a href="https://x.example/">https://x.example/</a>&#34;onmouseover=&#34;alert(1)&gt;`},
		{"javascript:alert(1) and ftp://x.example", "javascript:alert(1) and ftp://x.example"},
		{"just https:// alone", "just https:// alone"},
		{"two: https://a.example, https://b.example!", `two: <a href="https://a.example">https://a.example</a>, <a href="https://b.example">https://b.example</a>!`},
	}
	for _, tc := range cases {
		got := mailer.HTMLFromText(tc.text)
		inner := between(got, `line-height: 1.4">`, "</div>")
		if inner != tc.want {
			t.Errorf("HTMLFromText(%q):\n got %s\nwant %s", tc.text, inner, tc.want)
		}
	}
}

// Whatever the text, the only tags are the frame's, <br> and <a href>.
func FuzzHTMLFromText(f *testing.F) {
	f.Add("Hello <script>alert(1)</script> https://x.example/?a=<b>&c=\"d\"\n")
	f.Add("https://a.example/'><img src=x onerror=alert(1)>")
	f.Fuzz(func(t *testing.T, text string) {
		inner := between(mailer.HTMLFromText(text), `line-height: 1.4">`, "</div></body></html>\n")
		for i := 0; i < len(inner); i++ {
			if inner[i] != '<' {
				continue
			}
			rest := inner[i:]
			if !strings.HasPrefix(rest, "<br>") && !strings.HasPrefix(rest, `<a href="http`) && !strings.HasPrefix(rest, "</a>") {
				t.Fatalf("unexpected markup at %q in %q", rest[:min(len(rest), 20)], inner)
			}
		}
		if strings.Contains(inner, `"`) && strings.Count(inner, `"`) != 2*strings.Count(inner, `<a href="`) {
			t.Fatalf("a quote outside an href in %q", inner)
		}
	})
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	j := strings.LastIndex(s, end)
	if i < 0 || j < i {
		return s
	}
	return s[i+len(start) : j]
}

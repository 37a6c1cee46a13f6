package mailer

import (
	"html"
	"regexp"
	"strings"
)

// urlPattern finds the http(s) links in a plain-text body. It stops at
// white space and at characters that cannot be part of a link written in
// prose (quotes and angle brackets), so "<https://x>" links only the URL.
var urlPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// trailingPunct is what ends a sentence right after a link; it is left out
// of the link, as mail clients do ("see https://x/a." links https://x/a).
const trailingPunct = ".,;:!?)]}"

// HTMLFromText renders the plain-text body as the HTML alternative. Every
// character of the text is escaped, so agent-written templates and customer
// names can never inject markup; line breaks become <br> and http(s) URLs
// become links (the only markup the output contains besides the frame).
func HTMLFromText(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(text) + len(text)/4 + 200)
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n<body><div style=\"font-family: sans-serif; line-height: 1.4\">")
	writeParagraphText(&b, text)
	b.WriteString("</div></body></html>\n")
	return b.String()
}

func writeParagraphText(b *strings.Builder, text string) {
	last := 0
	for _, loc := range urlPattern.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		for end > start && strings.ContainsRune(trailingPunct, rune(text[end-1])) {
			end--
		}
		if end-start <= len("https://") {
			continue // a bare scheme is not a link
		}
		writeEscapedLines(b, text[last:start])
		u := html.EscapeString(text[start:end])
		b.WriteString(`<a href="`)
		b.WriteString(u)
		b.WriteString(`">`)
		b.WriteString(u)
		b.WriteString(`</a>`)
		last = end
	}
	writeEscapedLines(b, text[last:])
}

// writeEscapedLines escapes s and turns each line break into <br>, keeping
// the newline so the HTML source stays readable.
func writeEscapedLines(b *strings.Builder, s string) {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			b.WriteString(html.EscapeString(s))
			return
		}
		b.WriteString(html.EscapeString(s[:i]))
		b.WriteString("<br>\n")
		s = s[i+1:]
	}
}

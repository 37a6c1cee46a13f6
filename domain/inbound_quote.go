package domain

import (
	"regexp"
	"strings"
)

// attribution matches the line a mail client writes above the text it
// quotes: "On Mon, 3 Feb 2025 at 10:00, Desk <d@x> wrote:" (English and
// German forms), and Outlook's "-----Original Message-----".
var (
	attributionLine = regexp.MustCompile(`(?i)^(on\s.+\swrote|am\s.+\sschrieb.*|le\s.+\sa\s+écrit)\s*:\s*$`)
	originalMessage = regexp.MustCompile(`(?i)^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}$`)
	headerLine      = regexp.MustCompile(`(?i)^(from|von|de)\s*:\s*\S`)
	sentLine        = regexp.MustCompile(`(?i)^(sent|date|gesendet|envoyé)\s*:\s*\S`)
)

// splitQuoted cuts the earlier text a reply quotes from what the customer
// wrote: from an attribution line ("On … wrote:", which clients may wrap
// onto two lines), an "-----Original Message-----" line or an Outlook
// header block (From: then Sent:) on, everything is quoted; without one, a
// block of "> " lines ending the mail is. Quotes between the customer's own
// lines (an answer written inline) stay, as they give the answer its sense.
func splitQuoted(text string) (body, quoted string) {
	lines := strings.Split(text, "\n")
	cut := -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case attributionLine.MatchString(t), originalMessage.MatchString(t):
			cut = i
		case i+1 < len(lines) && strings.HasPrefix(strings.ToLower(t), "on ") &&
			attributionLine.MatchString(t+" "+strings.TrimSpace(lines[i+1])):
			cut = i
		case headerLine.MatchString(t) && i+1 < len(lines) && sentLine.MatchString(strings.TrimSpace(lines[i+1])):
			cut = i
		}
		if cut >= 0 {
			break
		}
	}
	if cut < 0 {
		// A trailing block of quoted lines (and blank lines among them).
		end := len(lines)
		for end > 0 && strings.TrimSpace(lines[end-1]) == "" {
			end--
		}
		i := end
		for i > 0 && (strings.HasPrefix(strings.TrimSpace(lines[i-1]), ">") || strings.TrimSpace(lines[i-1]) == "") {
			i--
		}
		for i < end && strings.TrimSpace(lines[i]) == "" {
			i++
		}
		if i < end {
			cut = i
		}
	}
	if cut < 0 {
		return strings.TrimSpace(text), ""
	}
	return strings.TrimSpace(strings.Join(lines[:cut], "\n")), strings.TrimSpace(strings.Join(lines[cut:], "\n"))
}

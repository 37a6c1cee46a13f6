package domain

import (
	"fmt"
	"mime"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// InboundMail is one received message as the desk takes it: read from
// RFC 5322 and MIME by the mailer (mailer.ParseMail), the rules applied by
// Desk.ReceiveMail. Texts are as written in the mail: ReceiveMail cleans
// them, cuts the quote and makes attachment names safe.
type InboundMail struct {
	From       string // the From address as written
	FromName   string // its display name
	Subject    string
	MessageID  string // without angle brackets; "" when the mail has none
	InReplyTo  []string
	References []string
	// AddressedTo are the To and Cc addresses, for a mail handed over
	// without its envelope (mail receive).
	AddressedTo []string
	Text        string // the body as text, quotes not yet cut
	// TextFromHTML: the mail had no text/plain part; Text was reduced
	// from its HTML.
	TextFromHTML bool
	Attachments  []InboundAttachment
	// AutoReply: a responder's mail (Auto-Submitted other than "no",
	// Precedence bulk, auto_reply, junk or list, X-Autoreply,
	// X-Autorespond).
	AutoReply bool
	// Bounce: a delivery report (a null reverse-path, a
	// multipart/report, a From of MAILER-DAEMON or postmaster).
	Bounce bool
	// Size is the raw message's length in bytes.
	Size int64
}

// InboundAttachment is a part of the mail kept as a file, with its bytes.
type InboundAttachment struct {
	Name string // as the mail gives it; may be empty
	Type string // media type, such as application/pdf
	Data []byte
}

// maxAttachments bounds how many parts a mail may carry as attachments.
const maxAttachments = 100

// attachmentName is a file name safe to show and to save: the base name
// only, valid UTF-8 without control characters, at most 200 bytes; a part
// without one is named by its position and type.
func attachmentName(name, ctype string, n int) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.TrimSpace(path.Base("/" + strings.ReplaceAll(name, "\\", "/")))
	if name == "/" || name == "." || name == ".." {
		name = ""
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return '_'
		}
		return r
	}, name)
	for len(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		ext := ""
		if exts, _ := mime.ExtensionsByType(ctype); len(exts) > 0 {
			ext = exts[0]
		}
		name = fmt.Sprintf("attachment-%d%s", n, ext)
	}
	return name
}

// cleanInboundText makes a mail's text fit to store and show: valid UTF-8,
// LF line ends, no control or bidi characters but newline and tab, at most
// two blank lines in a row, cut at max bytes (saying so).
func cleanInboundText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
			return -1
		}
		if r == '\u00a0' {
			return ' '
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if blank++; blank > 2 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	s = strings.TrimSpace(strings.Join(out, "\n"))
	if len(s) > max {
		const note = "\n[cut: the mail was longer than the desk keeps]"
		s = s[:max-len(note)]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += note
	}
	return s
}

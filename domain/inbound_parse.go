package domain

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decodes every charset mail uses
	"github.com/emersion/go-message/mail"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// inboundMail is what the desk takes from one RFC 5322 message.
type inboundMail struct {
	From       string // the address as written
	FromName   string
	Subject    string
	MessageID  string // without angle brackets; "" when the mail has none
	InReplyTo  []string
	References []string
	// AddressedTo are the To and Cc addresses, for a mail handed over
	// without its envelope (mail receive).
	AddressedTo []string
	Text        string // the body as text, quotes not yet cut
	Attachments []inboundAttachment
	AutoReply   bool
}

type inboundAttachment struct {
	Attachment
	Data []byte
}

// maxAttachments bounds how many parts a mail may carry as attachments.
const maxAttachments = 100

// parseMail reads one message with go-message: headers decoded (RFC 2047,
// any charset), text/plain preferred over text/html, which is reduced to
// text; every other part is an attachment.
func parseMail(raw []byte) (inboundMail, error) {
	var m inboundMail
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return m, inboundInvalid("the message cannot be read as an RFC 5322 mail (%v)", err)
	}
	defer r.Close()
	h := r.Header
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 {
		return m, inboundInvalid("the message needs one valid From address")
	}
	m.From, m.FromName = from[0].Address, from[0].Name
	m.Subject, _ = h.Subject()
	m.MessageID, _ = h.MessageID()
	m.InReplyTo, _ = h.MsgIDList("In-Reply-To")
	m.References, _ = h.MsgIDList("References")
	for _, k := range []string{"To", "Cc"} {
		list, _ := h.AddressList(k)
		for _, a := range list {
			m.AddressedTo = append(m.AddressedTo, a.Address)
		}
	}
	m.AutoReply = isAutoReply(h.Header)

	var plain, htmlText []string
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			return m, inboundInvalid("a part of the message cannot be read (%v)", err)
		}
		data, rerr := io.ReadAll(p.Body)
		if rerr != nil {
			return m, inboundInvalid("a part of the message cannot be read (%v)", rerr)
		}
		var ctype, name string
		attached := false
		switch ph := p.Header.(type) {
		case *mail.InlineHeader:
			ctype, _, _ = ph.ContentType()
			if !strings.HasPrefix(ctype, "text/") {
				attached = true
				_, params, _ := ph.ContentType()
				name = params["name"]
			}
		case *mail.AttachmentHeader:
			ctype, _, _ = ph.ContentType()
			name, _ = ph.Filename()
			attached = true
		}
		if !attached && ctype == "text/plain" {
			plain = append(plain, string(data))
			continue
		}
		if !attached && ctype == "text/html" {
			htmlText = append(htmlText, htmlToText(data))
			continue
		}
		if !attached && strings.HasPrefix(ctype, "text/") {
			// text/calendar, text/csv...: kept as a file, not as the body
			attached = true
		}
		if len(m.Attachments) == maxAttachments {
			return m, inboundInvalid("the message carries more than %d attachments", maxAttachments)
		}
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		m.Attachments = append(m.Attachments, inboundAttachment{
			Attachment: Attachment{Name: attachmentName(name, ctype, len(m.Attachments)+1), Type: ctype, Size: int64(len(data))},
			Data:       data,
		})
	}
	switch {
	case len(plain) > 0:
		m.Text = strings.Join(plain, "\n\n")
	case len(htmlText) > 0:
		m.Text = strings.Join(htmlText, "\n\n")
	}
	return m, nil
}

// isAutoReply recognises what a machine sent: Auto-Submitted other than
// "no" (RFC 3834), Precedence bulk, auto_reply, junk or list, and the
// X-Autoreply / X-Autorespond headers of older responders.
func isAutoReply(h message.Header) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" {
		v, _, _ = strings.Cut(v, ";")
		if strings.TrimSpace(v) != "no" {
			return true
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "auto_reply", "auto-reply", "junk", "list":
		return true
	}
	return h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != ""
}

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

// htmlToText reduces an HTML body to text with golang.org/x/net/html:
// scripts, styles and the head dropped, block elements on their own lines,
// a link's address after its text, blockquotes as "> " lines (so the quote
// cutter finds them). Nothing of the HTML is ever rendered.
func htmlToText(b []byte) string {
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		return string(b)
	}
	var out strings.Builder
	depth := 0
	atLineStart := true
	newline := func() {
		out.WriteByte('\n')
		atLineStart = true
	}
	write := func(s string) {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				newline()
			}
			if line == "" {
				continue
			}
			if atLineStart {
				out.WriteString(strings.Repeat("> ", depth))
				line = strings.TrimLeft(line, " ")
				if line == "" {
					continue
				}
				atLineStart = false
			}
			out.WriteString(line)
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			write(strings.Join(strings.FieldsFunc(n.Data, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }), " "))
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Head, atom.Title:
				return
			case atom.Br:
				newline()
				return
			}
		}
		block := false
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.P, atom.Div, atom.Li, atom.Tr, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre, atom.Table, atom.Ul, atom.Ol, atom.Hr:
				block = true
			}
		}
		if block && !atLineStart {
			newline()
		}
		if n.DataAtom == atom.Blockquote {
			depth++
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.DataAtom == atom.Blockquote {
			depth--
		}
		if n.DataAtom == atom.A {
			for _, a := range n.Attr {
				if a.Key == "href" && (strings.HasPrefix(a.Val, "http://") || strings.HasPrefix(a.Val, "https://")) {
					write(" <" + a.Val + ">")
				}
			}
		}
		if block && !atLineStart {
			newline()
		}
	}
	walk(doc)
	return out.String()
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

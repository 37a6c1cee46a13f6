package mailer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decodes every charset mail uses
	msgmail "github.com/emersion/go-message/mail"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"helpdesk/domain"
)

// Inbound mail: the mailer reads what customers send (RFC 5322, MIME, any
// charset, HTML reduced to text) into a domain.InboundMail, and the desk
// applies its rules (Desk.ReceiveMail). Receive does both for one message;
// the SMTP listener (inbound_smtp.go) and mail receive share it.

// InboundDesk is what receiving mail needs of the desk; *domain.Desk has
// it.
type InboundDesk interface {
	// InboundReady refuses, as temporary, while no inbound address is set.
	InboundReady() error
	// CheckRecipient refuses an address that is not the desk's.
	CheckRecipient(addr string) error
	// InboundMaxSize is the largest message taken now.
	InboundMaxSize() (int64, error)
	ReceiveMail(ctx context.Context, rcpts []string, m domain.InboundMail) (domain.Received, error)
}

// Envelope is what the SMTP transaction said about a message.
type Envelope struct {
	// To are the recipients (RCPT TO); none: the message's To and Cc
	// must name a desk address.
	To []string
	// NullSender: MAIL FROM:<>, which only delivery reports use.
	NullSender bool
}

// Receive reads one message from r, at most max bytes (0: the desk's
// inbound-max-size), parses it and hands it to the desk. What the desk
// refuses comes back as a *domain.InboundError; an error of r (such as
// go-smtp's size limit at DATA) is returned as it is.
func Receive(ctx context.Context, desk InboundDesk, env Envelope, r io.Reader, max int64) (domain.Received, error) {
	// The envelope's refusals first, before reading: a desk without an
	// address says so (temporary) whatever the message holds.
	if err := desk.InboundReady(); err != nil {
		return domain.Received{}, err
	}
	if len(env.To) > domain.MaxInboundRecipients {
		return domain.Received{}, &domain.InboundError{Reason: domain.RefusedRecipients, Msg: fmt.Sprintf("the message has %d recipients; the desk takes at most %d", len(env.To), domain.MaxInboundRecipients)}
	}
	for _, a := range env.To {
		if err := desk.CheckRecipient(a); err != nil {
			return domain.Received{}, err
		}
	}
	if max <= 0 {
		var err error
		if max, err = desk.InboundMaxSize(); err != nil {
			return domain.Received{}, err
		}
	}
	raw, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return domain.Received{}, err
	}
	if int64(len(raw)) > max {
		return domain.Received{}, domain.InboundSizeError(max)
	}
	if err := ctx.Err(); err != nil {
		return domain.Received{}, err
	}
	m, err := ParseMail(raw)
	if err != nil {
		return domain.Received{}, err
	}
	m.Bounce = m.Bounce || env.NullSender
	return desk.ReceiveMail(ctx, env.To, m)
}

func invalid(format string, args ...any) error {
	return &domain.InboundError{Reason: domain.RefusedInvalid, Msg: fmt.Sprintf(format, args...)}
}

// ParseMail reads one message with go-message: headers decoded (RFC 2047,
// any charset), text/plain preferred over text/html, which is reduced to
// text; every other part is an attachment, with its bytes. A message it
// cannot read is a *domain.InboundError (RefusedInvalid).
func ParseMail(raw []byte) (domain.InboundMail, error) {
	m := domain.InboundMail{Size: int64(len(raw))}
	r, err := msgmail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return m, invalid("the message cannot be read as an RFC 5322 mail (%v)", err)
	}
	defer r.Close()
	h := r.Header
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 {
		return m, invalid("the message needs one valid From address")
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
	m.Bounce = isBounce(h.Header, m.From)

	var plain, htmlText []string
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			return m, invalid("a part of the message cannot be read (%v)", err)
		}
		data, rerr := io.ReadAll(p.Body)
		if rerr != nil {
			return m, invalid("a part of the message cannot be read (%v)", rerr)
		}
		var ctype, name string
		attached := false
		switch ph := p.Header.(type) {
		case *msgmail.InlineHeader:
			var params map[string]string
			ctype, params, _ = ph.ContentType()
			if !strings.HasPrefix(ctype, "text/") {
				attached = true
				name = params["name"]
			}
		case *msgmail.AttachmentHeader:
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
		// Anything else, text/calendar and text/csv too, is kept as a
		// file, not as the body.
		m.Attachments = append(m.Attachments, domain.InboundAttachment{Name: name, Type: ctype, Data: data})
	}
	switch {
	case len(plain) > 0:
		m.Text = strings.Join(plain, "\n\n")
	case len(htmlText) > 0:
		m.Text, m.TextFromHTML = strings.Join(htmlText, "\n\n"), true
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

// isBounce recognises a delivery report (RFC 3464) or another mail system's
// notice: Content-Type multipart/report, a From whose local part is
// MAILER-DAEMON or postmaster, or the null reverse-path an MTA writes as
// Return-Path: <> when it delivers one.
func isBounce(h message.Header, from string) bool {
	if t, _, err := h.ContentType(); err == nil && t == "multipart/report" {
		return true
	}
	local, _, _ := strings.Cut(from, "@")
	if strings.EqualFold(local, "mailer-daemon") || strings.EqualFold(local, "postmaster") {
		return true
	}
	return strings.ReplaceAll(h.Get("Return-Path"), " ", "") == "<>"
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

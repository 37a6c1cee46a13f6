package domain

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Inbound mail: what customers write to the desk's addresses, taken by the
// SMTP listener (serve --smtp-listen) or handed over by another MTA (mail
// receive). The mailer reads the message (mailer.Receive) into an
// InboundMail and both hand it to ReceiveMail; the listener asks
// CheckRecipient at RCPT, so the rules are the same.

// DefaultInboundMaxSize is the largest message taken while the
// inbound-max-size setting is unset: 10 MB.
const DefaultInboundMaxSize int64 = 10 << 20

// MaxInboundRecipients is how many recipients one message may have.
const MaxInboundRecipients = 50

// InboundReason is why a message was refused.
type InboundReason string

const (
	// RefusedNotConfigured: the desk has no inbound address yet; a sender
	// should try again later (temporary).
	RefusedNotConfigured InboundReason = "not-configured"
	RefusedRelay         InboundReason = "relay"      // a recipient that is not the desk's
	RefusedRecipients    InboundReason = "recipients" // more than MaxInboundRecipients
	RefusedSize          InboundReason = "size"       // over the size limit
	RefusedInvalid       InboundReason = "invalid"    // not a mail the desk can read or answer
	RefusedLoop          InboundReason = "loop"       // sent by the desk's own address
)

// InboundError is a refused message: one sentence for the sender (or the
// MTA's log) and the reason, which the listener turns into an SMTP code.
type InboundError struct {
	Reason InboundReason
	Msg    string
}

func (e *InboundError) Error() string { return e.Msg }

// Temporary reports whether the sender should try again later.
func (e *InboundError) Temporary() bool { return e.Reason == RefusedNotConfigured }

func inboundInvalid(format string, args ...any) error {
	return &InboundError{Reason: RefusedInvalid, Msg: fmt.Sprintf(format, args...)}
}

// InboundSizeError is the refusal of a message over limit bytes.
func InboundSizeError(limit int64) *InboundError {
	return &InboundError{Reason: RefusedSize, Msg: fmt.Sprintf("the message is larger than this desk's limit of %s (inbound-max-size)", FormatSize(limit))}
}

// Received says what the desk did with a message.
type Received struct {
	ConvID          ID
	Seq             int  // the message's position in the conversation
	NewConversation bool // the mail opened the conversation
	UserID          ID   // the sender
	UserCreated     bool // the sender was unknown: a pending user was made
	Flag            string
	Attachments     int
	// Ignored says why nothing was stored (a loop, a mail received
	// before, automatic mail from an unknown address); empty when the
	// message was stored.
	Ignored string
}

// String words the outcome in one sentence.
func (r Received) String() string {
	if r.Ignored != "" {
		return "Not stored: " + r.Ignored + "."
	}
	var b strings.Builder
	if r.NewConversation {
		fmt.Fprintf(&b, "Stored as conversation %d", r.ConvID)
	} else {
		fmt.Fprintf(&b, "Stored as message %d of conversation %d", r.Seq, r.ConvID)
	}
	if r.UserCreated {
		fmt.Fprintf(&b, ", from new pending user %d", r.UserID)
	}
	if r.Attachments > 0 {
		fmt.Fprintf(&b, ", with %d attachment(s)", r.Attachments)
	}
	if r.Flag != "" {
		fmt.Fprintf(&b, "; flagged: %s", r.Flag)
	}
	return b.String() + "."
}

// Message flags an agent sees on a customer's message.
const (
	FlagSenderDisabled = "sender is disabled"
	FlagAutoReply      = "auto-reply"
	FlagBounce         = "delivery report"
	FlagOtherSender    = "from another address than the requester's"
)

func (s Settings) inboundMax() int64 {
	if s.InboundMaxSize > 0 {
		return s.InboundMaxSize
	}
	return DefaultInboundMaxSize
}

// isDeskAddress reports whether an address is one of the desk's own.
func (s Settings) isDeskAddress(e Email) bool {
	for _, a := range s.InboundAddresses {
		if k, err := ParseEmail(a); err == nil && k.Key == e.Key {
			return true
		}
	}
	return false
}

func parseInboundAddresses(v string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		e, err := ParseEmail(f)
		if err != nil {
			return nil, invalid(SettingInboundAddress, "%q is not an email address: %v", f, err)
		}
		if !slices.ContainsFunc(out, func(a string) bool { k, _ := ParseEmail(a); return k.Key == e.Key }) {
			out = append(out, e.Address)
		}
	}
	return out, nil
}

func parseInboundMaxSize(v string) (int64, error) {
	v = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
	if v == "" {
		return 0, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if s, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = s, u.m
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, invalid(SettingInboundMaxSize, "give a size such as 10MB, 512KB or 1000000")
	}
	if n*mult < 1<<10 || n*mult > 1<<30 {
		return 0, invalid(SettingInboundMaxSize, "must be between 1KB and 1024MB")
	}
	return n * mult, nil
}

// FormatSize words a byte count as the settings take it: "10MB", "512KB",
// or bytes.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return strconv.FormatInt(n, 10)
}

// InboundMaxSize is the largest message the desk takes now, for the SMTP
// listener to advertise.
func (d *Desk) InboundMaxSize() (int64, error) {
	s, err := d.DeskSettings()
	return s.inboundMax(), err
}

// InboundReady refuses, as temporary, while the desk has no inbound
// address: a sender should try again later.
func (d *Desk) InboundReady() error {
	s, err := d.DeskSettings()
	if err != nil {
		return err
	}
	if len(s.InboundAddresses) == 0 {
		return checkRecipient(s, "")
	}
	return nil
}

// CheckRecipient says whether the desk takes mail for an address: one of
// the inbound addresses (no relaying), and only once any is configured.
func (d *Desk) CheckRecipient(addr string) error {
	s, err := d.DeskSettings()
	if err != nil {
		return err
	}
	return checkRecipient(s, addr)
}

func checkRecipient(s Settings, addr string) error {
	if len(s.InboundAddresses) == 0 {
		return &InboundError{Reason: RefusedNotConfigured, Msg: "this desk takes no mail yet: no inbound-address is set"}
	}
	e, err := ParseEmail(addr)
	if err != nil || !s.isDeskAddress(e) {
		return &InboundError{Reason: RefusedRelay, Msg: fmt.Sprintf("%s is not an address of this desk, which relays no mail", strings.TrimSpace(addr))}
	}
	return nil
}

// ReceiveMail takes one message, as the mailer read it, for the envelope
// recipients rcpts (none: the message's To and Cc must name a desk
// address). It refuses, with an *InboundError, what the desk must not
// take: no inbound address set, a recipient that is not the desk's, more
// than 50 recipients, a message over the size limit or with more than 100
// attachments, one without a sender it can answer, one from the desk's
// own address. Otherwise, in one transaction:
//
//   - a Message-ID the desk sent is a loop and one received before a
//     repeated delivery: both are dropped (Ignored says so);
//   - automatic mail (a bounce or an auto-reply) never makes a user: from
//     an address the desk does not know it is dropped (Ignored says so)
//     unless it answers a conversation, where it is stored under its
//     address;
//   - a reply whose In-Reply-To, else a References entry, names a
//     Message-ID of a conversation is appended to it as the customer's
//     message, the quoted earlier text cut into Quoted; a sender other than
//     the requester is flagged, not turned away;
//   - else the mail opens a new conversation; an unknown sender becomes a
//     pending user first (organization by the email's domain);
//   - a disabled sender, an auto-reply and a bounce are stored and
//     flagged.
//
// Nothing is ever mailed back: the desk sends no automatic answer.
func (d *Desk) ReceiveMail(ctx context.Context, rcpts []string, m InboundMail) (Received, error) {
	s, err := d.DeskSettings()
	if err != nil {
		return Received{}, err
	}
	if len(s.InboundAddresses) == 0 {
		return Received{}, checkRecipient(s, "")
	}
	if len(rcpts) > MaxInboundRecipients {
		return Received{}, &InboundError{Reason: RefusedRecipients, Msg: fmt.Sprintf("the message has %d recipients; the desk takes at most %d", len(rcpts), MaxInboundRecipients)}
	}
	for _, a := range rcpts {
		if err := checkRecipient(s, a); err != nil {
			return Received{}, err
		}
	}
	if limit := s.inboundMax(); m.Size > limit {
		return Received{}, InboundSizeError(limit)
	}
	if len(m.Attachments) > maxAttachments {
		return Received{}, inboundInvalid("the message carries more than %d attachments", maxAttachments)
	}
	if err := ctx.Err(); err != nil {
		return Received{}, err
	}
	if len(rcpts) == 0 && !slices.ContainsFunc(m.AddressedTo, func(a string) bool { return checkRecipient(s, a) == nil }) {
		return Received{}, &InboundError{Reason: RefusedRelay, Msg: fmt.Sprintf("the message is not addressed to this desk: its To and Cc name none of %s", strings.Join(s.InboundAddresses, ", "))}
	}
	from, err := ParseEmail(m.From)
	if err != nil {
		return Received{}, inboundInvalid("the sender %q is not an address the desk can answer", m.From)
	}
	if s.isDeskAddress(from) {
		return Received{}, &InboundError{Reason: RefusedLoop, Msg: fmt.Sprintf("the message is from %s, the desk's own address: a mail loop", from.Address)}
	}
	body, quoted := splitQuoted(cleanInboundText(m.Text, maxConvBody))
	if body == "" {
		body = "(no text)"
	}
	subject := cleanInboundText(m.Subject, maxSubject)
	subject = strings.Join(strings.Fields(subject), " ")
	if subject == "" {
		subject = "(no subject)"
	}
	atts := make([]Attachment, len(m.Attachments))
	for i, a := range m.Attachments {
		ctype := strings.ToLower(strings.TrimSpace(a.Type))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		atts[i] = Attachment{Name: attachmentName(a.Name, ctype, i+1), Type: ctype, Size: int64(len(a.Data))}
	}
	msgID := ""
	if m.MessageID != "" {
		msgID = "<" + m.MessageID + ">"
	}

	var res Received
	err = d.update(func(tx Tx, c *commit) error {
		res = Received{}
		if msgID != "" {
			conv, fromDesk, err := tx.MailID(msgID)
			switch {
			case err == nil && fromDesk:
				res.ConvID, res.Ignored = conv, fmt.Sprintf("its Message-ID %s is one the desk sent (conversation %d): a mail loop", msgID, conv)
				return nil
			case err == nil:
				res.ConvID, res.Ignored = conv, fmt.Sprintf("a message with Message-ID %s was received before (conversation %d)", msgID, conv)
				return nil
			case !IsNotFound(err):
				return err
			}
		}
		thread, err := findThread(tx, m)
		if err != nil {
			return err
		}
		now := d.clock()
		var u User
		var created bool
		if m.Bounce || m.AutoReply {
			// Automatic mail makes no user: a bounce or a responder is
			// not a customer. From an unknown address it is kept only on
			// the conversation it answers, under its address.
			switch id, err := tx.UserIDByEmail(from.Key); {
			case IsNotFound(err) && thread.ID == 0:
				what := "an auto-reply"
				if m.Bounce {
					what = "a delivery report (bounce)"
				}
				res.Ignored = fmt.Sprintf("it is %s from %s, an address the desk does not know, and answers no conversation", what, from.Address)
				return nil
			case IsNotFound(err):
				u = User{Email: from.Address}
			case err != nil:
				return err
			default:
				if u, err = tx.User(id); err != nil {
					return err
				}
			}
		} else if u, created, err = d.inboundSender(tx, c, from, m.FromName); err != nil {
			return err
		}
		var flags []string
		if u.State == StateDisabled {
			flags = append(flags, FlagSenderDisabled)
		}
		if m.AutoReply {
			flags = append(flags, FlagAutoReply)
		}
		if m.Bounce {
			flags = append(flags, FlagBounce)
		}
		if thread.ID != 0 && thread.RequesterID != u.ID {
			flags = append(flags, FlagOtherSender)
		}
		cm := CustomerMessage{Body: body, Via: "email", Quoted: quoted, MailMessageID: msgID, Attachments: atts, Flag: strings.Join(flags, "; ")}
		var conv Conversation
		var msg ConvMessage
		if thread.ID != 0 {
			thread.MailRefs = slices.Clone(thread.MailRefs)
			conv, msg, err = d.addCustomerMessage(tx, c, thread, u, cm, now)
		} else {
			conv, msg, err = d.newCustomerConversation(tx, c, u, subject, cm, now)
		}
		if err != nil {
			return err
		}
		if msgID != "" {
			// The desk's next reply answers this mail.
			conv.MailRefs = append(conv.MailRefs, msgID)
			if n := len(conv.MailRefs); n > maxThreadRefs-1 {
				conv.MailRefs = slices.Clone(conv.MailRefs[n-(maxThreadRefs-1):])
			}
			if err := tx.PutConversation(&conv); err != nil {
				return err
			}
			if err := tx.PutMailID(msgID, conv.ID, false); err != nil {
				return err
			}
		}
		for i, a := range m.Attachments {
			if err := tx.PutAttachment(conv.ID, msg.Seq, i+1, a.Data); err != nil {
				return err
			}
		}
		res = Received{ConvID: conv.ID, Seq: msg.Seq, NewConversation: thread.ID == 0, UserID: u.ID, UserCreated: created, Flag: cm.Flag, Attachments: len(atts)}
		return nil
	})
	return res, err
}

// findThread is the conversation a reply belongs to: the one whose
// Message-ID In-Reply-To names, else the newest References entry the desk
// knows (zero Conversation: none).
func findThread(tx Tx, m InboundMail) (Conversation, error) {
	ids := slices.Clone(m.InReplyTo)
	for i := len(m.References) - 1; i >= 0; i-- {
		ids = append(ids, m.References[i])
	}
	for _, id := range ids {
		conv, _, err := tx.MailID(id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return Conversation{}, err
		}
		c, err := tx.Conversation(conv)
		if IsNotFound(err) {
			continue
		}
		return c, err
	}
	return Conversation{}, nil
}

// inboundSender is the user a mail is from: the one with its address, or a
// new pending user made through the same path as an agent's (organization
// by the email's domain, no account mail), as the customer.
func (d *Desk) inboundSender(tx Tx, c *commit, from Email, name string) (User, bool, error) {
	id, err := tx.UserIDByEmail(from.Key)
	if err == nil {
		u, err := tx.User(id)
		return u, false, err
	}
	if !IsNotFound(err) {
		return User{}, false, err
	}
	in := UserInput{Email: from.Address, Name: name, Mail: string(MailNone)}
	f, err := validateInput(in)
	if err != nil {
		// A display name the profile rules refuse is left out.
		in.Name = ""
		if f, err = validateInput(in); err != nil {
			return User{}, false, err
		}
	}
	u, err := d.createUser(tx, c, customerActor(User{Email: from.Address}), f, in, "first mail to the desk")
	return u, true, err
}

// ConversationAttachment returns attachment n (1, 2, ... across the whole
// conversation, in the order its messages list them) and its bytes.
func (d *Desk) ConversationAttachment(convID ID, n int) (Attachment, []byte, error) {
	var att Attachment
	var data []byte
	err := d.store.View(func(tx Tx) error {
		if _, err := loadConv(tx, convID, 0); err != nil {
			return err
		}
		i := 0
		for m, err := range tx.ConvMessages(convID) {
			if err != nil {
				return err
			}
			for pos, a := range m.Attachments {
				if i++; i != n {
					continue
				}
				b, err := tx.Attachment(convID, m.Seq, pos+1)
				if IsNotFound(err) {
					return notFound("the bytes of attachment %d of conversation %d are missing; run helpdesk check", n, convID)
				}
				if err != nil {
					return err
				}
				att, data = a, bytes.Clone(b)
				return nil
			}
		}
		if i == 0 {
			return notFound("conversation %d has no attachments", convID)
		}
		return notFound("conversation %d has %d attachment(s); there is no attachment %d", convID, i, n)
	})
	return att, data, err
}

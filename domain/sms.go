package domain

import (
	"net"
	"net/url"
	"strings"
	"unicode/utf16"
)

// SMS: a message whose recipient chose SMS for its event goes through the
// same outbox, claims and retries as mail, with the channel sms, To the
// recipient's E.164 phone and, once composed for sending, a text cut to
// SMSMaxSegments segments with its link kept whole. The gateway's address,
// account and sender are desk settings; its token belongs to the process
// that sends (never stored).

// SMS setting keys, as `helpdesk config set KEY VALUE` names them.
const (
	SettingSMSURL     = "sms-url"
	SettingSMSAccount = "sms-account"
	SettingSMSFrom    = "sms-from"
)

// smsSettingKeys are the SMS keys in the order screens show them.
var smsSettingKeys = []string{SettingSMSURL, SettingSMSAccount, SettingSMSFrom}

// SMSGateway is where a message composed for SMS goes: the gateway's base
// URL and the account its messages are posted under, from the settings in
// force when it was claimed. It rides only on the composed copy.
type SMSGateway struct {
	URL     string
	Account string
}

// SMSMaxSegments is how many segments one SMS may take.
const SMSMaxSegments = 3

// SMSMissing lists the SMS settings that are not set, by key: a desk with
// any of them missing sends no SMS (they stay queued).
func (s Settings) SMSMissing() []string {
	var out []string
	for _, k := range smsSettingKeys {
		if s.smsValue(k) == "" {
			out = append(out, k)
		}
	}
	return out
}

func (s Settings) smsValue(key string) string {
	switch key {
	case SettingSMSURL:
		return s.SMSURL
	case SettingSMSAccount:
		return s.SMSAccount
	case SettingSMSFrom:
		return s.SMSFrom
	}
	return ""
}

func smsSettingHelp(key string) string {
	switch key {
	case SettingSMSURL:
		return "base URL of the SMS gateway (Twilio's API shape), e.g. https://api.twilio.com; the token comes from HELPDESK_SMS_TOKEN or HELPDESK_SMS_TOKEN_FILE"
	case SettingSMSAccount:
		return "account SID at the SMS gateway (the basic-auth user name)"
	case SettingSMSFrom:
		return "sender of the desk's SMS: an E.164 number such as +15017122661"
	}
	return ""
}

// setSMS checks and sets one SMS setting; an empty value unsets it.
func (s *Settings) setSMS(key, value string) error {
	switch key {
	case SettingSMSURL:
		if value != "" {
			if err := ValidateSMSURL(value); err != nil {
				return err
			}
		}
		s.SMSURL = strings.TrimRight(value, "/")
	case SettingSMSAccount:
		if value != "" && (len(value) > 64 || strings.IndexFunc(value, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
		}) >= 0) {
			return invalid(key, "%q is not an account id: use the gateway's account SID (letters, digits, - _ .; at most 64)", value)
		}
		s.SMSAccount = value
	case SettingSMSFrom:
		if value != "" {
			n, err := E164(value)
			if err != nil {
				return invalid(key, "%q is not an E.164 number such as +15017122661", value)
			}
			value = n
		}
		s.SMSFrom = value
	}
	return nil
}

// ValidateSMSURL refuses a gateway URL the token must not be sent to: it
// must be https (plain http only to this machine, for a local relay or a
// test), with no query, fragment or user info.
func ValidateSMSURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return invalid(SettingSMSURL, "%q is not an https URL such as https://api.twilio.com", s)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return invalid(SettingSMSURL, "%q is plain http: the gateway's token would cross the network unencrypted; use https (http only to 127.0.0.1, ::1 or localhost)", s)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// routeMessage points a message at the channel its recipient chose for its
// event now: SMS to the E.164 phone, else email to the address. A message
// to an address only (a self-signup) stays email. A recipient who chose
// SMS without a usable phone, or no notification at all, is left for
// mailBlock to cancel with the reason.
func routeMessage(tx Tx, m *OutboxMessage) error {
	if m.UserID == 0 {
		return nil
	}
	u, err := tx.User(m.UserID)
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	switch u.Channel(m.Event) {
	case ChannelSMS:
		if phone, err := E164(u.Phone); err == nil {
			m.Channel, m.To = ChannelSMS, phone
		}
	case ChannelEmail:
		if m.Channel == ChannelSMS {
			m.Channel, m.To = "", u.Email
		}
	}
	return nil
}

// SMSNotSent words why a queued SMS waits in a process that cannot send
// it: the settings (by key) and the token that are missing, as in "not
// sent: SMS needs sms-url, HELPDESK_SMS_TOKEN".
func SMSNotSent(missing []string) string {
	return "not sent: SMS needs " + strings.Join(missing, ", ")
}

// gsm7 is the GSM 03.38 default alphabet (one septet each) and gsm7Ext its
// extension table (an escape plus one septet: two each).
const (
	gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Ext = "^{}\\[~]|€\f"
)

// smsIsGSM7 reports whether every character of s is in the GSM-7 alphabet
// (with its extension); otherwise the SMS goes as UCS-2.
func smsIsGSM7(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(gsm7, r) && !strings.ContainsRune(gsm7Ext, r) {
			return false
		}
	}
	return true
}

// SMSSegments is how many segments s takes and whether it goes as UCS-2:
// GSM-7 holds 160 septets in one segment, 153 in each part of a longer
// message (an extension character takes two and is not split); UCS-2
// holds 70 UTF-16 units in one, 67 in each part (a surrogate pair is not
// split). The empty text is one segment.
func SMSSegments(s string) (segments int, ucs2 bool) {
	ucs2 = !smsIsGSM7(s)
	single, part := 160, 153
	if ucs2 {
		single, part = 70, 67
	}
	cost := func(r rune) int {
		if ucs2 {
			return utf16.RuneLen(r)
		}
		if strings.ContainsRune(gsm7Ext, r) {
			return 2
		}
		return 1
	}
	total := 0
	for _, r := range s {
		total += cost(r)
	}
	if total <= single {
		return 1, ucs2
	}
	segments, used := 1, 0
	for _, r := range s {
		c := cost(r)
		if used+c > part {
			segments, used = segments+1, 0
		}
		used += c
	}
	return segments, ucs2
}

// SMSText reduces a message's text to what an SMS carries: each paragraph
// (lines up to a blank line) on one line, its line breaks and runs of
// spaces made single spaces, blank lines dropped, line ends as \n. A
// template's hard-wrapped paragraphs take no room for their wrapping.
func SMSText(text string) string {
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", " ").Replace(text)
	var paras, para []string
	flush := func() {
		if len(para) > 0 {
			paras = append(paras, strings.Join(para, " "))
			para = nil
		}
	}
	for l := range strings.SplitSeq(text, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l == "" {
			flush()
			continue
		}
		para = append(para, l)
	}
	flush()
	return strings.Join(paras, "\n")
}

// FitSMS cuts text to at most max segments, keeping link (when text holds
// it) whole: the text after the link is shortened first, then the text
// before it (from its start, so the words that lead to the link stay);
// where text was cut an ellipsis marks it: "…" in a UCS-2 message, "..." in
// a GSM-7 one (where "…" would turn the whole message into UCS-2 and
// halve its room). Cuts fall between words where there is one. A link
// longer than max segments on its own is sent alone, whole.
func FitSMS(text, link string, max int) string {
	fits := func(s string) bool { n, _ := SMSSegments(s); return n <= max }
	if fits(text) {
		return text
	}
	ell := "..."
	if _, ucs2 := SMSSegments(text); ucs2 {
		ell = "…"
	}
	i := -1
	if link != "" {
		i = strings.Index(text, link)
	}
	if i < 0 {
		// No link: keep the start.
		return keepLongest(text, func(s string) string { return s + ell }, fits, true)
	}
	pre, post := text[:i], text[i+len(link):]
	if s := keepLongest(post, func(p string) string { return pre + link + p + ell }, fits, true); s != "" {
		return s
	}
	after := ""
	if strings.TrimSpace(post) != "" {
		after = ell
	}
	if s := keepLongest(pre, func(p string) string { return ell + p + link + after }, fits, false); s != "" {
		return s
	}
	if fits(ell + link + after) {
		return ell + link + after
	}
	return link
}

// keepLongest keeps as much of part as fits (its start when head, else its
// end), cut between words where it can, and returns wrap of it; "" when
// even nothing of part fits.
func keepLongest(part string, wrap func(string) string, fits func(string) bool, head bool) string {
	runes := []rune(part)
	cut := func(n int) string {
		if head {
			return string(runes[:n])
		}
		return string(runes[len(runes)-n:])
	}
	// The longest n whose cut fits: more text never takes fewer segments.
	lo, hi := -1, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if mid >= 0 && fits(wrap(cut(mid))) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo < 0 {
		return ""
	}
	kept := cut(lo)
	// Between words: drop a partial word at the cut, unless the kept text
	// is a single word.
	if head {
		if lo < len(runes) && !isSpace(runes[lo]) {
			if j := strings.LastIndexAny(kept, " \n"); j > 0 {
				kept = kept[:j]
			}
		}
		kept = strings.TrimRight(kept, " \n")
	} else {
		if start := len(runes) - lo; start > 0 && !isSpace(runes[start-1]) {
			if j := strings.IndexAny(kept, " \n"); j >= 0 && j < len(kept)-1 {
				kept = kept[j+1:]
			}
		}
		kept = strings.TrimLeft(kept, " \n")
	}
	return wrap(kept)
}

func isSpace(r rune) bool { return r == ' ' || r == '\n' }

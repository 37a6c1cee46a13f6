package domain

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Settings are the desk's own settings, stored in the database so every
// process serving the desk (console, SSH host, portal, mail worker) uses the
// same ones. A process's flags and environment override them for that
// process only (MailConfig).
type Settings struct {
	// BaseURL is the portal's public URL ("https://desk.example.com"); the
	// links in mail are built on it when the mail is sent.
	BaseURL string `json:"base_url,omitempty"`
	// DeskName is {DESK_NAME} in mail and the portal's title.
	DeskName string `json:"desk_name,omitempty"`
	// From is the sender of the desk's mail, "Support <support@example.com>".
	From string `json:"from,omitempty"`
	// SMSURL, SMSAccount and SMSFrom are the SMS gateway (Twilio's API
	// shape): its base URL, the account messages are posted under, and the
	// sender number. The token is not stored: it comes from the sending
	// process's environment.
	SMSURL     string `json:"sms_url,omitempty"`
	SMSAccount string `json:"sms_account,omitempty"`
	SMSFrom    string `json:"sms_from,omitempty"`
	// SelfSignup lets customers create their own accounts on the portal.
	SelfSignup bool `json:"self_signup,omitempty"`
	// SignupParent is the organization that organizations created by
	// self-signup go under (0: top level).
	SignupParent ID `json:"signup_parent,omitempty"`
	// DefaultTemplates names, per event, the template the desk uses.
	DefaultTemplates map[MailEvent]string `json:"default_templates,omitempty"`
	// TokenTTL is how long a link works; zero means DefaultTokenTTL.
	TokenTTL time.Duration `json:"token_ttl,omitempty"`
	// Language is the desk's default language (a BCP 47 tag): mail goes
	// out in it when the customer has no language of their own, or one the
	// template has no translation for, and the portal speaks it to a
	// visitor whose language it has no catalogue for.
	Language string `json:"language,omitempty"`
	// InboundAddresses are the desk's own addresses: the only recipients
	// inbound mail is taken for (none: the desk takes no mail).
	InboundAddresses []string `json:"inbound_addresses,omitempty"`
	// InboundMaxSize is the largest inbound message taken, in bytes; zero
	// means DefaultInboundMaxSize.
	InboundMaxSize int64 `json:"inbound_max_size,omitempty"`

	Version   uint64    `json:"version,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

func (s Settings) ttl() time.Duration {
	if s.TokenTTL <= 0 {
		return DefaultTokenTTL
	}
	return s.TokenTTL
}

func (s Settings) template(e MailEvent) string {
	if n := s.DefaultTemplates[e]; n != "" {
		return n
	}
	return string(e)
}

// Setting keys, as `helpdesk config set KEY VALUE` and the console's
// settings screen name them.
const (
	SettingBaseURL         = "base-url"
	SettingDeskName        = "desk-name"
	SettingFrom            = "from"
	SettingSelfSignup      = "self-signup"
	SettingSignupParent    = "signup-parent"
	SettingTemplatePrefix  = "default-template."
	SettingLanguage        = "language"
	SettingInboundAddress  = "inbound-address"
	SettingInboundMaxSize  = "inbound-max-size"
	defaultDeskName        = "Helpdesk"
	defaultPortalURL       = "http://localhost:8080"
	maxDeskName            = 100
	settingsSubjectDisplay = "desk settings"
)

// SettingKeys lists every key in the order screens show them.
func SettingKeys() []string {
	keys := []string{SettingBaseURL, SettingDeskName, SettingFrom, SettingSelfSignup, SettingSignupParent}
	for _, e := range MailEvents {
		keys = append(keys, SettingTemplatePrefix+string(e))
	}
	keys = append(keys, smsSettingKeys...)
	return append(keys, SettingLanguage, SettingInboundAddress, SettingInboundMaxSize)
}

// SettingHelp says in a few words what a key is for.
func SettingHelp(key string) string {
	if h := smsSettingHelp(key); h != "" {
		return h
	}
	switch key {
	case SettingBaseURL:
		return "the portal's public URL; mailed links start with it"
	case SettingDeskName:
		return "the desk's name in mail ({DESK_NAME}) and on the portal"
	case SettingFrom:
		return `sender of the desk's mail, e.g. "Support <support@example.com>"`
	case SettingSelfSignup:
		return "on: customers may create accounts on the portal; off (default): only agents create them"
	case SettingSignupParent:
		return "organization that organizations created by self-signup go under"
	case SettingLanguage:
		return "default language of mail and portal (e.g. de) for customers who have none"
	case SettingInboundAddress:
		return `the desk's own addresses inbound mail is taken for, comma-separated ("support@example.com,help@example.com")`
	case SettingInboundMaxSize:
		return `largest inbound message taken, in bytes or with KB or MB ("10MB")`
	}
	if e, ok := strings.CutPrefix(key, SettingTemplatePrefix); ok {
		return "template used for " + e + " mail"
	}
	return ""
}

// SettingDefault words what applies while a key is unset, for screens and
// commands: "http://localhost:8080", "Helpdesk", "none", "off", "top
// level", or the event's own template.
func SettingDefault(key string) string {
	switch key {
	case SettingSMSURL, SettingSMSAccount, SettingSMSFrom:
		return "none: no SMS is sent"
	case SettingBaseURL:
		return defaultPortalURL
	case SettingDeskName:
		return defaultDeskName
	case SettingFrom:
		return "none"
	case SettingSelfSignup:
		return "off"
	case SettingSignupParent:
		return "none, top level"
	case SettingLanguage:
		return "none: templates as written, portal in English"
	case SettingInboundAddress:
		return "none: no mail is taken"
	case SettingInboundMaxSize:
		return FormatSize(DefaultInboundMaxSize)
	}
	if e, ok := strings.CutPrefix(key, SettingTemplatePrefix); ok {
		return e
	}
	return ""
}

// SettingValue is a key's value as `config show` prints it ("" when unset).
// names resolves the signup parent's id to its name.
func (s Settings) SettingValue(key string, names func(ID) string) string {
	switch key {
	case SettingSMSURL, SettingSMSAccount, SettingSMSFrom:
		return s.smsValue(key)
	case SettingBaseURL:
		return s.BaseURL
	case SettingDeskName:
		return s.DeskName
	case SettingFrom:
		return s.From
	case SettingSelfSignup:
		if s.SelfSignup {
			return "on"
		}
		return "off"
	case SettingSignupParent:
		if s.SignupParent == 0 {
			return ""
		}
		return names(s.SignupParent)
	case SettingLanguage:
		return s.Language
	case SettingInboundAddress:
		return strings.Join(s.InboundAddresses, ",")
	case SettingInboundMaxSize:
		if s.InboundMaxSize == 0 {
			return ""
		}
		return FormatSize(s.InboundMaxSize)
	}
	if e, ok := strings.CutPrefix(key, SettingTemplatePrefix); ok {
		return s.template(MailEvent(e))
	}
	return ""
}

// DeskSettings returns the stored settings.
func (d *Desk) DeskSettings() (Settings, error) {
	var s Settings
	err := d.store.View(func(tx Tx) error {
		var err error
		s, err = tx.Settings()
		return err
	})
	return s, err
}

// SetSetting changes one stored setting after checking its value; an empty
// value unsets it (back to the default). It needs the templates permission
// ("manage templates and settings") and is audited as settings.set.
func (d *Desk) SetSetting(actor Actor, key, value string) (Settings, error) {
	if err := actor.require(PermTemplates); err != nil {
		return Settings{}, err
	}
	key = strings.ToLower(strings.TrimSpace(key))
	value = strings.TrimSpace(value)
	if !slices.Contains(SettingKeys(), key) {
		return Settings{}, invalid("key", "%q is not a setting; use one of %s", key, strings.Join(SettingKeys(), ", "))
	}
	var s Settings
	err := d.update(func(tx Tx, c *commit) error {
		before, err := tx.Settings()
		if err != nil {
			return err
		}
		s = before
		names := orgNamer(tx)
		switch key {
		case SettingSMSURL, SettingSMSAccount, SettingSMSFrom:
			if err := s.setSMS(key, value); err != nil {
				return err
			}
		case SettingBaseURL:
			if value != "" {
				if err := ValidatePortalURL(value); err != nil {
					return err
				}
			}
			s.BaseURL = strings.TrimRight(value, "/")
		case SettingDeskName:
			if len(value) > maxDeskName || strings.IndexFunc(value, unicode.IsControl) >= 0 {
				return invalid(key, "must be one line of at most %d characters", maxDeskName)
			}
			s.DeskName = value
		case SettingFrom:
			if value != "" {
				if err := validateFrom(value); err != nil {
					return err
				}
			}
			s.From = value
		case SettingSelfSignup:
			switch strings.ToLower(value) {
			case "on", "yes", "true", "1":
				s.SelfSignup = true
			case "off", "no", "false", "0", "":
				s.SelfSignup = false
			default:
				return invalid(key, "%q is not on or off", value)
			}
		case SettingSignupParent:
			if value == "" {
				s.SignupParent = 0
				break
			}
			o, err := orgByName(tx, key, value)
			if err != nil {
				return err
			}
			s.SignupParent = o.ID
		case SettingLanguage:
			if s.Language, err = ParseLanguage(value); err != nil {
				return err
			}
		case SettingInboundAddress:
			if s.InboundAddresses, err = parseInboundAddresses(value); err != nil {
				return err
			}
		case SettingInboundMaxSize:
			if s.InboundMaxSize, err = parseInboundMaxSize(value); err != nil {
				return err
			}
		default:
			event, err := ParseMailEvent(strings.TrimPrefix(key, SettingTemplatePrefix))
			if err != nil {
				return err
			}
			if s.DefaultTemplates == nil {
				s.DefaultTemplates = map[MailEvent]string{}
			} else {
				s.DefaultTemplates = maps(s.DefaultTemplates)
			}
			if value == "" {
				delete(s.DefaultTemplates, event)
				break
			}
			t, err := templateByName(tx, strings.ToLower(value))
			if err != nil {
				return err
			}
			if t.Event != event {
				return invalid(key, "template %s is for %s mail, not %s", t.Name, t.Event, event)
			}
			s.DefaultTemplates[event] = t.Name
		}
		oldV, newV := before.SettingValue(key, names), s.SettingValue(key, names)
		if oldV == newV {
			return nil
		}
		now := d.clock()
		s.Version, s.UpdatedAt, s.UpdatedBy = before.Version+1, now, actor.String()
		if err := tx.PutSettings(s); err != nil {
			return err
		}
		c.event("settings", 0)
		return audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "settings.set", Subject: settingsSubjectDisplay,
			Changes: []Change{{Field: key, Before: oldV, After: newV}}})
	})
	return s, err
}

func maps(m map[MailEvent]string) map[MailEvent]string {
	out := make(map[MailEvent]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// validateFrom accepts "Name <addr@example.com>" or a bare address.
func validateFrom(s string) error {
	addr := s
	if i, j := strings.LastIndex(s, "<"), strings.LastIndex(s, ">"); i >= 0 && j > i {
		addr = s[i+1 : j]
	}
	if _, err := ParseEmail(addr); err != nil || strings.ContainsAny(s, "\r\n") {
		return invalid(SettingFrom, "%q is not a sender such as \"Support <support@example.com>\"", s)
	}
	return nil
}

// ValidatePortalURL refuses a portal URL that would not give customers a
// working https (or local http) link.
func ValidatePortalURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
		return invalid(SettingBaseURL, "%q is not an http(s) URL such as https://desk.example.com", s)
	}
	return nil
}

// ValidateBaseURL is ValidatePortalURL for the --base-url flag, which
// (before the portal existed) also took the set-password page with a query.
func ValidateBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return invalid("base URL", "%q is not an http(s) URL such as https://desk.example.com", s)
	}
	return nil
}

// MailConfig is this process's override of the stored settings, from its
// flags and environment. Empty fields defer to the settings.
type MailConfig struct {
	DeskName string
	// BaseURL is the portal's URL (or, as before the portal, its
	// set-password page, possibly ending in "token=").
	BaseURL string
	From    string
	// FallbackBaseURL is used when neither the override nor the settings
	// name a portal URL: a process serving the portal sets it to its own
	// address, so a demo's links work.
	FallbackBaseURL string
}

// WithMailConfig sets this process's overrides of the desk settings.
func WithMailConfig(c MailConfig) Option { return func(d *Desk) { d.mail = c } }

// mailSettings is what mail is composed with: the override, else the
// stored settings, else the defaults.
type mailSettings struct {
	deskName, base, from string
}

func (d *Desk) mailSettings(s Settings) mailSettings {
	m := mailSettings{deskName: defaultDeskName, base: defaultPortalURL}
	switch {
	case d.mail.DeskName != "":
		m.deskName = d.mail.DeskName
	case s.DeskName != "":
		m.deskName = s.DeskName
	}
	switch {
	case d.mail.BaseURL != "":
		m.base = d.mail.BaseURL
	case s.BaseURL != "":
		m.base = s.BaseURL
	case d.mail.FallbackBaseURL != "":
		m.base = d.mail.FallbackBaseURL
	}
	m.from = d.mail.From
	if m.from == "" {
		m.from = s.From
	}
	return m
}

// link is the portal page for a token: base + "/set-password?token=". A
// base given the old way (a set-password page, or ending in "=") is kept.
func (m mailSettings) link(token string) string {
	base := m.base
	switch {
	case strings.HasSuffix(base, "="):
		return base + token
	case strings.Contains(base, "?"):
		return base + "&token=" + token
	case strings.HasSuffix(strings.TrimRight(base, "/"), "/set-password"):
		return strings.TrimRight(base, "/") + "?token=" + token
	}
	return strings.TrimRight(base, "/") + "/set-password?token=" + token
}

// PortalURL is the portal's public address as mail links to it, for
// messages such as "customers sign in at …".
func (d *Desk) PortalURL() string {
	s, _ := d.DeskSettings()
	m := d.mailSettings(s)
	if u, err := url.Parse(m.base); err == nil && u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	return m.base
}

// DeskName is the desk's name as customers see it.
//
// When the settings cannot be read it returns the error with the name this
// process would use without them (its override, else the default), for a
// page that must still be drawn, such as the error page.
func (d *Desk) DeskName() (string, error) {
	s, err := d.DeskSettings()
	return d.mailSettings(s).deskName, err
}

// messageDomain is the right-hand side of our Message-IDs.
func (m mailSettings) messageDomain() string {
	if u, err := url.Parse(m.base); err == nil && u.Hostname() != "" {
		// A Message-ID is ASCII only: a Unicode host goes in its IDNA form.
		if h, err := NormalizeDomain(u.Hostname()); err == nil {
			return h
		}
	}
	return "helpdesk.invalid"
}

func (s Settings) String() string {
	return fmt.Sprintf("settings v%d", s.Version)
}

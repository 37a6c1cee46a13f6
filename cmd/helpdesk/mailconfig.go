package main

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/spf13/pflag"

	"helpdesk/domain"
	"helpdesk/mailer"
)

// The SMTP transport's configuration comes from flags or the environment,
// the flag winning. It is not stored: the SMTP password in particular never
// reaches the database, a flag, or the process list. The desk's name, link
// base and sender are desk settings, stored in the database (helpdesk
// config set); their flags and variables override them for one process.
const (
	envSMTPHost     = "HELPDESK_SMTP_HOST"
	envSMTPPort     = "HELPDESK_SMTP_PORT"
	envSMTPUsername = "HELPDESK_SMTP_USERNAME"
	envSMTPPassword = "HELPDESK_SMTP_PASSWORD"
	envSMTPTLS      = "HELPDESK_SMTP_TLS"
	envSMTPCAFile   = "HELPDESK_SMTP_CA_FILE"
	envFrom         = "HELPDESK_FROM"
	envBaseURL      = "HELPDESK_BASE_URL"
	envDeskName     = "HELPDESK_DESK_NAME"
	// The SMS gateway's token, like the SMTP password, comes only from the
	// environment or a file the environment names: never a flag, never
	// the database. The gateway's URL, account and sender are desk
	// settings (sms-url, sms-account, sms-from).
	envSMSToken     = "HELPDESK_SMS_TOKEN"
	envSMSTokenFile = "HELPDESK_SMS_TOKEN_FILE"
)

// mailFlags holds the mail flags of one command line.
type mailFlags struct {
	smtpHost, smtpPort, smtpUsername, smtpTLS, smtpCAFile string
	passwordFile, from, baseURL, deskName                 string
	// passwordGiven catches --smtp-password and smsTokenGiven --sms-token:
	// they exist only to refuse a secret on the command line with a reason
	// instead of "unknown flag".
	passwordGiven string
	fs            *pflag.FlagSet
	smsTokenGiven string
}

func (a *app) mailFlags() *mailFlags { return &a.mail }

// registerMailFlags adds the mail flags as persistent flags of root, so the
// commands that queue mail (user add: desk name and link base) and those
// that send it (mail worker, mail test) read the same settings.
func (a *app) registerMailFlags(root *pflag.FlagSet) {
	f := a.mailFlags()
	f.fs = root
	root.StringVar(&f.smtpHost, "smtp-host", "", "SMTP server to send mail through (env "+envSMTPHost+"); without one, mail stays queued")
	root.StringVar(&f.smtpPort, "smtp-port", "", "SMTP port (env "+envSMTPPort+"; default 587 for starttls, 465 for tls, 25 for none)")
	root.StringVar(&f.smtpTLS, "smtp-tls", "", "starttls, tls or none (env "+envSMTPTLS+"; default starttls; none only for a loopback host)")
	root.StringVar(&f.smtpUsername, "smtp-username", "", "SMTP AUTH user name (env "+envSMTPUsername+"); the password comes from "+envSMTPPassword+" or --smtp-password-file")
	root.StringVar(&f.passwordFile, "smtp-password-file", "", "file holding the SMTP password (default: env "+envSMTPPassword+")")
	root.StringVar(&f.smtpCAFile, "smtp-ca-file", "", "PEM file of CA certificates to trust for the SMTP server instead of the system's (env "+envSMTPCAFile+")")
	root.StringVar(&f.from, "from", "", `sender of the desk's mail, e.g. "Support <support@example.com>"; overrides the desk setting from for this process (env `+envFrom+")")
	root.StringVar(&f.baseURL, "base-url", "", "the portal's public URL mailed links start with; overrides the desk setting base-url for this process (env "+envBaseURL+")")
	root.StringVar(&f.deskName, "desk-name", "", "the desk's name in mail, {DESK_NAME}; overrides the desk setting desk-name for this process (env "+envDeskName+")")
	root.StringVar(&f.passwordGiven, "smtp-password", "", "not accepted: use "+envSMTPPassword+" or --smtp-password-file")
	_ = root.MarkHidden("smtp-password")
	root.StringVar(&f.smsTokenGiven, "sms-token", "", "not accepted: use "+envSMSToken+" or "+envSMSTokenFile)
	_ = root.MarkHidden("sms-token")
}

// setting is one value and where it came from, so an error names what the
// agent has to fix.
type setting struct{ value, source string }

func (f *mailFlags) get(flag, value, env string) setting {
	if f.fs != nil && f.fs.Changed(flag) {
		return setting{strings.TrimSpace(value), "--" + flag}
	}
	if v, ok := os.LookupEnv(env); ok {
		return setting{strings.TrimSpace(v), env}
	}
	return setting{}
}

// deskMailConfig is this process's override of the desk settings: the
// desk's name, the link base and the sender, from flags or the environment.
// open() calls it for every command, so a bad value is refused before
// anything is queued or sent with it. Empty fields defer to the settings.
func (a *app) deskMailConfig() (domain.MailConfig, error) {
	f := a.mailFlags()
	if f.fs != nil && f.fs.Changed("smtp-password") {
		return domain.MailConfig{}, usagef("--smtp-password is not accepted: a password on the command line shows in the process list and the shell history; set %s or use --smtp-password-file", envSMTPPassword)
	}
	if f.fs != nil && f.fs.Changed("sms-token") {
		return domain.MailConfig{}, usagef("--sms-token is not accepted: a token on the command line shows in the process list and the shell history; set %s, or %s to a file holding it", envSMSToken, envSMSTokenFile)
	}
	var c domain.MailConfig
	if s := f.get("desk-name", f.deskName, envDeskName); s.value != "" {
		if len(s.value) > 100 || strings.IndexFunc(s.value, unicode.IsControl) >= 0 {
			return c, usagef("%s must be one line of at most 100 characters", s.source)
		}
		c.DeskName = s.value
	}
	if s := f.get("base-url", f.baseURL, envBaseURL); s.value != "" {
		if err := domain.ValidateBaseURL(s.value); err != nil {
			return c, usagef("%s: %v", s.source, err)
		}
		c.BaseURL = s.value
	}
	if s := f.get("from", f.from, envFrom); s.value != "" {
		if _, err := mailer.ParseFrom(s.value); err != nil {
			return c, usagef("%s: %v", s.source, err)
		}
		c.From = s.value
	}
	return c, nil
}

// smtpConfig is the transport configuration, or nil when no SMTP host is
// set: then mail stays queued ("not sent: no transport configured").
func (a *app) smtpConfig() (*mailer.SMTPConfig, error) {
	if _, err := a.deskMailConfig(); err != nil {
		return nil, err
	}
	f := a.mailFlags()
	host := f.get("smtp-host", f.smtpHost, envSMTPHost)
	if host.value == "" {
		return nil, nil
	}
	if strings.ContainsAny(host.value, " /@") {
		return nil, usagef("%s %q is not a host name or address", host.source, host.value)
	}
	if strings.Contains(host.value, ":") && net.ParseIP(strings.Trim(host.value, "[]")) == nil {
		return nil, usagef("%s %q: give the port separately, with --smtp-port or %s", host.source, host.value, envSMTPPort)
	}
	cfg := &mailer.SMTPConfig{Host: host.value}

	tlsMode := f.get("smtp-tls", f.smtpTLS, envSMTPTLS)
	mode, err := mailer.ParseTLSMode(tlsMode.value)
	if err != nil {
		return nil, usagef("%s: %v", tlsMode.source, err)
	}
	if mode == mailer.TLSNone && !mailer.IsLoopbackHost(cfg.Host) {
		return nil, usagef("%s is only allowed for a loopback host (127.0.0.1, ::1, localhost), not %s", tlsMode.show("none"), cfg.Host)
	}
	cfg.TLS = mode

	if p := f.get("smtp-port", f.smtpPort, envSMTPPort); p.value != "" {
		n, err := strconv.Atoi(p.value)
		if err != nil || n < 1 || n > 65535 {
			return nil, usagef("%s %q is not a port number between 1 and 65535", p.source, p.value)
		}
		cfg.Port = n
	}

	// The sender may come from the stored setting instead (withSender);
	// deskMailConfig above has checked one given here.
	cfg.From = f.get("from", f.from, envFrom).value

	cfg.Username = f.get("smtp-username", f.smtpUsername, envSMTPUsername).value
	if f.fs != nil && f.fs.Changed("smtp-password-file") {
		b, err := os.ReadFile(f.passwordFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read the SMTP password: %w", unwrapPath(err))
		}
		cfg.Password = strings.TrimRight(string(b), "\r\n")
		if cfg.Password == "" {
			return nil, usagef("--smtp-password-file %s is empty", f.passwordFile)
		}
	} else {
		cfg.Password = os.Getenv(envSMTPPassword)
	}
	switch {
	case cfg.Username != "" && cfg.Password == "":
		return nil, usagef("--smtp-username needs a password: set %s or use --smtp-password-file", envSMTPPassword)
	case cfg.Username == "" && cfg.Password != "":
		return nil, usagef("an SMTP password was given but no user name: add --smtp-username or set %s", envSMTPUsername)
	}

	if ca := f.get("smtp-ca-file", f.smtpCAFile, envSMTPCAFile); ca.value != "" {
		pem, err := os.ReadFile(ca.value)
		if err != nil {
			return nil, fmt.Errorf("cannot read the SMTP CA file: %w", unwrapPath(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usagef("%s %s holds no PEM certificate", ca.source, ca.value)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// show writes a setting the way the agent wrote it: "--smtp-tls none" or
// "HELPDESK_SMTP_TLS=none".
func (s setting) show(value string) string {
	if strings.HasPrefix(s.source, "--") {
		return s.source + " " + value
	}
	return s.source + "=" + value
}

// errNoSender is a transport with nowhere to take the sender from.
var errNoSender = usagef(`no sender: give --from "Support <support@example.com>", set %s, or run helpdesk config set from "Support <support@example.com>"`, envFrom)

// withSender completes a transport configuration without --from or
// HELPDESK_FROM with the desk's stored sender. Each message still carries
// the sender in force when it is sent (the desk composes it); this one is
// what the transport falls back on, and starting a worker with none
// anywhere is refused.
func withSender(cfg *mailer.SMTPConfig, desk *domain.Desk) error {
	if cfg.From != "" {
		return nil
	}
	s, err := desk.DeskSettings()
	if err != nil {
		return err
	}
	if s.From == "" {
		return errNoSender
	}
	if _, err := mailer.ParseFrom(s.From); err != nil {
		return usagef("the desk setting from: %v; change it with helpdesk config set from", err)
	}
	cfg.From = s.From
	return nil
}

// transport builds the SMTP transport, or says why there is none. Without
// a sender among the flags and the environment it reads the stored one.
func (a *app) transport() (*mailer.SMTP, error) {
	cfg, err := a.smtpConfig()
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, usagef("%v: give --smtp-host (or set %s) and --from", domain.ErrNoTransport, envSMTPHost)
	}
	if cfg.From == "" {
		if err := a.withDesk(func(s *session) error { return withSender(cfg, s.desk) }); err != nil {
			return nil, err
		}
	}
	t, err := mailer.NewSMTP(*cfg)
	if err != nil {
		return nil, usageError{err}
	}
	return t, nil
}

// smsToken is the SMS gateway's token from HELPDESK_SMS_TOKEN_FILE (a file
// holding it) or HELPDESK_SMS_TOKEN; "" when neither is set: then this
// process sends no SMS and they stay queued.
func smsToken() (string, error) {
	file, fromFile := os.LookupEnv(envSMSTokenFile)
	token, direct := os.LookupEnv(envSMSToken)
	switch {
	case fromFile && direct && file != "" && token != "":
		return "", usagef("both %s and %s are set: keep one", envSMSToken, envSMSTokenFile)
	case fromFile && file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("cannot read the SMS token (%s): %w", envSMSTokenFile, unwrapPath(err))
		}
		t := strings.TrimSpace(string(b))
		if t == "" {
			return "", usagef("%s names %s, which is empty; put the SMS gateway's token in it", envSMSTokenFile, file)
		}
		return t, nil
	}
	return strings.TrimSpace(token), nil
}

// smsTransport is the SMS transport of this process, or nil when it has no
// token.
func smsTransport() (*mailer.SMS, error) {
	token, err := smsToken()
	if err != nil || token == "" {
		return nil, err
	}
	return mailer.NewSMS(token, nil)
}

// notSent says why a queued message will not leave this process: for mail
// without SMTP, for SMS without the token or the SMS settings.
type notSent struct{ email, sms string }

func (n notSent) of(m domain.OutboxMessage) string {
	if m.Via() == domain.ChannelSMS {
		return n.sms
	}
	return n.email
}

// whyNotSent is notSent for this process and the desk's settings.
func (a *app) whyNotSent(d *domain.Desk) (notSent, error) {
	var n notSent
	if !a.hasTransport() {
		n.email = domain.ErrNoTransport.Error()
	}
	st, err := d.DeskSettings()
	if err != nil {
		return n, err
	}
	missing := st.SMSMissing()
	if t, err := smsToken(); err != nil || t == "" {
		missing = append(missing, envSMSToken)
	}
	if len(missing) > 0 {
		n.sms = domain.SMSNotSent(missing)
	}
	return n, nil
}

// workerRoute is what a worker of this process sends with: SMTP when it is
// configured (with a sender), SMS when the token is given, with what it
// sends through in full ("mail through host:port (TLS ...) as ...") and
// short ("host:port"). Neither is a usage error.
func (a *app) workerRoute() (r mailer.Route, says, short string, err error) {
	var long, brief []string
	cfg, err := a.smtpConfig()
	if err != nil {
		return r, "", "", err
	}
	if cfg != nil {
		t, err := a.transport()
		if err != nil {
			return r, "", "", err
		}
		c := t.Config()
		r.Email = t
		long = append(long, fmt.Sprintf("mail through %s:%d (TLS %s) as %s", c.Host, c.Port, c.TLS, c.From))
		brief = append(brief, fmt.Sprintf("%s:%d", c.Host, c.Port))
	}
	sms, err := smsTransport()
	if err != nil {
		return r, "", "", err
	}
	if sms != nil {
		r.SMS = sms
		long = append(long, "SMS through the gateway of the desk setting sms-url")
		brief = append(brief, "the SMS gateway")
	}
	if len(long) == 0 {
		return r, "", "", usagef("%v: give --smtp-host (or set %s) and --from for mail, or set %s for SMS", domain.ErrNoTransport, envSMTPHost, envSMSToken)
	}
	return r, strings.Join(long, " and "), strings.Join(brief, " and "), nil
}

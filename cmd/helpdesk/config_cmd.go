package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

// The desk settings live in the database, so every process serving the
// desk (console, SSH host, portal, mail worker) uses the same ones; the
// mail flags and variables override three of them for one process.

func (a *app) configCommand() *cobra.Command {
	return group(&cobra.Command{Use: "config", Short: "Show and change the desk settings stored in the database (portal URL, name, sender, self-signup, templates)"},
		a.configSetCommand(), a.configShowCommand())
}

// settingKeysHelp lists the keys with what each is for, for the help page.
func settingKeysHelp() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, k := range domain.SettingKeys() {
		fmt.Fprintf(tw, "  %s\t%s\n", k, domain.SettingHelp(k))
	}
	tw.Flush()
	return b.String()
}

func (a *app) configSetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: `Change a desk setting; an empty VALUE ("") goes back to the default`,
		Long: `Change a desk setting. The keys:

` + settingKeysHelp() + `
An empty VALUE ("") unsets the key: the default applies again. The
--base-url, --desk-name and --from flags (and HELPDESK_BASE_URL,
HELPDESK_DESK_NAME, HELPDESK_FROM) override the stored value for the one
process that is given them. Changing settings needs the templates
permission; every change is in the audit trail (settings.set).`,
		Args: exactArgs("KEY", "VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key := strings.ToLower(strings.TrimSpace(args[0]))
			return a.withDesk(func(s *session) error {
				st, err := s.desk.SetSetting(a.actor(), key, args[1])
				var ve *domain.ValidationError
				if errors.As(err, &ve) && ve.Field == "key" {
					// No such key: a mistake in the call, not a refused value.
					return usageError{err}
				}
				if err != nil {
					return err
				}
				v := newSettingsView(s, st)
				printf(cmd, "%s: %s\n", key, v.value(key))
				if o, ok := s.overrides[key]; ok {
					printf(cmd, "Note: %s overrides it for the process given it.\n", o.show(o.value))
				}
				return nil
			})
		},
	}
}

func (a *app) configShowCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [--json]",
		Short: "Show every desk setting: its value or default, and what overrides it in this process",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				st, err := s.desk.DeskSettings()
				if err != nil {
					return err
				}
				v := newSettingsView(s, st)
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), v.json())
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "KEY\tVALUE\tNOTE")
				for _, k := range domain.SettingKeys() {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", k, oneLine(v.value(k), 80), oneLine(v.note(k), 0))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object")
	return cmd
}

// configJSON is the --json shape of the settings: a contract with scripts,
// every field always present. Unset text settings are "".
type configJSON struct {
	BaseURL          string            `json:"base_url"`
	DeskName         string            `json:"desk_name"`
	From             string            `json:"from"`
	SMSURL           string            `json:"sms_url"`
	SMSAccount       string            `json:"sms_account"`
	SMSFrom          string            `json:"sms_from"`
	SelfSignup       bool              `json:"self_signup"`
	SignupParent     string            `json:"signup_parent"`
	Language         string            `json:"language"`
	DefaultTemplates map[string]string `json:"default_templates"`
	// InboundAddresses is always an array; InboundMaxSize is in bytes,
	// the default when unset.
	InboundAddresses []string `json:"inbound_addresses"`
	InboundMaxSize   int64    `json:"inbound_max_size"`
}

// settingsView shows the stored settings with their defaults and this
// process's overrides.
type settingsView struct {
	st        domain.Settings
	overrides map[string]setting
	names     func(domain.ID) string
}

func newSettingsView(s *session, st domain.Settings) settingsView {
	return settingsView{st: st, overrides: s.overrides, names: s.desk.OrgName}
}

// stored is a key's stored value, "" when unset.
func (v settingsView) stored(key string) string {
	switch {
	case key == domain.SettingSelfSignup:
		if v.st.SelfSignup {
			return "on"
		}
		return ""
	case strings.HasPrefix(key, domain.SettingTemplatePrefix):
		return v.st.DefaultTemplates[domain.MailEvent(strings.TrimPrefix(key, domain.SettingTemplatePrefix))]
	}
	return v.st.SettingValue(key, v.names)
}

// value is the stored value, or "(default: …)" when the key is unset.
func (v settingsView) value(key string) string {
	if s := v.stored(key); s != "" {
		return s
	}
	return "(default: " + domain.SettingDefault(key) + ")"
}

// note says what a key is for, and what overrides it in this process.
func (v settingsView) note(key string) string {
	help := domain.SettingHelp(key)
	if o, ok := v.overrides[key]; ok {
		return "overridden here by " + o.show(o.value) + "; " + help
	}
	if key == domain.SettingFrom && v.st.From == "" {
		return help + "; needed before mail can be sent"
	}
	if key == domain.SettingSMSURL {
		if t, err := smsToken(); err != nil || t == "" {
			return help + "; this process has no SMS token, so it sends no SMS"
		}
	}
	return help
}

func (v settingsView) json() configJSON {
	j := configJSON{
		BaseURL:          v.st.SettingValue(domain.SettingBaseURL, v.names),
		DeskName:         v.st.SettingValue(domain.SettingDeskName, v.names),
		From:             v.st.SettingValue(domain.SettingFrom, v.names),
		SMSURL:           v.st.SMSURL,
		SMSAccount:       v.st.SMSAccount,
		SMSFrom:          v.st.SMSFrom,
		SelfSignup:       v.st.SelfSignup,
		SignupParent:     v.st.SettingValue(domain.SettingSignupParent, v.names),
		Language:         v.st.Language,
		DefaultTemplates: map[string]string{},
		InboundAddresses: append([]string{}, v.st.InboundAddresses...),
		InboundMaxSize:   v.st.InboundMaxSize,
	}
	if j.InboundMaxSize == 0 {
		j.InboundMaxSize = domain.DefaultInboundMaxSize
	}
	for _, e := range domain.MailEvents {
		j.DefaultTemplates[string(e)] = v.st.SettingValue(domain.SettingTemplatePrefix+string(e), v.names)
	}
	return j
}

// settingOverrides are the flags and variables given to this process that
// override stored settings, by setting key. Over SSH a command sees the
// server's: the desk it acts on was opened with them.
func (a *app) settingOverrides() map[string]setting {
	f := a.mailFlags()
	m := map[string]setting{}
	for key, s := range map[string]setting{
		domain.SettingBaseURL:  f.get("base-url", f.baseURL, envBaseURL),
		domain.SettingDeskName: f.get("desk-name", f.deskName, envDeskName),
		domain.SettingFrom:     f.get("from", f.from, envFrom),
	} {
		if s.value != "" {
			m[key] = s
		}
	}
	return m
}

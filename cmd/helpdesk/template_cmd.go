package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

func (a *app) templateCommand() *cobra.Command {
	return group(&cobra.Command{Use: "template", Short: "List, show and edit the account mail templates"},
		a.templateListCommand(), a.templateShowCommand(), a.templateSetCommand())
}

func (a *app) templateListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the templates: the shipped defaults (or their edits) and the desk's own",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				ts, err := s.desk.Templates()
				if err != nil {
					return err
				}
				trs, err := s.desk.Translations()
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tEVENT\tCHANGED\tTRANSLATIONS\tSUBJECT")
				for _, t := range ts {
					langs := strings.Join(domain.TranslationLanguages(trs, t.Name), ",")
					if langs == "" {
						langs = "-"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, t.Event, templateChanged(t), langs, oneLine(t.Subject, 60))
				}
				return tw.Flush()
			})
		},
	}
}

// templateChanged says whether a template is still the shipped default.
func templateChanged(t domain.Template) string {
	if t.Shipped {
		return "default"
	}
	return fmt.Sprintf("%s by %s", rfc3339(t.UpdatedAt), oneLine(t.UpdatedBy, 40))
}

func (a *app) templateShowCommand() *cobra.Command {
	var preview bool
	var lang string
	cmd := &cobra.Command{
		Use:   "show NAME [--language LANG] [--preview]",
		Short: "Show a template's subject and body, or its translation into a language",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				t, err := s.desk.Template(args[0])
				if lang != "" && err == nil {
					t, err = s.desk.TemplateTranslation(args[0], lang)
				}
				if err != nil {
					return err
				}
				subject, body := t.Subject, t.Body
				if preview {
					subject, body = s.desk.PreviewTemplate(t.Subject, t.Body)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				if t.Language != "" {
					cellf(tw, "name:\t%s\nlanguage:\t%s\nevent:\t%s\nchanged:\t%s\nsubject:\t%s\n", t.Name, t.Language, t.Event, templateChanged(t), subject)
				} else {
					cellf(tw, "name:\t%s\nevent:\t%s\nchanged:\t%s\nsubject:\t%s\n", t.Name, t.Event, templateChanged(t), subject)
				}
				if preview {
					fmt.Fprintf(tw, "preview:\tfor Ann Lee <ann.lee@example.com> of Acme, with a sample link\n")
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "\n%s", body)
				if !strings.HasSuffix(body, "\n") {
					fmt.Fprintln(cmd.OutOrStdout())
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&preview, "preview", false, "render the tags for a sample customer, as the mail would read")
	cmd.Flags().StringVar(&lang, "language", "", "show the template's translation into this language (a BCP 47 tag such as de)")
	return cmd
}

func (a *app) templateSetCommand() *cobra.Command {
	var subject, bodyFile, event, lang string
	cmd := &cobra.Command{
		Use:   "set NAME [--language LANG] [--subject S] [--body-file F] [--event verify|welcome|reset]",
		Short: "Edit a template, or create one (a new one needs --event); refused with the reason if it could not be sent",
		Long: `Edit a template, or create one (a new one needs --event, --subject and --body-file).

Subject and body are plain text with tags: {` + strings.Join(domain.MailTags, "}, {") + `}.
{MESSAGE} becomes the set-password link: verify and reset mail must contain
it, in the body. {EXPIRES} becomes when that link stops working, in the
customer's time zone and naming it ("2026-12-06 15:04 CET"; UTC for a
customer without one); only mail with a link may use it. An unknown tag is
refused by name. The HTML part of the mail is generated from the text.

With --language LANG (a BCP 47 tag such as de or pt-BR) the command adds or
edits the template's translation into that language instead: the template
must exist and gives the event, a new translation needs --subject and
--body-file, and the same tag rules apply. A mail goes out in the
customer's language (or its base language: de for de-AT) when the
template has that translation, else in the desk's default language
(config set language), else as the template is written.`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var e domain.TemplateEdit
			f := cmd.Flags()
			if !f.Changed("subject") && !f.Changed("body-file") && !f.Changed("event") {
				return usagef("nothing to change: give --subject, --body-file or --event")
			}
			if f.Changed("event") {
				ev, err := domain.ParseMailEvent(event)
				if err != nil {
					return usageError{err}
				}
				e.Event = &ev
			}
			if f.Changed("subject") {
				e.Subject = &subject
			}
			if f.Changed("body-file") {
				b, err := readFileOrStdin(a, bodyFile)
				if err != nil {
					return err
				}
				body := string(b)
				e.Body = &body
			}
			if f.Changed("language") {
				if strings.TrimSpace(lang) == "" {
					return usagef("--language needs a language tag such as de")
				}
				e.Language = lang
			}
			return a.withDesk(func(s *session) error {
				t, err := s.desk.SetTemplate(a.actor(), args[0], e)
				if err != nil {
					return fmt.Errorf("cannot save template %s: %w", strings.ToLower(strings.TrimSpace(args[0])), err)
				}
				if t.Language != "" {
					printf(cmd, "Saved the %s translation of template %s (%s mail, version %d).\n", t.Language, t.Name, t.Event, t.Version)
					return nil
				}
				printf(cmd, "Saved template %s (%s mail, version %d).\n", t.Name, t.Event, t.Version)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&subject, "subject", "", "subject line; may use the tags except {MESSAGE}")
	f.StringVar(&bodyFile, "body-file", "", "file holding the body (- reads standard input)")
	f.StringVar(&event, "event", "", "what the template is for: verify, welcome or reset (needed for a new template)")
	f.StringVar(&lang, "language", "", "add or edit the template's translation into this language (a BCP 47 tag such as de)")
	return cmd
}

package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

// orgActiveCommand is "org activate NAME" or "org deactivate NAME".
func (a *app) orgActiveCommand(active bool) *cobra.Command {
	use, short := "activate NAME", "Activate an organization: "+domain.ActivateMeans
	if !active {
		use, short = "deactivate NAME", "Deactivate an organization: "+domain.DeactivateMeans
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				o, err := s.desk.OrgByName(args[0])
				if err != nil {
					return err
				}
				name := o.Name
				if active {
					o, err = s.desk.ActivateOrg(a.actor(), o.ID)
				} else {
					o, err = s.desk.DeactivateOrg(a.actor(), o.ID)
				}
				if err != nil {
					return fmt.Errorf("cannot %s %s: %w", cmd.Name(), name, err)
				}
				if active {
					printf(cmd, "Activated %s: %s.\n", o.Name, domain.ActivateMeans)
				} else {
					printf(cmd, "Deactivated %s: %s. Undo with: helpdesk org activate %q\n", o.Name, domain.DeactivateMeans, o.Name)
				}
				return nil
			})
		},
	}
}

// userDeleteCommand deletes a user for good after showing what goes with it.
func (a *app) userDeleteCommand() *cobra.Command {
	var confirm string
	cmd := &cobra.Command{
		Use:   "delete EMAIL --confirm EMAIL",
		Short: "Delete a user for good, with its conversations (disable keeps everything; this does not)",
		Long: `Delete a user for good: the account, its link tokens, its conversations and
their messages; its queued mail is cancelled. The audit trail keeps an entry
naming the email and what was removed. Without --confirm repeating the
user's email, it only says what would be removed. Needs the users.delete
permission. To stop a user signing in while keeping everything, use
helpdesk user disable.`,
		Args: exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				u, err := s.desk.UserByEmail(args[0])
				if err != nil {
					return err
				}
				if err := s.desk.Authorize(a.actor(), domain.PermUsersDelete); err != nil {
					return fmt.Errorf("cannot delete %s: %w", u.Email, err)
				}
				pv, err := s.desk.DeletePreview(u.ID)
				if err != nil {
					return err
				}
				if !cmd.Flags().Changed("confirm") {
					printf(cmd, "Deleting %s (%s) removes the user, %s. This cannot be undone.\n", u.Email, u.DisplayName(), pv.Summary())
					return fmt.Errorf("not deleted: %s is permanent; repeat the email to confirm: helpdesk user delete %s --confirm %s", u.Email, u.Email, u.Email)
				}
				done, err := s.desk.DeleteUser(a.actor(), u.ID, confirm)
				if err != nil {
					printf(cmd, "Deleting %s (%s) removes the user, %s. This cannot be undone.\n", u.Email, u.DisplayName(), pv.Summary())
					return fmt.Errorf("cannot delete %s: %w", u.Email, err)
				}
				printf(cmd, "Deleted %s for good: %s removed or cancelled.\n", done.User.Email, done.Summary())
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&confirm, "confirm", "", "the user's email again, to confirm the deletion")
	return cmd
}

// orgAgreementCommand groups the agreement subcommands of org.
func (a *app) orgAgreementCommand() *cobra.Command {
	return group(&cobra.Command{Use: "agreement", Short: "Set the agreement an organization's users must accept"},
		a.orgAgreementSetCommand())
}

func (a *app) orgAgreementSetCommand() *cobra.Command {
	var title, textFile string
	cmd := &cobra.Command{
		Use:   "set NAME --title T --text-file F",
		Short: "Set an organization's agreement, or a new version of it (pending again for everyone under it)",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(title) == "" {
				return usagef("--title is required")
			}
			if textFile == "" {
				return usagef("--text-file is required (- reads standard input)")
			}
			// Over SSH a path would name a file on the desk's host.
			if a.shared != nil && textFile != "-" {
				return usagef("over SSH, --text-file reads standard input only: give --text-file - and send the file (ssh ... < FILE)")
			}
			text, err := readFileOrStdin(a, textFile)
			if err != nil {
				return err
			}
			return a.withDesk(func(s *session) error {
				o, err := s.desk.OrgByName(args[0])
				if err != nil {
					return err
				}
				name := o.Name
				o, err = s.desk.SetAgreement(a.actor(), o.ID, title, string(text))
				if err != nil {
					return fmt.Errorf("cannot set the agreement of %s: %w", name, err)
				}
				printf(cmd, "Set the agreement of %s: %s. It is pending for every user of %s and of the organizations under it without their own.\n",
					o.Name, o.Agreement.Label(), o.Name)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "the agreement's title (required)")
	cmd.Flags().StringVar(&textFile, "text-file", "", "file holding the agreement's text (required; - reads standard input)")
	return cmd
}

// userAcceptCommand records a user's acceptance of its agreement.
func (a *app) userAcceptCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "accept EMAIL",
		Short: "Record that a user accepted the agreement that applies to it (on the customer's behalf)",
		Args:  exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				u, err := s.desk.UserByEmail(args[0])
				if err != nil {
					return err
				}
				st, err := s.desk.RecordAcceptance(a.actor(), u.ID)
				if err != nil {
					return fmt.Errorf("cannot record the acceptance of %s: %w", u.Email, err)
				}
				printf(cmd, "Recorded that %s accepted %s of %s on %s, recorded by %s.\n", u.Email, st.Agreement.Label(), st.Org.Name,
					st.AcceptedAt.UTC().Format(time.DateOnly), st.RecordedBy)
				return nil
			})
		},
	}
}

// orgTreeCommand prints the organizations as a hierarchy.
func (a *app) orgTreeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tree",
		Short: "Print the organizations as a hierarchy, with members, inactive ones and agreements",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				nodes, err := s.desk.OrgTree()
				if err != nil {
					return err
				}
				if len(nodes) == 0 {
					printf(cmd, "No organizations yet.\n")
					return nil
				}
				for _, n := range nodes {
					notes := []string{plural(n.Members, "member")}
					if !n.Active {
						notes = append(notes, "inactive")
					}
					if n.Agreement != nil {
						notes = append(notes, "agreement "+n.Agreement.Label())
					}
					printf(cmd, "%s%s (%s)\n", strings.Repeat("  ", n.Depth), n.Name, strings.Join(notes, ", "))
				}
				return nil
			})
		},
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// userStatusRows are the lifecycle lines of user show: why the user cannot
// sign in, and where it stands with its agreement. A lookup that fails is
// an error, never a row that states something.
func userStatusRows(d *domain.Desk, u domain.User) ([][2]string, error) {
	var rows [][2]string
	ok, why, err := d.CanSignIn(u.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		rows = append(rows, [2]string{"cannot sign in", why})
	}
	gs, perms, err := d.UserGroups(u.ID)
	if err != nil {
		return nil, fmt.Errorf("cannot read the customer groups of %s: %w", u.Email, err)
	}
	if len(gs) > 0 {
		names := make([]string, len(gs))
		for i, g := range gs {
			names[i] = g.Name
		}
		rows = append(rows, [2]string{"groups", strings.Join(names, ", ") + " (permissions " + perms.String() + ")"})
	}
	if n := u.NotifySummary(); n != "" {
		rows = append(rows, [2]string{"notifications", n + "; the rest by email"})
	}
	st, err := d.AgreementStatus(u.ID)
	if err != nil {
		return nil, fmt.Errorf("cannot read the agreement of %s: %w", u.Email, err)
	}
	if st.Agreement != nil {
		if st.Accepted {
			rows = append(rows, [2]string{"agreement", st.Agreement.Title + ", " + st.String() + ", recorded by " + st.RecordedBy})
		} else {
			rows = append(rows, [2]string{"agreement pending", st.Agreement.Label()})
		}
	}
	return rows, nil
}

// printMovePreview prints what a move would mean for agreements.
func printMovePreview(cmd *cobra.Command, pv domain.MovePreview) {
	for _, s := range pv.Sentences() {
		printf(cmd, "%s.\n", s)
	}
}

// agreementLabel is "Standard Rates v3, set 2026-11-23 by ..." or "" for
// an organization without its own agreement.
func agreementLabel(o domain.Organization) string {
	if o.Agreement == nil {
		return ""
	}
	return fmt.Sprintf("%s, set %s by %s", o.Agreement.Label(), o.Agreement.SetAt.UTC().Format(time.DateOnly), o.Agreement.SetBy)
}

// orgCopyCommand creates an inactive organization from another one.
func (a *app) orgCopyCommand() *cobra.Command {
	var newName string
	var opts domain.CopyOptions
	cmd := &cobra.Command{
		Use:   "copy NAME --name NEW [--parent] [--agreement] [--notes]",
		Short: "Create an inactive organization from another, with its parent, agreement or notes if asked; never its users or domains",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(newName) == "" {
				return usagef("--name is required")
			}
			return a.withDesk(func(s *session) error {
				src, err := s.desk.OrgByName(args[0])
				if err != nil {
					return err
				}
				o, err := s.desk.CopyOrg(a.actor(), src.ID, newName, opts)
				if err != nil {
					return fmt.Errorf("cannot copy %s: %w", src.Name, err)
				}
				var carried []string
				if o.ParentID != 0 {
					carried = append(carried, "parent "+s.desk.OrgName(o.ParentID))
				}
				if o.Agreement != nil {
					carried = append(carried, "agreement "+o.Agreement.Label())
				}
				if o.Notes != "" {
					carried = append(carried, "notes")
				}
				what := "nothing but the name"
				if len(carried) > 0 {
					what = strings.Join(carried, ", ")
				}
				printf(cmd, "Created organization %d %s from %s (%s), inactive, without users or domains. Activate it with: helpdesk org activate %q\n",
					o.ID, o.Name, src.Name, what, o.Name)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&newName, "name", "", "the new organization's name (required, unique)")
	f.BoolVar(&opts.Parent, "parent", false, "put it under the same parent")
	f.BoolVar(&opts.Agreement, "agreement", false, "give it the same agreement")
	f.BoolVar(&opts.Notes, "notes", false, "give it the same notes")
	return cmd
}

// userPrefsCommand sets a customer's language and notification channels.
func (a *app) userPrefsCommand() *cobra.Command {
	var lang string
	var notify []string
	cmd := &cobra.Command{
		Use:   "prefs EMAIL [--language L] [--notify EVENT=CHANNEL ...]",
		Short: "Set a customer's language and, per event (verify, welcome, reset, reply), its channel: email, sms or none",
		Args:  exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var p domain.Preferences
			if cmd.Flags().Changed("language") {
				p.Language = &lang
			}
			for _, kv := range notify {
				ev, ch, ok := strings.Cut(kv, "=")
				if !ok {
					return usagef("--notify takes EVENT=CHANNEL, such as reply=sms, not %q", kv)
				}
				e, err := domain.ParseNotifyEvent(ev)
				if err != nil {
					return usageError{err}
				}
				c, err := domain.ParseChannel(ch)
				if err != nil {
					return usageError{err}
				}
				if p.Notify == nil {
					p.Notify = map[domain.MailEvent]domain.Channel{}
				}
				p.Notify[e] = c
			}
			if p.Language == nil && p.Notify == nil {
				return usagef("nothing to change: give --language or --notify EVENT=CHANNEL")
			}
			return a.withDesk(func(s *session) error {
				u, err := s.desk.UserByEmail(args[0])
				if err != nil {
					return err
				}
				before := u.Version
				u, err = s.desk.SetPreferences(a.actor(), u.ID, p)
				if err != nil {
					return fmt.Errorf("cannot set the preferences of %s: %w", args[0], err)
				}
				if u.Version == before {
					printf(cmd, "Nothing changed for %s.\n", u.Email)
					return nil
				}
				notes := u.NotifySummary()
				if notes == "" {
					notes = "everything by email"
				}
				printf(cmd, "Updated the preferences of %s: language %s; %s.\n", u.Email, orNone(u.Language), notes)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&lang, "language", "", "BCP 47 language tag, e.g. en or pt-BR")
	cmd.Flags().StringSliceVar(&notify, "notify", nil, "EVENT=CHANNEL, e.g. reply=sms (repeat or comma-separate; sms needs an E.164 phone)")
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

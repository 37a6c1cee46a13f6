package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

func (a *app) userCommand() *cobra.Command {
	return group(&cobra.Command{Use: "user", Short: "Create, list, show, edit, disable, enable and delete users; mail them links"},
		a.userAddCommand(), a.userListCommand(), a.userShowCommand(), a.userEditCommand(),
		a.userStateCommand(true), a.userStateCommand(false), a.userSuggestCommand(),
		a.userDeleteCommand(), a.userAcceptCommand(), a.userPrefsCommand(),
		a.userLinkCommand(false), a.userLinkCommand(true))
}

func (a *app) userAddCommand() *cobra.Command {
	var in domain.UserInput
	var bodyFile string
	var allowNear bool
	cmd := &cobra.Command{
		Use:   "add --email EMAIL [flags]",
		Short: "Create a user (it joins the organization owning its email's domain unless --org is given)",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(in.Email) == "" {
				return usagef("--email is required")
			}
			if _, err := domain.ParseMailChoice(in.Mail); err != nil {
				return usageError{err}
			}
			if bodyFile != "" {
				b, err := readFileOrStdin(a, bodyFile)
				if err != nil {
					return err
				}
				in.MailBody = string(b)
			}
			return a.withDesk(func(s *session) error {
				if !allowNear {
					// A near duplicate (lookalike, typo, dots or +tag, same
					// name at another domain) is refused: a command has no
					// one to ask.
					if err := s.desk.CheckNear(in.Email); err != nil {
						var nd *domain.NearDuplicateError
						if errors.As(err, &nd) {
							return fmt.Errorf("cannot add user: %w; if it is another person, add --allow-near", err)
						}
						return err
					}
				}
				u, err := s.desk.CreateUser(a.actor(), in)
				if err != nil {
					return fmt.Errorf("cannot add user: %w", err)
				}
				org := s.desk.OrgName(u.OrgID)
				printf(cmd, "Created user %d %s", u.ID, u.Email)
				if org != "" {
					printf(cmd, " in %s", org)
				}
				printf(cmd, " (%s).\n", u.State)
				if len(in.Groups) > 0 {
					printf(cmd, "In the groups %s.\n", strings.Join(in.Groups, ", "))
				}
				// The user is created either way; an inactive organization
				// (or one above it) is worth a warning on stderr.
				if w, err := s.desk.OrgWarning(u.OrgID); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: could not tell whether %s is active: %s\n", lineArgs(org, err.Error())...)
				} else if w != "" {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", lineArgs(w)...)
				}
				switch in.Mail {
				case string(domain.MailNone):
					printf(cmd, "No mail sent, as asked.\n")
				case string(domain.MailWelcome):
					printf(cmd, "Welcome email queued.\n")
				default:
					printf(cmd, "Verification email queued.\n")
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Email, "email", "", "email address (required; the user's login, unique on the desk)")
	f.StringVar(&in.Name, "name", "", "full name")
	f.StringVar(&in.Org, "org", "", "organization name (default: by the email's domain)")
	f.StringVar(&in.TimeZone, "timezone", "", "IANA time zone, e.g. Europe/Paris")
	f.StringVar(&in.Language, "language", "", "BCP 47 language tag, e.g. en or pt-BR")
	f.StringVar(&in.Phone, "phone", "", "phone number")
	f.StringVar(&in.Role, "role", "customer", "customer or collaborator")
	f.StringVar(&in.Notes, "notes", "", "notes for agents")
	f.StringArrayVar(&in.Groups, "group", nil, "a customer group the user joins (repeat for several); a group of an organization takes only users at or below it")
	f.StringVar(&in.Mail, "mail", "verify", "what to send: verify (confirm the address and set a password), welcome, or none")
	f.StringVar(&in.MailSubject, "subject", "", "custom subject for this user's email instead of the template's")
	f.StringVar(&bodyFile, "body-file", "", "custom body for this user's email (- reads standard input); may use the template tags")
	f.BoolVar(&allowNear, "allow-near", false, "create the user even if its email may be an existing user written another way (lookalike, typo, dots or +tag, same name at another domain)")
	return cmd
}

func (a *app) userListCommand() *cobra.Command {
	var orgName, state string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--org NAME] [--state pending|active|disabled] [--json]",
		Short: "List users in creation order",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			var f domain.UserFilter
			if state != "" {
				st, err := domain.ParseState(state)
				if err != nil {
					return usageError{err}
				}
				f.State = st
			}
			return a.withDesk(func(s *session) error {
				if orgName != "" {
					o, err := s.desk.OrgByName(orgName)
					if err != nil {
						return err
					}
					f.OrgID = o.ID
				}
				return listUsers(cmd, s.desk, f, asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&orgName, "org", "", "only users of this organization")
	cmd.Flags().StringVar(&state, "state", "", "only users in this state: pending, active or disabled")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

// listUsers streams pages of users so a million-user desk prints in flat
// memory.
func listUsers(cmd *cobra.Command, d *domain.Desk, f domain.UserFilter, asJSON bool) error {
	names := newOrgNames(d)
	l := newListWriter(cmd.OutOrStdout(), asJSON, "ID\tEMAIL\tNAME\tORGANIZATION\tSTATE")
	var after domain.ID
	for {
		page, next, err := d.Users(f, after, 1000)
		if err != nil {
			return err
		}
		for _, u := range page {
			org := names.name(u.OrgID)
			l.item(toUserJSON(u, org), "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, org, u.State)
		}
		if next == 0 {
			break
		}
		after = next
		l.pageDone()
	}
	return l.close()
}

func (a *app) userShowCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show EMAIL [--json]",
		Short: "Show one user",
		Args:  exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				u, err := s.desk.UserByEmail(args[0])
				if err != nil {
					return err
				}
				j := toUserJSON(u, s.desk.OrgName(u.OrgID))
				signIn, err := s.desk.SignInState(u.ID)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), userShowJSON{userJSON: j, SignIn: toSignInJSON(signIn)})
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				for _, row := range [][2]string{
					{"id", fmt.Sprint(j.ID)}, {"email", j.Email}, {"name", j.Name}, {"organization", j.Organization},
					{"time zone", j.TimeZone}, {"language", j.Language}, {"phone", j.Phone}, {"role", j.Role},
					{"state", j.State}, {"notes", u.Notes}, {"created", j.CreatedAt},
					{"updated", j.UpdatedAt + " by " + u.UpdatedBy}, {"version", fmt.Sprint(u.Version)},
					{"sign-in", signIn.String()},
				} {
					cellf(tw, "%s:\t%s\n", row[0], row[1])
				}
				rows, err := userStatusRows(s.desk, u)
				if err != nil {
					return err
				}
				for _, row := range rows {
					cellf(tw, "%s:\t%s\n", row[0], row[1])
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object")
	return cmd
}

func (a *app) userEditCommand() *cobra.Command {
	var email, name, org, tz, lang, phone, role, notes string
	cmd := &cobra.Command{
		Use:   "edit EMAIL [--email NEW] [--name N] [--org NAME] [--timezone TZ] [--language L] [--phone P] [--role R] [--notes T]",
		Short: "Change a user's properties (an empty --org removes the organization)",
		Args:  exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var p domain.UserPatch
			set := func(flag string, v *string, dst **string) {
				if cmd.Flags().Changed(flag) {
					*dst = v
				}
			}
			set("email", &email, &p.Email)
			set("name", &name, &p.Name)
			set("org", &org, &p.Org)
			set("timezone", &tz, &p.TimeZone)
			set("language", &lang, &p.Language)
			set("phone", &phone, &p.Phone)
			set("role", &role, &p.Role)
			set("notes", &notes, &p.Notes)
			if p == (domain.UserPatch{}) {
				return usagef("nothing to change: give at least one of --email, --name, --org, --timezone, --language, --phone, --role, --notes")
			}
			return a.withDesk(func(s *session) error {
				u, err := s.desk.UserByEmail(args[0])
				if err != nil {
					return err
				}
				before, oldOrg := u.Version, u.OrgID
				var move domain.MovePreview
				if p.Org != nil {
					if move, err = s.desk.MoveUserPreview(u.ID, *p.Org); err != nil {
						return fmt.Errorf("cannot edit %s: %w", args[0], err)
					}
				}
				u, err = s.desk.UpdateUser(a.actor(), u.ID, u.Version, p)
				if err != nil {
					return fmt.Errorf("cannot edit %s: %w", args[0], err)
				}
				if u.Version == before {
					printf(cmd, "Nothing changed for %s.\n", u.Email)
					return nil
				}
				printf(cmd, "Updated user %d %s.\n", u.ID, u.Email)
				if u.OrgID != oldOrg {
					printMovePreview(cmd, move)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&email, "email", "", "new email address")
	f.StringVar(&name, "name", "", "full name")
	f.StringVar(&org, "org", "", "organization name (empty: none)")
	f.StringVar(&tz, "timezone", "", "IANA time zone")
	f.StringVar(&lang, "language", "", "BCP 47 language tag")
	f.StringVar(&phone, "phone", "", "phone number")
	f.StringVar(&role, "role", "", "customer or collaborator")
	f.StringVar(&notes, "notes", "", "notes for agents")
	return cmd
}

func (a *app) userStateCommand(disable bool) *cobra.Command {
	use, short := "enable EMAIL", "Enable a disabled user, restoring the state it had"
	if disable {
		use, short = "disable EMAIL", "Disable a user: it "+domain.DisableMeans
	}
	return a.onUserCommand(use, short, func(cmd *cobra.Command, s *session, u domain.User) error {
		var err error
		if disable {
			u, err = s.desk.DisableUser(a.actor(), u.ID, u.Version)
		} else {
			u, err = s.desk.EnableUser(a.actor(), u.ID, u.Version)
		}
		if err != nil {
			return err
		}
		if disable {
			printf(cmd, "Disabled %s: %s. Undo with: helpdesk user enable %s\n", u.Email, domain.DisableMeans, u.Email)
		} else {
			printf(cmd, "Enabled %s (%s).\n", u.Email, u.State)
		}
		return nil
	})
}

// onUserCommand is a command that takes one EMAIL and acts on that user:
// the shape of enable, disable, reset and resend.
func (a *app) onUserCommand(use, short string, do func(cmd *cobra.Command, s *session, u domain.User) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				u, err := s.desk.UserByEmail(args[0])
				if err != nil {
					return err
				}
				return do(cmd, s, u)
			})
		},
	}
}

package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

func (a *app) orgCommand() *cobra.Command {
	return group(&cobra.Command{Use: "org", Short: "Create, list, show and edit organizations and their domains"},
		a.orgAddCommand(), a.orgListCommand(), a.orgShowCommand(), a.orgEditCommand(),
		a.orgActiveCommand(true), a.orgActiveCommand(false), a.orgTreeCommand(), a.orgAgreementCommand(), a.orgCopyCommand(),
		a.orgBrandCommand(),
		group(&cobra.Command{Use: "domain", Short: "Add or remove an organization's email domains"},
			a.orgDomainAddCommand(), a.orgDomainRemoveCommand()))
}

func (a *app) orgAddCommand() *cobra.Command {
	var in domain.OrgInput
	cmd := &cobra.Command{
		Use:   "add --name NAME [--domain D ...] [--parent NAME]",
		Short: "Create an organization",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(in.Name) == "" {
				return usagef("--name is required")
			}
			return a.withDesk(func(s *session) error {
				o, err := s.desk.CreateOrg(a.actor(), in)
				if err != nil {
					return fmt.Errorf("cannot add organization: %w", err)
				}
				printf(cmd, "Created organization %d %s.\n", o.ID, o.Name)
				for _, d := range o.Domains {
					pv, err := s.desk.PreviewDomain(o.ID, d)
					if err == nil && len(pv.Users) > 0 {
						printf(cmd, "%d existing users at %s have no organization; move them with: helpdesk org domain add %q %s --apply\n",
							len(pv.Users), d, o.Name, d)
					}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Name, "name", "", "organization name (required, unique)")
	f.StringSliceVar(&in.Domains, "domain", nil, "email domain of the organization (repeat for several)")
	f.StringVar(&in.Parent, "parent", "", "parent organization name")
	f.StringVar(&in.Notes, "notes", "", "notes for agents")
	return cmd
}

func (a *app) orgListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List organizations with their domains and member counts",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				orgs, err := s.desk.Orgs()
				if err != nil {
					return err
				}
				if asJSON {
					out := make([]orgJSON, 0, len(orgs))
					for _, o := range orgs {
						out = append(out, toOrgJSON(o))
					}
					return writeJSON(cmd.OutOrStdout(), out)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tDOMAINS\tPARENT\tACTIVE\tMEMBERS")
				for _, o := range orgs {
					cellf(tw, "%d\t%s\t%s\t%s\t%s\t%d\n", o.ID, o.Name, strings.Join(o.Domains, ","), o.Parent, yesNo(o.Active), o.Members)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (a *app) orgShowCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show NAME [--json]",
		Short: "Show one organization",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				o, err := s.desk.OrgByName(args[0])
				if err != nil {
					return err
				}
				sum, err := s.desk.OrgSummary(o.ID)
				if err != nil {
					return err
				}
				j := toOrgJSON(sum)
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), j)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				for _, row := range [][2]string{
					{"id", fmt.Sprint(j.ID)}, {"name", j.Name}, {"domains", strings.Join(j.Domains, ", ")},
					{"parent", j.Parent}, {"active", yesNo(j.Active)}, {"members", fmt.Sprint(j.Members)},
					{"notes", j.Notes}, {"created", j.CreatedAt}, {"updated", j.UpdatedAt + " by " + o.UpdatedBy},
					{"agreement", agreementLabel(o)},
				} {
					cellf(tw, "%s:\t%s\n", row[0], row[1])
				}
				for _, row := range brandingRows(s.desk, o) {
					cellf(tw, "%s:\t%s\n", row[0], row[1])
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object")
	return cmd
}

func (a *app) orgEditCommand() *cobra.Command {
	var name, parent, notes, active string
	cmd := &cobra.Command{
		Use:   "edit NAME [--name N] [--parent NAME] [--notes T] [--active true|false]",
		Short: "Change an organization's properties (an empty --parent makes it top level)",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var p domain.OrgPatch
			if cmd.Flags().Changed("name") {
				p.Name = &name
			}
			if cmd.Flags().Changed("parent") {
				p.Parent = &parent
			}
			if cmd.Flags().Changed("notes") {
				p.Notes = &notes
			}
			if cmd.Flags().Changed("active") {
				b, err := strconv.ParseBool(active)
				if err != nil {
					return usagef("--active must be true or false, not %q", active)
				}
				p.Active = &b
			}
			if p == (domain.OrgPatch{}) {
				return usagef("nothing to change: give at least one of --name, --parent, --notes, --active")
			}
			return a.withDesk(func(s *session) error {
				o, err := s.desk.OrgByName(args[0])
				if err != nil {
					return err
				}
				var move domain.MovePreview
				if p.Parent != nil {
					if move, err = s.desk.MoveOrgPreview(o.ID, *p.Parent); err != nil {
						return fmt.Errorf("cannot edit %s: %w", o.Name, err)
					}
				}
				updated, err := s.desk.UpdateOrg(a.actor(), o.ID, o.Version, p)
				if err != nil {
					return fmt.Errorf("cannot edit %s: %w", o.Name, err)
				}
				if updated.Version == o.Version {
					printf(cmd, "Nothing changed for %s.\n", o.Name)
					return nil
				}
				printf(cmd, "Updated organization %d %s.\n", updated.ID, updated.Name)
				if updated.ParentID != o.ParentID {
					printMovePreview(cmd, move)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "new name")
	f.StringVar(&parent, "parent", "", "parent organization name (empty: top level)")
	f.StringVar(&notes, "notes", "", "notes for agents")
	f.StringVar(&active, "active", "", "true or false")
	return cmd
}

func (a *app) orgDomainAddCommand() *cobra.Command {
	var apply bool
	cmd := &cobra.Command{
		Use:   "add NAME DOMAIN [--apply]",
		Short: "Add an email domain; prints the users without an organization it would take, --apply moves them",
		Args:  exactArgs("NAME", "DOMAIN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				o, err := s.desk.OrgByName(args[0])
				if err != nil {
					return err
				}
				pv, err := s.desk.AddDomain(a.actor(), o.ID, args[1], apply)
				if err != nil {
					return fmt.Errorf("cannot add domain to %s: %w", o.Name, err)
				}
				if !pv.AlreadyAdded {
					printf(cmd, "Added domain %s to %s: new users at %s join it.\n", pv.Domain, pv.Org.Name, pv.Domain)
				}
				switch {
				case pv.Moved:
					printf(cmd, "Moved %d users without an organization to %s.\n", len(pv.Users), pv.Org.Name)
				case len(pv.Users) == 0:
					printf(cmd, "No existing user without an organization is at %s.\n", pv.Domain)
				default:
					printf(cmd, "%d existing users without an organization are at %s and would move to %s:\n", len(pv.Users), pv.Domain, pv.Org.Name)
					for i, u := range pv.Users {
						if i == 20 {
							printf(cmd, "  ... and %d more\n", len(pv.Users)-i)
							break
						}
						printf(cmd, "  %s\t%s\n", u.Email, u.Name)
					}
					printf(cmd, "Move them with: helpdesk org domain add %q %s --apply\n", pv.Org.Name, pv.Domain)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&apply, "apply", false, "also move the existing users without an organization at that domain")
	return cmd
}

func (a *app) orgDomainRemoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME DOMAIN",
		Short: "Remove an email domain from an organization (no user moves)",
		Args:  exactArgs("NAME", "DOMAIN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				o, err := s.desk.OrgByName(args[0])
				if err != nil {
					return err
				}
				if _, err := s.desk.RemoveDomain(a.actor(), o.ID, args[1]); err != nil {
					return fmt.Errorf("cannot remove domain: %w", err)
				}
				printf(cmd, "Removed domain %s from %s; its users stay where they are.\n", args[1], o.Name)
				return nil
			})
		},
	}
}

package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

func (a *app) groupCommand() *cobra.Command {
	return group(&cobra.Command{Use: "group", Short: "Customer groups and the permissions they give their members"},
		a.groupAddCommand(), a.groupListCommand(),
		group(&cobra.Command{Use: "member", Short: "Put users in groups or take them out"},
			a.groupMemberCommand(true), a.groupMemberCommand(false)))
}

func (a *app) groupAddCommand() *cobra.Command {
	var name, org, perms string
	cmd := &cobra.Command{
		Use:   "add --name NAME [--org ORG] [--perms P,...]",
		Short: "Create a customer group (of one organization with --org); permissions: " + strings.Join(domain.CustomerPermNames(), ", "),
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(name) == "" {
				return usagef("--name is required")
			}
			p, err := domain.ParseCustomerPerms(perms)
			if err != nil {
				return usageError{err}
			}
			return a.withDesk(func(s *session) error {
				g, err := s.desk.CreateGroup(a.actor(), domain.GroupInput{Name: name, Org: org, Perms: p})
				if err != nil {
					return fmt.Errorf("cannot add group: %w", err)
				}
				printf(cmd, "Created group %d %s", g.ID, g.Name)
				if g.OrgID != 0 {
					printf(cmd, " of %s", s.desk.OrgName(g.OrgID))
				}
				printf(cmd, " with permissions %s.\n", g.Perms)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "group name (required, unique)")
	cmd.Flags().StringVar(&org, "org", "", "organization whose users (and those below it) may join")
	cmd.Flags().StringVar(&perms, "perms", "", "comma-separated customer permissions: "+strings.Join(domain.CustomerPermNames(), ", "))
	return cmd
}

func (a *app) groupListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List customer groups with their organization, permissions and member counts",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				gs, err := s.desk.Groups()
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tORGANIZATION\tPERMISSIONS\tMEMBERS")
				for _, g := range gs {
					ms, err := s.desk.GroupMembers(g.ID)
					if err != nil {
						return err
					}
					cellf(tw, "%d\t%s\t%s\t%s\t%d\n", g.ID, g.Name, s.desk.OrgName(g.OrgID), g.Perms, len(ms))
				}
				return tw.Flush()
			})
		},
	}
}

func (a *app) groupMemberCommand(add bool) *cobra.Command {
	use, short := "add GROUP EMAIL", "Put a user in a group"
	if !add {
		use, short = "remove GROUP EMAIL", "Take a user out of a group"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs("GROUP", "EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				g, err := s.desk.GroupByName(args[0])
				if err != nil {
					return err
				}
				u, err := s.desk.UserByEmail(args[1])
				if err != nil {
					return err
				}
				if add {
					err = s.desk.AddToGroup(a.actor(), g.ID, u.ID)
				} else {
					err = s.desk.RemoveFromGroup(a.actor(), g.ID, u.ID)
				}
				if err != nil {
					return fmt.Errorf("cannot %s %s: %w", map[bool]string{true: "add", false: "remove"}[add], u.Email, err)
				}
				_, perms, err := s.desk.UserGroups(u.ID)
				if err != nil {
					return err
				}
				verb := "Added %s to %s"
				if !add {
					verb = "Removed %s from %s"
				}
				printf(cmd, verb+"; its customer permissions are now %s.\n", u.Email, g.Name, perms)
				return nil
			})
		},
	}
}

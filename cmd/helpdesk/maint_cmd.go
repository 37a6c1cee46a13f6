package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/store"
)

func (a *app) backupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database to FILE",
		Args:  exactArgs("FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				if err := s.desk.Authorize(a.actor(), domain.PermImportExport); err != nil {
					return err
				}
				n, err := s.db.Backup(args[0])
				if err != nil {
					return err
				}
				printf(cmd, "Backed up %s to %s (%d bytes).\n", s.db.Path(), args[0], n)
				return nil
			})
		},
	}
}

func (a *app) checkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the database: bbolt's own check, every record's checksum, then every index entry against its record",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := a.withDesk(func(s *session) error {
				problems, err := s.db.Check(cmd.Context())
				if err != nil {
					return err
				}
				for _, p := range problems {
					printf(cmd, "%s\n", p)
				}
				if len(problems) > 0 {
					return fmt.Errorf("check found %d problems in %s: restore the last backup, or copy what is intact with `helpdesk salvage %s OUT`", len(problems), s.db.Path(), s.db.Path())
				}
				printf(cmd, "%s: no problems found.\n", s.db.Path())
				return nil
			})
			// A file too damaged to open is the one problem check finds.
			var damaged *store.DamagedError
			if errors.As(err, &damaged) {
				printf(cmd, "the file is damaged: %s\n", damaged.What)
			}
			return err
		},
	}
}

func (a *app) demoCommand() *cobra.Command {
	var users int
	cmd := &cobra.Command{
		Use:   "demo [--users N]",
		Short: "Load deterministic demo data: organizations, users in every state, agents, groups, conversations",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if users < 0 {
				return usagef("--users must be 0 or more, not %d", users)
			}
			return a.withDesk(func(s *session) error {
				sum, err := demo.LoadFull(s.desk, a.actor(), users)
				if err != nil {
					return err
				}
				printf(cmd, "Demo data loaded into %s: %d organizations and %d users created (%d active, %d pending, %d disabled); %d agents, %d customer groups, %d conversations.\n",
					s.db.Path(), sum.Orgs, sum.Users, sum.States[domain.StateActive], sum.States[domain.StatePending], sum.States[domain.StateDisabled],
					sum.Agents, sum.Groups, sum.Conversations)
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&users, "users", 200, "how many demo users to create")
	return cmd
}

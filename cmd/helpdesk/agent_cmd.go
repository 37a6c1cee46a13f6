package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

func (a *app) agentCommand() *cobra.Command {
	key := group(&cobra.Command{Use: "key", Short: "Add or remove an agent's SSH keys"},
		a.agentKeyCommand(true), a.agentKeyCommand(false))
	return group(&cobra.Command{Use: "agent", Short: "Manage the agents who sign in over SSH"},
		a.agentAddCommand(), a.agentListCommand(), a.agentToggleCommand(true), a.agentToggleCommand(false),
		a.agentPermsCommand(), a.agentPrefsCommand(), key)
}

// keyFlags reads a key given inline or from a .pub file.
type keyFlags struct{ key, file string }

func (k *keyFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&k.key, "key", "", `public key, e.g. 'ssh-ed25519 AAAA... you@laptop'`)
	cmd.Flags().StringVar(&k.file, "key-file", "", "file holding the public key (a .pub file; - reads standard input)")
}

func (k *keyFlags) read(a *app) (string, error) {
	switch {
	case k.key != "" && k.file != "":
		return "", usagef("give --key or --key-file, not both")
	case k.key != "":
		return k.key, nil
	case k.file != "":
		b, err := readFileOrStdin(a, k.file)
		return strings.TrimSpace(string(b)), err
	}
	return "", usagef("a public key is required: --key 'ssh-ed25519 ...' or --key-file FILE.pub")
}

func (a *app) agentAddCommand() *cobra.Command {
	var in domain.AgentInput
	var perms string
	var kf keyFlags
	cmd := &cobra.Command{
		Use:   "add --name N --email E --role admin|agent (--key-file FILE.pub | --key 'ssh-ed25519 ...') [--perms LIST]",
		Short: "Add an agent who signs in over SSH with a public key",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if in.Name == "" || in.Email == "" {
				return usagef("--name and --email are required")
			}
			if _, err := domain.ParseAgentRole(in.Role); err != nil {
				return usageError{err}
			}
			if cmd.Flags().Changed("perms") {
				p, err := domain.ParsePerms(perms)
				if err != nil {
					return usageError{err}
				}
				in.Perms = &p
			}
			key, err := kf.read(a)
			if err != nil {
				return err
			}
			in.Keys = []string{key}
			return a.withDesk(func(s *session) error {
				ag, err := s.desk.AddAgent(a.actor(), in)
				if err != nil {
					return fmt.Errorf("cannot add agent: %w", err)
				}
				printf(cmd, "Added agent %s (%s) with permissions %s; signs in with %s.\n", ag.Email, ag.Role, ag.Perms, ag.Keys[0].Fingerprint)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&in.Name, "name", "", "the agent's name")
	cmd.Flags().StringVar(&in.Email, "email", "", "the agent's email (names the agent in the audit trail)")
	cmd.Flags().StringVar(&in.Role, "role", "agent", "admin (every permission) or agent (users, organizations, disable/enable)")
	cmd.Flags().StringVar(&perms, "perms", "", "permissions instead of the role's: a comma-separated list of "+strings.Join(domain.PermNames(), ", ")+", or all")
	kf.register(cmd)
	return cmd
}

// agentJSON is the --json shape of an agent.
type agentJSON struct {
	ID       domain.ID `json:"id"`
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	Role     string    `json:"role"`
	Perms    []string  `json:"permissions"`
	Disabled bool      `json:"disabled"`
	Keys     []string  `json:"keys"`
}

func (a *app) agentListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List agents, their permissions and key fingerprints",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				agents, err := s.desk.Agents()
				if err != nil {
					return err
				}
				if asJSON {
					out := make([]agentJSON, 0, len(agents))
					for _, ag := range agents {
						j := agentJSON{ID: ag.ID, Name: ag.Name, Email: ag.Email, Role: string(ag.Role), Disabled: ag.Disabled, Perms: []string{}, Keys: []string{}}
						if ag.Perms != 0 {
							j.Perms = strings.Split(ag.Perms.String(), ",")
						}
						for _, k := range ag.Keys {
							j.Keys = append(j.Keys, k.Fingerprint)
						}
						out = append(out, j)
					}
					return writeJSON(cmd.OutOrStdout(), out)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSTATE\tPERMISSIONS\tKEYS")
				for _, ag := range agents {
					state := "enabled"
					if ag.Disabled {
						state = "disabled"
					}
					var fps []string
					for _, k := range ag.Keys {
						fps = append(fps, k.Fingerprint)
					}
					cellf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ag.Email, ag.Name, ag.Role, state, ag.Perms, strings.Join(fps, " "))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func (a *app) agentToggleCommand(disable bool) *cobra.Command {
	use, short, done := "enable EMAIL", "Let a disabled agent sign in again", "Enabled"
	if disable {
		use, short, done = "disable EMAIL", "Stop an agent from signing in (its history stays in the audit trail)", "Disabled"
	}
	return &cobra.Command{
		Use: use, Short: short, Args: exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(func(s *session) error {
				ag, err := s.desk.ChangeAgent(a.actor(), args[0], domain.AgentChange{Disabled: &disable})
				if err != nil {
					return err
				}
				printf(cmd, "%s agent %s.\n", done, ag.Email)
				return nil
			})
		},
	}
}

func (a *app) agentPermsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "perms EMAIL LIST",
		Short: "Set an agent's permissions: a comma-separated list of " + strings.Join(domain.PermNames(), ", ") + ", all or none",
		Args:  exactArgs("EMAIL", "LIST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := domain.ParsePerms(args[1])
			if err != nil {
				return usageError{err}
			}
			return a.withDesk(func(s *session) error {
				ag, err := s.desk.ChangeAgent(a.actor(), args[0], domain.AgentChange{Perms: &p})
				if err != nil {
					return err
				}
				printf(cmd, "Agent %s now has: %s.\n", ag.Email, ag.Perms)
				return nil
			})
		},
	}
}

func (a *app) agentKeyCommand(add bool) *cobra.Command {
	var kf keyFlags
	cmd := &cobra.Command{
		Use:   "add EMAIL (--key 'ssh-ed25519 ...' | --key-file FILE.pub)",
		Short: "Add an SSH public key an agent may sign in with",
		Args:  exactArgs("EMAIL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := kf.read(a)
			if err != nil {
				return err
			}
			return a.withDesk(func(s *session) error {
				ag, err := s.desk.ChangeAgent(a.actor(), args[0], domain.AgentChange{AddKey: key})
				if err != nil {
					return err
				}
				printf(cmd, "Agent %s now has %d keys.\n", ag.Email, len(ag.Keys))
				return nil
			})
		},
	}
	if add {
		kf.register(cmd)
		return cmd
	}
	cmd.Use = "remove EMAIL FINGERPRINT"
	cmd.Short = "Remove one of an agent's SSH keys (by its SHA256:... fingerprint)"
	cmd.Args = exactArgs("EMAIL", "FINGERPRINT")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.withDesk(func(s *session) error {
			ag, err := s.desk.ChangeAgent(a.actor(), args[0], domain.AgentChange{RemoveKey: args[1]})
			if err != nil {
				return err
			}
			printf(cmd, "Removed the key; agent %s has %d left.\n", ag.Email, len(ag.Keys))
			return nil
		})
	}
	return cmd
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"helpdesk/domain"
	"helpdesk/tui"
)

// An agent's own console settings (keys, theme, columns, mouse) are a
// config.toml: on a local terminal $XDG_CONFIG_HOME/helpdesk/config.toml
// (os.UserConfigDir), over SSH the text stored on the agent's record
// (helpdesk agent prefs), never a file of the server's home. tui.ParsePrefs
// reads both.

// configFile is the local console's config.toml path.
func configFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "helpdesk", "config.toml"), nil
}

// localPrefs reads the local config.toml: no file is the defaults. Each
// problem is printed on w, with the file and line, and the first comes
// back as a sentence for the console's status line ("" for none).
func localPrefs(w interface{ Write([]byte) (int, error) }) (tui.Prefs, string) {
	path, err := configFile()
	if err != nil {
		return tui.Prefs{}, ""
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return tui.Prefs{}, ""
	}
	if err != nil {
		msg := fmt.Sprintf("cannot read %s (%v); kept every default.", path, unwrapPath(err))
		fmt.Fprintln(w, msg)
		return tui.Prefs{}, msg
	}
	p, problems := tui.ParsePrefs(data)
	return p, reportProblems(w, path, problems)
}

// reportProblems prints each problem of a config on w and words them for
// the status line.
func reportProblems(w interface{ Write([]byte) (int, error) }, path string, problems []tui.Problem) string {
	for _, pr := range problems {
		fmt.Fprintln(w, pr.In(path))
	}
	switch len(problems) {
	case 0:
		return ""
	case 1:
		return problems[0].String()
	}
	return fmt.Sprintf("%s (+%d more: helpdesk keys shows them)", problems[0], len(problems)-1)
}

// remotePrefs are the stored settings of the agent a session signs in as;
// problems (a setting an older version did not know) are worded for the
// status line.
func remotePrefs(a domain.Agent) (tui.Prefs, string) {
	if a.Prefs == "" {
		return tui.Prefs{}, ""
	}
	p, problems := tui.ParsePrefs([]byte(a.Prefs))
	var b strings.Builder
	return p, reportProblems(&b, "config.toml", problems)
}

// mouseOption tracks the mouse unless the agent's settings say mouse =
// false, which leaves the terminal's own text selection working.
func mouseOption(p tui.Prefs) tea.ProgramOption {
	if p.Mouse != nil && !*p.Mouse {
		return func(*tea.Program) {}
	}
	return tea.WithMouseCellMotion()
}

// keysCommand prints every action of the console with the keys in force:
// the local config.toml's, or over SSH the agent's stored settings.
func (a *app) keysCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "keys [--json]",
		Short: "List the console's actions and their keys (the names config.toml's [keys] rebinds)",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			var prefs tui.Prefs
			if actor := a.actor(); !actor.IsOwner() {
				err := a.withDesk(func(s *session) error {
					text, err := s.desk.AgentPrefs(actor, strings.TrimPrefix(actor.Name, "agent:"))
					if err != nil {
						return err
					}
					var problems []tui.Problem
					prefs, problems = tui.ParsePrefs([]byte(text))
					reportProblems(cmd.ErrOrStderr(), "config.toml", problems)
					return nil
				})
				if err != nil {
					return err
				}
			} else {
				prefs, _ = localPrefs(cmd.ErrOrStderr())
			}
			actions := tui.KeyActions(prefs)
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), actions)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ACTION\tKEYS\tDOES")
			for _, k := range actions {
				cellf(tw, "%s\t%s\t%s\n", k.Action, strings.Join(k.Keys, " "), k.Does)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of {action, keys, does}")
	return cmd
}

// agentPrefsCommand shows, stores or clears an agent's console settings
// for its SSH sessions.
func (a *app) agentPrefsCommand() *cobra.Command {
	var file string
	var show, clear bool
	cmd := &cobra.Command{
		Use:   "prefs AGENT [--file config.toml] [--show] [--clear]",
		Short: "Show, store (--file) or clear an agent's own console settings for its SSH sessions",
		Long: `An agent's console settings (keys, theme, columns, mouse: the config.toml
of a local console) are stored on the agent for its SSH sessions, which never
read the server's files. --file stores a config.toml after checking it (- reads
standard input); --clear goes back to the defaults; with no flag, or --show, the
stored text is printed. An agent may manage its own; another agent's need the
agents permission.`,
		Args: exactArgs("AGENT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if clear && cmd.Flags().Changed("file") {
				return usagef("give --file or --clear, not both")
			}
			if show && (clear || cmd.Flags().Changed("file")) {
				return usagef("--show prints the stored settings; give it alone, or store with --file, or clear with --clear")
			}
			email := args[0]
			var text string
			if cmd.Flags().Changed("file") {
				b, err := readFileOrStdin(a, file)
				if err != nil {
					return err
				}
				name := file
				if name == "-" {
					name = "standard input"
				}
				if _, problems := tui.ParsePrefs(b); len(problems) > 0 {
					first := problems[0]
					where := name
					if first.Line > 0 {
						where = fmt.Sprintf("%s line %d", name, first.Line)
					}
					more := ""
					if len(problems) > 1 {
						more = fmt.Sprintf(" (and %d more problems)", len(problems)-1)
						if len(problems) == 2 {
							more = " (and 1 more problem)"
						}
					}
					return fmt.Errorf("nothing stored: %s: %s%s; fix the file and run this again", where, first.Fault(), more)
				}
				text = string(b)
			}
			return a.withDesk(func(s *session) error {
				actor := a.actor()
				switch {
				case cmd.Flags().Changed("file") || clear:
					ag, err := s.desk.SetAgentPrefs(actor, email, text)
					if err != nil {
						return fmt.Errorf("cannot store the console settings: %w", err)
					}
					if ag.Prefs == "" {
						printf(cmd, "Cleared the console settings of %s; its next SSH session has the defaults.\n", ag.Email)
					} else {
						printf(cmd, "Stored the console settings of %s; they apply from its next SSH session.\n", ag.Email)
					}
					return nil
				}
				stored, err := s.desk.AgentPrefs(actor, email)
				if err != nil {
					return fmt.Errorf("cannot read the console settings: %w", err)
				}
				if stored == "" {
					printf(cmd, "# %s has no console settings stored: the defaults apply.\n", email)
					return nil
				}
				_, err = fmt.Fprint(cmd.OutOrStdout(), stored)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "a config.toml to store, checked first (- reads standard input)")
	cmd.Flags().BoolVar(&show, "show", false, "print the stored settings (the default)")
	cmd.Flags().BoolVar(&clear, "clear", false, "remove the stored settings: the defaults apply")
	return cmd
}

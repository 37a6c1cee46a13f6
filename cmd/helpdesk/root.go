package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "helpdesk",
		Short: "A terminal helpdesk console for customer accounts and organizations",
		Long: `helpdesk keeps a support desk's customers and organizations in one local file.

Without a command it opens the console. The database is --db, else
$HELPDESK_DB, else $XDG_DATA_HOME/helpdesk/helpdesk.db (~/.local/share/...).

While the console or helpdesk serve holds the database, the other helpdesk
commands on this machine are carried out by that process, through the
socket FILE.sock beside the database, as you, with the same output and
exit code; files you name are read and written by that process.
The mail settings (--smtp-*, --from, --base-url, --desk-name and their
variables) are then the holding process's, not this command's.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runConsole(cmd)
		},
	}
	root.PersistentFlags().StringVar(&a.dbPath, "db", "", "database file (default $HELPDESK_DB or $XDG_DATA_HOME/helpdesk/helpdesk.db)")
	root.PersistentFlags().BoolVar(&a.readOnly, "read-only", false, "open the database for reading only (list, show, export, check, backup of a file you cannot write); commands that write refuse")
	a.consoleFlags(root)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		a.userCommand(),
		a.orgCommand(),
		a.importCommand(),
		a.exportCommand(),
		a.backupCommand(),
		a.checkCommand(),
		a.salvageCommand(),
		a.demoCommand(),
		a.agentCommand(),
		a.templateCommand(),
		a.mailCommand(root),
		a.serveCommand(), a.whoamiCommand(),
		a.convCommand(),
		a.groupCommand(),
		a.configCommand(),
		a.keysCommand(),
	)
	return root
}

// group makes a command that only holds subcommands: called alone or with
// an unknown subcommand it is a usage error, not a silent help page.
func group(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("%s needs a subcommand", c.CommandPath())
		}
		return usagef("unknown command %q for %s", args[0], c.CommandPath())
	}
	cmd.AddCommand(subs...)
	return cmd
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unknown command %q for %s", args[0], cmd.CommandPath())
	}
	return nil
}

// printf prints a sentence; each string it quotes stays on one line
// (lineArgs), and the whole passes the output's sanitiser (output.go).
func printf(cmd *cobra.Command, format string, args ...any) {
	fmt.Fprintf(cmd.OutOrStdout(), format, lineArgs(args...)...)
}

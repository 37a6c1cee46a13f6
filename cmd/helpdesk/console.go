package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"helpdesk/domain/demo"
	"helpdesk/mailer"
	"helpdesk/tui"
)

// demoConsoleUsers is how many users --demo starts with: enough to scroll
// and to find near duplicates, few enough to load in a blink.
const demoConsoleUsers = 200

// consoleFlags adds the console's flags to the root command; they are not
// persistent, so subcommands do not inherit them.
func (a *app) consoleFlags(root *cobra.Command) {
	root.Flags().Bool("demo", false, "open the console on a fresh temporary database filled with demo data (removed on exit)")
}

// runConsole opens the console: on the database (--db, $HELPDESK_DB, the
// default path), or with --demo on a temporary one with the demo data.
// Failures (the database locked by another process, no terminal) come back
// as errors, so the command prints one line and exits 1.
func (a *app) runConsole(cmd *cobra.Command) error {
	demoData, _ := cmd.Flags().GetBool("demo")
	if !isTerminal(a.in) || !isTerminal(a.out) {
		return errors.New("the console needs a terminal; run 'helpdesk --help' for the commands that work in scripts")
	}
	if demoData {
		dir, err := os.MkdirTemp("", "helpdesk-demo-")
		if err != nil {
			return fmt.Errorf("create a temporary database: %w", err)
		}
		defer os.RemoveAll(dir)
		a.dbPath = filepath.Join(dir, "helpdesk.db")
	}
	// The same opening as every command (path, mail settings), so the
	// console and the command line act alike.
	s, err := a.open()
	if err != nil {
		return err
	}
	defer s.Close()
	actor := a.actor()
	if demoData {
		if _, err := demo.Load(s.desk, actor, demoConsoleUsers); err != nil {
			return fmt.Errorf("load the demo data: %w", err)
		}
	}
	// Build the suggestion index (Desk.WarmSuggest) now rather than on the
	// first keystroke of the first new user, but beside the first frame,
	// not before it: on a million users it takes longer than the frame's
	// budget. A failure shows up again, in words, on the first suggestion.
	go func() { _ = tui.WarmUp(s.desk) }()

	m := tui.New(tui.Options{Desk: s.desk, Actor: actor, Renderer: lipgloss.DefaultRenderer(), MailTransport: !demoData && a.mailConfigured()})
	defer m.Close()
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithInput(a.in), tea.WithOutput(a.out))

	// Mail queued from the console goes out while it is open, when SMTP is
	// configured; what goes wrong is said on the status line, since the
	// screen belongs to the console. Never with --demo: its addresses are
	// made up, and some are at real providers.
	if !demoData {
		stopMail, err := a.startMailWorker(s.desk,
			func(r mailer.Result) {
				if r.Err != nil {
					p.Send(tui.Notice("Mail to "+r.Message.To+" not sent: "+r.Err.Error(), true))
				}
			},
			func(err error) { p.Send(tui.Notice("Mail worker: "+err.Error(), true)) })
		if err != nil {
			return err
		}
		defer stopMail()
	}

	if _, err := p.Run(); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

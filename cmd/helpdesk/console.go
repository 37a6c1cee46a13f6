package main

import (
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"helpdesk/domain"
	"helpdesk/domain/demo"
	"helpdesk/mailer"
	"helpdesk/tui"
)

// demoConsoleUsers is how many users --demo starts with: enough to scroll
// and to find near duplicates, few enough to load in a blink.
const demoConsoleUsers = 200

// demoMailboxSize is how many messages the demo's mailbox keeps.
const demoMailboxSize = 200

// consoleFlags adds the console's flags to the root command; they are not
// persistent, so subcommands do not inherit them.
func (a *app) consoleFlags(root *cobra.Command) {
	root.Flags().Bool("demo", false, "open the console on a fresh temporary database filled with demo data (removed on exit)")
	root.Flags().String("http", "", "also serve the customer portal on this address (host:port) while the console is open, e.g. 127.0.0.1:8080")
	root.Flags().String("agent", "", "the agent you are (their email, default $HELPDESK_AGENT), so \"assign to me\" and the inbox's \"me\" mean you; you still act as the database's owner")
}

// consoleAgent finds the agent record a local console stands for: --agent,
// else $HELPDESK_AGENT; none named is no agent (zero).
func (a *app) consoleAgent(cmd *cobra.Command, s *session) (domain.ID, error) {
	email, _ := cmd.Flags().GetString("agent")
	from := "--agent"
	if !cmd.Flags().Changed("agent") {
		email, from = os.Getenv("HELPDESK_AGENT"), "HELPDESK_AGENT"
	}
	email = strings.TrimSpace(email)
	if email == "" {
		return 0, nil
	}
	ag, err := s.desk.AgentByEmail(email)
	if domain.IsNotFound(err) {
		return 0, fmt.Errorf("%s names %s, but no agent has that email; run 'helpdesk agent list' to see them, or 'helpdesk agent add' to become one", from, email)
	}
	if err != nil {
		return 0, err
	}
	if ag.Disabled {
		return 0, fmt.Errorf("%s names %s, an agent who is disabled; enable them with 'helpdesk agent enable %s', or name another", from, ag.Email, ag.Email)
	}
	return ag.ID, nil
}

// runConsole opens the console: on the database (--db, $HELPDESK_DB, the
// default path), or with --demo on a temporary one with the demo data.
// Failures (the database locked by another process, no terminal) come back
// as errors, so the command prints one line and exits 1.
func (a *app) runConsole(cmd *cobra.Command) error {
	demoData, _ := cmd.Flags().GetBool("demo")
	if a.readOnly {
		return usagef("--read-only is for commands that read (list, show, export, check, backup); the console opens the database for writing")
	}
	if !isTerminal(a.in) || !isTerminal(a.term) {
		return errors.New("the console needs a terminal; run 'helpdesk --help' for the commands that work in scripts")
	}
	if demoData {
		dir, err := os.MkdirTemp("", "helpdesk-demo-")
		if err != nil {
			return fmt.Errorf("create a temporary database: %w", err)
		}
		defer os.RemoveAll(dir)
		a.dbPath = filepath.Join(dir, "helpdesk.db")
		a.scratch = true
	}
	// With --http the portal runs in this process on the console's desk;
	// with no base-url set anywhere, mailed links point at it.
	var portalCfg *portalConfig
	if cmd.Flags().Changed("http") {
		addr, _ := cmd.Flags().GetString("http")
		if strings.TrimSpace(addr) == "" {
			return usagef("--http needs an address such as 127.0.0.1:8080")
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("cannot listen on %s: %w", addr, err)
		}
		defer ln.Close()
		portalCfg = &portalConfig{ln: ln}
		a.portalURL = portalCfg.url()
	}
	// The same opening as every command (path, mail settings), so the
	// console and the command line act alike.
	s, err := a.open()
	if err != nil {
		return err
	}
	defer s.Close()
	// Other helpdesk commands on this machine run here while it is open
	// (holder.go); stopped before the database closes.
	defer startHolder(s)()
	actor := a.actor()
	if demoData {
		if _, err := demo.LoadFull(s.desk, actor, demoConsoleUsers); err != nil {
			return fmt.Errorf("load the demo data: %w", err)
		}
	}
	me, err := a.consoleAgent(cmd, s)
	if err != nil {
		return err
	}
	// Build the suggestion index (Desk.WarmSuggest) now rather than on the
	// first keystroke of the first new user, but beside the first frame,
	// not before it: on a million users it takes longer than the frame's
	// budget. A failure shows up again, in words, on the first suggestion.
	go func() { _ = tui.WarmUp(s.desk) }()

	// A demo with the portal delivers its mail to a mailbox in memory that
	// the portal shows, so the flow from a new user to a signed-in customer
	// can be followed on this machine; nothing leaves it.
	var demoBox *mailer.Mailbox
	if demoData && portalCfg != nil {
		demoBox = mailer.NewMailbox(demoMailboxSize)
		portalCfg.mailbox = demoBox
	}
	// The agent's config.toml: its problems are printed now, before the
	// console takes the screen, and the first is said on the status line.
	prefs, prefsNotice := localPrefs(a.err)
	m := tui.New(tui.Options{Desk: s.desk, Actor: actor, Me: me, Prefs: prefs, Clipboard: tui.OSC52Writer(a.term), Renderer: lipgloss.DefaultRenderer(), MailTransport: demoBox != nil || (!demoData && a.mailConfigured())})
	defer m.Close()
	p := tea.NewProgram(m, tea.WithAltScreen(), mouseOption(prefs), tea.WithInput(a.in), tea.WithOutput(a.term))
	if prefsNotice != "" {
		go p.Send(tui.Notice(prefsNotice, true))
	}

	// Mail queued from the console goes out while it is open, when SMTP is
	// configured; what goes wrong is said on the status line, since the
	// screen belongs to the console. Never over SMTP with --demo: its
	// addresses are made up, and some are at real providers.
	if demoBox != nil {
		defer runMailWorker(s.desk, demoBox, nil, func(err error) { p.Send(tui.Notice("Mail worker: "+err.Error(), true)) })()
	}
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

	// The portal serves while the console is open and stops before the
	// database closes. What it has to say goes to the status line: the
	// screen belongs to the console.
	if portalCfg != nil {
		logger := log.New(noticeWriter{p}, "", 0)
		site, err := startPortal(s.desk, portalCfg, logger)
		if err != nil {
			return fmt.Errorf("portal: %w", err)
		}
		defer site.stop(2 * time.Second)
		line := portalLine(site, s.desk)
		go p.Send(tui.Notice(line, false))
		go func() {
			if err := <-site.served; err != nil {
				p.Send(tui.Notice("Portal stopped: "+err.Error(), true))
			}
		}()
	}

	if _, err := p.Run(); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// noticeWriter puts each log line on the console's status line.
type noticeWriter struct{ p *tea.Program }

func (w noticeWriter) Write(b []byte) (int, error) {
	line := "Portal: " + strings.TrimSpace(string(b))
	// Send waits for the program to read; a log line must not.
	go w.p.Send(tui.Notice(line, true))
	return len(b), nil
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

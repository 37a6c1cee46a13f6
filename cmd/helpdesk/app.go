package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"helpdesk/domain"
	"helpdesk/store"
)

// Exit codes are a contract with scripts.
const (
	exitOK      = 0
	exitFailed  = 1 // a refused or failed action
	exitUsage   = 2 // wrong usage: unknown command or flag, missing argument
	envDB       = "HELPDESK_DB"
	programName = "helpdesk"
)

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// app carries what every command shares: the streams and the database flag.
type app struct {
	in       io.Reader
	out, err io.Writer
	dbPath   string
	// as is who the commands act as: the local owner of the database file,
	// or, for a command run over SSH, the signed-in agent.
	as *domain.Actor
	// shared is the database a server already holds; commands run over SSH
	// use it instead of opening the file, which the server has locked.
	shared *session
	// mail holds the mail flags (mailconfig.go).
	mail mailFlags
	// portalURL is where this process serves the customer portal, if it
	// does: mailed links use it when no base-url is set anywhere.
	portalURL string
}

func (a *app) actor() domain.Actor {
	if a.as != nil {
		return *a.as
	}
	return localActor()
}

// run executes one command line and returns the exit code. Errors are
// printed as one line starting "helpdesk: ".
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(args, stdin, stdout, stderr, nil, nil)
}

// runWith is run as someone else on a database already open: the SSH server
// runs an agent's command line this way, as that agent, on the database it
// holds, with the SSH session's streams. Such a command line also passes
// remoteGuard (serve_remote.go) before it runs.
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer, as *domain.Actor, shared *session) int {
	a := &app{in: stdin, out: stdout, err: stderr, as: as, shared: shared}
	root := a.rootCommand()
	if shared != nil {
		root.PersistentPreRunE = a.remoteGuard
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	msg := strings.TrimSpace(err.Error())
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(msg) {
		fmt.Fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", programName, msg, commandPath(root, args))
		return exitUsage
	}
	fmt.Fprintf(stderr, "%s: %s\n", programName, msg)
	return exitFailed
}

// isCobraUsage recognises cobra's own messages for calls it could not parse.
func isCobraUsage(msg string) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "required flag", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// commandPath names the command a mistaken call was aimed at, for the hint.
func commandPath(root *cobra.Command, args []string) string {
	if c, _, err := root.Find(args); err == nil && c != nil {
		return c.CommandPath()
	}
	return programName
}

// defaultDBPath is $XDG_DATA_HOME/helpdesk/helpdesk.db, with the XDG default
// of ~/.local/share.
func defaultDBPath() string {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "helpdesk", "helpdesk.db")
}

func (a *app) resolveDB() string {
	if a.dbPath != "" {
		return a.dbPath
	}
	if p := os.Getenv(envDB); p != "" {
		return p
	}
	return defaultDBPath()
}

// session is an open database with its service, for one command.
type session struct {
	db   *store.DB
	desk *domain.Desk
	// overrides are the flags and variables that override desk settings
	// for the process that opened the database (config show names them).
	overrides map[string]setting
}

func (a *app) open() (*session, error) {
	// The desk's name and link base go into every mail queued by this
	// command (mailconfig.go); a bad value is refused before the file opens.
	mail, err := a.deskMailConfig()
	if err != nil {
		return nil, err
	}
	mail.FallbackBaseURL = a.portalURL
	db, err := store.Open(a.resolveDB(), store.Options{})
	if err != nil {
		return nil, err
	}
	return &session{db: db, desk: domain.NewDesk(db, domain.WithMailConfig(mail)), overrides: a.settingOverrides()}, nil
}

func (s *session) Close() error { return s.db.Close() }

// withDesk opens the database for the length of one command, or uses the
// one the server holds.
func (a *app) withDesk(fn func(*session) error) error {
	if a.shared != nil {
		return fn(a.shared)
	}
	s, err := a.open()
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

// localActor is who the CLI acts as: the owner of the database file. The
// audit trail says so, with the operating-system account that ran it.
func localActor() domain.Actor {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return domain.Actor{Name: "owner:" + name + " (local)"}
}

// exactArgs is cobra.ExactArgs with a sentence naming what is missing.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return usagef("missing %s", strings.Join(names[len(args):], " and "))
		}
		if len(args) > len(names) {
			return usagef("too many arguments: %q (expected %s)", args[len(names):], strings.Join(names, " "))
		}
		return nil
	}
}

// readFileOrStdin reads a file named by a flag; "-" is standard input.
func readFileOrStdin(a *app, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(a.in)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, unwrapPath(err))
	}
	return b, nil
}

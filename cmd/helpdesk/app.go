package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"helpdesk/domain"
	"helpdesk/domain/textsafe"
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

// exitTempFail is sysexits.h's EX_TEMPFAIL: mail receive could not take
// the message now and the MTA should try again later.
const exitTempFail = 75

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// tempFailError marks a failure worth retrying later (exit 75).
type tempFailError struct{ err error }

func (e tempFailError) Error() string { return e.err.Error() }
func (e tempFailError) Unwrap() error { return e.err }

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
	// readOnly: --read-only, the file opened for reading only.
	readOnly bool
	// scratch: the file is --demo's temporary one, removed on exit, so
	// nothing is worth an fsync (the demo's thousand commits load in a
	// second instead of ten).
	scratch bool
	// forwarded: the command line came from another process of this
	// machine through the holder's socket (holder.go); cwd is that
	// process's working directory, against which file names resolve.
	forwarded bool
	cwd       string

	// term and termErr are the process's streams before the sanitiser that
	// out and err pass (output.go): only the console and the import's
	// progress line write to them.
	term, termErr io.Writer
}

func (a *app) actor() domain.Actor {
	if a.as != nil {
		return *a.as
	}
	return localActor()
}

// run executes one command line of this process and returns the exit
// code. Errors are printed as one line starting "helpdesk: ". SIGINT and
// SIGTERM cancel the command's context (cmd.Context()); a second signal is
// no longer caught. When another process holds the database and answers
// on its socket, the command line is carried out there (holder.go).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); stop() }()
	if code, ok := forward(ctx, args, stdin, stdout, stderr); ok {
		return code
	}
	a := &app{in: stdin, out: stdout, err: stderr}
	return a.execute(ctx, args)
}

// runWith is run as someone else on a database already open: the SSH server
// runs an agent's command line this way, as that agent, on the database it
// holds, with the SSH session's streams. Such a command line also passes
// remoteGuard (serve_remote.go) before it runs.
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer, as *domain.Actor, shared *session) int {
	return runSession(context.Background(), args, stdin, stdout, stderr, as, shared)
}

// runSession is runWith for a session with a lifetime: ending ctx (the SSH
// session closed) cancels the command.
func runSession(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, as *domain.Actor, shared *session) int {
	a := &app{in: stdin, out: stdout, err: stderr, as: as, shared: shared}
	return a.execute(ctx, args)
}

// execute runs one command line with ctx as every command's context and
// returns the exit code: 2 for a usageError, which every parse and
// argument error is by construction (typedUsage), 1 for any other error.
func (a *app) execute(ctx context.Context, args []string) int {
	// Every byte a command prints passes textsafe (output.go says why and
	// what bypasses it); the error line too, on one line.
	sout, serr := textsafe.NewWriter(a.out), textsafe.NewWriter(a.err)
	defer func() { _ = sout.Flush(); _ = serr.Flush() }()
	a.term, a.termErr, a.out, a.err = a.out, a.err, sout, serr
	root := a.rootCommand()
	switch {
	case a.forwarded:
		root.PersistentPreRunE = a.forwardGuard
	case a.shared != nil:
		root.PersistentPreRunE = a.remoteGuard
	}
	root.PersistentPreRunE = preRuns(checkUTF8, root.PersistentPreRunE)
	typedUsage(root)
	root.SetArgs(args)
	root.SetIn(a.in)
	root.SetOut(a.out)
	root.SetErr(a.err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	_ = sout.Flush()
	msg := textsafe.Line(strings.TrimSpace(err.Error()))
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(a.err, "%s: %s\nRun '%s --help' for usage.\n", programName, msg, commandPath(root, args))
		return exitUsage
	}
	fmt.Fprintf(a.err, "%s: %s\n", programName, msg)
	if tf := (tempFailError{}); errors.As(err, &tf) {
		return exitTempFail
	}
	return exitFailed
}

// typedUsage makes every argument and flag mistake cobra can find a
// usageError: each command's argument check (a command that says nothing
// takes no arguments) and, inside it, the required flags and flag groups
// cobra would check next. Flag parse errors are typed by root's
// FlagErrorFunc.
func typedUsage(c *cobra.Command) {
	check := c.Args
	if check == nil {
		check = noArgs
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return asUsage(err)
		}
		if err := cmd.ValidateRequiredFlags(); err != nil {
			return usageError{err}
		}
		if err := cmd.ValidateFlagGroups(); err != nil {
			return usageError{err}
		}
		return nil
	}
	for _, sub := range c.Commands() {
		typedUsage(sub)
	}
}

func asUsage(err error) error {
	var ue usageError
	if errors.As(err, &ue) {
		return err
	}
	return usageError{err}
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
	path := a.resolveDB()
	db, err := store.Open(path, store.Options{ReadOnly: a.readOnly, NoSync: a.scratch})
	if err != nil {
		return nil, describeLocked(path, err)
	}
	var st domain.Store = db
	if a.readOnly {
		st = readOnlyStore{db}
	}
	return &session{db: db, desk: domain.NewDesk(st, domain.WithMailConfig(mail)), overrides: a.settingOverrides()}, nil
}

// errReadOnly is what a write says under --read-only.
var errReadOnly = errors.New("this command changes the database, which --read-only opens for reading only: run it without --read-only")

// readOnlyStore refuses every write with errReadOnly, before bbolt would
// with its own words.
type readOnlyStore struct{ domain.Store }

func (readOnlyStore) Update(func(domain.Tx) error) error { return errReadOnly }

func (s *session) Close() error { return s.db.Close() }

// withDesk opens the database for the length of one command, or uses the
// one the server holds.
func (a *app) withDesk(fn func(*session) error) error {
	if a.shared != nil {
		if a.readOnly {
			// --read-only on the database a server holds: this command
			// only, through a desk that refuses writes.
			ro := *a.shared
			ro.desk = domain.NewDesk(readOnlyStore{a.shared.db})
			return fn(&ro)
		}
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

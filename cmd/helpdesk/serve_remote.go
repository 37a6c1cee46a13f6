package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Over SSH an agent runs the same command line as the owner at the desk's
// host, but everything it names lives on the server: a file path would
// read or write the server's files with the server's rights, and a mail or
// database flag would override the settings the desk was started with (a
// --base-url of the agent's choosing would put its own link in customers'
// set-password mail). remoteGuard refuses those before the command runs.

// localOnly are the commands that make no sense over SSH, with the sentence
// that says so; the key is the command's path.
var localOnly = map[string]string{
	programName: "the console opens when you connect from a terminal without a command (ssh -t); " +
		"over SSH a command line needs a command, for example: user list",
	programName + " serve":        "serve runs on the desk's host; this session is already served by it",
	programName + " mail worker":  "the server already delivers the desk's mail; mail list shows the outbox",
	programName + " backup":       "backup writes a file on the desk's host: run it there, or use export users over SSH",
	programName + " salvage":      "salvage reads and writes files on the desk's host: run it there",
	programName + " mail receive": "mail receive is for the desk host's mail server, which hands it each message; run it there",
}

// serverFlags are the settings the server was started with.
var serverFlags = []string{"db", "smtp-host", "smtp-port", "smtp-tls", "smtp-username", "smtp-password",
	"smtp-password-file", "smtp-ca-file", "from", "base-url", "desk-name", "smtp-listen"}

// stdinFlags name a file to read; over SSH only "-", standard input.
var stdinFlags = []string{"key-file", "body-file", "logo", "file"}

// remoteGuard runs before every command an agent runs over SSH (runWith
// makes it root's PersistentPreRunE).
func (a *app) remoteGuard(cmd *cobra.Command, args []string) error {
	if why, ok := localOnly[cmd.CommandPath()]; ok {
		return errors.New(why)
	}
	for _, name := range serverFlags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			return usagef("--%s is the desk's own setting and cannot be given over SSH", name)
		}
	}
	for _, name := range stdinFlags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed && f.Value.String() != "-" {
			return usagef("over SSH, --%s reads standard input only: give --%s - and send the file (ssh ... < FILE)", name, name)
		}
	}
	if cmd.CommandPath() == programName+" import users" && len(args) == 1 && args[0] != "-" {
		return usagef("over SSH, import reads standard input only: import users - < FILE.csv")
	}
	return nil
}

// whoamiCommand prints who the command line acts as: the owner of the
// database file locally, the signed-in agent over SSH. Hidden: it is for
// checking a key and for tests, not a daily command.
func (a *app) whoamiCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "whoami",
		Short:  "Print who commands act as, and with which permissions",
		Hidden: true,
		Args:   exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			actor := a.actor()
			perms := "all (owner of the database file)"
			if !actor.IsOwner() {
				perms = actor.Perms.String()
			}
			printf(cmd, "%s\npermissions: %s\n", actor, perms)
			return nil
		},
	}
}

package main

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	bm "github.com/charmbracelet/wish/bubbletea"

	"helpdesk/domain"
	"helpdesk/tui"
)

// What an SSH session gets: with a command, that command line run as the
// agent (commands); without one, from a terminal, the console
// (consoleProgram, run by wish's Bubble Tea middleware); with neither, one
// line of usage (afterConsole).

// sessionState is one session in progress; the server's mutex guards the
// fields that change.
type sessionState struct {
	agent   domain.Agent // as it was when the session began
	program *tea.Program // the console, once it runs
	model   *tui.Model
	input   *sessionInput
	// ending is why the server closed the console, said once it is gone.
	ending string
}

const (
	endShutdown = "the desk is shutting down; reconnect in a minute"
	usageLine   = "no command and no terminal: connect from a terminal (ssh -t) for the console, or give a command (help lists them)"
)

// fileTransfer are the commands file-copying clients run on the server.
var fileTransfer = map[string]bool{"scp": true, "sftp": true, "sftp-server": true, "rsync": true}

// termQueryWait bounds the terminal's answer to the background-colour
// question asked before the console starts; a terminal answers in one round
// trip, and one that does not gets the default (dark) styles.
const termQueryWait = time.Second

// begin registers a session; false once the server is shutting down.
func (srv *server) begin(s ssh.Session, agent domain.Agent) bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.closing {
		return false
	}
	srv.sessions[s] = &sessionState{agent: agent}
	srv.active.Add(1)
	return true
}

func (srv *server) end(s ssh.Session) {
	srv.mu.Lock()
	delete(srv.sessions, s)
	srv.mu.Unlock()
	srv.active.Done()
}

func (srv *server) state(s ssh.Session) *sessionState {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.sessions[s]
}

// commands runs a session's command line as its agent, on the database the
// server holds, with the session's streams; the exit status is the command
// line's exit code.
func (srv *server) commands(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		args := s.Command()
		if len(args) > 0 && args[0] == programName {
			args = args[1:] // "ssh desk helpdesk user list" reads like the local command
		}
		if len(args) == 0 {
			next(s)
			return
		}
		if fileTransfer[args[0]] {
			// Clients run these as commands: say what this server is.
			refuse(s, "this SSH server runs the helpdesk console and commands only; it transfers no files")
			return
		}
		actor := srv.state(s).agent.Actor()
		// The session's context ends when the client goes away, which
		// cancels the command's long operations.
		_ = s.Exit(runSession(s.Context(), args, s, s, s.Stderr(), &actor, srv.shared))
	}
}

// consoleProgram builds the console of a session with a terminal: the
// agent's renderer (colours for its terminal, not the server's), its
// window size (sent by the middleware), the agent as the actor. nil sends
// the session on to afterConsole.
func (srv *server) consoleProgram(s ssh.Session) *tea.Program {
	if _, _, ok := s.Pty(); !ok {
		return nil
	}
	st := srv.state(s)
	in := newSessionInput(s)
	in.setDeadline(time.Now().Add(termQueryWait))
	renderer := bm.MakeRenderer(sessionWithInput{Session: s, in: in})
	in.setDeadline(time.Time{})
	// The agent's own settings, stored on its record (agent prefs), never
	// the server's config.toml.
	prefs, prefsNotice := remotePrefs(st.agent)
	// The console and its clipboard (y writes OSC 52) share the session's
	// output through one lock, so a copy never lands inside a frame. Over
	// SSH there is no job control: ctrl+z says so (Remote).
	out := &syncWriter{w: s}
	m := tui.New(tui.Options{Desk: srv.shared.desk, Actor: st.agent.Actor(), Prefs: prefs, Renderer: renderer, Location: sessionZone(s), MailTransport: srv.mailTransport,
		Clipboard: tui.OSC52Writer(out), Remote: true})
	// MakeOptions' input is replaced by sessionInput, which holds what the
	// terminal query left unread. No signal handler: SIGINT and SIGTERM
	// belong to the server, which closes every console in order. 120 frames
	// a second rather than 60: a key waits for the next frame, and with 50
	// agents typing the median from key to screen went from 10 to 5 ms, p90
	// from 17 to 9 ms, for no measurable CPU (BENCHMARKS-ssh.md).
	opts := append(bm.MakeOptions(s), tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen(), mouseOption(prefs),
		tea.WithoutSignalHandler(), tea.WithFPS(120))
	p := tea.NewProgram(m, opts...)
	if prefsNotice != "" {
		go p.Send(tui.Notice(prefsNotice, true))
	}

	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.closing {
		st.ending = endShutdown
		m.Close()
		in.Close()
		return nil
	}
	st.program, st.model, st.input = p, m, in
	// Bubble Tea keeps running when its input ends; a console nobody can
	// type into any more (the client closed the session but kept the
	// connection, as multiplexing clients do) is closed instead.
	go func() {
		select {
		case <-in.ended:
			p.Quit()
		case <-in.done:
		}
	}()
	return p
}

// afterConsole is the innermost handler: it runs once the console has
// closed, or when there was none to open.
func (srv *server) afterConsole(ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		st := srv.state(s)
		srv.mu.Lock()
		model, input, ending := st.model, st.input, st.ending
		st.program = nil
		srv.mu.Unlock()
		switch {
		case model != nil:
			model.Close()
			input.Close()
			if ending != "" {
				// After the alternate screen is gone, so it stays readable.
				fmt.Fprintf(s, "%s: %s\n", programName, ending)
			}
		case ending != "":
			refuse(s, ending)
		default:
			fmt.Fprintf(s.Stderr(), "%s: %s\n", programName, usageLine)
			_ = s.Exit(exitUsage)
		}
	}
}

// sessionZone is the agent's time zone when its client sends TZ (ssh -o
// SendEnv=TZ), else the server's: "changed at 14:02" should be the agent's
// 14:02.
func sessionZone(s ssh.Session) *time.Location {
	for _, kv := range s.Environ() {
		if tz, ok := strings.CutPrefix(kv, "TZ="); ok && tz != "" {
			if loc, err := time.LoadLocation(strings.TrimPrefix(tz, ":")); err == nil {
				return loc
			}
		}
	}
	return time.Local
}

// watchAgents closes the console of an agent an admin disables, or whose
// keys or permissions change, while it is signed in: a console acts with
// the permissions read when it opened and must not outlive them.
func (srv *server) watchAgents() (stop func()) {
	events, unsubscribe := srv.shared.desk.Subscribe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			if e.Kind == "agent" {
				srv.recheckAgents()
			}
		}
	}()
	return func() {
		unsubscribe()
		<-done
	}
}

func (srv *server) recheckAgents() {
	type open struct {
		s  ssh.Session
		st *sessionState
	}
	var consoles []open
	srv.mu.Lock()
	for s, st := range srv.sessions {
		if st.program != nil && st.ending == "" {
			consoles = append(consoles, open{s, st})
		}
	}
	srv.mu.Unlock()
	for _, c := range consoles {
		var why string
		now, err := srv.sessionAgent(c.s)
		switch {
		case err != nil:
			why = "an admin disabled this agent or removed its key"
		case now.Perms != c.st.agent.Perms:
			why = "an admin changed this agent's permissions (now " + now.Perms.String() + "); reconnect to work with them"
		default:
			continue
		}
		srv.mu.Lock()
		p := c.st.program
		if p != nil && c.st.ending == "" {
			c.st.ending = why
		}
		srv.mu.Unlock()
		if p != nil {
			srv.log.Printf("%s: console closed: %s", c.st.agent.Actor(), why)
			go p.Quit()
		}
	}
}

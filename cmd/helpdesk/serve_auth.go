package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"helpdesk/domain"
)

// Identity over SSH is the public key, never the SSH user name (DESIGN,
// Security rules). The handshake asks one question, allowKey; the session
// then looks its agent up again from the key that authenticated it.
//
// Why twice: during the handshake a client may offer several keys, and
// under several user names, before it proves it holds one. Whatever the
// handshake remembered could belong to a key that was only offered (wish
// v1.4.7's ssh library keeps the first user name it saw, for one). The
// key the session carries is the one whose signature the server checked:
// golang.org/x/crypto/ssh hands the connection the permissions returned
// for that key, and the ssh library keeps the key in them.

// allowKey answers whether an enabled agent signs in with this key. It
// keeps nothing: the answer is not remembered for the session.
func (srv *server) allowKey(_ ssh.Context, key ssh.PublicKey) bool {
	_, err := srv.shared.desk.AgentForKey(gossh.FingerprintSHA256(key))
	return err == nil
}

var errNoKey = errors.New("the session carries no public key")

// sessionAgent is the agent whose key authenticated the session, as it is
// now: disabled since the handshake means refused.
func (srv *server) sessionAgent(s ssh.Session) (domain.Agent, error) {
	key := s.PublicKey()
	if key == nil {
		return domain.Agent{}, errNoKey
	}
	return srv.shared.desk.AgentForKey(gossh.FingerprintSHA256(key))
}

// identify is the outermost middleware: no agent, no session. It also
// registers the session for shutdown and logs who did what.
func (srv *server) identify(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		agent, err := srv.sessionAgent(s)
		if err != nil {
			srv.log.Printf("refused a session from %s: %v", s.RemoteAddr(), err)
			refuse(s, "this key does not belong to an enabled agent")
			return
		}
		if !srv.begin(s, agent) {
			refuse(s, "the desk is shutting down; try again in a minute")
			return
		}
		defer srv.end(s)
		what := "console"
		if cmd := commandWords(s.Command()); cmd != "" {
			what = "command " + cmd
		} else if _, _, pty := s.Pty(); !pty {
			what = "no terminal, no command"
		}
		srv.log.Printf("%s from %s: %s", agent.Actor(), s.RemoteAddr(), what)
		next(s)
	}
}

// refuse ends a session with one line on its standard error and exit 1.
func refuse(s ssh.Session, why string) {
	fmt.Fprintf(s.Stderr(), "%s: %s\n", programName, why)
	_ = s.Exit(exitFailed)
}

// connFailed logs connections that never became sessions: refused keys,
// clients that offered only a password, broken handshakes.
func (srv *server) connFailed(c net.Conn, err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return // a port probe or health check that spoke no SSH
	}
	srv.log.Printf("refused a connection from %s: %v", c.RemoteAddr(), err)
}

// commandWords names a command for the log by its leading command words
// ("user show"): the arguments after them may be customers' emails, which
// the log does not need.
func commandWords(args []string) string {
	var words []string
	for _, a := range args {
		if len(words) == 3 || !isCommandWord(a) {
			break
		}
		words = append(words, a)
	}
	if len(words) == 0 && len(args) > 0 {
		return "(arguments only)"
	}
	return strings.Join(words, " ")
}

func isCommandWord(w string) bool {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return false
	}
	return strings.Trim(w, "abcdefghijklmnopqrstuvwxyz-") == ""
}

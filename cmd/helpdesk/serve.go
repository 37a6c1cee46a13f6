package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"helpdesk/mailer"
	"helpdesk/tui"
)

// hostKeyName is the host key's file name beside the database.
const hostKeyName = "ssh_host_ed25519_key"

// serveConfig is how one server runs; the command fills it from flags,
// tests directly.
type serveConfig struct {
	hostKeyPath string        // "" means hostKeyName beside the database
	grace       time.Duration // how long the shutdown notice shows before consoles close
	drain       time.Duration // how long commands (and portal requests) still running get at shutdown
	portal      *portalConfig // the customer portal, served too when set
	smtp        *smtpConfig   // the inbound mail listener, served too when set
}

func (a *app) serveCommand() *cobra.Command {
	var listen, httpAddr, tlsCert, tlsKey, smtpAddr string
	var trustProxy bool
	cfg := serveConfig{drain: 10 * time.Second}
	cmd := &cobra.Command{
		Use:   "serve [--listen 127.0.0.1:2222] [--host-key PATH] [--http ADDR [--tls-cert FILE --tls-key FILE] [--trust-proxy]] [--smtp-listen ADDR]",
		Short: "Serve the console and the command line to agents over SSH, and the customer portal over HTTP",
		Long: `Serve the desk over SSH: agents sign in with the public keys given to them
(helpdesk agent add / key add) and get the console, or run any command
line as themselves with their permissions:

  ssh -p 2222 desk.example                       the console (from a terminal)
  ssh -p 2222 desk.example user list --json      a command
  ssh -p 2222 desk.example import users - < users.csv

Only public-key sign-in is offered; the SSH user name is ignored: the key
says who the agent is. The server holds the database; other helpdesk
commands on this host, run by the same user or root, are carried out by
it through the socket beside the database (backup included).
The host key is created on first start (ed25519, mode 0600) and kept.

With --http ADDR it serves the customer portal (set a password from a
mailed link, sign in, sign up) on ADDR: alone, or beside SSH when --listen
is given too. --tls-cert and --tls-key (both or neither) serve it over
HTTPS; behind a reverse proxy that terminates TLS, --trust-proxy believes
its X-Forwarded-Proto and X-Forwarded-For. Mailed links start with the
desk setting base-url (helpdesk config set base-url); with none set they
point at the portal's own address.

With --smtp-listen ADDR it receives customers' mail over SMTP for the
desk's addresses (helpdesk config set inbound-address support@example.com):
a reply to the desk's mail joins its conversation, other mail opens one.
Other recipients are refused (no relay), and so are more than 50
recipients and messages over inbound-max-size (default 10MB). Like --http,
it runs alone or beside SSH when --listen is given too.

SIGINT or SIGTERM stops the server: connected agents are told, running
commands and requests finish, and the database is closed cleanly.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if a.readOnly {
				return usagef("--read-only is for commands that read (list, show, export, check, backup); serve opens the database for writing")
			}
			if (tlsCert == "") != (tlsKey == "") {
				return usagef("--tls-cert and --tls-key go together: give both, or neither")
			}
			withPortal := f.Changed("http")
			if !withPortal && (tlsCert != "" || trustProxy) {
				return usagef("--tls-cert, --tls-key and --trust-proxy are for the portal: add --http ADDR")
			}
			if withPortal && strings.TrimSpace(httpAddr) == "" {
				return usagef("--http needs an address such as 127.0.0.1:8080")
			}
			withSMTP := f.Changed("smtp-listen")
			if withSMTP && strings.TrimSpace(smtpAddr) == "" {
				return usagef("--smtp-listen needs an address such as 127.0.0.1:2525")
			}
			// SSH as before, unless only the portal or mail was asked for.
			withSSH := !(withPortal || withSMTP) || f.Changed("listen")
			var tlsConfig *tls.Config
			if tlsCert != "" {
				var err error
				if tlsConfig, err = loadTLS(tlsCert, tlsKey); err != nil {
					return err
				}
			}
			var ln net.Listener
			if withSSH {
				var err error
				if ln, err = net.Listen("tcp", listen); err != nil {
					return fmt.Errorf("cannot listen on %s: %w", listen, err)
				}
			}
			if withPortal {
				hl, err := net.Listen("tcp", httpAddr)
				if err != nil {
					if ln != nil {
						ln.Close()
					}
					return fmt.Errorf("cannot listen on %s: %w", httpAddr, err)
				}
				cfg.portal = &portalConfig{ln: hl, tls: tlsConfig, trustProxy: trustProxy}
			}
			if withSMTP {
				ml, err := net.Listen("tcp", smtpAddr)
				if err != nil {
					if ln != nil {
						ln.Close()
					}
					if cfg.portal != nil {
						cfg.portal.ln.Close()
					}
					return fmt.Errorf("cannot listen on %s: %w", smtpAddr, err)
				}
				cfg.smtp = &smtpConfig{ln: ml}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// The first signal starts the orderly shutdown; a second one is
			// no longer caught and ends the process at once (bbolt's file
			// stays consistent either way).
			go func() { <-ctx.Done(); stop() }()
			return a.serve(ctx, ln, cfg)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:2222", "address to listen on for SSH (host:port); with --http, SSH runs only when this is given")
	cmd.Flags().StringVar(&cfg.hostKeyPath, "host-key", "", "host key file, created if missing (default "+hostKeyName+" beside the database)")
	cmd.Flags().DurationVar(&cfg.grace, "grace", 3*time.Second, "at shutdown, how long agents see the notice before their consoles close")
	cmd.Flags().StringVar(&httpAddr, "http", "", "serve the customer portal on this address (host:port), e.g. 127.0.0.1:8080")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", "", "the portal's TLS certificate (PEM file; with --tls-key): serve HTTPS")
	cmd.Flags().StringVar(&tlsKey, "tls-key", "", "the portal's TLS private key (PEM file; with --tls-cert)")
	cmd.Flags().BoolVar(&trustProxy, "trust-proxy", false, "the portal is behind a reverse proxy: honour its X-Forwarded-Proto and X-Forwarded-For")
	cmd.Flags().StringVar(&smtpAddr, "smtp-listen", "", "receive customers' mail over SMTP on this address (host:port), e.g. 127.0.0.1:2525")
	return cmd
}

// serve runs the SSH server on ln (nil: no SSH) and the portal when cfg
// asks for it, until ctx ends, then shuts them down: stop accepting, tell
// the agents, let writes and requests finish, close the database.
func (a *app) serve(ctx context.Context, ln net.Listener, cfg serveConfig) error {
	closeListeners := func() {
		if ln != nil {
			ln.Close()
		}
		if cfg.portal != nil {
			cfg.portal.ln.Close()
		}
		if cfg.smtp != nil {
			cfg.smtp.ln.Close()
		}
	}
	if cfg.portal != nil {
		// With no base-url set anywhere, mailed links point here.
		a.portalURL = cfg.portal.url()
	}
	s, err := a.open()
	if err != nil {
		closeListeners()
		return err
	}
	// Other helpdesk commands on this host run here while it serves
	// (holder.go); stopped before the database closes, on every path.
	stopHolder := startHolder(s)
	closeDB := func() error { stopHolder(); return s.Close() }
	logger := log.New(a.err, "", log.LstdFlags)
	var srv *server
	var sshSrv *ssh.Server
	if ln != nil {
		if srv, sshSrv, err = a.newServer(s, cfg, logger); err != nil {
			closeListeners()
			closeDB()
			return err
		}
	}
	// Mail queued by any session or on the portal goes out from here, when
	// SMTP is set up (console.go does the same for the local console); the
	// log says what happened, since no one screen owns the mail.
	stopMail, err := a.startMailWorker(s.desk,
		func(r mailer.Result) { logger.Print(describeResult(r, time.Now())) },
		func(err error) { logger.Printf("mail worker: %v", err) })
	if err != nil {
		closeListeners()
		closeDB()
		return err
	}

	sshServed := make(chan error, 1)
	stopWatch := func() {}
	if srv != nil {
		// As in the console: the suggestion index is built beside the
		// first sessions, not before the server answers.
		go func() { _ = tui.WarmUp(s.desk) }()
		stopWatch = srv.watchAgents()
		fmt.Fprintf(a.out, "Serving %s over SSH on %s; host key %s.\n",
			s.db.Path(), ln.Addr(), gossh.FingerprintSHA256(sshSrv.HostSigners[0].PublicKey()))
		go func() { sshServed <- sshSrv.Serve(ln) }()
	}
	var site *portal
	var webServed <-chan error
	if cfg.portal != nil {
		if site, err = startPortal(s.desk, cfg.portal, logger); err != nil {
			err = fmt.Errorf("portal: %w", err)
			// Nothing is served yet: end what started, in order.
			if srv != nil {
				srv.shutdown(sshSrv, sshServed)
				stopWatch()
			} else {
				closeListeners()
			}
			stopMail()
			closeDB()
			return err
		}
		webServed = site.served
		fmt.Fprintln(a.out, portalLine(site, s.desk))
	}
	var inbound *inboundServer
	var smtpServed <-chan error
	if cfg.smtp != nil {
		if inbound, err = startInbound(s.desk, cfg.smtp.ln, logger); err != nil {
			err = fmt.Errorf("inbound mail: %w", err)
			if srv != nil {
				srv.shutdown(sshSrv, sshServed)
				stopWatch()
			} else {
				closeListeners()
			}
			if site != nil {
				site.stop(cfg.drain)
			}
			stopMail()
			closeDB()
			return err
		}
		smtpServed = inbound.served
		fmt.Fprintln(a.out, inboundLine(s.desk, cfg.smtp.ln))
	}
	fmt.Fprintf(a.out, "Stop with Ctrl-C or SIGTERM.\n")

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-sshServed:
		sshServed = nil // already returned
		if errors.Is(serveErr, ssh.ErrServerClosed) {
			serveErr = nil
		}
		if serveErr != nil {
			serveErr = fmt.Errorf("ssh server: %w", serveErr)
		}
	case serveErr = <-webServed:
		if serveErr != nil {
			serveErr = fmt.Errorf("portal: %w", serveErr)
		}
	case serveErr = <-smtpServed:
		if serveErr != nil {
			serveErr = fmt.Errorf("inbound mail: %w", serveErr)
		}
	}
	// The portal and SSH stop side by side: the portal's requests finish
	// while agents see the shutdown notice.
	webStopped := make(chan struct{})
	go func() {
		defer close(webStopped)
		if site != nil {
			site.stop(cfg.drain)
		}
		if inbound != nil {
			inbound.stop(cfg.drain)
		}
	}()
	n := 0
	if srv != nil {
		n = srv.shutdown(sshSrv, sshServed)
	}
	<-webStopped
	stopWatch()
	stopMail()
	if err := closeDB(); err != nil {
		return fmt.Errorf("close the database: %w", err)
	}
	if srv == nil && cfg.portal == nil {
		fmt.Fprintln(a.out, "Stopped: the mail listener and the database are closed.")
	} else if srv == nil {
		fmt.Fprintln(a.out, "Stopped: the portal and the database are closed.")
	} else {
		fmt.Fprintf(a.out, "Stopped: %d session(s) ended; the database is closed.\n", n)
	}
	return serveErr
}

// server is what every SSH session shares: the open database, the log,
// and the sessions in progress, so a shutdown can reach them.
type server struct {
	shared *session
	log    *log.Logger
	cfg    serveConfig

	mu       sync.Mutex
	closing  bool
	sessions map[ssh.Session]*sessionState
	active   sync.WaitGroup
	// mailTransport: SMTP is configured, so the outbox screen shows queued
	// mail as waiting for the worker, not as "no transport".
	mailTransport bool
}

func (a *app) newServer(s *session, cfg serveConfig, logger *log.Logger) (*server, *ssh.Server, error) {
	path := cfg.hostKeyPath
	if path == "" {
		path = filepath.Join(filepath.Dir(s.db.Path()), hostKeyName)
	}
	signer, err := loadHostKey(path)
	if err != nil {
		return nil, nil, err
	}
	srv := &server{shared: s, log: logger, cfg: cfg, sessions: map[ssh.Session]*sessionState{},
		mailTransport: a.mailConfigured()}
	sshSrv, err := wish.NewServer(
		func(s *ssh.Server) error { s.AddHostKey(signer); return nil },
		// Public keys only: with no password or keyboard-interactive
		// handler the server does not offer those methods at all.
		wish.WithPublicKeyAuth(srv.allowKey),
		// No real PTY on the host: the console reads and writes the SSH
		// channel, as soft-serve does.
		ssh.EmulatePty(),
		func(s *ssh.Server) error { s.ConnectionFailedCallback = srv.connFailed; return nil },
		// Composed first to last: the last runs first. identify finds the
		// agent, commands runs a command line, the Bubble Tea middleware
		// runs the console, afterConsole says why a session ended.
		wish.WithMiddleware(
			srv.afterConsole,
			bm.MiddlewareWithProgramHandler(srv.consoleProgram, termenv.Ascii),
			srv.commands,
			srv.identify,
		),
	)
	// No SubsystemHandlers (so no SFTP) and no forwarding callbacks (so no
	// tunnels): the ssh package refuses what has no handler. SCP arrives as
	// the command "scp", which is no helpdesk command.
	return srv, sshSrv, err
}

// shutdown stops the server in order and returns how many sessions it
// ended. served delivers Serve's return once the listener is closed (nil
// if it has returned already).
func (srv *server) shutdown(sshSrv *ssh.Server, served <-chan error) int {
	// Stop accepting: Shutdown closes the listener at once, then waits for
	// the connections, which close below.
	stopped := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { stopped <- sshSrv.Shutdown(ctx) }()
	if served != nil {
		<-served
	}

	srv.mu.Lock()
	srv.closing = true
	n := len(srv.sessions)
	var consoles []*tea.Program
	for _, st := range srv.sessions {
		if st.program != nil {
			st.ending = endShutdown
			consoles = append(consoles, st.program)
		}
	}
	srv.mu.Unlock()
	if n > 0 {
		srv.log.Printf("shutting down: telling %d console(s); %d session(s) in progress", len(consoles), n)
	}

	// Tell the agents on their screens; after the grace period (the
	// notice's time on screen, in which saves in flight land) close the
	// consoles. One goroutine per console, so the notice goes before the
	// quit and one stuck session cannot hold up the rest.
	release := make(chan struct{})
	for _, p := range consoles {
		go func() {
			p.Send(tui.Notice("The desk is shutting down: this session closes in a moment. Reconnect in a minute.", true))
			<-release
			p.Quit()
		}()
	}
	if len(consoles) > 0 {
		waitGroup(&srv.active, srv.cfg.grace) // or sooner, if every agent leaves
	}
	close(release)
	// Commands running (an import, an agent's user add) finish, within
	// the drain period; the database closes only after them.
	if !waitGroup(&srv.active, srv.cfg.drain) {
		srv.log.Printf("shutting down: sessions still running after %s are cut off", srv.cfg.drain)
	}
	_ = sshSrv.Close()
	cancel()
	<-stopped
	return n
}

// waitGroup waits for wg for at most d; false if it timed out.
func waitGroup(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// loadHostKey reads the server's host key, creating it on first start: the
// same key at every start keeps agents' known_hosts valid. Like sshd it
// refuses a key others may read: whoever holds it can pose as the desk.
func loadHostKey(path string) (gossh.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = createHostKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, unwrapPath(err))
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, unwrapPath(err))
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("host key %s may be read by other users (mode %04o); chmod 600 it", path, perm)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	return signer, nil
}

// createHostKey writes a new ed25519 key in OpenSSH form, mode 0600, and
// its public half beside it (for known_hosts). O_EXCL: never overwrite.
func createHostKey(path string) ([]byte, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "helpdesk host key")
	if err != nil {
		return nil, err
	}
	b := pem.EncodeToMemory(block)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if sp, err := gossh.NewPublicKey(pub); err == nil {
		_ = os.WriteFile(path+".pub", gossh.MarshalAuthorizedKey(sp), 0o644)
	}
	return b, nil
}

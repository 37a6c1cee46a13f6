package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"helpdesk/domain"
)

// One desk, many processes on one machine. bbolt lets one process at a
// time hold the file for writing; the process that holds it for long (the
// console, helpdesk serve) also listens on a Unix socket beside the file,
// FILE.sock (mode 0600), and carries out the command lines of the other
// helpdesk processes of the machine on the database it holds, as the local
// user that ran them, exactly as the SSH server runs an agent's (runWith).
// A command that finds a holder answering on the socket (holder_client.go)
// sends its command line there instead of opening the file.
//
// The protocol is a stream of frames, each one type byte, a big-endian
// uint32 length and that many bytes:
//
//	client → holder  'q' request: JSON forwardRequest (first frame, once)
//	                 'i' bytes of the client's standard input
//	                 'e' end of standard input
//	holder → client  'w' the command reads standard input: start sending it
//	                 'o' bytes for standard output
//	                 'r' bytes for standard error
//	                 'x' the exit code, one byte; the last frame
//
// Standard input is sent only when the command reads it, so a command in a
// shell loop does not swallow the loop's input. The client closing the
// connection (Ctrl-C, a killed process) cancels the command's context.
const (
	frameRequest  = 'q'
	frameStdin    = 'i'
	frameStdinEnd = 'e'
	frameWant     = 'w'
	frameStdout   = 'o'
	frameStderr   = 'r'
	frameExit     = 'x'

	maxFrame = 1 << 20
)

// forwardRequest is what a client sends first.
type forwardRequest struct {
	Args []string `json:"args"`
	// Cwd is the client's working directory: file names in the command
	// line are the client's, resolved against it.
	Cwd string `json:"cwd"`
}

// socketPath is the holder's socket for a database file.
func socketPath(db string) string {
	if p, err := filepath.Abs(db); err == nil {
		db = p
	}
	if p, err := filepath.EvalSymlinks(db); err == nil {
		db = p
	}
	return db + ".sock"
}

func writeFrame(w io.Writer, typ byte, p []byte) error {
	var h [5]byte
	h[0] = typ
	binary.BigEndian.PutUint32(h[1:], uint32(len(p)))
	if _, err := w.Write(append(h[:], p...)); err != nil {
		return err
	}
	return nil
}

func readFrame(r io.Reader) (byte, []byte, error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(h[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("frame of %d bytes is larger than %d", n, maxFrame)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return 0, nil, err
	}
	return h[0], p, nil
}

// frameConn serialises the frames one side writes.
type frameConn struct {
	mu sync.Mutex
	c  net.Conn
}

func (f *frameConn) send(typ byte, p []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(p) > maxFrame {
		if err := writeFrame(f.c, typ, p[:maxFrame]); err != nil {
			return err
		}
		p = p[maxFrame:]
	}
	return writeFrame(f.c, typ, p)
}

// stream is an io.Writer of one frame type (standard output or error).
type stream struct {
	f   *frameConn
	typ byte
}

func (s stream) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if err := s.f.send(s.typ, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// checkPeer is the rule for who may use the holder: the user it runs as,
// or root. Anyone else could not open the file (mode 0600) either.
func checkPeer(peerUID, holderUID uint32, db string) error {
	if peerUID == holderUID || peerUID == 0 {
		return nil
	}
	return fmt.Errorf("refused: the desk %s belongs to %s, and only that user or root may run helpdesk commands on it", db, userName(holderUID))
}

// userName is an account's name, or its number when it has none.
func userName(uid uint32) string {
	if u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10)); err == nil {
		return u.Username
	}
	return "uid " + strconv.FormatUint(uint64(uid), 10)
}

// peerActor is who a forwarded command acts as: the local user who ran
// it, as the command would have acted had it opened the file itself.
func peerActor(uid uint32) domain.Actor {
	return domain.Actor{Name: "owner:" + userName(uid) + " (local)"}
}

// holder serves the socket of a process that holds the database.
type holder struct {
	shared *session
	ln     *net.UnixListener
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	uid    uint32
}

// holderDrain bounds how long a holder that is closing waits for the
// commands it runs for others.
const holderDrain = 10 * time.Second

// startHolder listens on the socket beside the database s holds and
// carries out other processes' commands until stop, which stops taking
// new ones, cancels those running, waits for them (at most holderDrain)
// and removes the socket. A socket that cannot be made (a path too long
// for a Unix socket, a read-only folder) leaves the desk working alone:
// other commands then say which process holds the file.
func startHolder(s *session) (stop func()) {
	path := socketPath(s.db.Path())
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		// Another process answers for this file: leave it be.
		c.Close()
		return func() {}
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return func() {} // not ours to remove
		}
		_ = os.Remove(path) // stale: left by a process that died
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return func() {}
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &holder{shared: s, ln: ln, ctx: ctx, cancel: cancel, uid: uint32(os.Getuid())}
	accepted := make(chan struct{})
	go func() {
		defer close(accepted)
		for {
			c, err := ln.AcceptUnix()
			if err != nil {
				return
			}
			h.wg.Add(1)
			go func() {
				defer h.wg.Done()
				h.serveConn(c)
			}()
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			ln.Close() // removes the socket file too
			<-accepted
			cancel()
			waitGroup(&h.wg, holderDrain)
		})
	}
}

// serveConn runs one forwarded command line.
func (h *holder) serveConn(c *net.UnixConn) {
	defer c.Close()
	f := &frameConn{c: c}
	fail := func(msg string) {
		_ = f.send(frameStderr, []byte(programName+": "+msg+"\n"))
		_ = f.send(frameExit, []byte{exitFailed})
	}
	uid, err := peerUID(c)
	if err == nil {
		err = checkPeer(uid, h.uid, h.shared.db.Path())
	}
	if err != nil {
		fail(err.Error())
		return
	}
	r := bufio.NewReader(c)
	typ, p, err := readFrame(r)
	if err != nil || typ != frameRequest {
		return
	}
	var req forwardRequest
	if err := json.Unmarshal(p, &req); err != nil {
		fail("the command line could not be read: " + err.Error())
		return
	}
	ctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	in := newForwardedStdin(f)
	defer in.close()
	// A holder that closes ends the command's wait for input too.
	stopIn := context.AfterFunc(ctx, func() { in.fail(errors.New("the process holding the database is closing")) })
	defer stopIn()
	go func() {
		// The client's frames: its standard input, then nothing until it
		// closes the connection, which ends the command.
		for {
			typ, p, err := readFrame(r)
			if err != nil {
				in.fail(errors.New("the command's caller went away"))
				cancel()
				return
			}
			switch typ {
			case frameStdin:
				in.push(p)
			case frameStdinEnd:
				in.end()
			}
		}
	}()
	actor := peerActor(uid)
	a := &app{in: in, out: stream{f, frameStdout}, err: stream{f, frameStderr},
		as: &actor, shared: h.shared, cwd: req.Cwd, forwarded: true}
	code := a.execute(ctx, req.Args)
	_ = f.send(frameExit, []byte{byte(code)})
}

// forwardedStdin is a forwarded command's standard input: the first read
// asks the client for it.
type forwardedStdin struct {
	f      *frameConn
	asked  sync.Once
	pr     *io.PipeReader
	pw     *io.PipeWriter
	closed sync.Once
}

func newForwardedStdin(f *frameConn) *forwardedStdin {
	pr, pw := io.Pipe()
	return &forwardedStdin{f: f, pr: pr, pw: pw}
}

func (s *forwardedStdin) Read(p []byte) (int, error) {
	s.asked.Do(func() { _ = s.f.send(frameWant, nil) })
	return s.pr.Read(p)
}

func (s *forwardedStdin) push(p []byte)  { _, _ = s.pw.Write(p) }
func (s *forwardedStdin) end()           { s.pw.Close() }
func (s *forwardedStdin) fail(err error) { s.pw.CloseWithError(err) }
func (s *forwardedStdin) close()         { s.closed.Do(func() { s.pr.Close() }) }

// callerFileFlags are the flags that name a file of the caller's.
var callerFileFlags = []string{"key-file", "body-file", "text-file", "logo", "smtp-password-file", "smtp-ca-file"}

// callerFileArgs are the commands whose first argument names a file of the
// caller's ("-" is standard input).
var callerFileArgs = map[string]bool{
	programName + " backup":       true,
	programName + " import users": true,
}

// forwardGuard runs before a command line another local process sent
// (execute makes it root's PersistentPreRunE). The caller is the same
// user, so files it names are opened here, with the same rights: relative
// names are made absolute against its working directory. The holder's
// mail settings apply, not the caller's (--help of the mail flags says so).
func (a *app) forwardGuard(cmd *cobra.Command, args []string) error {
	if notForwarded[cmd.CommandPath()] {
		return fmt.Errorf("this helpdesk process already holds the database %s; run %s on its own once it stops", a.shared.db.Path(), cmd.CommandPath())
	}
	abs := func(name string) string {
		if name == "" || name == "-" || filepath.IsAbs(name) || a.cwd == "" {
			return name
		}
		return filepath.Join(a.cwd, name)
	}
	for _, name := range callerFileFlags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			if err := f.Value.Set(abs(f.Value.String())); err != nil {
				return usageError{fmt.Errorf("--%s: %w", name, err)}
			}
		}
	}
	if callerFileArgs[cmd.CommandPath()] && len(args) > 0 {
		// cobra passes this same slice on to RunE.
		args[0] = abs(args[0])
	}
	return nil
}

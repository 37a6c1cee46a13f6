package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"helpdesk/store"
)

// notForwarded are the commands that hold the database themselves (or try
// to): they run here, and say who holds the file when it is taken.
var notForwarded = map[string]bool{
	programName:                  true,
	programName + " serve":       true,
	programName + " mail worker": true,
	programName + " help":        true,
}

// forward carries out a command line through the process that holds its
// database, when one answers on the socket beside the file; ok is false
// when the command should run here instead (no holder, a command that does
// not use the database, a command line that does not parse: the local run
// says what is wrong).
func forward(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int, ok bool) {
	a := &app{in: stdin, out: stdout, err: stderr}
	root := a.rootCommand()
	c, rest, err := root.Find(args)
	if err != nil || c == nil || notForwarded[c.CommandPath()] {
		return 0, false
	}
	if c.CommandPath() == programName+" conv attachment" && (&app{term: stdout}).rawToTerminal() {
		return 0, false // refused here: raw bytes never go to a terminal
	}
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	if err := c.ParseFlags(rest); err != nil {
		return 0, false
	}
	if h, _ := c.Flags().GetBool("help"); h {
		return 0, false
	}
	sock := socketPath(a.resolveDB())
	if _, err := os.Stat(sock); err != nil {
		return 0, false
	}
	var d net.Dialer
	d.Timeout = time.Second
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		return 0, false
	}
	defer conn.Close()
	cwd, _ := os.Getwd()
	req, _ := json.Marshal(forwardRequest{Args: args, Cwd: cwd})
	f := &frameConn{c: conn}
	if err := f.send(frameRequest, req); err != nil {
		return 0, false
	}
	// Ctrl-C here closes the connection, which cancels the command there.
	stopWatch := context.AfterFunc(ctx, func() { conn.Close() })
	defer stopWatch()
	r := bufio.NewReader(conn)
	sentIn := false
	started := false
	for {
		typ, p, err := readFrame(r)
		if err != nil {
			if !started {
				// Nothing ran: the holder went away before it read the
				// request. Run here, which says who holds the file.
				return 0, false
			}
			msg := "the process holding the database went away before the command finished; check what it did, then run it again"
			if ctx.Err() != nil {
				msg = "interrupted: the command was stopped"
			}
			fmt.Fprintf(stderr, "%s: %s\n", programName, msg)
			return exitFailed, true
		}
		started = true
		switch typ {
		case frameStdout:
			_, _ = stdout.Write(p)
		case frameStderr:
			_, _ = stderr.Write(p)
		case frameWant:
			if !sentIn {
				sentIn = true
				go sendStdin(f, stdin)
			}
		case frameExit:
			if len(p) != 1 {
				return exitFailed, true
			}
			return int(p[0]), true
		}
	}
}

// sendStdin copies standard input to the holder, then says it ended.
func sendStdin(f *frameConn, in io.Reader) {
	if in != nil {
		buf := make([]byte, 64<<10)
		for {
			n, err := in.Read(buf)
			if n > 0 {
				if f.send(frameStdin, buf[:n]) != nil {
					return
				}
			}
			if err != nil {
				break
			}
		}
	}
	_ = f.send(frameStdinEnd, nil)
}

// lockedError is store.ErrLocked with the process that holds the file named.
type lockedError struct {
	path, holder string
	// serving: the holder answers on its socket, so the other commands
	// run there; this one (a console, serve, mail worker) cannot.
	serving bool
}

func (e lockedError) Error() string {
	if e.serving {
		return fmt.Sprintf("database %s is held by %s, which runs the other helpdesk commands on it but cannot open a second console, server or mail worker; stop it first", e.path, e.holder)
	}
	return fmt.Sprintf("database %s is in use by %s, which takes no commands from other processes; stop it, or connect with ssh if it serves", e.path, e.holder)
}

func (e lockedError) Unwrap() error { return store.ErrLocked }

// describeLocked names the holder of a locked database in err, when it can
// be found; other errors pass unchanged.
func describeLocked(path string, err error) error {
	if !errors.Is(err, store.ErrLocked) {
		return err
	}
	e := lockedError{path: path, holder: "another process"}
	if pid := lockHolder(path); pid > 0 {
		e.holder = describeProcess(pid)
	}
	if c, err := net.DialTimeout("unix", socketPath(path), time.Second); err == nil {
		c.Close()
		e.serving = true
	}
	return e
}

// lockHolder is the process holding a lock on the file, from the
// kernel's table of locks (/proc/locks on Linux: bbolt takes a flock); 0
// when it cannot be told.
func lockHolder(path string) int {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		return 0
	}
	return parseLocks(string(b), uint64(st.Dev), st.Ino)
}

// parseLocks finds the pid of a granted lock on the inode in /proc/locks,
// whose lines read "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
// (device as major:minor in hex); a writer wins over readers.
func parseLocks(table string, dev, ino uint64) int {
	want := fmt.Sprintf("%02x:%02x:%d", unix.Major(dev), unix.Minor(dev), ino)
	pid := 0
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || f[1] == "->" {
			continue // a waiter, not a holder
		}
		if f[5] != want {
			continue
		}
		p, err := strconv.Atoi(f[4])
		if err != nil || p <= 0 {
			continue
		}
		if f[3] == "WRITE" {
			return p
		}
		if pid == 0 {
			pid = p
		}
	}
	return pid
}

// describeProcess is "helpdesk process 1234 (helpdesk serve --listen
// :2222, started 10:02)", or less when /proc says less.
func describeProcess(pid int) string {
	s := "process " + strconv.Itoa(pid)
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil || len(b) == 0 {
		return s
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	if filepath.Base(args[0]) == programName {
		s = programName + " " + s
	}
	args[0] = filepath.Base(args[0])
	line := oneLine(strings.Join(args, " "), 80)
	if at, ok := processStart(pid); ok {
		return fmt.Sprintf("%s (%s, started %s)", s, line, at)
	}
	return fmt.Sprintf("%s (%s)", s, line)
}

// processStart is when a process started, as a local time of day (with
// the date when not today), from /proc/PID/stat and the boot time.
func processStart(pid int) (string, bool) {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return "", false
	}
	// The command name in parentheses may hold spaces: count after it.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return "", false
	}
	ticks, err := strconv.ParseInt(f[19], 10, 64) // field 22: starttime
	if err != nil {
		return "", false
	}
	procStat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return "", false
	}
	var boot int64
	for _, line := range strings.Split(string(procStat), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			boot, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	if boot == 0 {
		return "", false
	}
	// Linux reports in USER_HZ, 100 on every architecture Go runs on.
	t := time.Unix(boot+ticks/100, 0)
	if y, m, d := t.Date(); y == time.Now().Year() && m == time.Now().Month() && d == time.Now().Day() {
		return t.Format("15:04"), true
	}
	return t.Format("2006-01-02 15:04"), true
}

package main

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
)

// sessionInput is an SSH session's keyboard read through one pump
// goroutine, so that a read can give up at a deadline without losing what
// arrives after it.
//
// Why: before the console starts, bubbletea.MakeRenderer asks the agent's
// terminal for its background colour (light or dark styles) and reads the
// answer from the session. An SSH channel has no read deadline, so with a
// terminal that never answers that read would block until the agent's first
// key and swallow it. Reading through sessionInput, the question gives up
// at the deadline and the keys stay queued for the console.
type sessionInput struct {
	chunks   chan []byte
	ended    chan struct{} // closed when the session's input ends
	done     chan struct{}
	stop     sync.Once
	buf      []byte
	err      error        // the pump's final error, valid once chunks is closed
	deadline atomic.Int64 // unix nanoseconds; 0: none
}

func newSessionInput(r io.Reader) *sessionInput {
	in := &sessionInput{chunks: make(chan []byte), ended: make(chan struct{}), done: make(chan struct{})}
	go in.pump(r)
	return in
}

func (in *sessionInput) pump(r io.Reader) {
	defer close(in.ended)
	defer close(in.chunks)
	for {
		b := make([]byte, 1024)
		n, err := r.Read(b)
		if n > 0 {
			select {
			case in.chunks <- b[:n]:
			case <-in.done:
				return
			}
		}
		if err != nil {
			in.err = err
			return
		}
	}
}

// setDeadline makes reads that find nothing by t fail; the zero time
// removes the deadline.
func (in *sessionInput) setDeadline(t time.Time) {
	if t.IsZero() {
		in.deadline.Store(0)
		return
	}
	in.deadline.Store(t.UnixNano())
}

func (in *sessionInput) Read(p []byte) (int, error) {
	if len(in.buf) == 0 {
		var expired <-chan time.Time
		if d := in.deadline.Load(); d != 0 {
			t := time.NewTimer(time.Until(time.Unix(0, d)))
			defer t.Stop()
			expired = t.C
		}
		select {
		case b, ok := <-in.chunks:
			if !ok {
				if in.err != nil {
					return 0, in.err
				}
				return 0, io.EOF
			}
			in.buf = b
		case <-expired:
			return 0, os.ErrDeadlineExceeded
		case <-in.done:
			return 0, io.EOF
		}
	}
	n := copy(p, in.buf)
	in.buf = in.buf[n:]
	return n, nil
}

// Close ends the pump once the console no longer reads.
func (in *sessionInput) Close() error {
	in.stop.Do(func() { close(in.done) })
	return nil
}

// sessionWithInput is the session as MakeRenderer sees it: its own
// environment, terminal and output, but the keyboard read through
// sessionInput.
type sessionWithInput struct {
	ssh.Session
	in *sessionInput
}

func (s sessionWithInput) Read(p []byte) (int, error) { return s.in.Read(p) }

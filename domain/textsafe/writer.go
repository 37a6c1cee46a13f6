package textsafe

import (
	"bytes"
	"io"
	"sync"
	"unicode/utf8"
)

// maxPending bounds what a Writer holds while it waits for a newline.
const maxPending = 64 << 10

// Writer passes everything written to it through Block before it reaches
// the wrapped writer. It works a line at a time, so an escape sequence
// split between two writes is still seen whole; text after the last
// newline waits for the next write or for Flush (or is written once more
// than 64 KiB wait, keeping a rune cut in two for the next write). It is
// safe for use by several goroutines, as a log.Logger's output may be.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	pending []byte
	err     error
}

// NewWriter returns a Writer printing to w. Call Flush when done.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write takes p whole and reports len(p), or the first error the wrapped
// writer returned.
func (s *Writer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	s.pending = append(s.pending, p...)
	cut := bytes.LastIndexByte(s.pending, '\n') + 1
	if cut == 0 && len(s.pending) > maxPending {
		cut = completeRunes(s.pending)
	}
	if cut > 0 {
		s.emit(s.pending[:cut])
		n := copy(s.pending, s.pending[cut:])
		s.pending = s.pending[:n]
	}
	if s.err != nil {
		return 0, s.err
	}
	return len(p), nil
}

// Flush writes what waits for a newline.
func (s *Writer) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil && len(s.pending) > 0 {
		s.emit(s.pending)
		s.pending = s.pending[:0]
	}
	return s.err
}

func (s *Writer) emit(b []byte) {
	if str := string(b); !IsClean(str) {
		_, s.err = io.WriteString(s.w, Block(str))
		return
	}
	_, s.err = s.w.Write(b)
}

// completeRunes is the length of b without a UTF-8 sequence cut short at
// its end.
func completeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

package main

import (
	"io"
	"sync"
)

// syncWriter serialises writes to a session's output: the console's frames
// and its clipboard sequences (OSC 52) come from different goroutines, and
// one must never land inside the other.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

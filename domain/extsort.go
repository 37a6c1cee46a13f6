package domain

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// importEntry is one imported row's index data: what the email index needs
// once every record is written, and the line to name in a report.
type importEntry struct {
	IndexEntry
	Line int
}

func compareEntries(a, b importEntry) int {
	if c := strings.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	return cmp.Compare(a.Line, b.Line)
}

// entrySorter sorts import entries by email key, then line, in bounded
// memory: past runSize entries it writes sorted runs to a temporary file and
// merges them at the end. An import's memory therefore stays flat however
// long the file is.
type entrySorter struct {
	runSize int
	buf     []importEntry
	file    *os.File
	runs    []runSpan // byte ranges of sorted runs in file
	w       *bufio.Writer
	off     int64
}

type runSpan struct{ start, end int64 }

func newEntrySorter(runSize int) *entrySorter { return &entrySorter{runSize: runSize} }

func (s *entrySorter) add(e importEntry) error {
	s.buf = append(s.buf, e)
	if len(s.buf) >= s.runSize {
		return s.spill()
	}
	return nil
}

func (s *entrySorter) spill() error {
	if len(s.buf) == 0 {
		return nil
	}
	slices.SortFunc(s.buf, compareEntries)
	if s.file == nil {
		f, err := os.CreateTemp("", "helpdesk-import-*.run")
		if err != nil {
			return fmt.Errorf("create a temporary file for the import: %w", err)
		}
		// Unlinked at once: the data lives only as long as the open file,
		// so a crash leaves nothing behind.
		os.Remove(f.Name())
		s.file, s.w = f, bufio.NewWriterSize(f, 1<<16)
	}
	start := s.off
	var hdr [3 * binary.MaxVarintLen64]byte
	for _, e := range s.buf {
		n := binary.PutUvarint(hdr[:], uint64(len(e.Key)))
		n += binary.PutUvarint(hdr[n:], uint64(e.ID))
		n += binary.PutUvarint(hdr[n:], uint64(e.Line))
		if _, err := s.w.Write(hdr[:n]); err != nil {
			return err
		}
		if _, err := s.w.WriteString(e.Key); err != nil {
			return err
		}
		s.off += int64(n + len(e.Key))
	}
	s.runs = append(s.runs, runSpan{start, s.off})
	s.buf = s.buf[:0]
	return nil
}

// each yields every entry in (key, line) order and releases the sorter.
func (s *entrySorter) each(fn func(importEntry) error) error {
	defer s.close()
	if s.file == nil {
		slices.SortFunc(s.buf, compareEntries)
		for _, e := range s.buf {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.spill(); err != nil {
		return err
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	h := &runHeap{}
	for _, r := range s.runs {
		rr := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(s.file, r.start, r.end-r.start), 1<<14)}
		ok, err := rr.next()
		if err != nil {
			return err
		}
		if ok {
			*h = append(*h, rr)
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		rr := (*h)[0]
		if err := fn(rr.cur); err != nil {
			return err
		}
		ok, err := rr.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

func (s *entrySorter) close() {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	s.buf = nil
}

type runReader struct {
	r   *bufio.Reader
	cur importEntry
}

func (rr *runReader) next() (bool, error) {
	klen, err := binary.ReadUvarint(rr.r)
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read import run: %w", err)
	}
	var v [2]uint64
	for i := range v {
		if v[i], err = binary.ReadUvarint(rr.r); err != nil {
			return false, fmt.Errorf("read import run: %w", err)
		}
	}
	key := make([]byte, klen)
	if _, err := io.ReadFull(rr.r, key); err != nil {
		return false, fmt.Errorf("read import run: %w", err)
	}
	rr.cur = importEntry{IndexEntry: IndexEntry{Key: string(key), ID: ID(v[0])}, Line: int(v[1])}
	return true, nil
}

type runHeap []*runReader

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return compareEntries(h[i].cur, h[j].cur) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

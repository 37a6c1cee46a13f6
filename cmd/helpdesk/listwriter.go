package main

import (
	"bufio"
	"fmt"
	"io"
	"text/tabwriter"
)

// listWriter prints a list as it is read, a page at a time: a JSON array
// (one object a line) or a table. Nothing waits for the whole list, so a
// million users print in flat memory.
type listWriter struct {
	w      *bufio.Writer
	tw     *tabwriter.Writer
	asJSON bool
	n      int
	err    error
}

// newListWriter starts a list; header is the table's tab-separated first
// line, unused for JSON.
func newListWriter(out io.Writer, asJSON bool, header string) *listWriter {
	l := &listWriter{w: bufio.NewWriter(out), asJSON: asJSON}
	l.tw = tabwriter.NewWriter(l.w, 0, 4, 2, ' ', 0)
	if asJSON {
		l.w.WriteString("[")
	} else {
		fmt.Fprintln(l.tw, header)
	}
	return l
}

// item adds one element: v as JSON (marshalJSON), or the formatted table
// row, each string in args on one line (lineArgs).
func (l *listWriter) item(v any, format string, args ...any) {
	if l.err != nil {
		return
	}
	l.n++
	if !l.asJSON {
		fmt.Fprintf(l.tw, format, lineArgs(args...)...)
		return
	}
	b, err := marshalJSON(v, false)
	if err != nil {
		l.err = err
		return
	}
	if l.n > 1 {
		l.w.WriteString(",")
	}
	l.w.WriteString("\n  ")
	l.w.Write(b)
}

// pageDone ends a page: table columns are sized per page, not for the whole
// desk, which would mean holding it all.
func (l *listWriter) pageDone() {
	if !l.asJSON {
		l.tw.Flush()
	}
}

// close ends the list and reports the first error.
func (l *listWriter) close() error {
	if l.asJSON {
		if l.n > 0 {
			l.w.WriteString("\n")
		}
		l.w.WriteString("]\n")
	} else {
		l.tw.Flush()
	}
	if err := l.w.Flush(); l.err == nil {
		l.err = err
	}
	return l.err
}

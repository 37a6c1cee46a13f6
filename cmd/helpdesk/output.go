package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"helpdesk/domain/textsafe"
)

// What a command prints, by kind (one rule with the console: textsafe):
//
//   - Everything written to cmd.OutOrStdout(), cmd.ErrOrStderr(), a.out and
//     a.err passes a textsafe.Writer that runWith puts in front of the
//     process's streams: escape sequences, control characters but newline
//     and tab, bidi controls and bytes that are not UTF-8 never reach the
//     terminal, whichever command printed them and however it formatted
//     them. Text (tables, show, reports, the error line) comes out as
//     readable as before; data that is valid by the domain's rules passes
//     unchanged.
//   - JSON (--json, export users --format json) is built by marshalJSON,
//     which escapes DEL, C1 and bidi controls as \u sequences: the data
//     round-trips exactly, and the Writer then finds nothing to change.
//   - CSV (export users) goes through the same Writer. The fields a user
//     exports are single-line text the domain stores only without control
//     or bidi characters, so a valid desk exports byte for byte; a damaged
//     record cannot write to the terminal of whoever runs export without a
//     redirect.
//   - Only two writers bypass it, both given the process's raw streams
//     (a.term, a.termErr): the console, which sanitises what it draws
//     itself (Bubble Tea needs the terminal and writes its own escape
//     sequences), and the import's progress line, whose only escape
//     sequence is our own erase-line.
//
// Newlines are kept by the Writer, since a message body or a note may hold
// them; a value printed inside a line (a table cell, a value in a
// sentence) goes through textsafe.Line too (lineArgs), so a stored newline
// cannot add a row or a line of its own.

// lineArgs returns args with every string-kinded value passed through
// textsafe.Line, for a format that prints them inside one line. Errors and
// fmt.Stringers are left to the Writer: a verb such as %d may format them.
func lineArgs(args ...any) []any {
	out := args
	for i, v := range args {
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case fmt.Stringer, error:
			continue
		default:
			rv := reflect.ValueOf(v)
			if !rv.IsValid() || rv.Kind() != reflect.String {
				continue
			}
			s = rv.String()
		}
		if clean := textsafe.Line(s); clean != s {
			if &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			out[i] = clean
		}
	}
	return out
}

// cellf prints a table row or a "key:\tvalue" line of a show view: each
// string it is given stays in its cell, on one line.
func cellf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format, lineArgs(args...)...)
}

// marshalJSON is the one JSON encoder of --json output: two-space indent
// when indent is set, <, > and & as they are (the output is read in a
// terminal or by a program, never embedded in HTML), and DEL, C1 and bidi
// controls escaped by textsafe.EscapeJSON. No trailing newline.
func marshalJSON(v any, indent bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return textsafe.EscapeJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// writeJSON prints v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	b, err := marshalJSON(v, true)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// pathFlags name files, not text to store: a file name need not be UTF-8
// on a Unix system. pathArgs are the commands whose arguments are files.
var (
	pathFlags = map[string]bool{"db": true, "key-file": true, "body-file": true, "text-file": true, "logo": true,
		"host-key": true, "tls-cert": true, "tls-key": true, "smtp-password-file": true, "smtp-ca-file": true}
	pathArgs = map[string]bool{programName + " import users": true, programName + " backup": true, programName + " salvage": true}
)

// checkUTF8 refuses a command line whose flags or arguments are not UTF-8
// (a Latin-1 terminal or script): stored, such text would be lossy, so it
// is refused before the command runs, naming the flag. runWith makes it
// root's PersistentPreRunE, before remoteGuard over SSH.
func checkUTF8(cmd *cobra.Command, args []string) error {
	var bad string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if bad == "" && !pathFlags[f.Name] && !utf8.ValidString(f.Value.String()) {
			bad = "--" + f.Name
		}
	})
	if bad != "" {
		return fmt.Errorf("%s is not valid UTF-8: set the terminal or script to UTF-8 and give it again", bad)
	}
	if pathArgs[cmd.CommandPath()] {
		return nil
	}
	for _, arg := range args {
		if !utf8.ValidString(arg) {
			return fmt.Errorf("the argument %q is not valid UTF-8: set the terminal or script to UTF-8 and give it again", arg)
		}
	}
	return nil
}

// preRuns runs each check in turn and stops at the first error.
func preRuns(checks ...func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		for _, check := range checks {
			if check == nil {
				continue
			}
			if err := check(cmd, args); err != nil {
				return err
			}
		}
		return nil
	}
}

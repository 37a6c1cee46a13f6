package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command, called with a flag it does not have or an argument too
// many, is a usage error (exit 2) by its type, whatever the words.
func TestEveryCommandTypesUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.Runnable() {
			paths = append(paths, path)
		}
		for _, sub := range c.Commands() {
			if sub.Name() == "help" {
				continue
			}
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
	}
	walk((&app{}).rootCommand(), nil)
	if len(paths) < 30 {
		t.Fatalf("only %d commands found", len(paths))
	}
	for _, p := range paths {
		for _, extra := range [][]string{{"--no-such-flag"}, {"--db"}} {
			args := append(append([]string{}, p...), extra...)
			if extra[0] == "--no-such-flag" {
				args = append([]string{"--db", db}, args...)
			}
			var out, errb bytes.Buffer
			code := run(args, strings.NewReader(""), &out, &errb)
			if code != exitUsage || !strings.HasPrefix(errb.String(), "helpdesk: ") || !strings.Contains(errb.String(), "--help' for usage") {
				t.Errorf("helpdesk %s: exit %d, stderr %q; want exit 2 with the usage hint", strings.Join(args, " "), code, errb.String())
			}
		}
	}
}

// An "invalid argument" from the system is a failure (exit 1), not a usage
// error, though cobra's own words for some usage errors are the same.
func TestSystemInvalidArgumentExitsOne(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "desk\x00.db")
	var out, errb bytes.Buffer
	code := run([]string{"--db", bad, "user", "list"}, strings.NewReader(""), &out, &errb)
	if code != exitFailed || !strings.Contains(errb.String(), "invalid argument") || strings.Contains(errb.String(), "--help") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming the invalid argument, without a usage hint", code, errb.String())
	}
}

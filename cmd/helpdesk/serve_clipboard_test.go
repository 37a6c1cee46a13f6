package main

import (
	"strings"
	"testing"
)

// TestSSHCopyAndSuspend: over SSH, y writes the OSC 52 sequence on the
// session (the agent's own terminal puts it on its clipboard) and ctrl+z
// says the session cannot be suspended instead of stopping the server.
func TestSSHCopyAndSuspend(t *testing.T) {
	t.Parallel()
	d, ann, _, _ := deskWithAgents(t)
	d.serve(serveConfig{})

	tm := console(t, d.as(ann), 100, 30)
	tm.waitFor(0, "seed@acme.com", "n new user")
	from := tm.mark()
	tm.write("y")
	tm.waitFor(from, "Copied seed@acme.com to the clipboard.")
	// base64("seed@acme.com")
	if raw := tm.bytes(from); !strings.Contains(raw, "\x1b]52;c;c2VlZEBhY21lLmNvbQ==\x07") {
		t.Errorf("no OSC 52 sequence for seed@acme.com on the session: %q", tail(raw))
	}

	from = tm.mark()
	tm.write("\x1a") // ctrl+z
	tm.waitFor(from, "ctrl+z cannot suspend over SSH")
}

package main

import (
	"strings"
	"testing"

	"helpdesk/domain"
)

// The command line words what disabling a user and deactivating an
// organization mean in the domain's sentences, as the console does (tui
// TestLifecycleSentencesAreTheDomains).
func TestLifecycleSentencesAreTheDomains(t *testing.T) {
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme", "--domain", "acme.com")
	c.ok("user", "add", "--email", "ann@acme.com", "--mail", "none")
	if out := c.ok("user", "disable", "ann@acme.com"); !strings.Contains(out, "Disabled ann@acme.com: "+domain.DisableMeans+".") {
		t.Errorf("user disable said %q", out)
	}
	if out := c.ok("org", "deactivate", "Acme"); !strings.Contains(out, "Deactivated Acme: "+domain.DeactivateMeans+".") {
		t.Errorf("org deactivate said %q", out)
	}
	if out := c.ok("org", "activate", "Acme"); !strings.Contains(out, "Activated Acme: "+domain.ActivateMeans+".") {
		t.Errorf("org activate said %q", out)
	}
	if out := c.ok("user", "--help"); !strings.Contains(out, domain.DisableMeans) {
		t.Errorf("user --help does not say what disable means:\n%s", out)
	}
}

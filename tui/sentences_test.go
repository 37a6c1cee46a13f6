package tui

import (
	"testing"

	"helpdesk/domain"
)

// The console words what disabling a user and deactivating an
// organization mean in the domain's sentences, which the command line
// prints too (cmd/helpdesk TestLifecycleSentencesAreTheDomains).
func TestLifecycleSentencesAreTheDomains(t *testing.T) {
	desk := newTestDesk(t, 200)
	d := newDriver(t, desk, 200, 40)
	d.keys("/", "kofi.nguyen@acme", "enter", "enter")
	activeAs[*userScreen](t, d)
	d.keys("d", "y")
	d.mustShow("Disabled Kofi Nguyen: "+domain.DisableMeans+".", "disabled — "+domain.DisableMeans)

	acme, err := desk.OrgByName("Acme")
	if err != nil {
		t.Fatal(err)
	}
	d.send(openOrgMsg{id: acme.ID})
	d.keys("t", "y")
	d.mustShow("Deactivated Acme: " + domain.DeactivateMeans + ".")
}

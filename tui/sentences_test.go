package tui

import (
	"strings"
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

// The retry rule is the domain's: the console refuses a queued message
// with the sentence the command line prints (mail retry).
func TestRetryRuleIsTheDomains(t *testing.T) {
	desk := newTestDesk(t, 0)
	if _, err := desk.CreateUser(testActor, domain.UserInput{Email: "ann@example.com"}); err != nil {
		t.Fatal(err)
	}
	ms, err := desk.Outbox(domain.MailQueued, 0, 1)
	if err != nil || len(ms) != 1 {
		t.Fatalf("outbox %v %v", ms, err)
	}
	_, err = desk.RetryMessage(testActor, ms[0].ID)
	want := domain.RetryRefusal(ms[0].ID, domain.MailQueued)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("domain refusal %v, want %q", err, want)
	}
	d := newDriver(t, desk, 160, 40)
	d.send(openMessageMsg{id: ms[0].ID})
	d.keys("r")
	d.mustShow("M" + want[1:] + ".")
}

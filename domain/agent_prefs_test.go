package domain_test

import (
	"errors"
	"testing"

	"helpdesk/domain"
)

// An agent's console settings go in and come out of the Desk as stored;
// an agent manages its own, another agent's need the agents permission,
// and each change is in the audit trail.
func TestAgentPrefsRoundTrip(t *testing.T) {
	d := newDesk(t)
	owner := domain.Actor{Name: "owner:root (local)"}
	admin, err := d.AddAgent(owner, domain.AgentInput{Name: "Ada Admin", Email: "ada@desk.example", Role: "admin", Keys: []string{newKey(t, "a")}})
	if err != nil {
		t.Fatal(err)
	}
	al, err := d.AddAgent(owner, domain.AgentInput{Name: "Al Agent", Email: "al@desk.example", Role: "agent", Keys: []string{newKey(t, "b")}})
	if err != nil {
		t.Fatal(err)
	}
	const toml = "theme = \"light\"\r\n[keys]\r\ndown = \"ctrl+n\"\r\n"
	got, err := d.SetAgentPrefs(al.Actor(), "AL@desk.example", toml)
	if err != nil {
		t.Fatal(err)
	}
	want := "theme = \"light\"\n[keys]\ndown = \"ctrl+n\""
	if got.Prefs != want+"\n" || got.Version != al.Version+1 {
		t.Fatalf("stored %q, version %d", got.Prefs, got.Version)
	}
	for _, who := range []domain.Actor{al.Actor(), admin.Actor(), owner} {
		if s, err := d.AgentPrefs(who, "al@desk.example"); err != nil || s != want+"\n" {
			t.Fatalf("%s reads %q, %v", who, s, err)
		}
	}
	// The record read for an SSH session carries them.
	if a, err := d.AgentByEmail("al@desk.example"); err != nil || a.Prefs != want+"\n" {
		t.Fatalf("%q %v", a.Prefs, err)
	}
	// Al may not read or change Ada's.
	var pe *domain.PermissionError
	if _, err := d.SetAgentPrefs(al.Actor(), "ada@desk.example", "theme = \"dark\""); !errors.As(err, &pe) {
		t.Fatalf("al set ada's prefs: %v", err)
	}
	if _, err := d.AgentPrefs(al.Actor(), "ada@desk.example"); !errors.As(err, &pe) {
		t.Fatalf("al read ada's prefs: %v", err)
	}
	// An admin may clear Al's; control characters are refused.
	if _, err := d.SetAgentPrefs(admin.Actor(), "al@desk.example", "theme = \"\x1b[31m\""); err == nil {
		t.Fatal("stored an escape sequence")
	}
	if a, err := d.SetAgentPrefs(admin.Actor(), "al@desk.example", ""); err != nil || a.Prefs != "" {
		t.Fatalf("%q %v", a.Prefs, err)
	}
	es, err := d.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, e := range es {
		if e.Action == "agent.prefs" {
			notes = append(notes, e.Actor+": "+e.Note)
		}
	}
	if len(notes) != 2 || notes[0] != "agent:ada@desk.example: console settings cleared" || notes[1] != "agent:al@desk.example: console settings stored (3 lines)" {
		t.Fatalf("audit %q", notes)
	}
}

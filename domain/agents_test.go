package domain_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"helpdesk/domain"
)

func newKey(t *testing.T, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " " + comment
}

func TestAgentsAndPermissions(t *testing.T) {
	d := newDesk(t)
	owner := domain.Actor{Name: "owner:root (local)"}
	adminKey, agentKey := newKey(t, "admin@laptop"), newKey(t, "agent@laptop")
	admin, err := d.AddAgent(owner, domain.AgentInput{Name: "Ada Admin", Email: "ada@desk.example", Role: "admin", Keys: []string{adminKey}})
	if err != nil {
		t.Fatal(err)
	}
	if admin.Perms != domain.PermAll {
		t.Errorf("admin perms %s", admin.Perms)
	}
	agent, err := d.AddAgent(admin.Actor(), domain.AgentInput{Name: "Al Agent", Email: "al@desk.example", Role: "agent", Keys: []string{agentKey}})
	if err != nil {
		t.Fatal(err)
	}
	// The key is the identity, and belongs to one agent only.
	if _, err := d.AddAgent(owner, domain.AgentInput{Name: "Copy", Email: "copy@desk.example", Role: "agent", Keys: []string{agentKey}}); err == nil || !strings.Contains(err.Error(), "already belongs to agent al@desk.example") {
		t.Errorf("reused key: %v", err)
	}
	k, _ := domain.ParseAgentKey(agentKey)
	got, err := d.AgentForKey(k.Fingerprint)
	if err != nil || got.ID != agent.ID {
		t.Errorf("AgentForKey: %+v %v", got, err)
	}

	// A plain agent may create users and disable them, not manage agents,
	// domains or templates; the refusal names the permission.
	al := agent.Actor()
	u, err := d.CreateUser(al, domain.UserInput{Email: "c@x.com"})
	if err != nil {
		t.Fatalf("agent creating a user: %v", err)
	}
	if _, err := d.DisableUser(al, u.ID, 0); err != nil {
		t.Errorf("agent disabling: %v", err)
	}
	refusals := map[string]error{}
	_, refusals["agents"] = d.AddAgent(al, domain.AgentInput{Name: "X", Email: "x@desk.example", Role: "agent", Keys: []string{newKey(t, "x")}})
	o, _ := d.CreateOrg(al, domain.OrgInput{Name: "Acme"})
	_, refusals["orgs.domains"] = d.AddDomain(al, o.ID, "acme.com", false)
	body := "{MESSAGE}"
	_, refusals["templates"] = d.SetTemplate(al, "verify", domain.TemplateEdit{Body: &body})
	_, refusals["import-export"] = d.ImportUsers(context.Background(), al, strings.NewReader("email\na@b.com\n"), domain.ImportOptions{})
	for perm, err := range refusals {
		var pe *domain.PermissionError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), "needs the "+perm+" permission") || !strings.Contains(err.Error(), "agent:al@desk.example") {
			t.Errorf("refusal for %s: %v", perm, err)
		}
	}
	// Audit entries name the agent.
	es, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 0)
	if len(es) != 2 || es[0].Actor != "agent:al@desk.example" {
		t.Errorf("audit %+v", es)
	}

	// Permissions are adjustable per agent.
	p := domain.PermUsersWrite
	if _, err := d.ChangeAgent(admin.Actor(), "AL@desk.example", domain.AgentChange{Perms: &p}); err != nil {
		t.Fatal(err)
	}
	al2, _ := d.AgentByEmail("al@desk.example")
	if _, err := d.DisableUser(al2.Actor(), u.ID, 0); err == nil || !strings.Contains(err.Error(), "users.disable") {
		t.Errorf("after narrowing perms: %v", err)
	}
	// A disabled agent's key is refused; the last admin cannot be disabled.
	yes := true
	if _, err := d.ChangeAgent(admin.Actor(), "al@desk.example", domain.AgentChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AgentForKey(k.Fingerprint); !errors.Is(err, domain.ErrUnknownKey) {
		t.Errorf("disabled agent's key: %v", err)
	}
	if _, err := d.ChangeAgent(owner, "ada@desk.example", domain.AgentChange{Disabled: &yes}); err == nil || !strings.Contains(err.Error(), "last enabled agent") {
		t.Errorf("disabling the last admin: %v", err)
	}
	// Keys can be added and removed, never the last one.
	second := newKey(t, "second")
	if _, err := d.ChangeAgent(owner, "ada@desk.example", domain.AgentChange{AddKey: second}); err != nil {
		t.Fatal(err)
	}
	ak, _ := domain.ParseAgentKey(adminKey)
	if _, err := d.ChangeAgent(owner, "ada@desk.example", domain.AgentChange{RemoveKey: ak.Fingerprint}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AgentForKey(ak.Fingerprint); !errors.Is(err, domain.ErrUnknownKey) {
		t.Errorf("removed key still signs in: %v", err)
	}
	if _, err := d.ChangeAgent(owner, "ada@desk.example", domain.AgentChange{RemoveKey: second}); err == nil || !strings.Contains(err.Error(), "no key left") {
		t.Errorf("removing the last key: %v", err)
	}
	if _, err := domain.ParseAgentKey("ssh-rsa notakey"); err == nil || !strings.Contains(err.Error(), "not an SSH public key") {
		t.Errorf("bad key: %v", err)
	}
}

func TestParsePerms(t *testing.T) {
	p, err := domain.ParsePerms("users.write, orgs.domains")
	if err != nil || p != domain.PermUsersWrite|domain.PermOrgDomains || p.String() != "users.write,orgs.domains" {
		t.Errorf("ParsePerms: %v %v", p, err)
	}
	if _, err := domain.ParsePerms("fly"); err == nil || !strings.Contains(err.Error(), "not a permission") {
		t.Errorf("unknown permission: %v", err)
	}
}

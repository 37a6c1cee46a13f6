package domain

import (
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// AgentRole gives an agent its default permissions.
type AgentRole string

const (
	RoleAdmin AgentRole = "admin" // every permission
	RoleAgent AgentRole = "agent" // users and organizations, disable and enable
)

// DefaultPerms are a role's permissions before any adjustment.
func (r AgentRole) DefaultPerms() Perms {
	if r == RoleAdmin {
		return PermAll
	}
	return PermUsersWrite | PermOrgsWrite | PermUsersDisable
}

// ParseAgentRole accepts admin or agent.
func ParseAgentRole(s string) (AgentRole, error) {
	switch r := AgentRole(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleAdmin, RoleAgent:
		return r, nil
	}
	return "", invalid("role", "%q is not an agent role; use admin or agent", s)
}

// AgentKey is one SSH public key an agent signs in with. The fingerprint
// (SHA256:...) is the identity; the SSH user name never is.
type AgentKey struct {
	Fingerprint string `json:"fingerprint"`
	Type        string `json:"type"`
	Comment     string `json:"comment,omitempty"`
	Line        string `json:"line"` // authorized_keys form, for display and export
}

// Agent is a support agent who signs in over SSH.
type Agent struct {
	ID        ID         `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Role      AgentRole  `json:"role"`
	Perms     Perms      `json:"perms"`
	Disabled  bool       `json:"disabled"`
	Keys      []AgentKey `json:"keys"`
	Version   uint64     `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	UpdatedBy string     `json:"updated_by,omitempty"`

	// Prefs is the agent's own console settings, the text of a
	// config.toml (agent_prefs.go); over SSH they stand in for the file,
	// since the server's home is not the agent's. Empty is the defaults.
	Prefs string `json:"prefs,omitempty"`
}

// Actor is the agent acting: its email names it in the audit trail.
func (a Agent) Actor() Actor {
	return Actor{Name: "agent:" + a.Email, AgentID: a.ID, Perms: a.Perms}
}

// ParseAgentKey reads one public key in authorized_keys form
// ("ssh-ed25519 AAAA... comment").
func ParseAgentKey(line string) (AgentKey, error) {
	line = strings.TrimSpace(line)
	pk, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return AgentKey{}, invalid("key", "not an SSH public key (%v); paste one line like \"ssh-ed25519 AAAA... you@laptop\", from a .pub file", err)
	}
	return AgentKey{
		Fingerprint: ssh.FingerprintSHA256(pk), Type: pk.Type(), Comment: comment,
		Line: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + commentSuffix(comment),
	}, nil
}

func commentSuffix(c string) string {
	if c == "" {
		return ""
	}
	return " " + c
}

// AgentInput is a new agent. Perms nil means the role's defaults.
type AgentInput struct {
	Name  string
	Email string
	Role  string
	Perms *Perms
	Keys  []string
}

// AddAgent creates an agent with its keys. A key can belong to one agent
// only, since it is the identity.
func (d *Desk) AddAgent(actor Actor, in AgentInput) (Agent, error) {
	if err := actor.require(PermAgents); err != nil {
		return Agent{}, err
	}
	name, err := cleanText("name", in.Name, maxName, false)
	if err != nil {
		return Agent{}, err
	}
	if name == "" {
		return Agent{}, invalid("name", "an agent needs a name")
	}
	email, err := ParseEmail(in.Email)
	if err != nil {
		return Agent{}, err
	}
	role, err := ParseAgentRole(in.Role)
	if err != nil {
		return Agent{}, err
	}
	perms := role.DefaultPerms()
	if in.Perms != nil {
		perms = *in.Perms
	}
	var keys []AgentKey
	for _, line := range in.Keys {
		k, err := ParseAgentKey(line)
		if err != nil {
			return Agent{}, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return Agent{}, invalid("key", "an agent needs at least one SSH public key to sign in with")
	}
	var a Agent
	err = d.update(func(tx Tx, c *commit) error {
		if _, err := agentByEmail(tx, email.Address); err == nil {
			return invalid("email", "an agent with the email %s already exists", email.Address)
		} else if !IsNotFound(err) {
			return err
		}
		for _, k := range keys {
			if err := keyFree(tx, k, 0); err != nil {
				return err
			}
		}
		now := d.clock()
		a = Agent{Name: name, Email: email.Address, Role: role, Perms: perms, Keys: keys,
			Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: actor.String()}
		if err := tx.PutAgent(&a); err != nil {
			return err
		}
		c.event("agent", a.ID)
		return audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "agent.add", Subject: a.Email,
			Note: "role " + string(role) + ", permissions " + perms.String()})
	})
	return a, err
}

func keyFree(tx Tx, k AgentKey, self ID) error {
	id, err := tx.AgentIDByKey(k.Fingerprint)
	if IsNotFound(err) || (err == nil && id == self) {
		return nil
	}
	if err != nil {
		return err
	}
	owner, _ := tx.Agent(id)
	return invalid("key", "the key %s already belongs to agent %s", k.Fingerprint, owner.Email)
}

func agentByEmail(tx Tx, email string) (Agent, error) {
	for a, err := range tx.Agents() {
		if err != nil {
			return a, err
		}
		if strings.EqualFold(a.Email, strings.TrimSpace(email)) {
			return a, nil
		}
	}
	return Agent{}, notFound("no agent with email %s", strings.TrimSpace(email))
}

// Agents lists every agent.
func (d *Desk) Agents() ([]Agent, error) {
	var out []Agent
	err := d.store.View(func(tx Tx) error {
		out = nil
		for a, err := range tx.Agents() {
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// AgentByEmail finds an agent.
func (d *Desk) AgentByEmail(email string) (Agent, error) {
	var a Agent
	err := d.store.View(func(tx Tx) error {
		var err error
		a, err = agentByEmail(tx, email)
		return err
	})
	return a, err
}

// ErrUnknownKey is a key that no enabled agent signs in with.
var ErrUnknownKey = errors.New("no enabled agent has this key")

// AgentForKey returns the enabled agent whose key has this fingerprint:
// the SSH server's only question at the handshake.
func (d *Desk) AgentForKey(fingerprint string) (Agent, error) {
	var a Agent
	err := d.store.View(func(tx Tx) error {
		id, err := tx.AgentIDByKey(fingerprint)
		if IsNotFound(err) {
			return ErrUnknownKey
		}
		if err != nil {
			return err
		}
		if a, err = tx.Agent(id); err != nil {
			return err
		}
		if a.Disabled {
			return ErrUnknownKey
		}
		return nil
	})
	return a, err
}

// AgentChange is an edit to an agent; nil fields are left as they are.
type AgentChange struct {
	Disabled  *bool
	Perms     *Perms
	AddKey    string
	RemoveKey string // a fingerprint or the key line
}

// ChangeAgent applies one change to an agent. An admin cannot take the
// agents permission from, or disable, the last enabled agent that has it,
// so the desk always keeps someone who can manage agents over SSH.
func (d *Desk) ChangeAgent(actor Actor, email string, ch AgentChange) (Agent, error) {
	if err := actor.require(PermAgents); err != nil {
		return Agent{}, err
	}
	var add AgentKey
	if ch.AddKey != "" {
		var err error
		if add, err = ParseAgentKey(ch.AddKey); err != nil {
			return Agent{}, err
		}
	}
	var a Agent
	err := d.update(func(tx Tx, c *commit) error {
		before, err := agentByEmail(tx, email)
		if err != nil {
			return err
		}
		a = before
		a.Keys = slices.Clone(before.Keys)
		var note string
		switch {
		case ch.Disabled != nil:
			a.Disabled = *ch.Disabled
			note = map[bool]string{true: "disabled", false: "enabled"}[a.Disabled]
		case ch.Perms != nil:
			a.Perms = *ch.Perms
			note = "permissions " + before.Perms.String() + " -> " + a.Perms.String()
		case ch.AddKey != "":
			if slices.ContainsFunc(a.Keys, func(k AgentKey) bool { return k.Fingerprint == add.Fingerprint }) {
				return invalid("key", "%s already has the key %s", a.Email, add.Fingerprint)
			}
			if err := keyFree(tx, add, a.ID); err != nil {
				return err
			}
			a.Keys = append(a.Keys, add)
			note = "key added " + add.Fingerprint
		case ch.RemoveKey != "":
			fp := strings.TrimSpace(ch.RemoveKey)
			if k, err := ParseAgentKey(fp); err == nil {
				fp = k.Fingerprint
			}
			i := slices.IndexFunc(a.Keys, func(k AgentKey) bool { return k.Fingerprint == fp })
			if i < 0 {
				return invalid("key", "%s has no key %s", a.Email, fp)
			}
			if len(a.Keys) == 1 {
				return invalid("key", "%s would have no key left to sign in with; add another first, or disable the agent", a.Email)
			}
			a.Keys = slices.Delete(a.Keys, i, i+1)
			note = "key removed " + fp
		default:
			return invalid("change", "nothing to change")
		}
		if err := keepAnAdmin(tx, before, a); err != nil {
			return err
		}
		now := d.clock()
		a.Version, a.UpdatedAt, a.UpdatedBy = before.Version+1, now, actor.String()
		if err := tx.PutAgent(&a); err != nil {
			return err
		}
		c.event("agent", a.ID)
		return audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "agent.change", Subject: a.Email, Note: note})
	})
	return a, err
}

func keepAnAdmin(tx Tx, before, after Agent) error {
	canManage := func(a Agent) bool { return !a.Disabled && a.Perms&PermAgents != 0 }
	if !canManage(before) || canManage(after) {
		return nil
	}
	for other, err := range tx.Agents() {
		if err != nil {
			return err
		}
		if other.ID != after.ID && canManage(other) {
			return nil
		}
	}
	return invalid("agent", "%s is the last enabled agent who can manage agents; give another agent that permission first", after.Email)
}

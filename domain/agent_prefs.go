package domain

import (
	"strconv"
	"strings"
)

// MaxAgentPrefs is the longest config.toml an agent may store, in bytes.
const MaxAgentPrefs = 16 << 10

// SetAgentPrefs stores an agent's own console settings: the text of a
// config.toml, which the caller has checked with the console's parser
// (the domain does not know the console's actions or columns). Empty text
// clears them. An agent may set its own; another agent's need the agents
// permission. Audited as agent.prefs.
func (d *Desk) SetAgentPrefs(actor Actor, email, prefs string) (Agent, error) {
	text, err := cleanText("prefs", strings.ReplaceAll(prefs, "\r\n", "\n"), MaxAgentPrefs, true)
	if err != nil {
		return Agent{}, err
	}
	if text != "" {
		text += "\n"
	}
	var a Agent
	err = d.update(func(tx Tx, c *commit) error {
		before, err := agentByEmail(tx, email)
		if err != nil {
			return err
		}
		if err := mayManagePrefs(actor, before); err != nil {
			return err
		}
		if before.Prefs == text {
			a = before
			return nil
		}
		a = before
		a.Keys = append([]AgentKey(nil), before.Keys...)
		now := d.clock()
		a.Prefs = text
		a.Version, a.UpdatedAt, a.UpdatedBy = before.Version+1, now, actor.String()
		if err := tx.PutAgent(&a); err != nil {
			return err
		}
		c.event("agent", a.ID)
		note := "console settings cleared"
		if text != "" {
			note = "console settings stored (" + strconv.Itoa(strings.Count(text, "\n")) + " lines)"
		}
		return audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "agent.prefs", Subject: a.Email, Note: note})
	})
	return a, err
}

// AgentPrefs returns an agent's stored console settings ("" for none): an
// agent may read its own; another agent's need the agents permission.
func (d *Desk) AgentPrefs(actor Actor, email string) (string, error) {
	var out string
	err := d.store.View(func(tx Tx) error {
		a, err := agentByEmail(tx, email)
		if err != nil {
			return err
		}
		if err := mayManagePrefs(actor, a); err != nil {
			return err
		}
		out = a.Prefs
		return nil
	})
	return out, err
}

func mayManagePrefs(actor Actor, a Agent) error {
	if actor.AgentID != 0 && actor.AgentID == a.ID {
		return nil
	}
	return actor.require(PermAgents)
}

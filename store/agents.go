package store

import (
	"errors"
	"fmt"
	"iter"
	"slices"

	"helpdesk/domain"
)

// PutAgent writes an agent and keeps agent_keys in step with its keys.
func (t *tx) PutAgent(a *domain.Agent) error {
	agents, keys := t.bucket(bucketAgents), t.bucket(bucketAgentKeys)
	var old *domain.Agent
	if a.ID == 0 {
		seq, err := agents.NextSequence()
		if err != nil {
			return err
		}
		a.ID = domain.ID(seq)
	} else if prev, err := t.Agent(a.ID); err == nil {
		old = &prev
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	for _, k := range a.Keys {
		if owner := keys.Get([]byte(k.Fingerprint)); owner != nil && domain.ID(btoi(owner)) != a.ID {
			return fmt.Errorf("key %s already indexed for agent %d", k.Fingerprint, btoi(owner))
		}
	}
	v, err := encode(a)
	if err != nil {
		return err
	}
	if err := agents.Put(idKey(a.ID), v); err != nil {
		return err
	}
	if old != nil {
		for _, k := range old.Keys {
			if !slices.ContainsFunc(a.Keys, func(n domain.AgentKey) bool { return n.Fingerprint == k.Fingerprint }) {
				if err := keys.Delete([]byte(k.Fingerprint)); err != nil {
					return err
				}
			}
		}
	}
	for _, k := range a.Keys {
		if err := keys.Put([]byte(k.Fingerprint), idKey(a.ID)); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) Agent(id domain.ID) (domain.Agent, error) {
	var a domain.Agent
	v := t.bucket(bucketAgents).Get(idKey(id))
	if v == nil {
		return a, domain.ErrNotFound
	}
	if err := decode(v, &a); err != nil {
		return a, fmt.Errorf("decode agent %d: %w", id, err)
	}
	return a, nil
}

func (t *tx) Agents() iter.Seq2[domain.Agent, error] {
	return func(yield func(domain.Agent, error) bool) {
		c := t.bucket(bucketAgents).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var a domain.Agent
			if err := decode(v, &a); err != nil {
				yield(a, fmt.Errorf("decode agent %d: %w", btoi(k), err))
				return
			}
			if !yield(a, nil) {
				return
			}
		}
	}
}

func (t *tx) AgentIDByKey(fp string) (domain.ID, error) {
	v := t.bucket(bucketAgentKeys).Get([]byte(fp))
	if v == nil {
		return 0, domain.ErrNotFound
	}
	return domain.ID(btoi(v)), nil
}

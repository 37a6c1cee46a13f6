package domain

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
)

const maxOrgName = 200

func parseOrgName(s string) (string, error) {
	name, err := cleanText("name", strings.Join(strings.Fields(s), " "), maxOrgName, false)
	if err != nil {
		return "", err
	}
	if name == "" {
		return "", invalid("name", "an organization needs a name")
	}
	return name, nil
}

// ensureNameFree refuses a name another organization has, in any letter case.
func ensureNameFree(tx Tx, name string, self ID) error {
	id, err := tx.OrgIDByName(NameKey(name))
	if errors.Is(err, ErrNotFound) || (err == nil && id == self) {
		return nil
	}
	if err != nil {
		return err
	}
	return invalid("name", "an organization named %q already exists", orgNamer(tx)(id))
}

// orgByName looks an organization up by name for a field that names one.
func orgByName(tx Tx, field, name string) (Organization, error) {
	id, err := tx.OrgIDByName(NameKey(name))
	if errors.Is(err, ErrNotFound) {
		return Organization{}, invalid(field, "no organization named %q", name)
	}
	if err != nil {
		return Organization{}, err
	}
	return tx.Org(id)
}

// ensureDomainFree refuses a domain owned by an organization other than self.
func ensureDomainFree(tx Tx, domain string, self ID) error {
	id, err := tx.OrgIDByDomain(domain)
	if errors.Is(err, ErrNotFound) || (err == nil && id == self) {
		return nil
	}
	if err != nil {
		return err
	}
	return &DomainTakenError{Domain: domain, Owner: orgNamer(tx)(id)}
}

// CreateOrg creates an organization with its domains. Users already on the
// desk are not moved: use AddDomain with apply for that.
func (d *Desk) CreateOrg(actor Actor, in OrgInput) (Organization, error) {
	return d.createOrg(actor, in, nil)
}

// createOrg is CreateOrg with more to do in its transaction: an import
// notes the organizations it creates, so that a roll-back can find them.
func (d *Desk) createOrg(actor Actor, in OrgInput, within func(Tx, Organization) error) (Organization, error) {
	need := PermOrgsWrite
	if len(in.Domains) > 0 {
		need |= PermOrgDomains
	}
	if err := actor.require(need); err != nil {
		return Organization{}, err
	}
	name, err := parseOrgName(in.Name)
	if err != nil {
		return Organization{}, err
	}
	notes, err := cleanText("notes", in.Notes, maxNotes, true)
	if err != nil {
		return Organization{}, err
	}
	var domains []string
	for _, raw := range in.Domains {
		dom, err := ParseOrgDomain(raw)
		if err != nil {
			return Organization{}, err
		}
		if !slices.Contains(domains, dom) {
			domains = append(domains, dom)
		}
	}
	slices.Sort(domains)
	var o Organization
	err = d.update(func(tx Tx, c *commit) error {
		if err := ensureNameFree(tx, name, 0); err != nil {
			return err
		}
		for _, dom := range domains {
			if err := ensureDomainFree(tx, dom, 0); err != nil {
				return err
			}
		}
		var parent ID
		if p := strings.TrimSpace(in.Parent); p != "" {
			po, err := orgByName(tx, "parent", p)
			if err != nil {
				return err
			}
			parent = po.ID
		}
		now := d.clock()
		o = Organization{
			Name: name, Domains: domains, ParentID: parent, Active: !in.Inactive, Notes: notes,
			Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: actor.String(),
		}
		if err := tx.PutOrg(&o); err != nil {
			return err
		}
		if within != nil {
			if err := within(tx, o); err != nil {
				return err
			}
		}
		c.event(SubjectOrg, o.ID)
		return audit(tx, AuditEntry{
			At: now, Actor: actor.String(), Action: "org.create", SubjectKind: SubjectOrg,
			SubjectID: o.ID, Subject: o.Name, Changes: diffOrg(Organization{}, o, orgNamer(tx)),
		})
	})
	return o, err
}

// UpdateOrg applies a patch to the version the caller read (0: current).
func (d *Desk) UpdateOrg(actor Actor, id ID, version uint64, p OrgPatch) (Organization, error) {
	if err := actor.require(PermOrgsWrite); err != nil {
		return Organization{}, err
	}
	var o Organization
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadOrg(tx, id, version)
		if err != nil {
			return err
		}
		o = before
		if p.Name != nil {
			if o.Name, err = parseOrgName(*p.Name); err != nil {
				return err
			}
			if err := ensureNameFree(tx, o.Name, id); err != nil {
				return err
			}
		}
		if p.Notes != nil {
			if o.Notes, err = cleanText("notes", *p.Notes, maxNotes, true); err != nil {
				return err
			}
		}
		if p.Active != nil {
			o.Active = *p.Active
		}
		if p.Parent != nil {
			o.ParentID = 0
			if name := strings.TrimSpace(*p.Parent); name != "" {
				parent, err := orgByName(tx, "parent", name)
				if err != nil {
					return err
				}
				if err := checkNoCycle(tx, id, parent); err != nil {
					return err
				}
				o.ParentID = parent.ID
			}
		}
		return d.saveOrg(tx, c, actor, before, &o, "org.update", "")
	})
	return o, err
}

// checkNoCycle refuses a parent that is the organization itself or below it.
func checkNoCycle(tx Tx, self ID, parent Organization) error {
	seen := map[ID]bool{}
	for cur := parent; ; {
		if cur.ID == self {
			return invalid("parent", "%s cannot be the parent of %s: that would make a cycle", parent.Name, orgNamer(tx)(self))
		}
		if cur.ParentID == 0 || seen[cur.ID] {
			return nil
		}
		seen[cur.ID] = true
		next, err := tx.Org(cur.ParentID)
		if err != nil {
			return err
		}
		cur = next
	}
}

func loadOrg(tx Tx, id ID, version uint64) (Organization, error) {
	o, err := tx.Org(id)
	if errors.Is(err, ErrNotFound) {
		return o, notFound("no organization with id %d", id)
	}
	if err != nil {
		return o, err
	}
	if version != 0 && o.Version != version {
		return o, &ConflictError{What: "organization " + o.Name, By: o.UpdatedBy, At: o.UpdatedAt, Version: o.Version, Requested: version}
	}
	return o, nil
}

func (d *Desk) saveOrg(tx Tx, c *commit, actor Actor, before Organization, o *Organization, action, note string) error {
	changes := diffOrg(before, *o, orgNamer(tx))
	if len(changes) == 0 && note == "" {
		return nil
	}
	now := d.clock()
	o.Version = before.Version + 1
	o.UpdatedAt = now
	o.UpdatedBy = actor.String()
	if err := tx.PutOrg(o); err != nil {
		return err
	}
	c.event(SubjectOrg, o.ID)
	return audit(tx, AuditEntry{
		At: now, Actor: actor.String(), Action: action, SubjectKind: SubjectOrg,
		SubjectID: o.ID, Subject: o.Name, Changes: changes, Note: note,
	})
}

// PreviewDomain says what adding a domain to an organization would do,
// changing nothing: the users without an organization at that domain (or
// below it) who would join. A domain owned by another organization, a public
// suffix or a public mail provider is refused with the reason.
func (d *Desk) PreviewDomain(orgID ID, raw string) (DomainPreview, error) {
	var pv DomainPreview
	err := d.store.View(func(tx Tx) error {
		var err error
		pv, err = previewDomain(tx, orgID, raw)
		return err
	})
	return pv, err
}

func previewDomain(tx Tx, orgID ID, raw string) (DomainPreview, error) {
	dom, err := ParseOrgDomain(raw)
	if err != nil {
		return DomainPreview{}, err
	}
	o, err := loadOrg(tx, orgID, 0)
	if err != nil {
		return DomainPreview{}, err
	}
	if err := ensureDomainFree(tx, dom, orgID); err != nil {
		return DomainPreview{}, err
	}
	users, err := backfillCandidates(tx, dom)
	return DomainPreview{Org: o, Domain: dom, Users: users, AlreadyAdded: slices.Contains(o.Domains, dom)}, err
}

// AddDomain gives an organization a domain (if it does not have it yet), so
// that new users at that domain join it. With backfill, the existing users
// without an organization at that domain move to it too, in the same
// transaction. The result lists the users concerned.
func (d *Desk) AddDomain(actor Actor, orgID ID, raw string, backfill bool) (DomainPreview, error) {
	if err := actor.require(PermOrgDomains); err != nil {
		return DomainPreview{}, err
	}
	var pv DomainPreview
	err := d.update(func(tx Tx, c *commit) error {
		var err error
		if pv, err = previewDomain(tx, orgID, raw); err != nil {
			return err
		}
		if !pv.AlreadyAdded {
			o := pv.Org
			o.Domains = append(slices.Clone(o.Domains), pv.Domain)
			slices.Sort(o.Domains)
			if err := d.saveOrg(tx, c, actor, pv.Org, &o, "org.domain.add", ""); err != nil {
				return err
			}
		} else if !backfill {
			return invalid("domain", "%s already has the domain %s", pv.Org.Name, pv.Domain)
		}
		if pv.Org, err = tx.Org(orgID); err != nil {
			return err
		}
		if !backfill {
			return nil
		}
		for _, u := range pv.Users {
			moved := u
			moved.OrgID = orgID
			changes := []Change{{Field: "organization", Before: "", After: pv.Org.Name}}
			if err := d.saveUser(tx, c, actor, u, &moved, "user.update", changes); err != nil {
				return err
			}
		}
		pv.Moved = true
		return nil
	})
	return pv, err
}

// backfillCandidates lists users without an organization whose email is at
// domain or a subdomain of it that no other organization owns more closely.
// It reads the keys-only email index and decodes only matching users.
func backfillCandidates(tx Tx, dom string) ([]User, error) {
	var out []User
	for key, id := range tx.Emails("") {
		at := bytes.LastIndexByte(key, '@')
		ed := string(key[at+1:])
		if !underDomain(ed, dom) {
			continue
		}
		u, err := tx.User(id)
		if err != nil {
			return nil, fmt.Errorf("user %d in the email index: %w", id, err)
		}
		if u.OrgID != 0 {
			continue
		}
		closer, err := ownedBelow(tx, ed, dom)
		if err != nil {
			return nil, err
		}
		if !closer {
			out = append(out, u)
		}
	}
	return out, nil
}

// ownedBelow reports whether an organization owns a domain between
// emailDomain and dom (exclusive): that organization is the closer match.
func ownedBelow(tx Tx, emailDomain, dom string) (bool, error) {
	for _, cand := range AssignmentCandidates(emailDomain) {
		if cand == dom {
			return false, nil
		}
		_, err := tx.OrgIDByDomain(cand)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return false, err
		}
	}
	return false, nil
}

// RemoveDomain takes a domain from an organization. Nobody is moved: users
// keep the organization they have.
func (d *Desk) RemoveDomain(actor Actor, orgID ID, raw string) (Organization, error) {
	if err := actor.require(PermOrgDomains); err != nil {
		return Organization{}, err
	}
	dom, err := NormalizeDomain(raw)
	if err != nil {
		return Organization{}, err
	}
	var o Organization
	err = d.update(func(tx Tx, c *commit) error {
		before, err := loadOrg(tx, orgID, 0)
		if err != nil {
			return err
		}
		i := slices.Index(before.Domains, dom)
		if i < 0 {
			return invalid("domain", "%s does not have the domain %s", before.Name, dom)
		}
		o = before
		o.Domains = slices.Delete(slices.Clone(before.Domains), i, i+1)
		return d.saveOrg(tx, c, actor, before, &o, "org.domain.remove", "removed domain "+dom+"; no user moved")
	})
	return o, err
}

// Org returns one organization.
func (d *Desk) Org(id ID) (Organization, error) {
	var o Organization
	err := d.store.View(func(tx Tx) error {
		var err error
		o, err = loadOrg(tx, id, 0)
		return err
	})
	return o, err
}

// OrgByName finds an organization by name in any letter case.
func (d *Desk) OrgByName(name string) (Organization, error) {
	var o Organization
	err := d.store.View(func(tx Tx) error {
		id, err := tx.OrgIDByName(NameKey(name))
		if errors.Is(err, ErrNotFound) {
			return notFound("no organization named %q", strings.TrimSpace(name))
		}
		if err != nil {
			return err
		}
		o, err = tx.Org(id)
		return err
	})
	return o, err
}

// OrgSummary is an organization with its member count, for lists.
type OrgSummary struct {
	Organization
	Members int
	Parent  string
}

// Orgs lists every organization in creation order with member counts.
func (d *Desk) Orgs() ([]OrgSummary, error) {
	var out []OrgSummary
	err := d.store.View(func(tx Tx) error {
		out = nil
		name := orgNamer(tx)
		for o, err := range tx.Orgs() {
			if err != nil {
				return err
			}
			out = append(out, OrgSummary{Organization: o, Members: tx.MemberCount(o.ID), Parent: name(o.ParentID)})
		}
		return nil
	})
	return out, err
}

// OrgName names an organization by id, "" for none.
func (d *Desk) OrgName(id ID) string {
	var name string
	_ = d.store.View(func(tx Tx) error {
		name = orgNamer(tx)(id)
		return nil
	})
	return name
}

func diffOrg(before, after Organization, orgName func(ID) string) []Change {
	var cs []Change
	add := func(field, b, a string) {
		if b != a {
			cs = append(cs, Change{Field: field, Before: b, After: a})
		}
	}
	add("name", before.Name, after.Name)
	add("domains", strings.Join(before.Domains, ", "), strings.Join(after.Domains, ", "))
	if before.ParentID != after.ParentID {
		add("parent", orgName(before.ParentID), orgName(after.ParentID))
	}
	if before.ID == 0 || before.Active != after.Active {
		add("active", fmt.Sprint(before.Active), fmt.Sprint(after.Active))
	}
	add("notes", before.Notes, after.Notes)
	return cs
}

// Audit returns up to limit entries matching f, newest first, before the
// given entry id (0: from the newest).
func (d *Desk) Audit(f AuditFilter, before ID, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := d.store.View(func(tx Tx) error {
		out = nil
		for e, err := range tx.Audit(f, before) {
			if err != nil {
				return err
			}
			out = append(out, e)
			if limit > 0 && len(out) == limit {
				return nil
			}
		}
		return nil
	})
	return out, err
}

// OrgSummary returns one organization with its member count and parent name.
func (d *Desk) OrgSummary(id ID) (OrgSummary, error) {
	var s OrgSummary
	err := d.store.View(func(tx Tx) error {
		o, err := loadOrg(tx, id, 0)
		if err != nil {
			return err
		}
		s = OrgSummary{Organization: o, Members: tx.MemberCount(id), Parent: orgNamer(tx)(o.ParentID)}
		return nil
	})
	return s, err
}

// OrgNames returns every organization's name by id, without counting
// members: the users list names the organization of each row, and counting
// members would cost a pass over the membership index of a large desk.
func (d *Desk) OrgNames() (map[ID]string, error) {
	out := map[ID]string{}
	err := d.store.View(func(tx Tx) error {
		for o, err := range tx.Orgs() {
			if err != nil {
				return err
			}
			out[o.ID] = o.Name
		}
		return nil
	})
	return out, err
}

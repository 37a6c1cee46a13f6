package domain

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

const (
	maxAgreementTitle = 200
	maxAgreementText  = 100000
)

// Agreement is an organization's terms. Each SetAgreement bumps Version,
// which makes it pending again for everyone under the organization.
type Agreement struct {
	Title   string    `json:"title"`
	Text    string    `json:"text"`
	Version int       `json:"version"`
	SetAt   time.Time `json:"set_at"`
	SetBy   string    `json:"set_by,omitempty"`
}

// Label is "Standard Rates v3".
func (a Agreement) Label() string { return fmt.Sprintf("%s v%d", a.Title, a.Version) }

// Acceptance records that a user accepted one version of one
// organization's agreement, and which agent recorded it on the customer's
// behalf.
type Acceptance struct {
	OrgID      ID        `json:"org_id"`
	Title      string    `json:"title"`
	Version    int       `json:"version"`
	At         time.Time `json:"at"`
	RecordedBy string    `json:"recorded_by"`
}

// AgreementStatus is where a user stands with the agreement that applies
// to it: the one of the nearest organization up its chain that has one.
type AgreementStatus struct {
	// Agreement is nil when no organization up the chain has one.
	Agreement *Agreement
	// Org is the organization carrying the agreement.
	Org      Organization
	Accepted bool
	// AcceptedAt, AcceptedVersion and RecordedBy describe the user's latest
	// acceptance of this organization's agreement (an older version when
	// it is pending again), zero when there is none.
	AcceptedAt      time.Time
	AcceptedVersion int
	RecordedBy      string
}

// Pending reports whether an agreement applies and is not accepted.
func (s AgreementStatus) Pending() bool { return s.Agreement != nil && !s.Accepted }

// String is what a screen shows: "agreement pending: Standard Rates v3",
// "accepted on 2026-11-23 (v3)", or "" when no agreement applies.
func (s AgreementStatus) String() string {
	switch {
	case s.Agreement == nil:
		return ""
	case s.Accepted:
		return fmt.Sprintf("accepted on %s (v%d)", s.AcceptedAt.UTC().Format(time.DateOnly), s.AcceptedVersion)
	}
	return "agreement pending: " + s.Agreement.Label()
}

// nearestAgreement finds the agreement of orgID or of its nearest parent
// that has one.
func nearestAgreement(tx Tx, orgID ID) (Organization, bool, error) {
	seen := map[ID]bool{}
	for id := orgID; id != 0 && !seen[id]; {
		seen[id] = true
		o, err := tx.Org(id)
		if IsNotFound(err) {
			return Organization{}, false, nil
		}
		if err != nil {
			return Organization{}, false, err
		}
		if o.Agreement != nil {
			return o, true, nil
		}
		id = o.ParentID
	}
	return Organization{}, false, nil
}

func statusFor(u User, o Organization, found bool) AgreementStatus {
	if !found {
		return AgreementStatus{}
	}
	a := *o.Agreement
	st := AgreementStatus{Agreement: &a, Org: o}
	if acc := u.Acceptance; acc.OrgID != 0 && acc.OrgID == o.ID {
		st.AcceptedAt, st.AcceptedVersion, st.RecordedBy = acc.At, acc.Version, acc.RecordedBy
		st.Accepted = acc.Version == a.Version
	}
	return st
}

func agreementStatus(tx Tx, u User) (AgreementStatus, error) {
	o, found, err := nearestAgreement(tx, u.OrgID)
	if err != nil {
		return AgreementStatus{}, err
	}
	return statusFor(u, o, found), nil
}

// AgreementStatus says which agreement applies to a user and whether the
// user accepted its current version.
func (d *Desk) AgreementStatus(userID ID) (AgreementStatus, error) {
	var st AgreementStatus
	err := d.store.View(func(tx Tx) error {
		u, err := tx.User(userID)
		if IsNotFound(err) {
			return notFound("no user with id %d", userID)
		}
		if err != nil {
			return err
		}
		st, err = agreementStatus(tx, u)
		return err
	})
	return st, err
}

// SetAgreement gives an organization an agreement, or a new version of
// it: the version goes up by one, so the agreement is pending again for
// every user it applies to.
func (d *Desk) SetAgreement(actor Actor, orgID ID, title, text string) (Organization, error) {
	if err := actor.require(PermOrgsWrite); err != nil {
		return Organization{}, err
	}
	title, err := cleanText("title", strings.Join(strings.Fields(title), " "), maxAgreementTitle, false)
	if err != nil {
		return Organization{}, err
	}
	if title == "" {
		return Organization{}, invalid("title", "an agreement needs a title")
	}
	text, err = cleanText("text", text, maxAgreementText, true)
	if err != nil {
		return Organization{}, err
	}
	if strings.TrimSpace(text) == "" {
		return Organization{}, invalid("text", "an agreement needs a text")
	}
	var o Organization
	err = d.update(func(tx Tx, c *commit) error {
		before, err := loadOrg(tx, orgID, 0)
		if err != nil {
			return err
		}
		o = before
		a := Agreement{Title: title, Text: text, Version: 1, SetAt: d.clock(), SetBy: actor.String()}
		note := "agreement " + a.Label()
		if before.Agreement != nil {
			a.Version = before.Agreement.Version + 1
			note = fmt.Sprintf("agreement %s (was %s); pending again for its users", a.Label(), before.Agreement.Label())
		}
		o.Agreement = &a
		return d.saveOrg(tx, c, actor, before, &o, "org.agreement.set", note)
	})
	return o, err
}

// RecordAcceptance records, on the customer's behalf, that a user accepted
// the current version of the agreement that applies to it: when, which
// version, and who recorded it.
func (d *Desk) RecordAcceptance(actor Actor, userID ID) (AgreementStatus, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return AgreementStatus{}, err
	}
	var st AgreementStatus
	err := d.update(func(tx Tx, c *commit) error {
		var err error
		st, err = d.recordAcceptance(tx, c, userID, &actor)
		return err
	})
	return st, err
}

// recordAcceptance records an acceptance inside a transaction: by an agent
// on the customer's behalf (agent set), or by the customer itself on the
// portal (agent nil).
func (d *Desk) recordAcceptance(tx Tx, c *commit, userID ID, agent *Actor) (AgreementStatus, error) {
	before, err := loadUser(tx, userID, 0)
	if err != nil {
		return AgreementStatus{}, err
	}
	st, err := agreementStatus(tx, before)
	if err != nil {
		return st, err
	}
	switch {
	case st.Agreement == nil:
		return st, invalid("agreement", "no agreement applies to %s: neither its organization nor a parent has one", before.Email)
	case st.Accepted:
		return st, invalid("agreement", "%s already accepted %s on %s", before.Email, st.Agreement.Label(), st.AcceptedAt.UTC().Format(time.DateOnly))
	}
	actor, how := customerActor(before), "by the customer"
	if agent != nil {
		actor, how = *agent, "recorded by "+agent.String()
	}
	now := d.clock()
	u := before
	u.Acceptance = Acceptance{OrgID: st.Org.ID, Title: st.Agreement.Title, Version: st.Agreement.Version, At: now, RecordedBy: actor.String()}
	st = statusFor(u, st.Org, true)
	changes := []Change{{Field: "agreement", Before: "pending: " + st.Agreement.Label(),
		After: fmt.Sprintf("accepted %s of %s, %s", st.Agreement.Label(), st.Org.Name, how)}}
	return st, d.saveUser(tx, c, actor, before, &u, "user.agreement.accept", changes)
}

// MovePreview is the agreement that would apply after a move, and who
// would then have to accept it.
type MovePreview struct {
	// Agreement is nil when none would apply; Org carries it.
	Agreement *Agreement
	Org       Organization
	// Pending are the users who would need to accept it (at most
	// maxPendingListed of them); PendingCount counts them all.
	Pending      []User
	PendingCount int
}

const maxPendingListed = 20

// Sentences say what the move means for agreements: "Ann Lee will need to
// accept Standard Rates v3", or nothing when no one would have to.
func (p MovePreview) Sentences() []string {
	if p.Agreement == nil || p.PendingCount == 0 {
		return nil
	}
	if p.PendingCount == 1 && len(p.Pending) == 1 {
		return []string{fmt.Sprintf("%s will need to accept %s", p.Pending[0].DisplayName(), p.Agreement.Label())}
	}
	return []string{fmt.Sprintf("%d users will need to accept %s", p.PendingCount, p.Agreement.Label())}
}

// MoveUserPreview says which agreement would apply to a user moved to the
// named organization ("" for none), and whether the user would have to
// accept it. Nothing changes.
func (d *Desk) MoveUserPreview(userID ID, orgName string) (MovePreview, error) {
	var p MovePreview
	err := d.store.View(func(tx Tx) error {
		u, err := loadUser(tx, userID, 0)
		if err != nil {
			return err
		}
		u.OrgID = 0
		if name := strings.TrimSpace(orgName); name != "" {
			o, err := orgByName(tx, "organization", name)
			if err != nil {
				return err
			}
			u.OrgID = o.ID
		}
		st, err := agreementStatus(tx, u)
		if err != nil || st.Agreement == nil {
			return err
		}
		p = MovePreview{Agreement: st.Agreement, Org: st.Org}
		if !st.Accepted {
			p.Pending, p.PendingCount = []User{u}, 1
		}
		return nil
	})
	return p, err
}

// MoveOrgPreview says which agreement would apply to an organization put
// under the named parent ("" for top level) and which of the users below
// it would then have an agreement pending that they do not have now.
func (d *Desk) MoveOrgPreview(orgID ID, parentName string) (MovePreview, error) {
	var p MovePreview
	err := d.store.View(func(tx Tx) error {
		moved, err := loadOrg(tx, orgID, 0)
		if err != nil {
			return err
		}
		var newParent ID
		if name := strings.TrimSpace(parentName); name != "" {
			po, err := orgByName(tx, "parent", name)
			if err != nil {
				return err
			}
			if err := checkNoCycle(tx, orgID, po); err != nil {
				return err
			}
			newParent = po.ID
		}
		// The organizations read so far, the moved one as it would be:
		// only the subtree and the chains above it are read, not every
		// organization of the desk.
		after := moved
		after.ParentID = newParent
		read := map[ID]Organization{orgID: after}
		org := func(id ID) (Organization, bool, error) {
			if o, ok := read[id]; ok {
				return o, true, nil
			}
			o, err := tx.Org(id)
			if IsNotFound(err) {
				return Organization{}, false, nil
			}
			if err != nil {
				return Organization{}, false, err
			}
			read[id] = o
			return o, true, nil
		}
		// nearest walks the chain in the organizations as they would be.
		nearest := func(id ID) (Organization, bool, error) {
			seen := map[ID]bool{}
			for id != 0 && !seen[id] {
				seen[id] = true
				o, ok, err := org(id)
				if !ok || err != nil {
					return Organization{}, false, err
				}
				if o.Agreement != nil {
					return o, true, nil
				}
				id = o.ParentID
			}
			return Organization{}, false, nil
		}
		o, ok, err := nearest(orgID)
		if err != nil {
			return err
		}
		if ok {
			a := *o.Agreement
			p.Agreement, p.Org = &a, o
		}
		// Every organization of the subtree, walked down through the
		// children index, and each member's status now and after.
		queue := []ID{orgID}
		seen := map[ID]bool{}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			if seen[id] {
				continue
			}
			seen[id] = true
			queue = slices.AppendSeq(queue, tx.OrgChildren(id))
			ao, afound, err := nearest(id)
			if err != nil {
				return err
			}
			for uid := range tx.Members(id) {
				u, err := tx.User(uid)
				if err != nil {
					return fmt.Errorf("member %d of organization %d: %w", uid, id, err)
				}
				now, err := agreementStatus(tx, u)
				if err != nil {
					return err
				}
				later := statusFor(u, ao, afound)
				if later.Pending() && !(now.Pending() && now.Org.ID == later.Org.ID && now.Agreement.Version == later.Agreement.Version) {
					p.PendingCount++
					if len(p.Pending) < maxPendingListed {
						p.Pending = append(p.Pending, u)
					}
				}
			}
		}
		return nil
	})
	return p, err
}

// OrgTreeNode is one organization in the hierarchy, at its depth (0: top
// level).
type OrgTreeNode struct {
	OrgSummary
	Depth int
}

// OrgTree lists every organization depth first, children by name under
// their parent. An organization whose parent is missing shows at the top.
func (d *Desk) OrgTree() ([]OrgTreeNode, error) {
	var out []OrgTreeNode
	err := d.store.View(func(tx Tx) error {
		out = nil
		all := map[ID]Organization{}
		children := map[ID][]Organization{}
		for o, err := range tx.Orgs() {
			if err != nil {
				return err
			}
			all[o.ID] = o
		}
		var roots []Organization
		for _, o := range all {
			if _, ok := all[o.ParentID]; o.ParentID == 0 || !ok {
				roots = append(roots, o)
			} else {
				children[o.ParentID] = append(children[o.ParentID], o)
			}
		}
		byName := func(a, b Organization) int {
			return cmp.Or(strings.Compare(NameKey(a.Name), NameKey(b.Name)), cmp.Compare(a.ID, b.ID))
		}
		slices.SortFunc(roots, byName)
		seen := map[ID]bool{}
		var walk func(o Organization, depth int)
		walk = func(o Organization, depth int) {
			if seen[o.ID] {
				return
			}
			seen[o.ID] = true
			out = append(out, OrgTreeNode{OrgSummary: OrgSummary{Organization: o, Members: tx.MemberCount(o.ID), Parent: all[o.ParentID].Name}, Depth: depth})
			kids := children[o.ID]
			slices.SortFunc(kids, byName)
			for _, k := range kids {
				walk(k, depth+1)
			}
		}
		for _, r := range roots {
			walk(r, 0)
		}
		return nil
	})
	return out, err
}

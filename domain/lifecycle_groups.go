package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CustomerPerms is what a customer may do on the desk, given by the groups
// it belongs to (agents' permissions are Perms).
type CustomerPerms uint32

const (
	CustConversationsCreate CustomerPerms = 1 << iota // open conversations
	CustConversationsOrg                              // see the organization's conversations, not only its own
	CustColleaguesManage                              // invite and remove colleagues of its organization
	CustBilling                                       // see invoices and agreements
)

var customerPermNames = []struct {
	p    CustomerPerms
	name string
}{
	{CustConversationsCreate, "conversations.create"},
	{CustConversationsOrg, "conversations.org"},
	{CustColleaguesManage, "colleagues.manage"},
	{CustBilling, "billing"},
}

// CustomerPermNames lists every customer permission's name.
func CustomerPermNames() []string {
	out := make([]string, len(customerPermNames))
	for i, pn := range customerPermNames {
		out[i] = pn.name
	}
	return out
}

func (p CustomerPerms) String() string {
	var names []string
	for _, pn := range customerPermNames {
		if p&pn.p != 0 {
			names = append(names, pn.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// ParseCustomerPerms reads a comma-separated list of customer permission
// names; "none" or "" is none.
func ParseCustomerPerms(s string) (CustomerPerms, error) {
	var p CustomerPerms
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" || f == "none" {
			continue
		}
		i := slices.IndexFunc(customerPermNames, func(pn struct {
			p    CustomerPerms
			name string
		}) bool {
			return pn.name == f
		})
		if i < 0 {
			return 0, invalid("permissions", "%q is not a customer permission; use %s", f, strings.Join(CustomerPermNames(), ", "))
		}
		p |= customerPermNames[i].p
	}
	return p, nil
}

// Group is a named set of customers holding customer permissions. A group
// of an organization takes only users of that organization or of the
// organizations under it; a group without one takes any user.
type Group struct {
	ID    ID            `json:"id"`
	Name  string        `json:"name"`
	OrgID ID            `json:"org_id,omitempty"`
	Perms CustomerPerms `json:"perms"`

	Version   uint64    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// GroupInput is a new group; Org is an organization name, empty for none.
type GroupInput struct {
	Name  string
	Org   string
	Perms CustomerPerms
}

// CreateGroup creates a customer group. Audited as group.create on the
// organization (or without a subject for a desk-wide group).
func (d *Desk) CreateGroup(actor Actor, in GroupInput) (Group, error) {
	if err := actor.require(PermOrgsWrite); err != nil {
		return Group{}, err
	}
	name, err := parseOrgName(in.Name)
	if err != nil {
		return Group{}, err
	}
	var g Group
	err = d.update(func(tx Tx, c *commit) error {
		if _, err := tx.GroupIDByName(NameKey(name)); err == nil {
			return invalid("name", "a group named %q already exists", name)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		now := d.clock()
		g = Group{Name: name, Perms: in.Perms, Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: actor.String()}
		org := ""
		if o := strings.TrimSpace(in.Org); o != "" {
			oo, err := orgByName(tx, "organization", o)
			if err != nil {
				return err
			}
			g.OrgID, org = oo.ID, oo.Name
		}
		if err := tx.PutGroup(&g); err != nil {
			return err
		}
		c.event("group", g.ID)
		e := AuditEntry{At: now, Actor: actor.String(), Action: "group.create", Subject: g.Name,
			Note: fmt.Sprintf("group %s with permissions %s", g.Name, g.Perms)}
		if g.OrgID != 0 {
			e.SubjectKind, e.SubjectID, e.Note = SubjectOrg, g.OrgID, e.Note+" for "+org
		}
		return audit(tx, e)
	})
	return g, err
}

// GroupByName finds a group in any letter case.
func (d *Desk) GroupByName(name string) (Group, error) {
	var g Group
	err := d.store.View(func(tx Tx) error {
		var err error
		g, err = groupByName(tx, name)
		return err
	})
	return g, err
}

func groupByName(tx Tx, name string) (Group, error) {
	id, err := tx.GroupIDByName(NameKey(name))
	if errors.Is(err, ErrNotFound) {
		return Group{}, notFound("no group named %q", strings.TrimSpace(name))
	}
	if err != nil {
		return Group{}, err
	}
	return tx.Group(id)
}

// Groups lists every group in creation order.
func (d *Desk) Groups() ([]Group, error) {
	var out []Group
	err := d.store.View(func(tx Tx) error {
		out = nil
		for g, err := range tx.Groups() {
			if err != nil {
				return err
			}
			out = append(out, g)
		}
		return nil
	})
	return out, err
}

// underOrg reports whether orgID is org or below it.
func underOrg(tx Tx, orgID, org ID) (bool, error) {
	seen := map[ID]bool{}
	for id := orgID; id != 0 && !seen[id]; {
		if id == org {
			return true, nil
		}
		seen[id] = true
		o, err := tx.Org(id)
		if IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		id = o.ParentID
	}
	return false, nil
}

// AddToGroup puts a user in a group; a group of an organization takes only
// users of that organization or below it. Audited on the user.
func (d *Desk) AddToGroup(actor Actor, groupID, userID ID) error {
	return d.groupMembership(actor, groupID, userID, true)
}

// RemoveFromGroup takes a user out of a group. Audited on the user.
func (d *Desk) RemoveFromGroup(actor Actor, groupID, userID ID) error {
	return d.groupMembership(actor, groupID, userID, false)
}

func (d *Desk) groupMembership(actor Actor, groupID, userID ID, add bool) error {
	if err := actor.require(PermUsersWrite); err != nil {
		return err
	}
	return d.update(func(tx Tx, c *commit) error {
		g, err := tx.Group(groupID)
		if IsNotFound(err) {
			return notFound("no group with id %d", groupID)
		}
		if err != nil {
			return err
		}
		u, err := loadUser(tx, userID, 0)
		if err != nil {
			return err
		}
		member := slices.Contains(slices.Collect(tx.UserGroups(userID)), groupID)
		action, before, after := "user.group.add", "", g.Name
		switch {
		case add && member:
			return invalid("group", "%s is already in %s", u.Email, g.Name)
		case !add && !member:
			return invalid("group", "%s is not in %s", u.Email, g.Name)
		case add:
			if g.OrgID != 0 {
				ok, err := underOrg(tx, u.OrgID, g.OrgID)
				if err != nil {
					return err
				}
				if !ok {
					return invalid("group", "%s is a group of %s; %s is not in that organization or below it", g.Name, orgNamer(tx)(g.OrgID), u.Email)
				}
			}
			err = tx.AddGroupMember(groupID, userID)
		default:
			action, before, after = "user.group.remove", g.Name, ""
			err = tx.RemoveGroupMember(groupID, userID)
		}
		if err != nil {
			return err
		}
		c.event(SubjectUser, userID)
		return audit(tx, AuditEntry{At: d.clock(), Actor: actor.String(), Action: action, SubjectKind: SubjectUser,
			SubjectID: userID, Subject: u.Email, Changes: []Change{{Field: "group", Before: before, After: after}}})
	})
}

// UserGroups lists the groups a user is in, and the customer permissions
// they give it together.
func (d *Desk) UserGroups(userID ID) ([]Group, CustomerPerms, error) {
	var out []Group
	var perms CustomerPerms
	err := d.store.View(func(tx Tx) error {
		out, perms = nil, 0
		for gid := range tx.UserGroups(userID) {
			g, err := tx.Group(gid)
			if err != nil {
				return fmt.Errorf("group %d of user %d: %w", gid, userID, err)
			}
			out = append(out, g)
			perms |= g.Perms
		}
		return nil
	})
	return out, perms, err
}

// GroupMembers lists the users of a group.
func (d *Desk) GroupMembers(groupID ID) ([]User, error) {
	var out []User
	err := d.store.View(func(tx Tx) error {
		out = nil
		for uid := range tx.GroupMembers(groupID) {
			u, err := tx.User(uid)
			if err != nil {
				return fmt.Errorf("member %d of group %d: %w", uid, groupID, err)
			}
			out = append(out, u)
		}
		return nil
	})
	return out, err
}

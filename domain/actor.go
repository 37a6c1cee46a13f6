package domain

import (
	"fmt"
	"strings"
)

// Actor is who performs a use-case; its name goes into every audit entry
// and into UpdatedBy, so a conflict can say who changed a record.
//
// An actor with a zero AgentID is the owner of the database file: the local
// console and command line, which hold every permission (whoever can open
// the file can do anything to it anyway). A signed-in agent carries its id
// and permissions.
type Actor struct {
	Name    string
	AgentID ID
	Perms   Perms
}

// String is the actor's name as the audit trail shows it.
func (a Actor) String() string {
	if a.Name == "" {
		return "unknown"
	}
	return a.Name
}

// IsOwner reports whether the actor is the database file's owner.
func (a Actor) IsOwner() bool { return a.AgentID == 0 }

// Can reports whether the actor holds a permission.
func (a Actor) Can(p Perms) bool { return a.IsOwner() || a.Perms&p == p }

// require refuses an action the actor may not do, naming the permission.
func (a Actor) require(p Perms) error {
	if a.Can(p) {
		return nil
	}
	return &PermissionError{Actor: a.String(), Needed: p}
}

// Perms is a set of agent permissions.
type Perms uint32

const (
	PermUsersWrite   Perms = 1 << iota // create and update users
	PermOrgsWrite                      // create and update organizations
	PermUsersDisable                   // disable and enable users
	PermOrgDomains                     // add and remove organizations' domains
	PermTemplates                      // manage mail templates and settings
	PermAgents                         // manage agents
	PermImportExport                   // import and export
	PermUsersDelete                    // delete users for good, with their conversations
)

// PermAll is every permission: an admin's default.
const PermAll = PermUsersWrite | PermOrgsWrite | PermUsersDisable | PermOrgDomains | PermTemplates | PermAgents | PermImportExport | PermUsersDelete

// permNames are the words used on the command line, in the console and in
// refusals.
var permNames = []struct {
	p    Perms
	name string
}{
	{PermUsersWrite, "users.write"},
	{PermOrgsWrite, "orgs.write"},
	{PermUsersDisable, "users.disable"},
	{PermOrgDomains, "orgs.domains"},
	{PermTemplates, "templates"},
	{PermAgents, "agents"},
	{PermImportExport, "import-export"},
	{PermUsersDelete, "users.delete"},
}

// PermNames lists every permission's name.
func PermNames() []string {
	out := make([]string, len(permNames))
	for i, pn := range permNames {
		out[i] = pn.name
	}
	return out
}

func (p Perms) String() string {
	var names []string
	for _, pn := range permNames {
		if p&pn.p != 0 {
			names = append(names, pn.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// ParsePerms reads a comma-separated list of permission names; "all" is
// every one and "none" or "" is none.
func ParsePerms(s string) (Perms, error) {
	var p Perms
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "", "none":
			continue
		case "all":
			p |= PermAll
			continue
		}
		found := false
		for _, pn := range permNames {
			if pn.name == f {
				p |= pn.p
				found = true
			}
		}
		if !found {
			return 0, invalid("permissions", "%q is not a permission; use %s or all", f, strings.Join(PermNames(), ", "))
		}
	}
	return p, nil
}

// PermissionError is an action refused because the agent lacks a
// permission; it names the permission so an admin knows what to grant.
type PermissionError struct {
	Actor  string
	Needed Perms
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("%s may not do this: it needs the %s permission; ask an admin to grant it", e.Actor, e.Needed)
}

// Authorize refuses an action the actor may not do, naming the permission.
// Use-cases check for themselves; this is for reads that need a permission,
// such as an export.
func (d *Desk) Authorize(actor Actor, p Perms) error { return actor.require(p) }

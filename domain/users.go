package domain

import (
	"errors"
	"fmt"
	"strings"
)

const (
	maxName  = 200
	maxNotes = 10000
)

// userFields holds validated profile fields, shared by create, update and
// import so the three apply the same rules.
type userFields struct {
	email    Email
	name     string
	tz       string
	lang     string
	phone    string
	role     Role
	notes    string
	orgGiven bool
	org      string
	noOrg    bool
	mail     MailChoice
}

func validateInput(in UserInput) (userFields, error) {
	var f userFields
	var err error
	if f.email, err = ParseEmail(in.Email); err != nil {
		return f, err
	}
	if f.name, err = cleanText("name", in.Name, maxName, false); err != nil {
		return f, err
	}
	if f.tz, err = ParseTimeZone(in.TimeZone); err != nil {
		return f, err
	}
	if f.lang, err = ParseLanguage(in.Language); err != nil {
		return f, err
	}
	if f.phone, err = ParsePhone(in.Phone); err != nil {
		return f, err
	}
	if f.role, err = ParseRole(in.Role); err != nil {
		return f, err
	}
	if f.notes, err = cleanText("notes", in.Notes, maxNotes, true); err != nil {
		return f, err
	}
	if f.mail, err = ParseMailChoice(in.Mail); err != nil {
		return f, err
	}
	f.org = strings.TrimSpace(in.Org)
	f.noOrg = in.NoOrg
	f.orgGiven = f.org != "" && !f.noOrg
	return f, nil
}

// CreateUser validates the input and creates a pending user. With no
// organization named, the user joins the organization owning its email's
// domain (or the nearest parent domain).
func (d *Desk) CreateUser(actor Actor, in UserInput) (User, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return User{}, err
	}
	f, err := validateInput(in)
	if err != nil {
		return User{}, err
	}
	var u User
	err = d.update(func(tx Tx, c *commit) error {
		var err error
		if u, err = d.createUser(tx, c, actor, f, in, "mail: "+string(f.mail)); err != nil {
			return err
		}
		return d.joinGroups(tx, actor, u, in.Groups)
	})
	return u, err
}

// joinGroups puts a user just created into the groups named, in the
// creating transaction: a name that is no group, or a group of an
// organization the user is not at or below, refuses the whole creation.
func (d *Desk) joinGroups(tx Tx, actor Actor, u User, names []string) error {
	seen := map[ID]bool{}
	for _, name := range names {
		if strings.TrimSpace(name) == "" {
			continue
		}
		g, err := groupByName(tx, name)
		if IsNotFound(err) {
			return invalid("groups", "no group named %q; create it first, or leave it out", strings.TrimSpace(name))
		}
		if err != nil {
			return err
		}
		if seen[g.ID] {
			continue
		}
		seen[g.ID] = true
		if g.OrgID != 0 {
			ok, err := underOrg(tx, u.OrgID, g.OrgID)
			if err != nil {
				return err
			}
			if !ok {
				return invalid("groups", "%s is a group of %s; %s is not in that organization or below it", g.Name, orgNamer(tx)(g.OrgID), u.Email)
			}
		}
		if err := tx.AddGroupMember(g.ID, u.ID); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: d.clock(), Actor: actor.String(), Action: "user.group.add", SubjectKind: SubjectUser,
			SubjectID: u.ID, Subject: u.Email, Changes: []Change{{Field: "group", After: g.Name}}}); err != nil {
			return err
		}
	}
	return nil
}

// createUser is CreateUser inside a transaction: the one way a pending user
// is made, by an agent or by a first mail to the desk (note ends the audit
// entry).
func (d *Desk) createUser(tx Tx, c *commit, actor Actor, f userFields, in UserInput, note string) (User, error) {
	if err := ensureEmailFree(tx, f.email, 0); err != nil {
		return User{}, err
	}
	orgID, err := resolveOrg(tx, f)
	if err != nil {
		return User{}, err
	}
	now := d.clock()
	u := User{
		Email: f.email.Address, Name: f.name, OrgID: orgID, TimeZone: f.tz,
		Language: f.lang, Phone: f.phone, Role: f.role, State: StatePending,
		Notes: f.notes, Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: actor.String(),
	}
	if err := tx.PutUser(&u); err != nil {
		return User{}, err
	}
	c.emailChanged("", u.EmailKey(), u.ID)
	c.event(SubjectUser, u.ID)
	if err := d.queueAccountMail(tx, u, orgNamer(tx)(u.OrgID), f.mail, in.MailSubject, in.MailBody); err != nil {
		return User{}, err
	}
	return u, audit(tx, AuditEntry{
		At: now, Actor: actor.String(), Action: "user.create", SubjectKind: SubjectUser,
		SubjectID: u.ID, Subject: u.Email, Changes: diffUser(User{}, u, orgNamer(tx)),
		Note: note,
	})
}

// ensureEmailFree refuses an email that belongs to a user other than self,
// naming the owner.
func ensureEmailFree(tx Tx, e Email, self ID) error {
	id, err := tx.UserIDByEmail(e.Key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if id == self {
		return nil
	}
	owner, err := tx.User(id)
	if err != nil {
		return err
	}
	return &DuplicateEmailError{Email: e.Address, Existing: owner}
}

// resolveOrg returns the organization the agent named, or the one that owns
// the email's domain, or none.
func resolveOrg(tx Tx, f userFields) (ID, error) {
	if f.noOrg {
		return 0, nil
	}
	if f.orgGiven {
		id, err := tx.OrgIDByName(NameKey(f.org))
		if errors.Is(err, ErrNotFound) {
			return 0, invalid("organization", "no organization named %q; create it first or leave it empty to assign by domain", f.org)
		}
		return id, err
	}
	return orgForDomain(tx, f.email.Domain)
}

// orgForDomain finds the organization owning domain or its nearest parent.
func orgForDomain(tx Tx, domain string) (ID, error) {
	for _, cand := range AssignmentCandidates(domain) {
		id, err := tx.OrgIDByDomain(cand)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return 0, err
		}
	}
	return 0, nil
}

// SuggestOrg names the organization a new user with this email would join,
// and the domain that decided it, for the form to prefill.
func (d *Desk) SuggestOrg(email string) (Organization, string, error) {
	e, err := ParseEmail(email)
	if err != nil {
		return Organization{}, "", err
	}
	var org Organization
	var via string
	err = d.store.View(func(tx Tx) error {
		for _, cand := range AssignmentCandidates(e.Domain) {
			id, err := tx.OrgIDByDomain(cand)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			via = cand
			org, err = tx.Org(id)
			return err
		}
		return nil
	})
	return org, via, err
}

// UpdateUser applies a patch to the version of the user the caller read.
// version 0 means "whatever is stored now" (a one-shot CLI edit).
func (d *Desk) UpdateUser(actor Actor, id ID, version uint64, p UserPatch) (User, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return User{}, err
	}
	var u User
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadUser(tx, id, version)
		if err != nil {
			return err
		}
		u = before
		if p.Email != nil {
			e, err := ParseEmail(*p.Email)
			if err != nil {
				return err
			}
			if err := ensureEmailFree(tx, e, id); err != nil {
				return err
			}
			u.Email = e.Address
		}
		if err := applyProfile(tx, &u, p); err != nil {
			return err
		}
		changes := diffUser(before, u, orgNamer(tx))
		if len(changes) == 0 {
			return nil
		}
		return d.saveUser(tx, c, actor, before, &u, "user.update", changes)
	})
	return u, err
}

func applyProfile(tx Tx, u *User, p UserPatch) error {
	var err error
	if p.Name != nil {
		if u.Name, err = cleanText("name", *p.Name, maxName, false); err != nil {
			return err
		}
	}
	if p.TimeZone != nil {
		if u.TimeZone, err = ParseTimeZone(*p.TimeZone); err != nil {
			return err
		}
	}
	if p.Language != nil {
		if u.Language, err = ParseLanguage(*p.Language); err != nil {
			return err
		}
	}
	if p.Phone != nil {
		if u.Phone, err = ParsePhone(*p.Phone); err != nil {
			return err
		}
	}
	if p.Role != nil {
		if u.Role, err = ParseRole(*p.Role); err != nil {
			return err
		}
	}
	if p.Notes != nil {
		if u.Notes, err = cleanText("notes", *p.Notes, maxNotes, true); err != nil {
			return err
		}
	}
	if p.Org != nil {
		name := strings.TrimSpace(*p.Org)
		if name == "" {
			u.OrgID = 0
		} else {
			oid, err := tx.OrgIDByName(NameKey(name))
			if errors.Is(err, ErrNotFound) {
				return invalid("organization", "no organization named %q", name)
			}
			if err != nil {
				return err
			}
			u.OrgID = oid
		}
	}
	return nil
}

// loadUser reads a user and checks the caller's version against it.
func loadUser(tx Tx, id ID, version uint64) (User, error) {
	u, err := tx.User(id)
	if errors.Is(err, ErrNotFound) {
		return u, notFound("no user with id %d", id)
	}
	if err != nil {
		return u, err
	}
	if version != 0 && u.Version != version {
		return u, &ConflictError{What: "user " + u.Email, By: u.UpdatedBy, At: u.UpdatedAt, Version: u.Version, Requested: version}
	}
	// A record the email index does not point at yet belongs to an import
	// still running: its index entries are written at the end, from what
	// the import read, so a change now would leave them stale.
	owner, err := tx.UserIDByEmail(u.EmailKey())
	if err != nil && !errors.Is(err, ErrNotFound) {
		return u, err
	}
	if err != nil || owner != id {
		return u, invalid("user", "%s is still being imported; try again when the import has finished", u.Email)
	}
	return u, nil
}

// saveUser bumps the version, writes the user and its audit entry.
func (d *Desk) saveUser(tx Tx, c *commit, actor Actor, before User, u *User, action string, changes []Change) error {
	now := d.clock()
	u.Version = before.Version + 1
	u.UpdatedAt = now
	u.UpdatedBy = actor.String()
	if err := tx.PutUser(u); err != nil {
		return err
	}
	c.emailChanged(before.EmailKey(), u.EmailKey(), u.ID)
	c.event(SubjectUser, u.ID)
	return audit(tx, AuditEntry{
		At: now, Actor: actor.String(), Action: action, SubjectKind: SubjectUser,
		SubjectID: u.ID, Subject: u.Email, Changes: changes,
	})
}

// DisableUser stops a user from signing in and receiving mail. Its data and
// conversations are kept; EnableUser restores the state it had.
func (d *Desk) DisableUser(actor Actor, id ID, version uint64) (User, error) {
	return d.setState(actor, id, version, true)
}

// EnableUser restores a disabled user to the state it had before.
func (d *Desk) EnableUser(actor Actor, id ID, version uint64) (User, error) {
	return d.setState(actor, id, version, false)
}

func (d *Desk) setState(actor Actor, id ID, version uint64, disable bool) (User, error) {
	if err := actor.require(PermUsersDisable); err != nil {
		return User{}, err
	}
	var u User
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadUser(tx, id, version)
		if err != nil {
			return err
		}
		u = before
		action := "user.enable"
		switch {
		case disable && u.State == StateDisabled:
			return invalid("state", "%s is already disabled", u.Email)
		case !disable && u.State != StateDisabled:
			return invalid("state", "%s is not disabled", u.Email)
		case disable:
			action = "user.disable"
			u.StateBeforeDisable = u.State
			u.State = StateDisabled
			// Disabling ends every portal session; enabling revives none.
			u.SessionEpoch++
		default:
			u.State = u.StateBeforeDisable
			if u.State == "" || u.State == StateDisabled {
				u.State = StateActive
			}
			u.StateBeforeDisable = ""
		}
		return d.saveUser(tx, c, actor, before, &u, action, diffUser(before, u, orgNamer(tx)))
	})
	return u, err
}

// User returns one user.
func (d *Desk) User(id ID) (User, error) {
	var u User
	err := d.store.View(func(tx Tx) error {
		var err error
		u, err = tx.User(id)
		if errors.Is(err, ErrNotFound) {
			return notFound("no user with id %d", id)
		}
		return err
	})
	return u, err
}

// UserByEmail finds a user by email in any letter case.
func (d *Desk) UserByEmail(email string) (User, error) {
	e, err := ParseEmail(email)
	if err != nil {
		return User{}, err
	}
	var u User
	err = d.store.View(func(tx Tx) error {
		id, err := tx.UserIDByEmail(e.Key)
		if errors.Is(err, ErrNotFound) {
			return notFound("no user with email %s", e.Address)
		}
		if err != nil {
			return err
		}
		u, err = tx.User(id)
		return err
	})
	return u, err
}

// UserFilter selects users for a list; zero fields match all.
type UserFilter struct {
	OrgID ID
	State State
}

// Users returns up to limit users after the given id that pass the filter,
// and the id to continue from (0 when there are no more). Pages keep memory
// flat however many users the desk has.
func (d *Desk) Users(f UserFilter, after ID, limit int) ([]User, ID, error) {
	var out []User
	var next ID
	err := d.store.View(func(tx Tx) error {
		out, next = nil, 0
		if f.OrgID != 0 {
			return pageMembers(tx, f, after, limit, &out, &next)
		}
		for u, err := range tx.Users(after) {
			if err != nil {
				return err
			}
			if f.State != "" && u.State != f.State {
				continue
			}
			if limit > 0 && len(out) == limit {
				next = out[len(out)-1].ID
				return nil
			}
			out = append(out, u)
		}
		return nil
	})
	return out, next, err
}

// UsersBefore returns up to limit users with ids below before (0: the
// newest) that pass the filter, newest first: the page above the one shown
// when an agent scrolls up.
func (d *Desk) UsersBefore(f UserFilter, before ID, limit int) ([]User, error) {
	var out []User
	err := d.store.View(func(tx Tx) error {
		out = nil
		for u, err := range tx.UsersBackward(before) {
			if err != nil {
				return err
			}
			if (f.State != "" && u.State != f.State) || (f.OrgID != 0 && u.OrgID != f.OrgID) {
				continue
			}
			out = append(out, u)
			if limit > 0 && len(out) == limit {
				return nil
			}
		}
		return nil
	})
	return out, err
}

func pageMembers(tx Tx, f UserFilter, after ID, limit int, out *[]User, next *ID) error {
	for id := range tx.Members(f.OrgID) {
		if id <= after {
			continue
		}
		u, err := tx.User(id)
		if err != nil {
			return fmt.Errorf("member %d of organization %d: %w", id, f.OrgID, err)
		}
		if f.State != "" && u.State != f.State {
			continue
		}
		if limit > 0 && len(*out) == limit {
			*next = (*out)[len(*out)-1].ID
			return nil
		}
		*out = append(*out, u)
	}
	return nil
}

// UserCounts returns how many users are in each state.
func (d *Desk) UserCounts() (map[State]int, error) {
	var m map[State]int
	err := d.store.View(func(tx Tx) error {
		var err error
		m, err = tx.UserCounts()
		return err
	})
	return m, err
}

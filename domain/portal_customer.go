package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The customer's own use-cases on the portal. Each takes the signed-in
// customer's id (from the session), never an Actor: a customer acts only
// on itself, and its audit entries name it "customer:EMAIL".

// AcceptAgreement records that the customer itself accepted the current
// version of the agreement that applies to it (the nearest up its
// organization chain), with the time and version.
func (d *Desk) AcceptAgreement(userID ID) (AgreementStatus, error) {
	var st AgreementStatus
	err := d.update(func(tx Tx, c *commit) error {
		var err error
		st, err = d.recordAcceptance(tx, c, userID, nil)
		return err
	})
	return st, err
}

// CustomerProfile is what a customer may change about itself; nil fields
// and missing events are left as they are.
type CustomerProfile struct {
	Name, TimeZone, Language, Phone *string
	Notify                          map[MailEvent]Channel
}

// UpdateProfile changes the customer's own profile and channels, with the
// same rules and messages as the agent's commands, in one transaction.
// version is the version the form was read at (0: skip the check).
func (d *Desk) UpdateProfile(userID ID, version uint64, p CustomerProfile) (User, error) {
	var u User
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadUser(tx, userID, version)
		if err != nil {
			return err
		}
		u = before
		if err := applyProfile(tx, &u, UserPatch{Name: p.Name, TimeZone: p.TimeZone, Language: p.Language, Phone: p.Phone}); err != nil {
			return err
		}
		changes := diffUser(before, u, orgNamer(tx))
		more, err := applyChannels(&u, p.Notify)
		if err != nil {
			return err
		}
		changes = append(changes, more...)
		if len(changes) == 0 {
			return nil
		}
		return d.saveUser(tx, c, customerActor(before), before, &u, "user.profile", changes)
	})
	return u, err
}

// RequestReset mails a set-password link to an existing, enabled user. It
// answers the same whatever the address (nil), so the page cannot tell
// who has an account; only a store failure is an error.
func (d *Desk) RequestReset(email string) error {
	e, err := ParseEmail(email)
	if err != nil {
		return nil
	}
	return d.update(func(tx Tx, c *commit) error {
		id, err := tx.UserIDByEmail(e.Key)
		if IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		u, err := tx.User(id)
		if err != nil || u.State == StateDisabled {
			return err
		}
		c.event("mail", 0)
		return d.queueEventMail(tx, u, EventReset)
	})
}

// queueEventMail queues the desk's template for an event to a user.
func (d *Desk) queueEventMail(tx Tx, u User, event MailEvent) error {
	settings, err := tx.Settings()
	if err != nil {
		return err
	}
	t, err := templateIn(tx, settings, event, u.Language)
	if err != nil {
		return err
	}
	return d.queueMail(tx, u, orgNamer(tx)(u.OrgID), event, t.Subject, t.Body, settings)
}

// SendReset is an agent sending a customer a set-password link. Earlier
// links keep working until used or expired. Audited as user.reset.
func (d *Desk) SendReset(actor Actor, userID ID) (User, error) {
	return d.agentLink(actor, userID, EventReset)
}

// ResendVerification sends a pending customer a new verification link;
// every earlier link of the user stops working. Audited as user.resend.
func (d *Desk) ResendVerification(actor Actor, userID ID) (User, error) {
	return d.agentLink(actor, userID, EventVerify)
}

func (d *Desk) agentLink(actor Actor, userID ID, event MailEvent) (User, error) {
	if err := actor.require(PermUsersWrite); err != nil {
		return User{}, err
	}
	var u User
	err := d.update(func(tx Tx, c *commit) error {
		var err error
		if u, err = loadUser(tx, userID, 0); err != nil {
			return err
		}
		if why, err := mailBlock(tx, u.ID, event); err != nil {
			return err
		} else if why != "" {
			return invalid("mail", "no mail can go to %s: %s", u.Email, why)
		}
		action, note := "user.reset", "set-password link queued"
		if event == EventVerify {
			if u.State != StatePending {
				return invalid("state", "%s is %s: its address is verified already; send a set-password link with user reset", u.Email, u.State)
			}
			n, err := tx.DeleteTokens(u.ID)
			if err != nil {
				return err
			}
			// A verification mail still queued would carry a dead link:
			// it goes no more.
			stale, err := queuedMailsOf(tx, u.ID, []MailEvent{EventVerify})
			if err != nil {
				return err
			}
			if err := cancelQueued(tx, c, stale, "a newer verification link replaced it", d.clock()); err != nil {
				return err
			}
			action, note = "user.resend", fmt.Sprintf("new verification link queued; %s no longer work", plural(n, "earlier link"))
			if len(stale) > 0 {
				note += fmt.Sprintf("; %s cancelled", plural(len(stale), "queued verification mail"))
			}
		}
		if err := d.queueEventMail(tx, u, event); err != nil {
			return err
		}
		c.event(SubjectUser, u.ID)
		c.event("mail", 0)
		return audit(tx, AuditEntry{At: d.clock(), Actor: actor.String(), Action: action, SubjectKind: SubjectUser,
			SubjectID: u.ID, Subject: u.Email, Note: note})
	})
	return u, err
}

// SignupRequest is what a customer typed on the signup page, kept on the
// create-account link's token until the link is followed.
type SignupRequest struct {
	Email        string `json:"email"`
	Name         string `json:"name,omitempty"`
	Organization string `json:"organization,omitempty"`
	TimeZone     string `json:"time_zone,omitempty"`
	Language     string `json:"language,omitempty"`
}

// ErrSignupOff is a signup on a desk that does not allow it.
var ErrSignupOff = errors.New("this desk does not allow self-signup; ask the desk to create your account")

// SignupEnabled reports whether customers may sign up.
func (d *Desk) SignupEnabled() (bool, error) {
	s, err := d.DeskSettings()
	return s.SelfSignup, err
}

// Signup starts a self-signup: it validates the form and mails a
// create-account link to the address; following it creates the account
// (RedeemLink). An address that has an account already gets the same
// answer here, and its owner a mail saying so with a reset link, so the
// page tells no one who has an account.
func (d *Desk) Signup(in SignupRequest) error {
	f, err := validateInput(UserInput{Email: in.Email, Name: in.Name, TimeZone: in.TimeZone, Language: in.Language})
	if err != nil {
		return err
	}
	org := strings.TrimSpace(in.Organization)
	if org != "" {
		if org, err = parseOrgName(org); err != nil {
			return err
		}
	}
	req := SignupRequest{Email: f.email.Address, Name: f.name, Organization: org, TimeZone: f.tz, Language: f.lang}
	return d.update(func(tx Tx, c *commit) error {
		settings, err := tx.Settings()
		if err != nil {
			return err
		}
		if !settings.SelfSignup {
			return ErrSignupOff
		}
		c.event("mail", 0)
		id, err := tx.UserIDByEmail(f.email.Key)
		if err == nil {
			owner, err := tx.User(id)
			if err != nil || owner.State == StateDisabled {
				return err
			}
			return d.queueEventMail(tx, owner, EventAccountExists)
		}
		if !IsNotFound(err) {
			return err
		}
		t, err := templateIn(tx, settings, EventCreateAccount, req.Language)
		if err != nil {
			return err
		}
		return d.queueMailTo(tx, recipient{email: req.Email, name: req.Name, org: req.Organization, tz: req.TimeZone},
			EventCreateAccount, t.Subject, t.Body, settings, &req)
	})
}

// createSignedUp creates the account of a confirmed self-signup inside the
// redeeming transaction: the user (active: the link proved the address),
// its organization (the one owning the email's domain; else a new one of
// the name the customer typed, under the signup parent; else none) and the
// audit entries, all as the customer.
func (d *Desk) createSignedUp(tx Tx, c *commit, req SignupRequest, passwordHash string) (User, error) {
	f, err := validateInput(UserInput{Email: req.Email, Name: req.Name, TimeZone: req.TimeZone, Language: req.Language})
	if err != nil {
		return User{}, err
	}
	if err := ensureEmailFree(tx, f.email, 0); err != nil {
		var dup *DuplicateEmailError
		if errors.As(err, &dup) {
			return User{}, invalid("email", "%s has an account already; sign in, or ask for a new password", f.email.Address)
		}
		return User{}, err
	}
	now := d.clock()
	u := User{Email: f.email.Address, Name: f.name, TimeZone: f.tz, Language: f.lang, Role: RoleCustomer,
		State: StateActive, VerifiedAt: now, PasswordHash: passwordHash, Version: 1, CreatedAt: now, UpdatedAt: now}
	actor := customerActor(u)
	u.UpdatedBy = actor.String()
	if u.OrgID, err = orgForDomain(tx, f.email.Domain); err != nil {
		return User{}, err
	}
	note := "self-signup on the portal"
	if u.OrgID == 0 && req.Organization != "" {
		org, created, err := d.signupOrg(tx, c, actor, req.Organization, now)
		if err != nil {
			return User{}, err
		}
		u.OrgID = org.ID
		if !created {
			note += fmt.Sprintf("; organization %q exists already, so the account joined none", req.Organization)
		}
	}
	if err := tx.PutUser(&u); err != nil {
		return User{}, err
	}
	c.emailChanged("", u.EmailKey(), u.ID)
	c.event(SubjectUser, u.ID)
	return u, audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "user.create", SubjectKind: SubjectUser,
		SubjectID: u.ID, Subject: u.Email, Changes: diffUser(User{}, u, orgNamer(tx)), Note: note})
}

// signupOrg creates the organization a signing-up customer named, under
// the signup parent. A name taken meanwhile creates nothing (false): a
// stranger must never join an existing organization by typing its name.
func (d *Desk) signupOrg(tx Tx, c *commit, actor Actor, name string, now time.Time) (Organization, bool, error) {
	if _, err := tx.OrgIDByName(NameKey(name)); err == nil {
		return Organization{}, false, nil
	} else if !IsNotFound(err) {
		return Organization{}, false, err
	}
	settings, err := tx.Settings()
	if err != nil {
		return Organization{}, false, err
	}
	o := Organization{Name: name, ParentID: settings.SignupParent, Active: true, Notes: "created by self-signup",
		Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: actor.String()}
	if o.ParentID != 0 {
		if _, err := tx.Org(o.ParentID); IsNotFound(err) {
			o.ParentID = 0
		} else if err != nil {
			return Organization{}, false, err
		}
	}
	if err := tx.PutOrg(&o); err != nil {
		return Organization{}, false, err
	}
	c.event(SubjectOrg, o.ID)
	return o, true, audit(tx, AuditEntry{At: now, Actor: actor.String(), Action: "org.create", SubjectKind: SubjectOrg,
		SubjectID: o.ID, Subject: o.Name, Changes: diffOrg(Organization{}, o, orgNamer(tx)), Note: "self-signup on the portal"})
}

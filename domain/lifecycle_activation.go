package domain

import "fmt"

// inactiveInChain returns the first inactive organization on the way up from
// orgID (itself, then its parents), and whether there is one. A missing
// organization ends the walk; a cycle cannot loop.
func inactiveInChain(tx Tx, orgID ID) (Organization, bool, error) {
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
		if !o.Active {
			return o, true, nil
		}
		id = o.ParentID
	}
	return Organization{}, false, nil
}

// signInBlock says why a user cannot sign in now ("" when it can): a
// disabled account, or an inactive organization (its own or a parent's).
func signInBlock(tx Tx, u User) (string, error) {
	if u.State == StateDisabled {
		return "user is disabled", nil
	}
	o, inactive, err := inactiveInChain(tx, u.OrgID)
	if err != nil || !inactive {
		return "", err
	}
	return fmt.Sprintf("organization %s is inactive", o.Name), nil
}

// mailBlock says why a queued message of an event to userID must not be
// sent ("" when it may): the recipient was deleted or disabled, its
// organization chain holds an inactive organization, it chose no
// notification for the event, or it chose SMS without an E.164 phone.
func mailBlock(tx Tx, userID ID, event MailEvent) (string, error) {
	// A self-signup's create-account mail goes to an address with no
	// account yet: nothing can block it.
	if userID == 0 && event == EventCreateAccount {
		return "", nil
	}
	u, err := tx.User(userID)
	if IsNotFound(err) {
		return "recipient was deleted", nil
	}
	if err != nil {
		return "", err
	}
	if u.State == StateDisabled {
		return "recipient is disabled", nil
	}
	o, inactive, err := inactiveInChain(tx, u.OrgID)
	if err != nil {
		return "", err
	}
	if inactive {
		return fmt.Sprintf("organization %s is inactive", o.Name), nil
	}
	switch u.Channel(event) {
	case ChannelNone:
		return fmt.Sprintf("recipient chose no notifications for %s mail", event), nil
	case ChannelSMS:
		if _, err := E164(u.Phone); err != nil {
			return fmt.Sprintf("recipient chose SMS for %s notifications but has no E.164 mobile number", event), nil
		}
	}
	return "", nil
}

// SignInError is a valid link whose user may not sign in now, with the
// reason ("organization Acme is inactive"). It also counts as
// ErrTokenInvalid, so callers that only ask "did the link work" still can.
type SignInError struct{ Reason string }

func (e *SignInError) Error() string {
	return "cannot sign in: " + e.Reason + "; ask the desk to restore access"
}

// Is makes errors.Is(err, ErrTokenInvalid) true.
func (e *SignInError) Is(target error) bool { return target == ErrTokenInvalid }

// CanSignIn reports whether a user may sign in now and, when not, why: "user
// is disabled", "organization Acme is inactive" (its own or a parent's), or
// "no user with id N". A failed lookup is an error, never a reason.
func (d *Desk) CanSignIn(userID ID) (bool, string, error) {
	var why string
	err := d.store.View(func(tx Tx) error {
		u, err := tx.User(userID)
		if IsNotFound(err) {
			why = fmt.Sprintf("no user with id %d", userID)
			return nil
		}
		if err != nil {
			return err
		}
		why, err = signInBlock(tx, u)
		return err
	})
	if err != nil {
		return false, "", fmt.Errorf("cannot tell whether user %d may sign in: %w", userID, err)
	}
	return why == "", why, nil
}

// ActivateOrg makes an inactive organization active: its users (and those
// of organizations under it that are active themselves) can sign in and get
// mail again. Audited as org.activate.
func (d *Desk) ActivateOrg(actor Actor, id ID) (Organization, error) {
	return d.setOrgActive(actor, id, true)
}

// DeactivateOrg makes an organization inactive: its users and the users of
// every organization under it cannot sign in and get no mail (queued mail is
// cancelled when it falls due). Nothing is deleted. Audited as
// org.deactivate.
func (d *Desk) DeactivateOrg(actor Actor, id ID) (Organization, error) {
	return d.setOrgActive(actor, id, false)
}

func (d *Desk) setOrgActive(actor Actor, id ID, active bool) (Organization, error) {
	if err := actor.require(PermOrgsWrite); err != nil {
		return Organization{}, err
	}
	var o Organization
	err := d.update(func(tx Tx, c *commit) error {
		before, err := loadOrg(tx, id, 0)
		if err != nil {
			return err
		}
		o = before
		if before.Active == active {
			if active {
				return invalid("active", "%s is already active", before.Name)
			}
			return invalid("active", "%s is already inactive", before.Name)
		}
		o.Active = active
		action, note := "org.activate", ""
		if !active {
			action = "org.deactivate"
			note = "its users and those of organizations under it cannot sign in and get no mail"
		}
		return d.saveOrg(tx, c, actor, before, &o, action, note)
	})
	return o, err
}

package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sign-in throttling: after ThrottleFailures failed tries within
// ThrottleWindow, for one account or from one client address, further tries
// are refused for ThrottleLock, whatever the password.
const (
	ThrottleFailures = 5
	ThrottleWindow   = 15 * time.Minute
	ThrottleLock     = 15 * time.Minute
)

// SignInRecord is what the desk remembers about sign-ins of one account
// (key "user/<id>") or from one client address (key "addr/<address>"):
// recent failures, a lock, and the last success. It lives apart from the
// user record, so a customer signing in never conflicts with an agent
// editing the user.
type SignInRecord struct {
	Failures    []time.Time `json:"failures,omitempty"`
	LockedUntil time.Time   `json:"locked_until,omitzero"`
	LastAt      time.Time   `json:"last_at,omitzero"`
	LastAddr    string      `json:"last_addr,omitempty"`
}

// Locked reports whether tries are refused at now.
func (r SignInRecord) Locked(now time.Time) bool { return now.Before(r.LockedUntil) }

func userSignInKey(id ID) string       { return fmt.Sprintf("user/%d", id) }
func addrSignInKey(addr string) string { return "addr/" + addr }

// failed records one failure at now and reports whether it started a lock.
func (r *SignInRecord) failed(now time.Time) bool {
	kept := r.Failures[:0]
	for _, t := range r.Failures {
		if now.Sub(t) < ThrottleWindow {
			kept = append(kept, t)
		}
	}
	r.Failures = append(kept, now)
	if len(r.Failures) >= ThrottleFailures {
		r.LockedUntil = now.Add(ThrottleLock)
		r.Failures = nil
		return true
	}
	return false
}

// ErrSignInFailed is the one answer for an unknown email and a wrong
// password, so the sign-in page cannot be used to find accounts.
var ErrSignInFailed = errors.New("that email and password do not match an account; check both, or set a new password")

// ThrottledError refuses a sign-in while too many recent tries failed.
type ThrottledError struct{ Until time.Time }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins: try again after %s UTC, or set a new password", e.Until.UTC().Format("15:04"))
}

// SignIn checks a customer's email and password and starts a session. The
// password hash is checked outside any transaction (argon2 takes tens of
// milliseconds and must not hold the writer). Unknown email and wrong
// password give the same ErrSignInFailed after the same work; a locked
// account or address gives a *ThrottledError; a disabled user, or one whose
// organization (or one above) is inactive, gets a *SignInError with the
// reason `user show` gives, but only with the right password. It returns
// the user and the new session's id.
func (d *Desk) SignIn(email, password, addr string) (User, string, error) {
	now := d.clock()
	var u User
	known := false
	var locked time.Time
	err := d.store.View(func(tx Tx) error {
		r, err := tx.SignInRecord(addrSignInKey(addr))
		if err != nil {
			return err
		}
		if r.Locked(now) {
			locked = r.LockedUntil
		}
		e, err := ParseEmail(email)
		if err != nil {
			return nil
		}
		id, err := tx.UserIDByEmail(e.Key)
		if IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if u, err = tx.User(id); err != nil {
			return err
		}
		known = true
		if r, err = tx.SignInRecord(userSignInKey(u.ID)); err != nil {
			return err
		}
		if r.Locked(now) && r.LockedUntil.After(locked) {
			locked = r.LockedUntil
		}
		return nil
	})
	if err != nil {
		return User{}, "", err
	}
	if !locked.IsZero() {
		return User{}, "", &ThrottledError{Until: locked}
	}
	stored := dummyHash()
	if known && u.PasswordHash != "" {
		stored = u.PasswordHash
	}
	ok := CheckPassword(stored, password) && known && u.PasswordHash != ""
	if !ok {
		return User{}, "", d.recordFailure(u, known, addr)
	}
	var sid string
	err = d.update(func(tx Tx, c *commit) error {
		cur, err := tx.User(u.ID)
		if err != nil {
			if IsNotFound(err) {
				return ErrSignInFailed
			}
			return err
		}
		// The password may have changed while it was being checked.
		if cur.PasswordHash != u.PasswordHash {
			return ErrSignInFailed
		}
		u = cur
		if why, err := signInBlock(tx, u); err != nil {
			return err
		} else if why != "" {
			return &SignInError{Reason: why}
		}
		r, err := tx.SignInRecord(userSignInKey(u.ID))
		if err != nil {
			return err
		}
		r.Failures, r.LastAt, r.LastAddr = nil, now, addr
		if err := tx.PutSignInRecord(userSignInKey(u.ID), r); err != nil {
			return err
		}
		if sid, err = d.startSession(tx, u, addr); err != nil {
			return err
		}
		c.event(SubjectUser, u.ID)
		return audit(tx, AuditEntry{At: now, Actor: customerActor(u).String(), Action: "user.signin", SubjectKind: SubjectUser,
			SubjectID: u.ID, Subject: u.Email, Note: "signed in on the portal" + fromAddr(addr)})
	})
	if err != nil {
		return User{}, "", err
	}
	return u, sid, nil
}

func fromAddr(addr string) string {
	if addr == "" {
		return ""
	}
	return " from " + addr
}

// recordFailure counts a failed try against the address and, for a known
// account, the account; a lock that starts is in the account's audit
// trail, so an agent can see why a customer cannot sign in.
func (d *Desk) recordFailure(u User, known bool, addr string) error {
	now := d.clock()
	err := d.update(func(tx Tx, c *commit) error {
		r, err := tx.SignInRecord(addrSignInKey(addr))
		if err != nil {
			return err
		}
		r.failed(now)
		if err := tx.PutSignInRecord(addrSignInKey(addr), r); err != nil {
			return err
		}
		if !known {
			return nil
		}
		key := userSignInKey(u.ID)
		ur, err := tx.SignInRecord(key)
		if err != nil {
			return err
		}
		lockedNow := ur.failed(now)
		if err := tx.PutSignInRecord(key, ur); err != nil {
			return err
		}
		if !lockedNow {
			return nil
		}
		c.event(SubjectUser, u.ID)
		return audit(tx, AuditEntry{At: now, Actor: "portal", Action: "user.signin.locked", SubjectKind: SubjectUser,
			SubjectID: u.ID, Subject: u.Email,
			Note: fmt.Sprintf("%d failed sign-ins in %s%s: sign-in refused until %s UTC", ThrottleFailures, ThrottleWindow, fromAddr(addr), ur.LockedUntil.Format("2006-01-02 15:04"))})
	})
	if err != nil {
		return err
	}
	return ErrSignInFailed
}

// SignInState is what agents see of a customer's sign-ins: the last one
// and a lock in force, if any.
type SignInState struct {
	LastAt      time.Time
	LastAddr    string
	LockedUntil time.Time // zero when not locked now
	Failures    int       // recent failed tries
}

// String words the state for `user show` and the user screen.
func (s SignInState) String() string {
	var parts []string
	if s.LastAt.IsZero() {
		parts = append(parts, "never signed in")
	} else {
		parts = append(parts, "signed in last at "+s.LastAt.UTC().Format("2006-01-02 15:04 UTC")+fromAddr(s.LastAddr))
	}
	if !s.LockedUntil.IsZero() {
		parts = append(parts, "sign-in locked until "+s.LockedUntil.UTC().Format("15:04 UTC")+" after failed tries")
	} else if s.Failures > 0 {
		parts = append(parts, fmt.Sprintf("%d failed tries recently", s.Failures))
	}
	return strings.Join(parts, "; ")
}

// SignInState returns a user's sign-in state for agents.
func (d *Desk) SignInState(userID ID) (SignInState, error) {
	var st SignInState
	now := d.clock()
	err := d.store.View(func(tx Tx) error {
		r, err := tx.SignInRecord(userSignInKey(userID))
		if err != nil {
			return err
		}
		st = SignInState{LastAt: r.LastAt, LastAddr: r.LastAddr}
		if r.Locked(now) {
			st.LockedUntil = r.LockedUntil
		}
		for _, t := range r.Failures {
			if now.Sub(t) < ThrottleWindow {
				st.Failures++
			}
		}
		return nil
	})
	return st, err
}

// customerActor is a customer acting for itself on the portal, as the
// audit trail names it: "customer:ann@example.com". It holds no agent
// permission: customer use-cases check what the customer may do
// themselves and never take an Actor from outside.
func customerActor(u User) Actor {
	return Actor{Name: "customer:" + u.Email, AgentID: customerAgentID, Perms: 0}
}

// customerAgentID marks a customer actor as not the file's owner (whose
// AgentID is zero), so a customer actor can never pass an agent check.
const customerAgentID = ^ID(0)

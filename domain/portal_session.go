package domain

import (
	"errors"
	"fmt"
	"time"
)

// CustomerSession is a signed-in customer on the portal. Only the SHA-256
// of the session id is stored (the id itself is in the customer's cookie).
type CustomerSession struct {
	Hash   []byte `json:"hash"`
	UserID ID     `json:"user_id"`
	// Epoch is the user's SessionEpoch when the session began: when the
	// user is disabled or sets a new password the epoch moves on and the
	// session is dead.
	Epoch     uint64    `json:"epoch"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	Addr      string    `json:"addr,omitempty"`
}

// Session lifetimes: idle and absolute.
const (
	SessionIdle = 30 * time.Minute
	SessionMax  = 12 * time.Hour
	// sessionTouch is how stale LastSeen may get before a request writes
	// it again: a write per page view would cost an fsync per click.
	sessionTouch = time.Minute
)

// ErrNoSession means the cookie names no live session: signed out,
// expired, or ended by a disable or a new password.
var ErrNoSession = errors.New("your session has ended; sign in again")

func (s CustomerSession) alive(now time.Time, u User) bool {
	return s.Epoch == u.SessionEpoch && u.State != StateDisabled &&
		now.Sub(s.LastSeen) < SessionIdle && now.Sub(s.CreatedAt) < SessionMax
}

// startSession makes a new session for a user inside a transaction and
// returns its id (32 random bytes, URL-safe base64).
func (d *Desk) startSession(tx Tx, u User, addr string) (string, error) {
	plain, hash, err := newToken()
	if err != nil {
		return "", err
	}
	now := d.clock()
	return plain, tx.PutSession(CustomerSession{Hash: hash, UserID: u.ID, Epoch: u.SessionEpoch, CreatedAt: now, LastSeen: now, Addr: addr})
}

// SessionUser returns the customer a session id belongs to, or
// ErrNoSession: also when the customer may no longer sign in (disabled, an
// inactive organization up its chain, a new password since). A session last seen more than a minute ago is touched, so
// idle expiry counts from the latest request.
func (d *Desk) SessionUser(sid string) (User, error) {
	if sid == "" {
		return User{}, ErrNoSession
	}
	hash := hashToken(sid)
	var u User
	var s CustomerSession
	stale, dead := false, false
	now := d.clock()
	err := d.store.View(func(tx Tx) error {
		var err error
		if s, err = tx.Session(hash); err != nil {
			return err
		}
		if u, err = tx.User(s.UserID); err != nil {
			if IsNotFound(err) {
				dead = true
				return nil
			}
			return err
		}
		// A customer whose organization (or one above) went inactive may
		// not sign in, so its sessions end too.
		why, err := signInBlock(tx, u)
		if err != nil {
			return err
		}
		dead = why != "" || !s.alive(now, u)
		stale = now.Sub(s.LastSeen) >= sessionTouch
		return nil
	})
	if IsNotFound(err) {
		return User{}, ErrNoSession
	}
	if err != nil {
		return User{}, err
	}
	if dead {
		_ = d.store.Update(func(tx Tx) error { return tx.DeleteSession(hash) })
		return User{}, ErrNoSession
	}
	if stale {
		err = d.store.Update(func(tx Tx) error {
			cur, err := tx.Session(hash)
			if err != nil {
				return err
			}
			cur.LastSeen = now
			return tx.PutSession(cur)
		})
		if IsNotFound(err) {
			return User{}, ErrNoSession
		}
		if err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// SignOut ends a session. Ending one that is already gone is not an error.
func (d *Desk) SignOut(sid string) error {
	if sid == "" {
		return nil
	}
	return d.store.Update(func(tx Tx) error { return tx.DeleteSession(hashToken(sid)) })
}

// PurgeSessions removes the sessions that can no longer be used (expired,
// or of a user who is gone, disabled or has a new password) and says how
// many. A server runs it now and then; a dead session is refused anyway.
func (d *Desk) PurgeSessions() (int, error) {
	now := d.clock()
	var dead [][]byte
	err := d.store.View(func(tx Tx) error {
		dead = nil
		for s, err := range tx.Sessions() {
			if err != nil {
				return err
			}
			u, err := tx.User(s.UserID)
			if err != nil && !IsNotFound(err) {
				return err
			}
			if err != nil || !s.alive(now, u) {
				dead = append(dead, s.Hash)
			}
		}
		return nil
	})
	if err != nil || len(dead) == 0 {
		return 0, err
	}
	err = d.store.Update(func(tx Tx) error {
		for _, h := range dead {
			if err := tx.DeleteSession(h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("remove ended sessions: %w", err)
	}
	return len(dead), nil
}

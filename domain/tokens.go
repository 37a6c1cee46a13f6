package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Token is a single-use link credential. Only its SHA-256 is stored: the
// token itself has 256 random bits, so a fast hash is enough to make a
// stolen database useless for signing in.
type Token struct {
	Hash      []byte    `json:"hash"`
	UserID    ID        `json:"user_id"`
	Purpose   MailEvent `json:"purpose"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedAt    time.Time `json:"used_at,omitzero"`
	// Signup is what a customer typed on the signup page; it rides on the
	// create-account link (UserID 0) and becomes the account when the link
	// is followed.
	Signup *SignupRequest `json:"signup,omitempty"`
}

// DefaultTokenTTL is how long a link works unless settings say otherwise.
const DefaultTokenTTL = 7 * 24 * time.Hour

func newToken() (string, []byte, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("generate a token: %w", err)
	}
	plain := base64.RawURLEncoding.EncodeToString(b[:])
	return plain, hashToken(plain), nil
}

func hashToken(plain string) []byte {
	h := sha256.Sum256([]byte(plain))
	return h[:]
}

// ErrTokenInvalid covers every reason a link does not work; the customer is
// told only that, not which reason, so links cannot be probed.
var ErrTokenInvalid = errors.New("this link is not valid: it may have expired or been used already; ask the desk for a new one")

// RedeemToken uses a set-password link without signing in: see
// RedeemLink, which the portal uses.
func (d *Desk) RedeemToken(plain, password string) (User, error) {
	u, _, err := d.redeem(plain, password, "", false)
	return u, err
}

// RedeemLink uses a mailed link: it checks the token (known, unused,
// unexpired, its user present and not disabled; a user under an inactive
// organization gets a *SignInError naming it), sets the password, marks a
// pending user active (the address is now verified), spends the token and
// signs the customer in, in one transaction. A create-account link
// (self-signup) creates the account instead, with its organization. It
// returns the new session's id, for the cookie.
func (d *Desk) RedeemLink(plain, password, addr string) (User, string, error) {
	return d.redeem(plain, password, addr, true)
}

// LinkInfo says what a link is for, without spending it: the set-password
// page greets the customer and says whether the link still works.
type LinkInfo struct {
	Email   string
	Purpose MailEvent
}

// CheckLink reports whether a link works now, and for whom.
func (d *Desk) CheckLink(plain string) (LinkInfo, error) {
	var info LinkInfo
	err := d.store.View(func(tx Tx) error {
		t, u, err := d.liveToken(tx, plain)
		if err != nil {
			return err
		}
		info = LinkInfo{Email: u.Email, Purpose: t.Purpose}
		if t.Signup != nil {
			info.Email = t.Signup.Email
		}
		return nil
	})
	return info, err
}

// liveToken finds a token that works now and its user (none for a
// create-account link); every other case is ErrTokenInvalid, or a
// *SignInError for a user who may not sign in.
func (d *Desk) liveToken(tx Tx, plain string) (Token, User, error) {
	t, err := tx.Token(hashToken(strings.TrimSpace(plain)))
	if err != nil {
		if IsNotFound(err) {
			return t, User{}, ErrTokenInvalid
		}
		return t, User{}, err
	}
	if !t.UsedAt.IsZero() || d.clock().After(t.ExpiresAt) {
		return t, User{}, ErrTokenInvalid
	}
	if t.Signup != nil {
		return t, User{}, nil
	}
	u, err := tx.User(t.UserID)
	if IsNotFound(err) {
		return t, u, ErrTokenInvalid
	}
	if err != nil {
		return t, u, err
	}
	if u.State == StateDisabled {
		return t, u, ErrTokenInvalid
	}
	// A valid link of a user who may not sign in now (an inactive
	// organization up its chain) says why; nothing is spent.
	if why, err := signInBlock(tx, u); err != nil {
		return t, u, err
	} else if why != "" {
		return t, u, &SignInError{Reason: why}
	}
	return t, u, nil
}

func (d *Desk) redeem(plain, password, addr string, signIn bool) (User, string, error) {
	// A link that does not work says so before anything is said about the
	// password; the transaction below checks it again.
	if err := d.store.View(func(tx Tx) error { _, _, err := d.liveToken(tx, plain); return err }); err != nil {
		return User{}, "", err
	}
	if err := ValidatePassword(password); err != nil {
		return User{}, "", err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return User{}, "", err
	}
	var u User
	var sid string
	err = d.update(func(tx Tx, c *commit) error {
		t, before, err := d.liveToken(tx, plain)
		if err != nil {
			return err
		}
		now := d.clock()
		t.UsedAt = now
		if err := tx.PutToken(t); err != nil {
			return err
		}
		if t.Signup != nil {
			if u, err = d.createSignedUp(tx, c, *t.Signup, hash); err != nil {
				return err
			}
		} else {
			u = before
			u.PasswordHash = hash
			// Every session of the user ends with a new password.
			u.SessionEpoch++
			if u.State == StatePending {
				u.State = StateActive
				u.VerifiedAt = now
			}
			changes := diffUser(before, u, orgNamer(tx))
			changes = append(changes, Change{Field: "password", Before: "", After: "set by the customer"})
			if err := d.saveUser(tx, c, customerActor(u), before, &u, "user.password.set", changes); err != nil {
				return err
			}
		}
		// A new password lifts a sign-in lock (the throttle's sentence
		// offers exactly that way out); following the link signs in.
		key := userSignInKey(u.ID)
		r, err := tx.SignInRecord(key)
		if err != nil {
			return err
		}
		r.Failures, r.LockedUntil = nil, time.Time{}
		if signIn {
			r.LastAt, r.LastAddr = now, addr
		}
		if err := tx.PutSignInRecord(key, r); err != nil {
			return err
		}
		if !signIn {
			return nil
		}
		sid, err = d.startSession(tx, u, addr)
		return err
	})
	return u, sid, err
}

// argon2id parameters: more memory than OWASP's first choice (46 MiB, one
// pass, one lane), about 50 ms on one core of a support host. One lane, so
// a sign-in takes one core and the other serves the agents' consoles.
// Stored hashes carry their parameters: changing these later re-hashes
// nothing and breaks no password.
const (
	argonTime    = 1
	argonMemory  = 64 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashSlots bounds the argon2 computations running at once to half the
// cores: each holds 64 MiB and a core for its whole run, so a burst of
// sign-ins waits its turn instead of exhausting memory or taking the cores
// the agents' consoles need (BENCHMARKS.md, the portal beside SSH).
var hashSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))

func argonKey(password string, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), salt, t, m, p, n)
}

func hashPassword(password string) (string, error) {
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return "", fmt.Errorf("generate a salt: %w", err)
	}
	key := argonKey(password, salt[:], argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt[:]), base64.RawStdEncoding.EncodeToString(key)), nil
}

// dummyHash is checked against when a sign-in names no known account, so
// an unknown email costs the same time as a wrong password. Made on first
// use: a command that signs no one in never pays for it.
var dummyHash = sync.OnceValue(func() string {
	h, err := hashPassword("no account has this password")
	if err != nil {
		return "$argon2id$v=19$m=65536,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	}
	return h
})

// CheckPassword reports whether password matches a stored argon2id hash.
func CheckPassword(stored, password string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	// A damaged record must not make one check take gigabytes or hours.
	if err1 != nil || err2 != nil || len(want) < 16 || m > 1<<20 || t > 16 || p == 0 || p > 16 {
		return false
	}
	got := argonKey(password, salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

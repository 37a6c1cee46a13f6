package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
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

// RedeemToken uses a set-password link: it checks the token (known, unused,
// unexpired, its user present and not disabled; a user under an inactive
// organization gets a *SignInError naming it), sets the password, marks a
// pending user active (the address is now verified) and spends the token, in
// one transaction.
func (d *Desk) RedeemToken(plain, password string) (User, error) {
	if len(password) < 10 {
		return User{}, invalid("password", "must have at least 10 characters")
	}
	if len(password) > 1024 {
		return User{}, invalid("password", "is longer than 1024 characters")
	}
	hash, err := hashPassword(password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = d.update(func(tx Tx, c *commit) error {
		t, err := tx.Token(hashToken(strings.TrimSpace(plain)))
		if err != nil {
			if IsNotFound(err) {
				return ErrTokenInvalid
			}
			return err
		}
		now := d.clock()
		if !t.UsedAt.IsZero() || now.After(t.ExpiresAt) {
			return ErrTokenInvalid
		}
		before, err := tx.User(t.UserID)
		if err != nil || before.State == StateDisabled {
			return ErrTokenInvalid
		}
		// A valid link of a user who may not sign in now (an inactive
		// organization up its chain) says why; nothing is spent.
		if why, err := signInBlock(tx, before); err != nil {
			return err
		} else if why != "" {
			return &SignInError{Reason: why}
		}
		u = before
		u.PasswordHash = hash
		if u.State == StatePending {
			u.State = StateActive
			u.VerifiedAt = now
		}
		t.UsedAt = now
		if err := tx.PutToken(t); err != nil {
			return err
		}
		changes := diffUser(before, u, orgNamer(tx))
		changes = append(changes, Change{Field: "password", Before: "", After: "set by the customer"})
		return d.saveUser(tx, c, Actor{Name: "customer " + u.Email}, before, &u, "user.password.set", changes)
	})
	return u, err
}

// argon2id parameters: the RFC 9106 second recommended option, sized for a
// support host (64 MiB, 3 passes).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

func hashPassword(password string) (string, error) {
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return "", fmt.Errorf("generate a salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt[:], argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt[:]), base64.RawStdEncoding.EncodeToString(key)), nil
}

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
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

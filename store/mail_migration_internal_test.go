package store

import (
	"context"
	"crypto/sha256"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// Migration 8 takes the links older databases kept in outbox messages:
// each token is revoked (a signup riding on one moves to its message), no
// message keeps a link, and a message that may still go is sent with a
// link minted then.
func TestMigrationDropsStoredLinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "desk.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	hash := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	const (
		tokQueued = "queuedTokenqueuedTokenqueuedTokenqueuedToke"
		tokSignup = "signupTokensignupTokensignupTokensignupToke"
		tokEarly  = "earlyTokenearlyTokenearlyTokenearlyTokenear"
		tokCancel = "cancelTokencancelTokencancelTokencancelToke"
	)
	link := func(tok string) string { return "https://help.acme.com/set-password?token=" + tok }
	msgs := []domain.OutboxMessage{
		{ID: 1, UserID: 1, Event: domain.EventVerify, To: "ann@acme.com", Text: "Hello Ann,\n\n{MESSAGE}\n", Link: tokQueued, Compose: true, State: domain.MailQueued, NextTry: now},
		{ID: 2, Event: domain.EventCreateAccount, To: "new@acme.com", Text: "Finish here:\n\n{MESSAGE}\n", Link: tokSignup, Compose: true, State: domain.MailQueued, NextTry: now},
		{ID: 3, UserID: 3, Event: domain.EventReset, To: "cy@acme.com", Text: "Choose one here:\n\n" + link(tokEarly) + "\n", Link: link(tokEarly), State: domain.MailQueued, NextTry: now},
		{ID: 4, UserID: 4, Event: domain.EventVerify, To: "dee@acme.com", Text: "Confirm here:\n\n" + link(tokCancel) + "\n", State: domain.MailCancelled, NextTry: now},
	}
	err = b.Update(func(btx *bolt.Tx) error {
		for _, m := range migrations[:7] {
			if err := m.apply(btx); err != nil {
				return err
			}
		}
		if err := btx.Bucket(bucketMeta).Put(keySchema, itob(7)); err != nil {
			return err
		}
		for _, tok := range []domain.Token{
			{Hash: hash(tokQueued), UserID: 1, Purpose: domain.EventVerify, ExpiresAt: now.Add(time.Hour)},
			{Hash: hash(tokSignup), Purpose: domain.EventCreateAccount, ExpiresAt: now.Add(time.Hour), Signup: &domain.SignupRequest{Email: "new@acme.com", Name: "New"}},
			{Hash: hash(tokEarly), UserID: 3, Purpose: domain.EventReset, ExpiresAt: now.Add(time.Hour)},
			{Hash: hash(tokCancel), UserID: 4, Purpose: domain.EventVerify, ExpiresAt: now.Add(time.Hour)},
		} {
			v, err := encode(tok)
			if err != nil {
				return err
			}
			if err := btx.Bucket(bucketTokens).Put(tok.Hash, v); err != nil {
				return err
			}
		}
		for _, m := range msgs {
			v, err := encode(&m)
			if err != nil {
				return err
			}
			if err := btx.Bucket(bucketOutbox).Put(idKey(m.ID), v); err != nil {
				return err
			}
			if m.State == domain.MailQueued {
				if err := btx.Bucket(bucketOutboxQueue).Put(queueKey(m.NextTry, m.ID), nil); err != nil {
					return err
				}
			}
		}
		_, err := btx.Bucket(bucketOutbox).NextSequence()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	defer db.Close()
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("check after the migration: %v %v", problems, err)
	}
	err = db.View(func(tx domain.Tx) error {
		for _, tok := range []string{tokQueued, tokSignup, tokEarly, tokCancel} {
			got, err := tx.Token(hash(tok))
			if err != nil || got.UsedAt.IsZero() {
				t.Errorf("token %s after the migration: used %v (%v); want it revoked", tok[:6], got.UsedAt, err)
			}
		}
		for _, want := range msgs {
			m, err := tx.Message(want.ID)
			if err != nil {
				return err
			}
			if m.Link != "" || strings.Contains(m.Text, "token=") {
				t.Errorf("message %d still holds a link: %q %q", m.ID, m.Link, m.Text)
			}
			mayGo := m.State == domain.MailQueued
			if mayGo && (!m.Compose || !strings.Contains(m.Text, "{MESSAGE}")) {
				t.Errorf("queued message %d does not mint its link at send: compose %v, text %q", m.ID, m.Compose, m.Text)
			}
			if !mayGo && !strings.Contains(m.Text, "[link not kept]") {
				t.Errorf("cancelled message %d: text %q", m.ID, m.Text)
			}
			if m.ID == 2 && (m.Signup == nil || m.Signup.Email != "new@acme.com") {
				t.Errorf("the signup riding on the revoked token was lost: %+v", m.Signup)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The worker sends the signup's mail with a new link, minted now,
	// which works and carries the signup (the other two have no user in
	// this file, so they are cancelled on the way).
	d := domain.NewDesk(db)
	m, ok, err := d.ClaimNext("w1", now.Add(time.Minute), time.Minute)
	if err != nil || !ok || m.ID != 2 {
		t.Fatalf("claim: message %d, %v %v; want message 2", m.ID, ok, err)
	}
	_, tok, found := strings.Cut(m.Link, "token=")
	if !found || !strings.Contains(m.Text, m.Link) {
		t.Fatalf("message %d goes without a link: %q", m.ID, m.Text)
	}
	if info, err := d.CheckLink(tok); err != nil || info.Email != "new@acme.com" {
		t.Errorf("the new create-account link: %+v %v", info, err)
	}
}

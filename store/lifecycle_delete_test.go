package store_test

import (
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

func TestDeleteRemovesRecordsAndEveryIndexEntry(t *testing.T) {
	path := corePath(t)
	db := coreOpen(t, path)
	d := domain.NewDesk(db)
	if _, err := d.CreateOrg(coreAgent, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}}); err != nil {
		t.Fatal(err)
	}
	u := coreMustUser(t, d, "ann@acme.com", "Ann")
	other := coreMustUser(t, d, "bob@acme.com", "Bob")
	// A link's token is minted when a worker claims its mail: one each.
	for {
		_, ok, err := d.ClaimNext("test", time.Now(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
	}
	c, _, err := d.NewConversation(coreAgent, domain.ConvInput{RequesterID: u.ID, Subject: "Hi", Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reply(coreAgent, c.ID, "More", false); err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx domain.Tx) error {
		if err := tx.DeleteConversation(c.ID); err != nil {
			return err
		}
		n, err := tx.DeleteTokens(u.ID)
		if err != nil || n != 1 {
			t.Errorf("DeleteTokens: %d %v", n, err)
		}
		if err := tx.DeleteUser(u.ID); err != nil {
			return err
		}
		if err := tx.DeleteUser(u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("second DeleteUser: %v", err)
		}
		if err := tx.DeleteConversation(c.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("second DeleteConversation: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	coreCheck(t, db)
	db.Close()
	// What is stored: no key of the user or its conversation is left in
	// any bucket that indexes them; the other user keeps its entries.
	coreRaw(t, path, func(btx *bolt.Tx) error {
		if v := btx.Bucket([]byte("users")).Get(coreKey(uint64(u.ID))); v != nil {
			t.Error("user record left")
		}
		if v := btx.Bucket([]byte("users_by_email")).Get([]byte("ann@acme.com")); v != nil {
			t.Error("email index entry left")
		}
		if v := btx.Bucket([]byte("users_by_email")).Get([]byte("bob@acme.com")); coreU64(v) != uint64(other.ID) {
			t.Error("the other user's email entry was touched")
		}
		if n := btx.Bucket([]byte("org_members")).Stats().KeyN; n != 1 {
			t.Errorf("%d member entries, want 1 (bob)", n)
		}
		for _, b := range []string{"conversations", "conv_messages", "conv_by_requester", "conv_by_status"} {
			if n := btx.Bucket([]byte(b)).Stats().KeyN; n != 0 {
				t.Errorf("%s holds %d keys after the only conversation was deleted", b, n)
			}
		}
		if n := btx.Bucket([]byte("tokens")).Stats().KeyN; n != 1 {
			t.Errorf("%d tokens left, want bob's 1", n)
		}
		if got := coreU64(btx.Bucket([]byte("meta")).Get([]byte("count/pending"))); got != 1 {
			t.Errorf("pending count %d, want 1", got)
		}
		return nil
	})
}

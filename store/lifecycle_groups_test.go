package store_test

import (
	"context"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

func TestGroupIndexesAndCheck(t *testing.T) {
	path := corePath(t)
	db := coreOpen(t, path)
	d := domain.NewDesk(db)
	u := coreMustUser(t, d, "ann@acme.com", "Ann")
	g, err := d.CreateGroup(coreAgent, domain.GroupInput{Name: "Billing", Perms: domain.CustBilling})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddToGroup(coreAgent, g.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	coreCheck(t, db)
	db.Close()
	// Both directions are stored; removing one is reported by Check.
	coreRaw(t, path, func(btx *bolt.Tx) error {
		key := append(coreKey(uint64(u.ID)), coreKey(uint64(g.ID))...)
		if btx.Bucket([]byte("user_groups")).Get(key) == nil {
			t.Error("user_groups entry missing")
		}
		if v := btx.Bucket([]byte("groups_by_name")).Get([]byte("billing")); coreU64(v) != uint64(g.ID) {
			t.Error("groups_by_name entry missing")
		}
		return btx.Bucket([]byte("user_groups")).Delete(key)
	})
	db = coreOpen(t, path)
	probs, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) != 1 || !strings.Contains(string(probs[0]), "group_members says user 1 is in group 1; user_groups disagrees") {
		t.Errorf("check after damage: %v", probs)
	}
}

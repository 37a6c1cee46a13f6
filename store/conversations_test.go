package store_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
	"helpdesk/store"
)

// A mix of creations, replies, notes, status changes, assignments and a
// disable/enable leaves every conversation index consistent.
func TestConversationIndexesStayConsistent(t *testing.T) {
	path := corePath(t)
	db := coreOpen(t, path)
	d := domain.NewDesk(db)
	a := coreMustUser(t, d, "ann@acme.com", "Ann")
	b := coreMustUser(t, d, "bob@beta.com", "Bob")
	agentKey := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl al"
	if _, err := d.AddAgent(coreAgent, domain.AgentInput{Name: "Al", Email: "al@desk.example", Role: "agent", Keys: []string{agentKey}}); err != nil {
		t.Fatal(err)
	}
	var ids []domain.ID
	for i := range 12 {
		who := a.Email
		if i%3 == 0 {
			who = b.Email
		}
		c, _, err := d.NewConversation(coreAgent, domain.ConvInput{Requester: who, Subject: fmt.Sprintf("Question %d", i), Body: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	for i, id := range ids {
		if _, err := d.Reply(coreAgent, id, "an answer", i%2 == 0); err != nil {
			t.Fatal(err)
		}
		st := domain.ConvStatuses[i%len(domain.ConvStatuses)]
		if _, err := d.SetStatus(coreAgent, id, 0, st); err != nil {
			t.Fatal(err)
		}
		if i%4 == 1 {
			// Moves through every status: each move must leave one entry.
			for _, st := range []domain.ConvStatus{domain.ConvClosed, domain.ConvOpen, domain.ConvResolved} {
				if _, err := d.SetStatus(coreAgent, id, 0, st); err != nil {
					t.Fatal(err)
				}
			}
		}
		if i%3 == 2 {
			if _, err := d.Assign(coreAgent, id, "al@desk.example"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := d.DisableUser(coreAgent, b.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reply(coreAgent, ids[0], "kept, not mailed", false); err != nil {
		t.Fatal(err)
	}
	if _, err := d.EnableUser(coreAgent, b.ID, 0); err != nil {
		t.Fatal(err)
	}
	coreCheck(t, db)

	// The status index holds exactly one entry per conversation.
	total := 0
	for _, st := range domain.ConvStatuses {
		cs, _, err := d.Conversations(domain.ConvFilter{Status: st}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Status != st {
				t.Errorf("conversation %d (%s) listed as %s", c.ID, c.Status, st)
			}
		}
		total += len(cs)
	}
	if total != len(ids) {
		t.Errorf("status index lists %d conversations, want %d", total, len(ids))
	}

	// Damage: a stale status entry and a missing requester entry are found.
	db.Close()
	coreRaw(t, path, func(tx *bolt.Tx) error {
		stale := append([]byte{byte(domain.ConvClosed.Rank())}, coreKey(uint64(ids[0]))...)
		if err := tx.Bucket([]byte("conv_by_status")).Put(stale, nil); err != nil {
			return err
		}
		k := append(coreKey(uint64(a.ID)), coreKey(uint64(ids[1]))...)
		return tx.Bucket([]byte("conv_by_requester")).Delete(k)
	})
	db2, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	problems, err := db2.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 {
		t.Errorf("check found %d problems, want 2: %v", len(problems), problems)
	}
}

func TestConversationBucketsExist(t *testing.T) {
	path := corePath(t)
	db := coreOpen(t, path)
	if store.SchemaVersion() < 4 {
		t.Fatalf("schema version %d", store.SchemaVersion())
	}
	db.Close()
	coreRaw(t, path, func(tx *bolt.Tx) error {
		for _, name := range []string{"conversations", "conv_messages", "conv_by_requester", "conv_by_status"} {
			if tx.Bucket([]byte(name)) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
}

// BenchmarkInboxOpen lists the first page of open conversations among
// 1,000,000 (a quarter of them open, spread over the ids): the status index
// makes it read only the page, so the time is flat in the count.
func BenchmarkInboxOpen(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("conversations=%d", n), func(b *testing.B) {
			path := corePath(b)
			db, err := store.Open(path, store.Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			const batch = 20_000
			for start := 0; start < n; start += batch {
				err := db.Update(func(tx domain.Tx) error {
					for i := start; i < min(start+batch, n); i++ {
						c := domain.Conversation{
							Subject: "Question", RequesterID: domain.ID(i%5000 + 1),
							Status: domain.ConvStatuses[i%4], ThreadID: "<conv@x>", Messages: 0,
							Version: 1, CreatedAt: now, UpdatedAt: now,
						}
						if err := tx.PutConversation(&c); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			d := domain.NewDesk(db)
			runtime.GC() // the load's garbage is not the inbox's cost
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				cs, _, err := d.Conversations(domain.ConvFilter{Status: domain.ConvOpen}, 0, 50)
				if err != nil || len(cs) != 50 {
					b.Fatalf("%d conversations, %v", len(cs), err)
				}
			}
		})
	}
}

package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
)

// inboundDesk has a conversation with two mailed replies and a customer's
// mailed answer carrying one attachment.
func inboundDesk(t *testing.T, path string) (*DB, domain.Conversation, string) {
	t.Helper()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	d := domain.NewDesk(db, domain.WithClock(func() time.Time { now = now.Add(time.Second); return now }))
	if _, err := d.SetSetting(owner, domain.SettingInboundAddress, "support@desk.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateUser(owner, domain.UserInput{Email: "ann@acme.example", Mail: "none"}); err != nil {
		t.Fatal(err)
	}
	c, _, err := d.NewConversation(owner, domain.ConvInput{Requester: "ann@acme.example", Subject: "Printer", Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reply(owner, c.ID, "Second", false); err != nil {
		t.Fatal(err)
	}
	// The message as the mailer reads it (mailer.ParseMail).
	m := domain.InboundMail{
		From: "ann@acme.example", AddressedTo: []string{"support@desk.example"}, Subject: "Re", MessageID: "in1@acme.example",
		InReplyTo: []string{c.ThreadID}, Text: "See file.", Attachments: []domain.InboundAttachment{{Name: "a.csv", Type: "text/csv", Data: []byte("a,b")}},
	}
	if r, err := d.ReceiveMail(context.Background(), nil, m); err != nil || r.ConvID != c.ID {
		t.Fatalf("ReceiveMail: %+v %v", r, err)
	}
	return db, c, "a,b"
}

func mailIDs(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.bolt.View(func(btx *bolt.Tx) error {
		return btx.Bucket(bucketMailIDs).ForEach(func(k, v []byte) error {
			out[string(k)] = fmt.Sprintf("%d%c", btoi(v[:8]), v[8])
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInboundIndexMigratedCheckedSalvagedDeleted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "desk.db")
	db, c, data := inboundDesk(t, path)
	want := mailIDs(t, db)
	// The root, the second reply and the customer's mail.
	if len(want) != 3 || want[strings.Trim(c.ThreadID, "<>")] != "1d" || want["in1@acme.example"] != "1c" {
		t.Fatalf("index %v", want)
	}

	// Migration 11 on a file that had none of it builds the same index.
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		return asVersion(btx, 10, bucketMailIDs, bucketConvMailIDs)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := mailIDs(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after migration 11: %v, want %v", got, want)
	}

	// check: an attachment's bytes gone, an index entry to nowhere.
	err = db.bolt.Update(func(btx *bolt.Tx) error {
		if err := btx.Bucket(bucketAttachments).Delete(attachmentKey(c.ID, 3, 1)); err != nil {
			return err
		}
		return btx.Bucket(bucketMailIDs).Put([]byte("ghost@x"), append(itob(99), originDesk))
	})
	if err != nil {
		t.Fatal(err)
	}
	problems, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	joined := fmt.Sprint(problems)
	for _, w := range []string{
		fmt.Sprintf("conversation %d: message 3 lists attachment 1 (a.csv), whose bytes are missing", c.ID),
		`Message-ID "ghost@x" names conversation 99, which does not exist`,
	} {
		if !strings.Contains(joined, w) {
			t.Errorf("check lacks %q: %v", w, problems)
		}
	}
	// Put the bytes back; salvage keeps them and rebuilds the index.
	err = db.Update(func(tx domain.Tx) error { return tx.PutAttachment(c.ID, 3, 1, []byte(data)) })
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	sdb, _ := salvageOpen(t, path, filepath.Join(dir, "salvaged.db"))
	if got := mailIDs(t, sdb); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after salvage: %v, want %v", got, want)
	}
	err = sdb.Update(func(tx domain.Tx) error {
		if b, err := tx.Attachment(c.ID, 3, 1); err != nil || string(b) != data {
			t.Errorf("salvaged attachment %q %v", b, err)
		}
		return tx.DeleteConversation(c.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Deleting the conversation takes its Message-IDs and attachments.
	if got := mailIDs(t, sdb); len(got) != 0 {
		t.Errorf("after delete: %v", got)
	}
	if problems, err := sdb.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("check after delete: %v %v", problems, err)
	}
}

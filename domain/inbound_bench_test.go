package domain_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/store"
)

// benchConvs is the desk size of the inbound benchmarks: 1,000,000
// conversations, or HELPDESK_BENCH_CONVS.
func benchConvs(b *testing.B) int {
	if s := os.Getenv("HELPDESK_BENCH_CONVS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("HELPDESK_BENCH_CONVS=%q is not a count", s)
		}
		return n
	}
	return 1_000_000
}

// inboundBenchDesk builds a desk with n conversations of 1,000 requesters,
// each with its thread root indexed as the desk sent it, in transactions
// of 50,000 without fsync; then reopens it as serve does (with fsync).
func inboundBenchDesk(b *testing.B, n int) (*domain.Desk, domain.Store) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "desk.db")
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	const users = 1000
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	err = db.Update(func(tx domain.Tx) error {
		if err := tx.PutSettings(domain.Settings{InboundAddresses: []string{"support@desk.example"}}); err != nil {
			return err
		}
		for i := range users {
			u := domain.User{Email: fmt.Sprintf("c%d@cust%d.example", i, i%50), State: domain.StateActive, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.PutUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < n; start += 50_000 {
		err := db.Update(func(tx domain.Tx) error {
			for i := start; i < min(start+50_000, n); i++ {
				id := domain.ID(i + 1)
				c := domain.Conversation{
					ID: id, Subject: "Question " + strconv.Itoa(i), RequesterID: domain.ID(i%users + 1), Status: domain.ConvOpen,
					ThreadID: benchThread(id), Version: 1, CreatedAt: now, UpdatedAt: now,
				}
				if err := tx.PutConversation(&c); err != nil {
					return err
				}
				if err := tx.PutMailID(c.ThreadID, id, true); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if db, err = store.Open(path, store.Options{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return domain.NewDesk(db), db
}

func benchThread(id domain.ID) string {
	return fmt.Sprintf("<conv.%d.0123456789abcdef@desk.example>", id)
}

func benchReply(n int, conv domain.ID) string {
	return fmt.Sprintf("From: c%d@cust%d.example\r\nTo: support@desk.example\r\nSubject: Re: Question\r\nMessage-ID: <r%d.%d@cust.example>\r\nIn-Reply-To: %s\r\n\r\nThanks, that fixed it.\r\n\r\nOn Mon, Desk wrote:\r\n> Try this.\r\n",
		int(conv-1)%1000, int(conv-1)%1000%50, n, time.Now().UnixNano(), benchThread(conv))
}

// BenchmarkInboundReceive measures mailer.Receive of replies threading into
// random conversations of a desk of benchConvs conversations (parse, index
// lookup, store with fsync); the naive sub-benchmark finds the thread the
// way a desk without the Message-ID index would: by reading every
// conversation's ThreadID and MailRefs, newest first, until one matches.
//
//	go test ./domain/ -run '^$' -bench BenchmarkInboundReceive -benchtime 2000x -count 3
func BenchmarkInboundReceive(b *testing.B) {
	n := benchConvs(b)
	desk, db := inboundBenchDesk(b, n)
	rng := rand.New(rand.NewPCG(1, 2))
	b.Run(fmt.Sprintf("indexed/convs=%d", n), func(b *testing.B) {
		i := 0
		for b.Loop() {
			conv := domain.ID(rng.IntN(n) + 1)
			r, err := mailer.Receive(context.Background(), desk, mailer.Envelope{To: []string{"support@desk.example"}}, strings.NewReader(benchReply(i, conv)), 0)
			if err != nil || r.ConvID != conv || r.NewConversation {
				b.Fatalf("reply %d: %+v %v", i, r, err)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run(fmt.Sprintf("naive-lookup-only/convs=%d", n), func(b *testing.B) {
		for b.Loop() {
			want := benchThread(domain.ID(rng.IntN(n) + 1))
			var found domain.ID
			err := db.View(func(tx domain.Tx) error {
				for id := range tx.ConvIDs(0) {
					c, err := tx.Conversation(id)
					if err != nil {
						return err
					}
					for _, ref := range c.References() {
						if ref == want {
							found = id
						}
					}
					if found != 0 {
						return nil
					}
				}
				return nil
			})
			if err != nil || found == 0 {
				b.Fatalf("naive lookup of %s: %d %v", want, found, err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
}

package domain_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/store"
)

// BenchmarkPortalHome measures the portal home's first page (25 rows) for a
// customer with 200 conversations and for a customer with conversations.org
// whose organization (with one child organization) has 100,000, on one desk
// holding both, against the naive way in the same run: read every
// conversation, keep what the viewer sees, sort by activity. It reports
// p50 and p99 of one call. The desk is built only when the benchmark runs:
//
//	go test -run '^$' -bench BenchmarkPortalHome -count 3 ./domain/
func BenchmarkPortalHome(b *testing.B) {
	d, _, small, boss := portalBenchDesk(b)
	for _, v := range []struct {
		name string
		id   domain.ID
	}{{"customer-200", small}, {"org-100000", boss}} {
		b.Run(v.name+"/indexed", func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				rows, _, err := d.PortalConversations(v.id, 0, 25)
				lat = append(lat, time.Since(start))
				if err != nil || len(rows) != 25 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
			reportLatency(b, lat)
		})
		b.Run(v.name+"/naive", func(b *testing.B) {
			want, _, _ := d.PortalConversations(v.id, 0, 25)
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				rows, err := naivePortalHome(d, v.id, 25)
				lat = append(lat, time.Since(start))
				if err != nil || len(rows) != 25 || rows[0].ID != want[0].ID || rows[24].ID != want[24].ID {
					b.Fatalf("naive page differs: %d rows, %v", len(rows), err)
				}
			}
			reportLatency(b, lat)
		})
	}
}

// BenchmarkPortalHomeManyOrgs measures the org-permission customer's home
// (the first 25 rows, as above) and the agreement preview of moving its
// organization's child elsewhere and back, first on the desk of
// BenchmarkPortalHome (two organizations), then on the same desk after
// 100,000 other organizations (10,000 trees of ten) are added. Both walk
// the subtree down through the children index, so neither should cost
// more with the other organizations there. It reports p50 and p99 of one
// call:
//
//	go test -run '^$' -bench BenchmarkPortalHomeManyOrgs -count 3 ./domain/
func BenchmarkPortalHomeManyOrgs(b *testing.B) {
	d, db, _, boss := portalBenchDesk(b)
	labs, err := d.OrgByName("Big Labs")
	if err != nil {
		b.Fatal(err)
	}
	run := func(orgs string) {
		b.Run("org-100000/home/orgs-"+orgs, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				rows, _, err := d.PortalConversations(boss, 0, 25)
				lat = append(lat, time.Since(start))
				if err != nil || len(rows) != 25 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
			reportLatency(b, lat)
		})
		b.Run("org-100000/move-preview/orgs-"+orgs, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				p, err := d.MoveOrgPreview(labs.ID, "Big")
				lat = append(lat, time.Since(start))
				if err != nil || p.Agreement != nil {
					b.Fatalf("preview %+v, %v", p, err)
				}
			}
			reportLatency(b, lat)
		})
	}
	run("2")
	// 10,000 top-level organizations, each with nine children, none
	// related to Big; 10,000 to a transaction, without fsync.
	for start := 0; start < 100_000; start += 10_000 {
		err := db.Update(func(tx domain.Tx) error {
			var parent domain.ID
			for i := start; i < start+10_000; i++ {
				o := domain.Organization{Name: fmt.Sprintf("Other %d", i), Active: true, Version: 1}
				if i%10 != 0 {
					o.ParentID = parent
				}
				if err := tx.PutOrg(&o); err != nil {
					return err
				}
				if i%10 == 0 {
					parent = o.ID
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if orgs, err := d.OrgNames(); err != nil || len(orgs) != 100_002 {
		b.Fatalf("%d organizations, %v", len(orgs), err)
	}
	run("100002")
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Nanoseconds()) / 1e6
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// naivePortalHome is the page without the portal's indexes: every
// conversation read, filtered by the same rule, sorted by activity.
func naivePortalHome(d *domain.Desk, userID domain.ID, limit int) ([]domain.Conversation, error) {
	u, err := d.User(userID)
	if err != nil {
		return nil, err
	}
	_, perms, err := d.UserGroups(userID)
	if err != nil {
		return nil, err
	}
	orgs := map[domain.ID]bool{}
	if perms&domain.CustConversationsOrg != 0 && u.OrgID != 0 {
		all, err := d.Orgs()
		if err != nil {
			return nil, err
		}
		orgs[u.OrgID] = true
		for changed := true; changed; {
			changed = false
			for _, o := range all {
				if orgs[o.ParentID] && !orgs[o.ID] {
					orgs[o.ID], changed = true, true
				}
			}
		}
	}
	all, _, err := d.Conversations(domain.ConvFilter{}, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []domain.Conversation
	for _, c := range all {
		if c.RequesterID == userID || orgs[c.OrgID] {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b domain.Conversation) int {
		pa, pb := a.ActivityPos(), b.ActivityPos()
		if pa == pb {
			return 0
		}
		if pa.At > pb.At || pa.At == pb.At && pa.ID > pb.ID {
			return -1
		}
		return 1
	})
	return out[:min(limit, len(out))], nil
}

// portalBenchDesk writes the desk: organization Big (100 requesters) and
// its child Big Labs (10) sharing 100,000 conversations, Boss in Big with
// conversations.org, and Sam, elsewhere, with 200 conversations. Activity
// times are shuffled, so activity order is not id order. Records go in
// through the store in batches of 10,000 per transaction, without fsync.
func portalBenchDesk(b *testing.B) (d *domain.Desk, db *store.DB, sam, boss domain.ID) {
	b.Helper()
	var err error
	db, err = store.Open(filepath.Join(b.TempDir(), "desk.db"), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	d = domain.NewDesk(db)
	actor := domain.Actor{Name: "bench"}
	big, err := d.CreateOrg(actor, domain.OrgInput{Name: "Big", Domains: []string{"big.example"}})
	if err != nil {
		b.Fatal(err)
	}
	labs, err := d.CreateOrg(actor, domain.OrgInput{Name: "Big Labs", Domains: []string{"labs.big.example"}, Parent: "Big"})
	if err != nil {
		b.Fatal(err)
	}
	user := func(email string) domain.User {
		u, err := d.CreateUser(actor, domain.UserInput{Email: email, Mail: "none"})
		if err != nil {
			b.Fatal(err)
		}
		return u
	}
	var requesters []domain.User
	for i := range 100 {
		requesters = append(requesters, user(fmt.Sprintf("r%d@big.example", i)))
	}
	for i := range 10 {
		requesters = append(requesters, user(fmt.Sprintf("r%d@labs.big.example", i)))
	}
	bossU := user("boss@big.example")
	samU := user("sam@small.example")
	g, err := d.CreateGroup(actor, domain.GroupInput{Name: "Managers", Perms: domain.CustConversationsOrg})
	if err != nil {
		b.Fatal(err)
	}
	if err := d.AddToGroup(actor, g.ID, bossU.ID); err != nil {
		b.Fatal(err)
	}

	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var convs []domain.Conversation
	add := func(u domain.User) {
		at := t0.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour))))
		convs = append(convs, domain.Conversation{
			Subject: "Bench conversation", RequesterID: u.ID, OrgID: u.OrgID, Status: domain.ConvOpen,
			ThreadID: fmt.Sprintf("<bench.%d@helpdesk.invalid>", len(convs)), Messages: 1, Version: 1,
			CreatedAt: t0, UpdatedAt: at, ActivityAt: at, UpdatedBy: "bench",
		})
	}
	for i := range 100_000 {
		add(requesters[i%len(requesters)])
		if i%500 == 0 && len(convs) < 100_000+200 {
			add(samU)
		}
	}
	for len(convs) < 100_000+200 {
		add(samU)
	}
	if labs.ID == big.ID {
		b.Fatal("one organization")
	}
	for start := 0; start < len(convs); start += 10_000 {
		err := db.Update(func(tx domain.Tx) error {
			for i := start; i < min(start+10_000, len(convs)); i++ {
				if err := tx.PutConversation(&convs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return d, db, samU.ID, bossU.ID
}

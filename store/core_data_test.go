package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
	"helpdesk/store"
)

// coreClockDesk is a desk with a clock that ticks one second per reading.
func coreClockDesk(db *store.DB) *domain.Desk {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	return domain.NewDesk(db, domain.WithClock(func() time.Time { now = now.Add(time.Second); return now }))
}

// A backup taken while an agent keeps creating users is a consistent
// snapshot: it opens, passes the check, and its counters match its records.
func TestBackupWhileWritingOpensAndPassesCheck(t *testing.T) {
	db := coreOpen(t, corePath(t))
	d := domain.NewDesk(db)
	created := make(chan int, 100000)
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			if _, err := d.CreateUser(coreAgent, domain.UserInput{Email: fmt.Sprintf("busy%05d@acme.com", i), Name: "Busy"}); err != nil {
				writerDone <- err
				return
			}
			created <- i + 1
		}
	}()
	waitFor := func(n int) {
		for c := range created {
			if c >= n {
				return
			}
		}
	}
	dir := t.TempDir()
	for i, after := range []int{10, 40, 80} {
		waitFor(after) // the writer is busy before, during and after each backup
		path := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		n, err := db.Backup(path)
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Size() != n || fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup %d: reported %d bytes; file %v, %v", i, n, fi, err)
		}
		b, err := store.Open(path, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("open backup %d: %v", i, err)
		}
		coreCheck(t, b)
		bd := domain.NewDesk(b)
		users := coreAllUsers(t, bd)
		if len(users) < after {
			t.Errorf("backup %d holds %d users; %d were created before it started", i, len(users), after)
		}
		if total := coreTotal(t, bd); total != len(users) {
			t.Errorf("backup %d: counters say %d users, %d records", i, total, len(users))
		}
		b.Close()
	}
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatalf("writer: %v", err)
	}
	coreCheck(t, db)
	// No temporary file is left beside the backups.
	names, _ := os.ReadDir(dir)
	if len(names) != 3 {
		t.Errorf("backup folder holds %d files; want the 3 backups", len(names))
	}
}

// Check verifies the index both ways: an entry pointing at no user, a user
// missing its entry and counters that disagree with the records are all
// reported in words.
func TestCheckFindsDamage(t *testing.T) {
	cases := []struct {
		name   string
		damage func(tx *bolt.Tx) error
		want   []string
	}{
		{"orphan index entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("users_by_email")).Put([]byte("ghost@acme.com"), coreKey(999))
		}, []string{"email index ghost@acme.com points at user 999"}},
		{"record without its index entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("users_by_email")).Delete([]byte("bob@acme.com"))
		}, []string{"user 2 (bob@acme.com) has no email index entry pointing at it"}},
		{"index entry whose record is gone", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("users")).Delete(coreKey(3))
		}, []string{"email index cy@acme.com points at user 3", "count of pending users is 3 but 2 records are pending"}},
		{"index entry pointing at another user", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("users_by_email")).Put([]byte("bob@acme.com"), coreKey(1))
		}, []string{"email index bob@acme.com points at user 1, whose email is ann@acme.com", "user 2 (bob@acme.com) has no email index entry"}},
		{"member index entry the user disagrees with", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("org_members")).Put(append(coreKey(1), coreKey(3)...), nil)
		}, []string{"member index says user 3 is in organization 1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := corePath(t)
			db, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			d := domain.NewDesk(db)
			if _, err := d.CreateOrg(coreAgent, domain.OrgInput{Name: "Acme"}); err != nil {
				t.Fatal(err)
			}
			for _, e := range []string{"ann@acme.com", "bob@acme.com", "cy@acme.com"} {
				coreMustUser(t, d, e, "")
			}
			coreCheck(t, db)
			db.Close()
			coreRaw(t, path, c.damage)

			for _, ro := range []bool{true, false} {
				db, err := store.Open(path, store.Options{ReadOnly: ro})
				if err != nil {
					t.Fatal(err)
				}
				problems, err := db.Check(context.Background())
				db.Close()
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, p := range problems {
					got = append(got, string(p))
				}
				for _, w := range c.want {
					if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, w) }) {
						t.Errorf("read-only=%v: check reported %q; want a problem saying %q", ro, got, w)
					}
				}
				if len(got) != len(c.want) {
					t.Errorf("read-only=%v: check reported %d problems %q; want %d", ro, len(got), got, len(c.want))
				}
			}
		})
	}
}

func coreAuditIDs(t *testing.T, d *domain.Desk, f domain.AuditFilter, before domain.ID, limit int) []domain.ID {
	t.Helper()
	es, err := d.Audit(f, before, limit)
	if err != nil {
		t.Fatal(err)
	}
	var ids []domain.ID
	for i, e := range es {
		if !f.Match(e) {
			t.Errorf("entry %d %s does not match the filter %+v", e.ID, e.Action, f)
		}
		if i > 0 && e.ID >= es[i-1].ID {
			t.Errorf("entry %d after %d: not newest first", e.ID, es[i-1].ID)
		}
		ids = append(ids, e.ID)
	}
	return ids
}

// The audit trail reads newest first, pages with "before", filters by actor
// and by subject (through the subject index), and never mixes a user with
// the organization that has the same id.
func TestAuditNewestFirstWithFilters(t *testing.T) {
	db := coreOpen(t, corePath(t))
	d := coreClockDesk(db)
	one := domain.Actor{Name: "one@desk"}
	two := domain.Actor{Name: "two@desk"}
	acme, err := d.CreateOrg(one, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}}) // entry 1, org 1
	if err != nil {
		t.Fatal(err)
	}
	ann, err := d.CreateUser(one, domain.UserInput{Email: "ann@acme.com"}) // entry 2, user 1
	if err != nil {
		t.Fatal(err)
	}
	bob, err := d.CreateUser(one, domain.UserInput{Email: "bob@acme.com"}) // entry 3, user 2
	if err != nil {
		t.Fatal(err)
	}
	name := "Ann Lee"
	if _, err := d.UpdateUser(two, ann.ID, 0, domain.UserPatch{Name: &name}); err != nil { // entry 4
		t.Fatal(err)
	}
	if _, err := d.DisableUser(two, bob.ID, 0); err != nil { // entry 5
		t.Fatal(err)
	}
	if _, err := d.AddDomain(two, acme.ID, "acme.eu", false); err != nil { // entry 6
		t.Fatal(err)
	}
	if _, err := d.EnableUser(one, bob.ID, 0); err != nil { // entry 7
		t.Fatal(err)
	}
	if acme.ID != 1 || ann.ID != 1 || bob.ID != 2 {
		t.Fatalf("ids: org %d, users %d %d; the test expects org 1 and users 1, 2", acme.ID, ann.ID, bob.ID)
	}
	all, err := d.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range all {
		actions = append(actions, fmt.Sprintf("%d %s", e.ID, e.Action))
	}
	want := "7 user.enable,6 org.domain.add,5 user.disable,4 user.update,3 user.create,2 user.create,1 org.create"
	if got := strings.Join(actions, ","); got != want {
		t.Fatalf("audit newest first:\n got %s\nwant %s", got, want)
	}

	user := func(id domain.ID) domain.AuditFilter {
		return domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: id}
	}
	cases := []struct {
		name   string
		f      domain.AuditFilter
		before domain.ID
		limit  int
		want   []domain.ID
	}{
		{"everything", domain.AuditFilter{}, 0, 0, []domain.ID{7, 6, 5, 4, 3, 2, 1}},
		{"first page", domain.AuditFilter{}, 0, 3, []domain.ID{7, 6, 5}},
		{"next page", domain.AuditFilter{}, 5, 3, []domain.ID{4, 3, 2}},
		{"last page", domain.AuditFilter{}, 2, 3, []domain.ID{1}},
		{"before the first", domain.AuditFilter{}, 1, 0, nil},
		{"actor", domain.AuditFilter{Actor: "two@desk"}, 0, 0, []domain.ID{6, 5, 4}},
		{"actor, paged", domain.AuditFilter{Actor: "two@desk"}, 6, 1, []domain.ID{5}},
		{"user 1", user(1), 0, 0, []domain.ID{4, 2}},
		{"user 2", user(2), 0, 0, []domain.ID{7, 5, 3}},
		{"user 2 before 7", user(2), 7, 0, []domain.ID{5, 3}},
		{"user 2 before 5", user(2), 5, 0, []domain.ID{3}},
		{"user 2 before 3", user(2), 3, 0, nil},
		{"user 2 before an id past the end", user(2), 100, 0, []domain.ID{7, 5, 3}},
		{"user 2, one", user(2), 0, 1, []domain.ID{7}},
		{"user 2 by two@desk", domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: 2, Actor: "two@desk"}, 0, 0, []domain.ID{5}},
		{"org 1 (not user 1)", domain.AuditFilter{SubjectKind: domain.SubjectOrg, SubjectID: 1}, 0, 0, []domain.ID{6, 1}},
		{"an unknown user", user(99), 0, 0, nil},
		{"every user entry", domain.AuditFilter{SubjectKind: domain.SubjectUser}, 0, 0, []domain.ID{7, 5, 4, 3, 2}},
		// "zero fields match everything": subject 1 of any kind is user 1
		// and organization 1.
		{"subject 1 of any kind", domain.AuditFilter{SubjectID: 1}, 0, 0, []domain.ID{6, 4, 2, 1}},
	}
	for _, c := range cases {
		if got := coreAuditIDs(t, d, c.f, c.before, c.limit); !slices.Equal(got, c.want) {
			t.Errorf("%s: Audit(%+v, before %d, limit %d) = %v; want %v", c.name, c.f, c.before, c.limit, got, c.want)
		}
	}
}

func coreIDs(us []domain.User) []domain.ID {
	var ids []domain.ID
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}

// coreRange lists the ids from one to the other, both included, counting
// down when to is below from.
func coreRange(from, to domain.ID) []domain.ID {
	var ids []domain.ID
	for id := from; ; {
		ids = append(ids, id)
		switch {
		case id == to:
			return ids
		case to < from:
			id--
		default:
			id++
		}
	}
}

// Lists page forward and backward through the users in creation order,
// with filters, and a page boundary never loses or repeats a user.
func TestUsersPagingBothWays(t *testing.T) {
	db := coreOpen(t, corePath(t))
	d := domain.NewDesk(db)
	acme, err := d.CreateOrg(coreAgent, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 25; i++ {
		dom := "globex.com"
		if i%3 == 0 {
			dom = "acme.com" // 3, 6, ..., 24 join Acme
		}
		u := coreMustUser(t, d, fmt.Sprintf("user%02d@%s", i, dom), "")
		if i%5 == 0 {
			if _, err := d.DisableUser(coreAgent, u.ID, 0); err != nil { // 5, 10, ..., 25
				t.Fatal(err)
			}
		}
	}
	forward := []struct {
		f           domain.UserFilter
		after       domain.ID
		limit       int
		want        []domain.ID
		wantNext    domain.ID
		description string
	}{
		{domain.UserFilter{}, 0, 10, coreRange(1, 10), 10, "first page"},
		{domain.UserFilter{}, 10, 10, coreRange(11, 20), 20, "second page"},
		{domain.UserFilter{}, 20, 10, coreRange(21, 25), 0, "short last page"},
		{domain.UserFilter{}, 15, 10, coreRange(16, 25), 0, "last page exactly full"},
		{domain.UserFilter{}, 25, 10, nil, 0, "past the end"},
		{domain.UserFilter{State: domain.StateDisabled}, 0, 2, []domain.ID{5, 10}, 10, "disabled, first page"},
		{domain.UserFilter{State: domain.StateDisabled}, 10, 2, []domain.ID{15, 20}, 20, "disabled, second page"},
		{domain.UserFilter{OrgID: acme.ID}, 0, 4, []domain.ID{3, 6, 9, 12}, 12, "Acme members"},
		{domain.UserFilter{OrgID: acme.ID}, 12, 4, []domain.ID{15, 18, 21, 24}, 0, "Acme members, second page"},
		{domain.UserFilter{OrgID: acme.ID, State: domain.StateDisabled}, 0, 0, []domain.ID{15}, 0, "disabled Acme members"},
	}
	for _, c := range forward {
		us, next, err := d.Users(c.f, c.after, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := coreIDs(us); !slices.Equal(got, c.want) || next != c.wantNext {
			t.Errorf("%s: Users(%+v, after %d, limit %d) = %v next %d; want %v next %d", c.description, c.f, c.after, c.limit, got, next, c.want, c.wantNext)
		}
	}
	backward := []struct {
		f           domain.UserFilter
		before      domain.ID
		limit       int
		want        []domain.ID
		description string
	}{
		{domain.UserFilter{}, 0, 10, coreRange(25, 16), "newest page"},
		{domain.UserFilter{}, 16, 10, coreRange(15, 6), "page above"},
		{domain.UserFilter{}, 6, 10, coreRange(5, 1), "oldest page"},
		{domain.UserFilter{}, 1, 10, nil, "before the first"},
		{domain.UserFilter{}, 1000, 3, []domain.ID{25, 24, 23}, "before an id past the end"},
		{domain.UserFilter{State: domain.StateDisabled}, 0, 0, []domain.ID{25, 20, 15, 10, 5}, "disabled"},
		{domain.UserFilter{OrgID: acme.ID}, 12, 2, []domain.ID{9, 6}, "Acme members above 12"},
	}
	for _, c := range backward {
		us, err := d.UsersBefore(c.f, c.before, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := coreIDs(us); !slices.Equal(got, c.want) {
			t.Errorf("%s: UsersBefore(%+v, before %d, limit %d) = %v; want %v", c.description, c.f, c.before, c.limit, got, c.want)
		}
	}
	// The port itself: UsersBackward walks every record newest first and
	// stops when asked.
	err = db.View(func(tx domain.Tx) error {
		var got []domain.ID
		for u, err := range tx.UsersBackward(0) {
			if err != nil {
				return err
			}
			got = append(got, u.ID)
		}
		if !slices.Equal(got, coreRange(25, 1)) {
			t.Errorf("UsersBackward(0) = %v", got)
		}
		got = nil
		for u, err := range tx.UsersBackward(13) {
			if err != nil {
				return err
			}
			if got = append(got, u.ID); len(got) == 2 {
				break
			}
		}
		if !slices.Equal(got, []domain.ID{12, 11}) {
			t.Errorf("UsersBackward(13), two = %v", got)
		}
		var keys []string
		for k, id := range tx.Emails("user24@") {
			keys = append(keys, fmt.Sprintf("%s=%d", k, id))
		}
		if strings.Join(keys, " ") != "user24@acme.com=24 user25@globex.com=25" {
			t.Errorf("Emails(user24@) = %v", keys)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

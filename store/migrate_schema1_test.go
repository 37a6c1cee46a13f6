package store_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"helpdesk/domain"
	"helpdesk/store"
)

// testdata/schema1.db was written by the data-core commit (schema version 1:
// meta, users, users_by_email, orgs, orgs_by_name, org_domains, org_members,
// audit, audit_by_subject) with its own CLI: `demo --users 40`, three more
// organizations (one with two domains, one under another), four more users,
// disables, one disable undone, an edit; a few users were marked active
// through that commit's store, since its CLI had no way to verify a user.

// schema1User and schema1Org are what the version-1 records said, decoded
// straight from the file so the test does not depend on today's types.
type schema1User struct {
	ID                 domain.ID `json:"id"`
	Email              string    `json:"email"`
	Name               string    `json:"name"`
	OrgID              domain.ID `json:"org_id"`
	State              string    `json:"state"`
	StateBeforeDisable string    `json:"state_before_disable"`
	Role               string    `json:"role"`
	TimeZone           string    `json:"time_zone"`
	Language           string    `json:"language"`
	Phone              string    `json:"phone"`
}

type schema1Org struct {
	ID       domain.ID `json:"id"`
	Name     string    `json:"name"`
	Domains  []string  `json:"domains"`
	ParentID domain.ID `json:"parent_id"`
	Active   bool      `json:"active"`
	Notes    string    `json:"notes"`
}

type schema1Contents struct {
	schema  uint64
	buckets []string
	users   []schema1User
	orgs    []schema1Org
	audit   []domain.AuditEntry
}

// schema1Copy copies the fixture into the test's temp dir.
func schema1Copy(t *testing.T) string {
	t.Helper()
	src, err := os.Open(filepath.Join("testdata", "schema1.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "desk.db")
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// schema1Read reads a database file with bbolt alone.
func schema1Read(t *testing.T, path string) schema1Contents {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	var c schema1Contents
	err = bdb.View(func(tx *bolt.Tx) error {
		if err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			c.buckets = append(c.buckets, string(name))
			return nil
		}); err != nil {
			return err
		}
		if meta := tx.Bucket([]byte("meta")); meta != nil {
			if v := meta.Get([]byte("schema")); len(v) == 8 {
				for _, b := range v {
					c.schema = c.schema<<8 | uint64(b)
				}
			}
		}
		if err := tx.Bucket([]byte("users")).ForEach(func(_, v []byte) error {
			var u schema1User
			js, err := store.Unseal(v)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(js, &u); err != nil {
				return err
			}
			c.users = append(c.users, u)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("orgs")).ForEach(func(_, v []byte) error {
			var o schema1Org
			js, err := store.Unseal(v)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(js, &o); err != nil {
				return err
			}
			c.orgs = append(c.orgs, o)
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket([]byte("audit")).ForEach(func(_, v []byte) error {
			var e domain.AuditEntry
			js, err := store.Unseal(v)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(js, &e); err != nil {
				return err
			}
			c.audit = append(c.audit, e)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMigrateFromSchema1File(t *testing.T) {
	path := schema1Copy(t)

	// What the version-1 code wrote, read before anything opens the copy.
	before := schema1Read(t, path)
	if before.schema != 1 {
		t.Fatalf("fixture schema version = %d, want 1", before.schema)
	}
	wantV1Buckets := []string{"audit", "audit_by_subject", "meta", "org_domains", "org_members", "orgs", "orgs_by_name", "users", "users_by_email"}
	if !slices.Equal(before.buckets, wantV1Buckets) {
		t.Fatalf("fixture buckets = %v, want %v", before.buckets, wantV1Buckets)
	}
	// The fixture holds what the test means to carry over.
	states := map[string]int{}
	for _, u := range before.users {
		states[u.State]++
	}
	if len(before.users) != 44 || states["pending"] == 0 || states["active"] == 0 || states["disabled"] == 0 {
		t.Fatalf("fixture users: %d, by state %v; want 44 in every state", len(before.users), states)
	}
	withDomains, withParent := 0, 0
	for _, o := range before.orgs {
		if len(o.Domains) > 0 {
			withDomains++
		}
		if o.ParentID != 0 {
			withParent++
		}
	}
	if len(before.orgs) != 10 || withDomains != 10 || withParent != 2 {
		t.Fatalf("fixture orgs: %d (%d with domains, %d with a parent), want 10 (10, 2)", len(before.orgs), withDomains, withParent)
	}
	if len(before.audit) == 0 {
		t.Fatal("fixture has no audit entries")
	}

	// Open migrates.
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open a version-1 file: %v", err)
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	coreCheck(t, db)
	d := domain.NewDesk(db)

	// Every user as it was, read through today's desk.
	orgName := map[domain.ID]string{}
	for _, o := range before.orgs {
		orgName[o.ID] = o.Name
	}
	for _, want := range before.users {
		got, err := d.User(want.ID)
		if err != nil {
			t.Fatalf("user %d (%s): %v", want.ID, want.Email, err)
		}
		if got.Email != want.Email || got.Name != want.Name || got.OrgID != want.OrgID ||
			string(got.State) != want.State || string(got.StateBeforeDisable) != want.StateBeforeDisable ||
			string(got.Role) != want.Role || got.TimeZone != want.TimeZone || got.Language != want.Language || got.Phone != want.Phone {
			t.Errorf("user %d after migration = %+v, want %+v", want.ID, got, want)
		}
		byEmail, err := d.UserByEmail(want.Email)
		if err != nil || byEmail.ID != want.ID {
			t.Errorf("user by email %s = %d, %v; want %d", want.Email, byEmail.ID, err, want.ID)
		}
		if want.OrgID != 0 {
			if n := d.OrgName(got.OrgID); n != orgName[want.OrgID] {
				t.Errorf("user %s organization = %q, want %q", want.Email, n, orgName[want.OrgID])
			}
		}
	}
	var seen int
	for after := domain.ID(0); ; {
		page, next, err := d.Users(domain.UserFilter{}, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(page)
		if next == 0 {
			break
		}
		after = next
	}
	if seen != len(before.users) {
		t.Errorf("users listed after migration = %d, want %d", seen, len(before.users))
	}
	counts, err := d.UserCounts()
	if err != nil {
		t.Fatal(err)
	}
	for s, n := range states {
		if counts[domain.State(s)] != n {
			t.Errorf("count of %s users = %d, want %d", s, counts[domain.State(s)], n)
		}
	}

	// Every organization, with its domains, parent and member count.
	members := map[domain.ID]int{}
	for _, u := range before.users {
		if u.OrgID != 0 {
			members[u.OrgID]++
		}
	}
	sums, err := d.Orgs()
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != len(before.orgs) {
		t.Fatalf("organizations after migration = %d, want %d", len(sums), len(before.orgs))
	}
	for i, want := range before.orgs {
		got := sums[i]
		if got.ID != want.ID || got.Name != want.Name || !slices.Equal(got.Domains, want.Domains) ||
			got.ParentID != want.ParentID || got.Active != want.Active || got.Notes != want.Notes || got.Members != members[want.ID] {
			t.Errorf("organization %d after migration = %+v (%d members), want %+v (%d members)", want.ID, got.Organization, got.Members, want, members[want.ID])
		}
		for _, dom := range want.Domains {
			o, _, err := d.SuggestOrg("someone@" + dom)
			if err != nil || o.ID != want.ID {
				t.Errorf("organization for domain %s = %d, %v; want %d", dom, o.ID, err, want.ID)
			}
		}
	}

	// Every audit entry, through the desk, newest first.
	var audit []domain.AuditEntry
	for b := domain.ID(0); ; {
		page, err := d.Audit(domain.AuditFilter{}, b, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		audit = append(audit, page...)
		b = page[len(page)-1].ID
	}
	if len(audit) != len(before.audit) {
		t.Fatalf("audit entries after migration = %d, want %d", len(audit), len(before.audit))
	}
	for i, want := range before.audit {
		got := audit[len(audit)-1-i]
		if got.ID != want.ID || got.Action != want.Action || got.Subject != want.Subject || got.SubjectID != want.SubjectID || !got.At.Equal(want.At) || len(got.Changes) != len(want.Changes) {
			t.Errorf("audit entry %d after migration = %+v, want %+v", want.ID, got, want)
		}
	}
	// And by subject, through the index the version-1 code wrote.
	for _, u := range before.users[:5] {
		var n int
		for _, e := range before.audit {
			if e.SubjectKind == domain.SubjectUser && e.SubjectID == u.ID {
				n++
			}
		}
		got, err := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Errorf("audit entries of user %s = %d, want %d", u.Email, len(got), n)
		}
	}

	// The desk works on it: a new user (its domain finds its organization)
	// and a conversation.
	u, err := d.CreateUser(coreAgent, domain.UserInput{Email: "new.person@hooli.com", Name: "New Person", Mail: "none"})
	if err != nil {
		t.Fatalf("create a user on the migrated file: %v", err)
	}
	if u.ID <= before.users[len(before.users)-1].ID {
		t.Errorf("new user id %d reuses an old one", u.ID)
	}
	if d.OrgName(u.OrgID) != "Hooli" {
		t.Errorf("new user organization = %q, want Hooli", d.OrgName(u.OrgID))
	}
	conv, _, err := d.NewConversation(coreAgent, domain.ConvInput{Requester: u.Email, Subject: "After the upgrade", Body: "Hello"})
	if err != nil {
		t.Fatalf("start a conversation on the migrated file: %v", err)
	}
	if _, msgs, err := d.Conversation(conv.ID); err != nil || len(msgs) != 1 {
		t.Errorf("conversation %d: %d messages, %v", conv.ID, len(msgs), err)
	}
	old := before.users[len(before.users)-1]
	if _, _, err := d.NewConversation(coreAgent, domain.ConvInput{Requester: old.Email, Subject: "An old customer", Body: "Hi"}); err != nil {
		t.Errorf("conversation for %s, carried over: %v", old.Email, err)
	}
	coreCheck(t, db)
	closed = true
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The file now has the latest schema and every bucket.
	after := schema1Read(t, path)
	if after.schema != uint64(store.SchemaVersion()) {
		t.Errorf("schema version after open = %d, want %d", after.schema, store.SchemaVersion())
	}
	want := []string{
		"meta", "users", "users_by_email", "orgs", "orgs_by_name", "org_domains",
		"org_members", "audit", "audit_by_subject", "templates", "outbox",
		"outbox_queue", "tokens", "agents", "agent_keys",
		"conversations", "conv_messages", "conv_by_requester", "conv_by_status",
		"groups", "groups_by_name", "group_members", "user_groups",
	}
	for _, name := range want {
		if !slices.Contains(after.buckets, name) {
			t.Errorf("bucket %s missing after migration (have %v)", name, after.buckets)
		}
	}
	if len(after.users) != len(before.users)+1 || len(after.audit) <= len(before.audit) {
		t.Errorf("after the desk's writes: %d users, %d audit entries; want %d users and more than %d entries", len(after.users), len(after.audit), len(before.users)+1, len(before.audit))
	}

	// Opening again is a no-op and still checks clean.
	db2, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	coreCheck(t, db2)
	db2.Close()
}

// Package demo fills a desk with deterministic sample organizations and
// users, for demos, screenshots and benchmarks. The same count always gives
// the same emails, names and organizations.
package demo

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"helpdesk/domain"
)

// Orgs are the demo organizations; users at their domains join them by
// domain auto-assignment.
var Orgs = []domain.OrgInput{
	{Name: "Acme", Domains: []string{"acme.com"}, Notes: "Key account since 2019."},
	{Name: "Acme Europe", Domains: []string{"acme.co.uk", "acme.eu"}, Parent: "Acme"},
	{Name: "Globex", Domains: []string{"globex.com"}},
	{Name: "Initech", Domains: []string{"initech.io"}},
	{Name: "Umbrella Health", Domains: []string{"umbrella-health.org"}},
	{Name: "Stark Industries", Domains: []string{"stark.industries"}},
	{Name: "Wayne Enterprises", Domains: []string{"wayne.co"}, Inactive: true, Notes: "Contract under review."},
}

var firsts = []string{"ann", "bob", "carla", "dev", "elena", "farid", "grace", "hiro", "ines", "jon",
	"kofi", "lena", "mateo", "nora", "omar", "priya", "quinn", "rosa", "sam", "tariq", "uma", "victor",
	"wen", "ximena", "yusuf", "zoe"}
var lasts = []string{"lee", "smith", "garcia", "nguyen", "okafor", "muller", "rossi", "kim", "silva",
	"novak", "haddad", "ivanova", "tanaka", "dubois", "kowalski", "larsen", "mensah", "patel", "cohen", "reyes"}
var zones = []string{"Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Africa/Lagos", ""}
var langs = []string{"en", "fr", "de", "es", "ja", "pt-BR", ""}

// Domains users are spread over: the organizations' own, plus public mail
// providers and a few companies with no organization yet (backfill demos).
var userDomains = []string{"acme.com", "eu.acme.co.uk", "globex.com", "initech.io", "umbrella-health.org",
	"stark.industries", "wayne.co", "gmail.com", "outlook.com", "yahoo.com", "hooli.com", "vandelay.com"}

// WriteUsersCSV writes n deterministic users as an import file.
func WriteUsersCSV(w io.Writer, n int) error { return writeUsers(w, n, false) }

// writeUsers writes n deterministic users; with states, each has a state
// column too (drawn from a generator of its own, so the users are the same
// either way).
func writeUsers(w io.Writer, n int, states bool) error {
	cw := csv.NewWriter(w)
	head := []string{"email", "name", "time_zone", "language", "phone", "role"}
	if states {
		head = append(head, "state")
	}
	_ = cw.Write(head)
	r := rand.New(rand.NewPCG(1, 2))
	sr := rand.New(rand.NewPCG(3, 4))
	seen := map[string]bool{}
	for i := range n {
		first, last := firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))]
		dom := userDomains[r.IntN(len(userDomains))]
		// The first few hundred read like real people; after that a number
		// keeps a million addresses unique.
		local := first + "." + last
		if i >= 200 || seen[local+"@"+dom] {
			local = fmt.Sprintf("%s.%s%d", first, last, i)
		}
		if i < 200 {
			seen[local+"@"+dom] = true
		}
		role := "customer"
		if r.IntN(10) == 0 {
			role = "collaborator"
		}
		phone := ""
		if r.IntN(3) == 0 {
			phone = fmt.Sprintf("+1 555 %04d", r.IntN(10000))
		}
		name := title(first) + " " + title(last)
		rec := []string{local + "@" + dom, name, zones[r.IntN(len(zones))], langs[r.IntN(len(langs))], phone, role}
		if states {
			st := stateOf(sr)
			if rec[0] == "kofi.nguyen@acme.com" {
				// The example of the README and the smoke test: never
				// disabled, so disabling him shows what it does.
				st = domain.StateActive
			}
			rec = append(rec, string(st))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// Summary says what Load created.
type Summary struct {
	Orgs  int
	Users int
}

// Load creates the demo organizations (those missing) and n users through
// the desk's import, so the demo exercises the same rules as real data.
func Load(d *domain.Desk, actor domain.Actor, n int) (Summary, error) {
	var s Summary
	for _, o := range Orgs {
		if _, err := d.OrgByName(o.Name); err == nil {
			continue
		}
		if _, err := d.CreateOrg(actor, o); err != nil {
			return s, fmt.Errorf("demo organization %s: %w", o.Name, err)
		}
		s.Orgs++
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(WriteUsersCSV(pw, n)) }()
	rep, err := d.ImportUsers(context.Background(), actor, pr, domain.ImportOptions{Source: "demo data"})
	pr.Close()
	s.Users = rep.Imported
	return s, err
}

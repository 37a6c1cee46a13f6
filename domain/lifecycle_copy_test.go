package domain_test

import (
	"strings"
	"testing"

	"helpdesk/domain"
)

func TestCopyOrgCarriesWhatWasChosen(t *testing.T) {
	d, db, _ := lcDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Holding"})
	src := mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}, Parent: "Holding", Notes: "Pays late"})
	if _, err := d.SetAgreement(bob, src.ID, "Standard Rates", "Terms"); err != nil {
		t.Fatal(err)
	}
	mustUser(t, d, domain.UserInput{Email: "ann@acme.com"})

	full, err := d.CopyOrg(bob, src.ID, "Acme 2027", domain.CopyOptions{Parent: true, Agreement: true, Notes: true})
	if err != nil {
		t.Fatal(err)
	}
	if full.Active || full.ParentID != src.ParentID || full.Notes != "Pays late" || len(full.Domains) != 0 ||
		full.Agreement == nil || full.Agreement.Label() != "Standard Rates v1" || full.Agreement.Text != "Terms" {
		t.Errorf("full copy %+v", full)
	}
	sum, _ := d.OrgSummary(full.ID)
	if sum.Members != 0 {
		t.Errorf("the copy has %d members", sum.Members)
	}
	bare, err := d.CopyOrg(bob, src.ID, "Acme Bare", domain.CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if bare.Active || bare.ParentID != 0 || bare.Notes != "" || bare.Agreement != nil || len(bare.Domains) != 0 {
		t.Errorf("bare copy %+v", bare)
	}
	if _, err := d.CopyOrg(bob, src.ID, "ACME 2027", domain.CopyOptions{}); err == nil || err.Error() != `name: an organization named "Acme 2027" already exists` {
		t.Errorf("copy onto a taken name: %v", err)
	}
	// The source is unchanged: it keeps its domain and its user.
	if o, _ := d.Org(src.ID); o.Version != src.Version+1 || len(o.Domains) != 1 {
		t.Errorf("source after copies %+v", o)
	}
	es, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectOrg, SubjectID: full.ID}, 0, 0)
	if len(es) != 1 || es[0].Action != "org.create" ||
		es[0].Note != "copy of Acme with its parent, agreement Standard Rates v1, notes; inactive; no users or domains" {
		t.Errorf("audit %+v", es)
	}
	limited := domain.Actor{Name: "agent:x", AgentID: 4, Perms: domain.PermUsersWrite}
	if _, err := d.CopyOrg(limited, src.ID, "X", domain.CopyOptions{}); err == nil || !strings.Contains(err.Error(), "orgs.write") {
		t.Errorf("without orgs.write: %v", err)
	}
	lcCheck(t, db)
}

package domain_test

import (
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

func TestAgreementOfTheNearestOrganizationApplies(t *testing.T) {
	d, db, clock := lcDesk(t)
	holding := mustOrg(t, d, domain.OrgInput{Name: "Holding"})
	acme := mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}, Parent: "Holding"})
	mustOrg(t, d, domain.OrgInput{Name: "Beta", Domains: []string{"beta.com"}})
	au := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee"})
	bea := mustUser(t, d, domain.UserInput{Email: "bea@beta.com", Name: "Bea"})

	st, err := d.AgreementStatus(au.ID)
	if err != nil || st.Agreement != nil || st.String() != "" {
		t.Fatalf("no agreement anywhere: %+v %v", st, err)
	}
	if _, err := d.RecordAcceptance(bob, au.ID); err == nil || !strings.Contains(err.Error(), "no agreement applies to ann@acme.com") {
		t.Errorf("accepting nothing: %v", err)
	}
	if _, err := d.SetAgreement(bob, holding.ID, "  ", "text"); err == nil || err.Error() != "title: an agreement needs a title" {
		t.Errorf("empty title: %v", err)
	}
	for i := 0; i < 3; i++ {
		if _, err := d.SetAgreement(bob, holding.ID, "Standard Rates", "You pay what we say."); err != nil {
			t.Fatal(err)
		}
	}
	st, _ = d.AgreementStatus(au.ID)
	if st.Org.ID != holding.ID || st.Agreement.Version != 3 || st.Accepted || st.String() != "agreement pending: Standard Rates v3" {
		t.Errorf("inherited from the parent: %+v, %q", st, st.String())
	}
	if st, _ := d.AgreementStatus(bea.ID); st.Agreement != nil {
		t.Errorf("an unrelated organization's user has %+v", st.Agreement)
	}

	clock.Advance(24 * time.Hour)
	got, err := d.RecordAcceptance(bob, au.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Accepted || got.AcceptedVersion != 3 || got.RecordedBy != bob.Name || got.String() != "accepted on 2026-11-24 (v3)" {
		t.Errorf("after acceptance: %+v %q", got, got.String())
	}
	if _, err := d.RecordAcceptance(bob, au.ID); err == nil || !strings.Contains(err.Error(), "already accepted Standard Rates v3 on 2026-11-24") {
		t.Errorf("second acceptance: %v", err)
	}
	es, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: au.ID}, 0, 1)
	if len(es) != 1 || es[0].Action != "user.agreement.accept" || es[0].Actor != bob.Name ||
		es[0].Changes[0].After != "accepted Standard Rates v3 of Holding, recorded by bob@desk" {
		t.Errorf("acceptance audit: %+v", es)
	}

	// A new version makes it pending again.
	if _, err := d.SetAgreement(ann, holding.ID, "Standard Rates", "New prices."); err != nil {
		t.Fatal(err)
	}
	st, _ = d.AgreementStatus(au.ID)
	if st.Accepted || st.String() != "agreement pending: Standard Rates v4" || st.AcceptedVersion != 3 {
		t.Errorf("after a new version: %+v", st)
	}
	// A nearer organization's own agreement wins over the parent's.
	if _, err := d.SetAgreement(bob, acme.ID, "Acme Terms", "Acme's own."); err != nil {
		t.Fatal(err)
	}
	if st, _ := d.AgreementStatus(au.ID); st.Org.ID != acme.ID || st.String() != "agreement pending: Acme Terms v1" {
		t.Errorf("nearest agreement: %+v", st)
	}
	es, _ = d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectOrg, SubjectID: holding.ID}, 0, 1)
	if len(es) != 1 || es[0].Action != "org.agreement.set" || es[0].Note != "agreement Standard Rates v4 (was Standard Rates v3); pending again for its users" {
		t.Errorf("agreement audit: %+v", es)
	}
	lcCheck(t, db)
}

func TestMovePreviewNamesTheAgreementThatWouldApply(t *testing.T) {
	d, db, _ := lcDesk(t)
	rates := mustOrg(t, d, domain.OrgInput{Name: "Rates Group"})
	if _, err := d.SetAgreement(bob, rates.ID, "Standard Rates", "Terms"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		d.SetAgreement(bob, rates.ID, "Standard Rates", "Terms")
	}
	acme := mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	mustOrg(t, d, domain.OrgInput{Name: "Acme Labs", Domains: []string{"labs.acme.com"}, Parent: "Acme"})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee"})
	mustUser(t, d, domain.UserInput{Email: "cy@labs.acme.com", Name: "Cy"})
	mustUser(t, d, domain.UserInput{Email: "dee@rates.com", Name: "Dee", Org: "Rates Group"})

	pv, err := d.MoveUserPreview(u.ID, "rates group")
	if err != nil {
		t.Fatal(err)
	}
	if s := pv.Sentences(); len(s) != 1 || s[0] != "Ann Lee will need to accept Standard Rates v3" {
		t.Errorf("user move: %q", s)
	}
	if pv, _ := d.MoveUserPreview(u.ID, ""); pv.Agreement != nil || pv.Sentences() != nil {
		t.Errorf("moving out of every organization: %+v", pv)
	}
	pv, err = d.MoveOrgPreview(acme.ID, "Rates Group")
	if err != nil {
		t.Fatal(err)
	}
	if pv.Org.ID != rates.ID || pv.PendingCount != 2 || strings.Join(pv.Sentences(), "") != "2 users will need to accept Standard Rates v3" {
		t.Errorf("organization move: %+v %q", pv, pv.Sentences())
	}
	if _, err := d.MoveOrgPreview(rates.ID, "Rates Group"); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("moving under itself: %v", err)
	}
	// The preview changed nothing.
	if st, _ := d.AgreementStatus(u.ID); st.Agreement != nil {
		t.Errorf("a preview applied an agreement: %+v", st)
	}
	// After the real move the status says the same as the preview.
	name := "Rates Group"
	if _, err := d.UpdateOrg(bob, acme.ID, 0, domain.OrgPatch{Parent: &name}); err != nil {
		t.Fatal(err)
	}
	if st, _ := d.AgreementStatus(u.ID); st.String() != "agreement pending: Standard Rates v3" {
		t.Errorf("after the move: %q", st.String())
	}

	tree, err := d.OrgTree()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, n := range tree {
		lines = append(lines, strings.Repeat("  ", n.Depth)+n.Name)
	}
	if got := strings.Join(lines, "|"); got != "Rates Group|  Acme|    Acme Labs" {
		t.Errorf("tree %q", got)
	}
	lcCheck(t, db)
}

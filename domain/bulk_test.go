package domain_test

import (
	"errors"
	"testing"

	"helpdesk/domain"
)

func TestBulkSentence(t *testing.T) {
	refused := func(r *domain.BulkResult, n int, reason string) {
		for i := 0; i < n; i++ {
			r.Add(domain.ID(1000+i), errors.New(reason))
		}
	}
	cases := []struct {
		name string
		r    func() domain.BulkResult
		want string
	}{
		{"all done", func() domain.BulkResult {
			r := domain.BulkResult{Action: domain.BulkDisable, Total: 48}
			for i := 0; i < 48; i++ {
				r.Add(domain.ID(i+1), nil)
			}
			return r
		}, "48 users disabled."},
		{"refusals in the middle", func() domain.BulkResult {
			r := domain.BulkResult{Action: domain.BulkDisable, Total: 3}
			r.Add(1, nil)
			r.Add(2, errors.New("ann@x.com is already disabled"))
			r.Add(3, nil)
			return r
		}, "2 users disabled, 1 refused: ann@x.com is already disabled."},
		{"many refusals are counted", func() domain.BulkResult {
			r := domain.BulkResult{Action: domain.BulkGroup, Target: "Beta", Total: 1205}
			for i := 0; i < 1200; i++ {
				r.Add(domain.ID(i+1), nil)
			}
			refused(&r, 5, "x is not in that organization.")
			return r
		}, "1,200 users added to Beta, 5 refused: x is not in that organization; x is not in that organization; x is not in that organization; and 2 more."},
		{"stopped", func() domain.BulkResult {
			r := domain.BulkResult{Action: domain.BulkMove, Target: "Acme", Total: 10000, Stopped: true}
			for i := 0; i < 1200; i++ {
				r.Add(domain.ID(i+1), nil)
			}
			return r
		}, "Stopped after 1,200 of 10,000: 1,200 users moved to Acme; 8,800 not touched."},
		{"resend is queued, not sent", func() domain.BulkResult {
			r := domain.BulkResult{Action: domain.BulkResend, Total: 1}
			r.Add(1, nil)
			return r
		}, "1 new verification link queued."},
		{"unassign", func() domain.BulkResult {
			r := domain.BulkResult{Action: domain.BulkAssign, Total: 2}
			r.Add(1, nil)
			r.Add(2, nil)
			return r
		}, "2 conversations unassigned."},
		{"status", func() domain.BulkResult {
			r := domain.BulkResult{Action: domain.BulkStatus, Target: "resolved", Total: 1}
			r.Add(1, nil)
			return r
		}, "1 conversation set to resolved."},
	}
	for _, c := range cases {
		if got := c.r().Sentence(); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	if got := domain.BulkDisable.Question(48, ""); got != "Disable 48 users?" {
		t.Errorf("question: %q", got)
	}
	if got := domain.BulkDisable.Progress(1200, 10000); got != "Disabling… 1,200 of 10,000" {
		t.Errorf("progress: %q", got)
	}
}

// TestBulkRefusalFromTheUseCase runs the single-record use-case the console
// runs per row and keeps its reason, without the field name.
func TestBulkRefusalFromTheUseCase(t *testing.T) {
	desk := newDesk(t)
	u := mustUser(t, desk, domain.UserInput{Email: "ann@example.com"})
	if _, err := desk.DisableUser(ann, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	r := domain.BulkResult{Action: domain.BulkDisable, Total: 1}
	_, err := desk.DisableUser(ann, u.ID, 0)
	r.Add(u.ID, err)
	if want := "0 users disabled, 1 refused: ann@example.com is already disabled."; r.Sentence() != want {
		t.Fatalf("got %q, want %q", r.Sentence(), want)
	}
	if r.Refused[0].ID != u.ID {
		t.Fatalf("refusal names %d, want %d", r.Refused[0].ID, u.ID)
	}
}

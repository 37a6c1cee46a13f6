package tui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"helpdesk/domain"
)

// TestBulkThroughProgram runs a bulk disable in the real program: one user
// of the six marked is disabled by another agent meanwhile; the run goes
// past it and the summary names it.
func TestBulkThroughProgram(t *testing.T) {
	desk, us := usersDesk(t, 6)
	tm := teatest.NewTestModel(t, newTestModel(desk), teatest.WithInitialTermSize(120, 40))
	waitWords(t, tm, "All 6", "u06@example.com")
	sendKeys(tm, " ", " ", " ", " ", " ", " ")
	waitWords(t, tm, "6 marked")
	if _, err := desk.DisableUser(domain.Actor{Name: "agent:other"}, us[3].ID, 0); err != nil {
		t.Fatal(err)
	}
	sendKeys(tm, "b")
	waitWords(t, tm, "Bulk action on 6 marked users")
	sendKeys(tm, "enter")
	waitWords(t, tm, "Disable 6 users?")
	sendKeys(tm, "y")
	waitWords(t, tm, "5 users disabled, 1 refused: u04@example.com is already disabled. 1 marked.")
	for _, u := range us {
		if got, _ := desk.User(u.ID); got.State != domain.StateDisabled {
			t.Errorf("%s is %s", u.Email, got.State)
		}
	}
	sendKeys(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestBulkStopWithEsc: esc while a run is on stops it after the row in
// hand; the summary says how far it went, the rows not reached are left
// as they were and stay marked.
func TestBulkStopWithEsc(t *testing.T) {
	desk, us := usersDesk(t, 6)
	m := newTestModel(desk)
	reached := make(chan struct{})
	// Before the third row the run waits until esc has stopped it, so the
	// test knows where it stands without a clock.
	m.tabs[tabUsers].(*usersScreen).bulk.beforeRow = func(i int, stopped <-chan struct{}) {
		if i == 2 {
			close(reached)
			<-stopped
		}
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitWords(t, tm, "All 6", "u06@example.com")
	sendKeys(tm, " ", " ", " ", " ", " ", " ")
	waitWords(t, tm, "6 marked")
	sendKeys(tm, "b")
	waitWords(t, tm, "Bulk action on 6 marked users")
	sendKeys(tm, "enter")
	waitWords(t, tm, "Disable 6 users?")
	sendKeys(tm, "y")
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not reach its third row")
	}
	waitWords(t, tm, "Disabling… ", " of 6 · esc stops")
	sendKeys(tm, "esc")
	waitWords(t, tm, "Stopped after 2 of 6: 2 users disabled; 4 not touched. 4 marked.")
	for i, u := range us {
		want := domain.StatePending
		if i < 2 {
			want = domain.StateDisabled
		}
		if got, _ := desk.User(u.ID); got.State != want {
			t.Errorf("%s is %s, want %s", u.Email, got.State, want)
		}
	}
	sendKeys(tm, "q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if n := fm.tabs[tabUsers].(*usersScreen).marks.Len(); n != 4 {
		t.Fatalf("%d rows marked after the stop, want the 4 not reached", n)
	}
}

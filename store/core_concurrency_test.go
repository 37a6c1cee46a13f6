package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode"

	"helpdesk/domain"
)

// coreCaseVariant spells s with a letter-case pattern that depends on w, so
// the racing goroutines type the same address differently.
func coreCaseVariant(s string, w int) string {
	r := []rune(s)
	for i := range r {
		if (i*7+w*13)%5 < 2 || (w>>uint(i%5))&1 == 1 {
			r[i] = unicode.ToUpper(r[i])
		}
	}
	return string(r)
}

// Many agents race to create the same customers, each typing the addresses
// in their own letter case: every email ends up with exactly one user, every
// loser is told who won, and the index and the records agree.
func TestConcurrentCreateSameEmailOneWinnerEach(t *testing.T) {
	const workers, emails = 32, 100
	db := coreOpen(t, corePath(t))
	d := domain.NewDesk(db)

	type attempt struct {
		addr string
		user domain.User
		err  error
	}
	results := make([][]attempt, emails)
	for i := range results {
		results[i] = make([]attempt, workers)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			agent := domain.Actor{Name: fmt.Sprintf("agent%02d@desk", w)}
			<-start
			for j := range emails {
				i := j
				if w%2 == 1 { // half the agents go the other way round
					i = emails - 1 - j
				}
				addr := coreCaseVariant(fmt.Sprintf("customer.%03d@race.example.com", i), w)
				u, err := d.CreateUser(agent, domain.UserInput{Email: addr, Name: fmt.Sprintf("Typed by %d", w)})
				results[i][w] = attempt{addr: addr, user: u, err: err}
			}
		}()
	}
	close(start)
	wg.Wait()

	winners := map[domain.ID]bool{}
	for i, row := range results {
		var won []int
		for w, a := range row {
			if a.err == nil {
				won = append(won, w)
			}
		}
		if len(won) != 1 {
			t.Errorf("email %d: %d creations succeeded (workers %v); want exactly 1", i, len(won), won)
			continue
		}
		win := row[won[0]].user
		winners[win.ID] = true
		typed, _ := domain.ParseEmail(row[won[0]].addr)
		if win.Email != typed.Address {
			t.Errorf("email %d: winner stored as %q; it typed %q", i, win.Email, typed.Address)
		}
		for w, a := range row {
			if w == won[0] {
				continue
			}
			var dup *domain.DuplicateEmailError
			if !errors.As(a.err, &dup) {
				t.Errorf("email %d worker %d: got %v (%T); want *domain.DuplicateEmailError", i, w, a.err, a.err)
				continue
			}
			mine, _ := domain.ParseEmail(a.addr)
			if dup.Existing.ID != win.ID || dup.Existing.Email != win.Email || dup.Existing.Name != win.Name {
				t.Errorf("email %d worker %d: error names user %d %q %q; the winner is %d %q %q",
					i, w, dup.Existing.ID, dup.Existing.Email, dup.Existing.Name, win.ID, win.Email, win.Name)
			}
			if dup.Email != mine.Address {
				t.Errorf("email %d worker %d: error is about %q; the agent typed %q", i, w, dup.Email, mine.Address)
			}
			if msg := a.err.Error(); !strings.Contains(msg, win.Email) || !strings.Contains(msg, fmt.Sprintf("(user %d)", win.ID)) {
				t.Errorf("email %d worker %d: message %q does not name the winner %s (user %d)", i, w, msg, win.Email, win.ID)
			}
		}
	}

	users := coreAllUsers(t, d)
	if len(users) != emails || len(winners) != emails {
		t.Errorf("%d users stored, %d distinct winners; want %d", len(users), len(winners), emails)
	}
	for _, u := range users {
		if !winners[u.ID] {
			t.Errorf("user %d %s is stored but no agent was told it was created", u.ID, u.Email)
		}
		// Whatever case the agent types now, the one user is found.
		got, err := d.UserByEmail(strings.ToUpper(u.Email))
		if err != nil || got.ID != u.ID {
			t.Errorf("lookup of %s in upper case: %v, %v", u.Email, got.ID, err)
		}
	}
	if n := coreTotal(t, d); n != emails {
		t.Errorf("stored user counters add up to %d; want %d", n, emails)
	}
	creates, err := d.Audit(domain.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(creates) != emails {
		t.Errorf("%d audit entries; want one user.create per user (%d)", len(creates), emails)
	}
	coreCheck(t, db)
}

package domain_test

import (
	"slices"
	"testing"

	"helpdesk/domain"
)

func TestUsersPageOrders(t *testing.T) {
	d := newDesk(t)
	// Created in this order; email order is c, a, d, b (upper case
	// sorts as its key, lower case).
	for _, e := range []string{"cy@x.com", "Ann@x.com", "dee@x.com", "bob@x.com"} {
		mustUser(t, d, domain.UserInput{Email: e})
	}
	emails := func(us []domain.User) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.EmailKey())
		}
		return out
	}
	// page walks the whole list two at a time, forward from the start and
	// backward from the end.
	walk := func(o domain.UserOrder) (fwd, back []string) {
		var cur domain.UserCursor
		for {
			us, more, err := d.UsersPage(domain.UserFilter{}, o, cur, true, 2)
			if err != nil {
				t.Fatal(err)
			}
			fwd = append(fwd, emails(us)...)
			if !more {
				break
			}
			cur = domain.CursorAt(us[len(us)-1], false)
		}
		cur = domain.UserCursor{}
		for {
			us, more, err := d.UsersPage(domain.UserFilter{}, o, cur, false, 2)
			if err != nil {
				t.Fatal(err)
			}
			back = append(emails(us), back...)
			if !more {
				break
			}
			cur = domain.CursorAt(us[0], false)
		}
		return fwd, back
	}
	for _, c := range []struct {
		o    domain.UserOrder
		want []string
	}{
		{domain.UserOrder{}, []string{"cy@x.com", "ann@x.com", "dee@x.com", "bob@x.com"}},
		{domain.UserOrder{Desc: true}, []string{"bob@x.com", "dee@x.com", "ann@x.com", "cy@x.com"}},
		{domain.UserOrder{ByEmail: true}, []string{"ann@x.com", "bob@x.com", "cy@x.com", "dee@x.com"}},
		{domain.UserOrder{ByEmail: true, Desc: true}, []string{"dee@x.com", "cy@x.com", "bob@x.com", "ann@x.com"}},
	} {
		fwd, back := walk(c.o)
		if !slices.Equal(fwd, c.want) || !slices.Equal(back, c.want) {
			t.Errorf("%+v: forward %v, backward %v, want %v", c.o, fwd, back, c.want)
		}
		// From a user, included: the rest of the list from it.
		mid, err := d.UserByEmail(c.want[1])
		if err != nil {
			t.Fatal(err)
		}
		us, _, err := d.UsersPage(domain.UserFilter{}, c.o, domain.CursorAt(mid, true), true, 10)
		if err != nil || !slices.Equal(emails(us), c.want[1:]) {
			t.Errorf("%+v from %s included: %v, %v", c.o, c.want[1], emails(us), err)
		}
		us, _, err = d.UsersPage(domain.UserFilter{}, c.o, domain.CursorAt(mid, true), false, 10)
		if err != nil || !slices.Equal(emails(us), c.want[:2]) {
			t.Errorf("%+v up to %s included: %v, %v", c.o, c.want[1], emails(us), err)
		}
	}
	// The state filter holds in every order.
	bob, _ := d.UserByEmail("bob@x.com")
	if _, err := d.DisableUser(ann, bob.ID, 0); err != nil {
		t.Fatal(err)
	}
	us, more, err := d.UsersPage(domain.UserFilter{State: domain.StateDisabled}, domain.UserOrder{ByEmail: true}, domain.UserCursor{}, true, 10)
	if err != nil || more || !slices.Equal(emails(us), []string{"bob@x.com"}) {
		t.Errorf("disabled by email: %v %v %v", emails(us), more, err)
	}
}

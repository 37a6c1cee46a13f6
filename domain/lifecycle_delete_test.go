package domain_test

import (
	"errors"
	"strings"
	"testing"

	"helpdesk/domain"
)

func TestDeleteUserRemovesEverythingOfIt(t *testing.T) {
	d, db, _ := lcDesk(t)
	mustOrg(t, d, domain.OrgInput{Name: "Acme", Domains: []string{"acme.com"}})
	u := mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee"})
	keep := mustUser(t, d, domain.UserInput{Email: "bob@acme.com", Name: "Bob"})
	tok := tokenFrom(t, d, lcMails(t, d, u.Email)[0])
	c1 := newConv(t, d, u.Email, "Printer")
	if _, err := d.Reply(ann, c1.ID, "Second message", false); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reply(ann, c1.ID, "A note", true); err != nil {
		t.Fatal(err)
	}
	newConv(t, d, u.Email, "Invoice")
	kept := newConv(t, d, keep.Email, "Bob's question")

	pv, err := d.DeletePreview(u.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 1 verification + 2 conversation roots + 1 reply are queued for Ann.
	if pv.Conversations != 2 || pv.Messages != 4 || pv.QueuedMails != 4 || pv.User.Email != u.Email {
		t.Fatalf("preview %+v", pv)
	}
	if got := pv.Summary(); got != "2 conversations, 4 messages, 4 queued mails" {
		t.Errorf("summary %q", got)
	}

	// Refused without the matching email; nothing changes.
	if _, err := d.DeleteUser(ann, u.ID, ""); err == nil ||
		err.Error() != "confirm: deleting ann@acme.com is permanent: it removes the user, 2 conversations, 4 messages, 4 queued mails; confirm with the user's email" {
		t.Errorf("no confirmation: %v", err)
	}
	if _, err := d.DeleteUser(ann, u.ID, "bob@acme.com"); err == nil || !strings.Contains(err.Error(), "nothing was deleted") {
		t.Errorf("wrong confirmation: %v", err)
	}
	if _, err := d.User(u.ID); err != nil {
		t.Fatalf("a refused delete removed the user: %v", err)
	}

	// An agent with the default role cannot delete; the refusal names it.
	agent := domain.Actor{Name: "agent:al", AgentID: 3, Perms: domain.RoleAgent.DefaultPerms()}
	if _, err := d.DeleteUser(agent, u.ID, u.Email); err == nil || !strings.Contains(err.Error(), "users.delete") {
		t.Errorf("plain agent deleting: %v", err)
	}

	done, err := d.DeleteUser(bob, u.ID, "  ANN@Acme.com ")
	if err != nil {
		t.Fatal(err)
	}
	if done.Conversations != 2 || done.Messages != 4 || done.QueuedMails != 4 || done.Tokens != 1 {
		t.Errorf("deleted %+v", done)
	}
	if _, err := d.User(u.ID); !domain.IsNotFound(err) {
		t.Errorf("user after delete: %v", err)
	}
	if _, err := d.UserByEmail(u.Email); !domain.IsNotFound(err) {
		t.Errorf("lookup by email after delete: %v", err)
	}
	if n, _ := d.ConversationCount(u.ID); n != 0 {
		t.Errorf("%d conversations left", n)
	}
	if _, _, err := d.Conversation(c1.ID); !domain.IsNotFound(err) {
		t.Errorf("conversation after delete: %v", err)
	}
	if _, msgs, err := d.Conversation(kept.ID); err != nil || len(msgs) != 1 {
		t.Errorf("another user's conversation: %d messages, %v", len(msgs), err)
	}
	counts, _ := d.UserCounts()
	if counts[domain.StatePending] != 1 {
		t.Errorf("state counts after delete: %v", counts)
	}
	if ms, _, _ := d.Users(domain.UserFilter{OrgID: u.OrgID}, 0, 0); len(ms) != 1 || ms[0].ID != keep.ID {
		t.Errorf("organization members after delete: %v", emails(ms))
	}
	for _, m := range lcMails(t, d, u.Email) {
		if m.State != domain.MailCancelled || m.LastError != "recipient was deleted" || m.Link != "" {
			t.Errorf("mail %d to the deleted user: %s %q", m.ID, m.State, m.LastError)
		}
	}
	// The link of a deleted user no longer works.
	if _, err := d.RedeemToken(tok, "a long password"); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("deleted user's link: %v", err)
	}
	// The email is free again, and the suggest index forgot it.
	if sg, err := d.Suggest("ann@acme.com", 5); err != nil {
		t.Fatal(err)
	} else if ex, ok := sg.Exact(); ok {
		t.Errorf("suggest still knows the deleted email: %+v", ex)
	}
	mustUser(t, d, domain.UserInput{Email: "ann@acme.com", Mail: "none"})

	es, _ := d.Audit(domain.AuditFilter{SubjectKind: domain.SubjectUser, SubjectID: u.ID}, 0, 1)
	if len(es) != 1 || es[0].Action != "user.delete" || es[0].Actor != bob.Name || es[0].Subject != "ann@acme.com" ||
		es[0].Note != "deleted ann@acme.com for good: removed 2 conversations with 4 messages and 1 link token; cancelled 4 queued mails" {
		t.Errorf("audit entry %+v", es)
	}
	lcCheck(t, db)
}

func TestDeleteUserThatDoesNotExist(t *testing.T) {
	d, _, _ := lcDesk(t)
	if _, err := d.DeleteUser(ann, 42, "x@y.com"); !domain.IsNotFound(err) || err.Error() != "no user with id 42" {
		t.Errorf("missing user: %v", err)
	}
	if _, err := d.DeletePreview(42); !domain.IsNotFound(err) {
		t.Errorf("preview of a missing user: %v", err)
	}
}

func TestUsersDeletePermission(t *testing.T) {
	if domain.PermAll&domain.PermUsersDelete == 0 {
		t.Error("admins (PermAll) lack users.delete")
	}
	if domain.RoleAgent.DefaultPerms()&domain.PermUsersDelete != 0 {
		t.Error("the agent role has users.delete by default")
	}
	p, err := domain.ParsePerms("users.delete")
	if err != nil || p != domain.PermUsersDelete || p.String() != "users.delete" {
		t.Errorf("ParsePerms: %s %v", p, err)
	}
}

// lcMails returns every outbox message to one address, of any event.
func lcMails(t *testing.T, d *domain.Desk, to string) []domain.OutboxMessage {
	t.Helper()
	var out []domain.OutboxMessage
	for _, m := range outbox(t, d) {
		if m.To == to {
			out = append([]domain.OutboxMessage{m}, out...)
		}
	}
	return out
}

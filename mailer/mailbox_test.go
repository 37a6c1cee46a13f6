package mailer_test

import (
	"context"
	"fmt"
	"testing"

	"helpdesk/domain"
	"helpdesk/mailer"
)

func TestMailboxKeepsTheNewestMessages(t *testing.T) {
	box := mailer.NewMailbox(2)
	for i := 1; i <= 3; i++ {
		if err := box.Send(context.Background(), domain.OutboxMessage{ID: domain.ID(i), Subject: fmt.Sprint("mail ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	got := box.Messages()
	if len(got) != 2 || got[0].ID != 3 || got[1].ID != 2 {
		t.Errorf("kept %+v, want messages 3 and 2, newest first", got)
	}
}

func TestWorkerDeliversToTheMailbox(t *testing.T) {
	d, c := newDesk(t)
	mustUser(t, d, "ann.lee@acme.example", "Ann Lee")
	box := mailer.NewMailbox(10)
	w := &mailer.Worker{Outbox: d, Transport: box, Now: c.Now}
	if n, err := w.DeliverDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("DeliverDue: %d, %v", n, err)
	}
	got := box.Messages()
	if len(got) != 1 || !linkPattern.MatchString(got[0].Text) {
		t.Errorf("the mailbox holds %+v, want the verification mail with its link", got)
	}
	if m := only(t, d); m.State != domain.MailSent {
		t.Errorf("message %s after delivery to the mailbox", m.State)
	}
}

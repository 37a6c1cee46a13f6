package web

import (
	"net/http"
	"regexp"

	"helpdesk/domain"
)

// Mailbox is the demo's mail catcher: mail the desk "sent" without
// sending it anywhere (mailer.Mailbox). Given one, the portal shows it at
// /demo/mail, so a demo on one machine can follow a mailed link.
type Mailbox interface {
	Messages() []domain.OutboxMessage
}

// demoMail is one message on the demo mailbox page, with its portal link
// (if any) made clickable.
type demoMail struct {
	To, Subject, Text, Link, SentAt string
}

var portalLink = regexp.MustCompile(`https?://\S+/set-password\?token=[A-Za-z0-9_-]+`)

// demoMailbox lists the demo's mail, newest first.
func (s *server) demoMailbox(w http.ResponseWriter, r *http.Request) {
	var mails []demoMail
	for _, m := range s.mailbox.Messages() {
		mails = append(mails, demoMail{To: m.To, Subject: m.Subject, Text: m.Text,
			Link: portalLink.FindString(m.Text), SentAt: m.SentAt.Format("15:04:05")})
	}
	s.render(w, r, http.StatusOK, "demomail", view{Title: s.tr(r, "Demo mailbox"), Data: mails})
}

package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"helpdesk/domain"
)

// A mailed message's quoted text is on the page collapsed, and its
// attachments are listed by name, type and size; a note the desk would
// never send a customer is dropped all the same.
func TestThreadPageQuotedAndAttachments(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	ann := domain.User{ID: 7, Email: "ann@example.com", Name: "Ann Lee"}
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	th := domain.PortalThread{
		Conv: domain.Conversation{ID: 3, Subject: "Broken badge", RequesterID: 7, Status: domain.ConvOpen},
		Messages: []domain.ConvMessage{
			{Kind: domain.KindReply, Author: "agent:tess@desk.example", Body: "Send a photo.", CreatedAt: at},
			{Kind: domain.KindNote, Author: "agent:tess@desk.example", Body: "NOTE-NEVER-SHOWN", CreatedAt: at},
			{Kind: domain.KindReply, Author: "customer:ann@example.com", FromCustomer: true, Via: "email", CreatedAt: at,
				Body: "Here it is.", Quoted: "On Monday the desk wrote:\n> Send a photo.",
				Attachments: []domain.Attachment{{Name: "badge.jpg", Type: "image/jpeg", Size: 2_500_000}, {Name: "notes.txt", Type: "text/plain", Size: 300}}},
		},
		CanReply: true,
	}
	var buf bytes.Buffer
	v := view{DeskName: "Acme Support", Data: threadView(th, ann, ann, "Acme Support")}
	if err := pages["conversation"].ExecuteTemplate(&buf, "layout", v); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"<strong>Acme Support</strong>", "Send a photo.", "<strong>You</strong>", "Here it is.",
		"<details><summary>Earlier text quoted in this mail</summary>", "On Monday the desk wrote:\n&gt; Send a photo.",
		"badge.jpg <span class=\"meta\">(image/jpeg, 2.4 MB)</span>", "notes.txt <span class=\"meta\">(text/plain, 300 B)</span>",
		`action="/c/3/reply"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "NOTE-NEVER-SHOWN") || strings.Contains(page, "Internal note") {
		t.Errorf("a customer's page shows a note:\n%s", page)
	}
	if t.Failed() {
		t.Log(page)
	}
}

package tui

import (
	"context"
	"testing"

	"helpdesk/domain"
)

// A customer's mailed reply shows in the Conversation screen with its
// flag, its quote collapsed to one line and its attachments listed,
// numbered as conv attachment takes them.
func TestConvInboundMailShowsAttachmentsQuoteAndFlag(t *testing.T) {
	f := newConvFixture(t)
	if _, err := f.desk.SetSetting(domain.Actor{Name: "owner"}, domain.SettingInboundAddress, "support@desk.example"); err != nil {
		t.Fatal(err)
	}
	// An auto-reply as the mailer reads it (mailer.ParseMail).
	m := domain.InboundMail{
		From: "kofi.nguyen@acme.com", AddressedTo: []string{"support@desk.example"}, Subject: "Re: Printer on fire",
		InReplyTo: []string{f.printer.ThreadID}, AutoReply: true,
		Text:        "I am out of the office.\r\n\r\n> Please step away from the printer.\r\n> Thanks\r\n",
		Attachments: []domain.InboundAttachment{{Name: "smoke.jpg", Type: "image/jpeg", Data: []byte("JPEGBYTES")}},
	}
	if _, err := f.desk.ReceiveMail(context.Background(), nil, m); err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, f.model(), 120, 40)
	d.keys("i", "enter")
	activeAs[*convScreen](t, d)
	d.mustShow("via email", "auto-reply", "I am out of the office.", "… 2 quoted line(s) hidden", "attachment 1: smoke.jpg (image/jpeg, 9 bytes)")
	d.mustNotShow("> Thanks")
}

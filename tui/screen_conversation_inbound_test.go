package tui

import (
	"context"
	"strings"
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
	msg := "From: kofi.nguyen@acme.com\r\nTo: support@desk.example\r\nSubject: Re: Printer on fire\r\nIn-Reply-To: " + f.printer.ThreadID + "\r\n" +
		"Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nI am out of the office.\r\n\r\n> Please step away from the printer.\r\n> Thanks\r\n" +
		"--B\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=smoke.jpg\r\n\r\nJPEGBYTES\r\n--B--\r\n"
	if _, err := f.desk.ReceiveMail(context.Background(), nil, strings.NewReader(msg)); err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, f.model(), 120, 40)
	d.keys("i", "enter")
	activeAs[*convScreen](t, d)
	d.mustShow("via email", "auto-reply", "I am out of the office.", "… 2 quoted line(s) hidden", "attachment 1: smoke.jpg (image/jpeg, 9 bytes)")
	d.mustNotShow("> Thanks")
}

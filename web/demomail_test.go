package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"helpdesk/domain"
	"helpdesk/web"
)

type fakeMailbox []domain.OutboxMessage

func (b fakeMailbox) Messages() []domain.OutboxMessage { return b }

func TestDemoMailboxShowsTheDemosMailWithItsLink(t *testing.T) {
	e := newEnv(t)
	link := "http://127.0.0.1:8080/set-password?token=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	box := fakeMailbox{{To: "ann@acme.example", Subject: "Confirm your email for Helpdesk <b>",
		Text: "Hello Ann,\n\n" + link + "\n"}}
	h, err := web.New(web.Options{Desk: e.desk, Mailbox: box})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/demo/mail", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `<a href="`+link+`">`) || !strings.Contains(body, "To ann@acme.example") ||
		!strings.Contains(body, "Helpdesk &lt;b&gt;") || !strings.Contains(body, "nothing leaves this computer") {
		t.Errorf("demo mailbox: %d\n%s", rec.Code, body)
	}
	// Without a mailbox (any real desk) there is no such page.
	rec = httptest.NewRecorder()
	e.srv.Config.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/demo/mail", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("a desk without a demo mailbox answers /demo/mail with %d", rec.Code)
	}
}

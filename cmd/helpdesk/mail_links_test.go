package main

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"helpdesk/domain"
	"helpdesk/mailer/mailertest"
	"helpdesk/store"
)

// tokenLike is anything in an output that could be a link's token: a
// token= parameter's value or a long run of token characters.
var tokenLike = regexp.MustCompile(`token=([^\s&"<>\\]+)|([A-Za-z0-9_-]{20,})`)

// checkLinks tries every token-like string of out against the database:
// none may work.
func checkLinks(t *testing.T, c *cli, step, out string) {
	t.Helper()
	db, err := store.Open(c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := domain.NewDesk(db)
	for _, m := range tokenLike.FindAllStringSubmatch(out, -1) {
		cand := m[1] + m[2]
		if _, err := d.CheckLink(cand); err == nil {
			t.Errorf("%s: the output holds a usable token %q:\n%s", step, cand, out)
		}
	}
}

// mail show, mail show --json and mail list --json, as the desk's owner
// (every permission), never print a usable link: queued, failed, retried
// and sent. The link the server received works, once.
func TestMailShowNeverPrintsAUsableLink(t *testing.T) {
	c := newCLI(t)
	c.ok("--base-url", "https://care.acme.com/pw?token=", "user", "add", "--email", "ann@acme.com", "--name", "Ann Lee")
	outputs := func(step string) {
		t.Helper()
		for _, args := range [][]string{{"mail", "show", "1"}, {"mail", "show", "1", "--json"}, {"mail", "list", "--json"}, {"mail", "list"}} {
			checkLinks(t, c, step+": "+strings.Join(args, " "), c.ok(args...))
		}
	}
	outputs("queued")

	refuse := true
	p := mailertest.Start(t, mailertest.Options{Rcpt: func(int, string) error {
		if refuse {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
		}
		return nil
	}})
	worker := append(plainSMTP(p), "--base-url", "https://care.acme.com/pw?token=", "mail", "worker", "--once")
	c.ok(worker...)
	outputs("failed")
	c.ok("mail", "retry", "1")
	outputs("retried")
	refuse = false
	c.ok(worker...)
	outputs("sent")

	got := p.Next(t)
	_, tok, ok := strings.Cut(got.Text, "https://care.acme.com/pw?token=")
	if !ok {
		t.Fatalf("the delivered mail carries no link: %q", got.Text)
	}
	tok = strings.Fields(tok)[0]
	db, err := store.Open(c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := domain.NewDesk(db)
	if _, err := d.RedeemToken(tok, "plum orchard lantern 42"); err != nil {
		t.Fatalf("the delivered link does not work: %v", err)
	}
	if _, err := d.RedeemToken(tok, "plum orchard lantern 43"); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("the delivered link worked twice: %v", err)
	}
}

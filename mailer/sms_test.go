package mailer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer"
)

const (
	gwAccount = "AC0123456789abcdef0123456789abcdef"
	gwToken   = "s3cret-token"
	gwFrom    = "+15017122661"
	gwPhone   = "+33612345678"
)

// gwAnswer is one scripted answer of the gateway.
type gwAnswer struct {
	status int
	header map[string]string
	body   any
}

// gateway is an in-process SMS gateway with Twilio's contract: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth with the
// account SID and its token, form fields To, From and Body. A request that
// breaks the contract gets Twilio's own 4xx (and fails the test); a good
// one gets the next scripted answer, then 201 with the created message.
type gateway struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	script  []gwAnswer
	taken   []url.Values // requests answered 201
	answers int          // requests answered at all
}

func startGateway(t *testing.T, script ...gwAnswer) *gateway {
	g := &gateway{t: t, script: script}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func twilioError(status, code int, msg string) gwAnswer {
	return gwAnswer{status: status, body: map[string]any{"code": code, "message": msg,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status}}
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.answers++
	answer := func(a gwAnswer) {
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_ = json.NewEncoder(w).Encode(a.body)
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != gwAccount || pass != gwToken {
		// Twilio's answer to bad credentials; some tests ask for it.
		answer(twilioError(401, 20003, "Authenticate"))
		return
	}
	if want := "/2010-04-01/Accounts/" + gwAccount + "/Messages.json"; r.Method != http.MethodPost || r.URL.Path != want {
		g.t.Errorf("gateway: %s %s, want POST %s", r.Method, r.URL.Path, want)
		answer(twilioError(404, 20404, "The requested resource was not found"))
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		g.t.Errorf("gateway: Content-Type %q", ct)
	}
	if err := r.ParseForm(); err != nil {
		g.t.Errorf("gateway: form: %v", err)
	}
	f := r.PostForm
	for _, k := range []string{"To", "From", "Body"} {
		if len(f[k]) != 1 || f.Get(k) == "" {
			g.t.Errorf("gateway: form field %s = %q", k, f[k])
			answer(twilioError(400, 21604, "A '"+k+"' parameter is required."))
			return
		}
	}
	if len(g.script) > 0 {
		a := g.script[0]
		g.script = g.script[1:]
		answer(a)
		return
	}
	g.taken = append(g.taken, f)
	answer(gwAnswer{status: 201, body: map[string]any{"sid": fmt.Sprintf("SM%032d", len(g.taken)), "status": "queued",
		"to": f.Get("To"), "from": f.Get("From"), "body": f.Get("Body")}})
}

func (g *gateway) counts() (answered int, taken []url.Values) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.answers, append([]url.Values(nil), g.taken...)
}

// smsSetup is a desk whose SMS settings point at the gateway, with a
// customer who chose SMS for verify and reset, and that customer's
// verification queued.
func smsSetup(t *testing.T, g *gateway, settings bool) (*domain.Desk, *clock, domain.OutboxMessage) {
	t.Helper()
	d, c := newDesk(t)
	if settings {
		for _, kv := range [][2]string{{"sms-url", g.srv.URL}, {"sms-account", gwAccount}, {"sms-from", gwFrom}} {
			if _, err := d.SetSetting(agent, kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	u, err := d.CreateUser(agent, domain.UserInput{Email: "ann@acme.com", Name: "Ann Lee", Phone: "+33 6 12 34 56 78", Mail: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SetPreferences(agent, u.ID, domain.Preferences{Notify: map[domain.MailEvent]domain.Channel{
		domain.EventVerify: domain.ChannelSMS, domain.EventReset: domain.ChannelSMS}}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ResendVerification(agent, u.ID); err != nil {
		t.Fatal(err)
	}
	m := only(t, d)
	if m.Via() != domain.ChannelSMS || m.To != gwPhone {
		t.Fatalf("queued: %+v", m)
	}
	return d, c, m
}

func smsWorker(t *testing.T, d *domain.Desk, c *clock, token string) *mailer.Worker {
	t.Helper()
	s, err := mailer.NewSMS(token, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &mailer.Worker{Outbox: d, Transport: mailer.Route{SMS: s}, Now: c.Now}
}

func deliver(t *testing.T, w *mailer.Worker, want int) {
	t.Helper()
	if n, err := w.DeliverDue(context.Background()); err != nil || n != want {
		t.Fatalf("DeliverDue = %d, %v; want %d attempts", n, err, want)
	}
}

func TestSMSIsSentThroughTheGatewayWithAWorkingLink(t *testing.T) {
	g := startGateway(t)
	d, c, m := smsSetup(t, g, true)
	deliver(t, smsWorker(t, d, c, gwToken), 1)
	_, taken := g.counts()
	if len(taken) != 1 {
		t.Fatalf("gateway took %d", len(taken))
	}
	f := taken[0]
	body := f.Get("Body")
	if f.Get("To") != gwPhone || f.Get("From") != gwFrom || !strings.HasPrefix(body, "Hello Ann,\n") {
		t.Errorf("form: %v", f)
	}
	if n, _ := domain.SMSSegments(body); n > domain.SMSMaxSegments {
		t.Errorf("%d segments: %q", n, body)
	}
	i := strings.Index(body, "https://desk.example.com/set-password?token=")
	if i < 0 {
		t.Fatalf("no link in %q", body)
	}
	token := strings.Fields(body[i+len("https://desk.example.com/set-password?token="):])[0]
	if got := message(t, d, m.ID); got.State != domain.MailSent || got.Attempts != 1 || strings.Contains(got.Text, token) {
		t.Errorf("recorded: %+v", got)
	}
	if u, err := d.RedeemToken(token, "correct horse battery"); err != nil || u.State != domain.StateActive {
		t.Errorf("the SMS's link: %+v %v", u, err)
	}
}

func TestSMSGatewayRefusalsFailForGood(t *testing.T) {
	for _, c := range []struct {
		name   string
		script []gwAnswer
		token  string
		want   string
	}{
		{"400", []gwAnswer{twilioError(400, 21211, "The 'To' number +33612345678 is not a valid phone number.")}, gwToken,
			"the SMS gateway refused the message (HTTP 400), code 21211: The 'To' number +33612345678 is not a valid phone number."},
		{"401", nil, "wrong-token",
			"the SMS gateway refused the credentials (HTTP 401), code 20003: Authenticate; check sms-account and the token (HELPDESK_SMS_TOKEN or HELPDESK_SMS_TOKEN_FILE)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := startGateway(t, c.script...)
			d, clk, m := smsSetup(t, g, true)
			w := smsWorker(t, d, clk, c.token)
			var results []mailer.Result
			w.OnResult = func(r mailer.Result) { results = append(results, r) }
			deliver(t, w, 1)
			got := message(t, d, m.ID)
			if got.State != domain.MailFailed || got.Attempts != 1 || got.LastError != c.want {
				t.Errorf("recorded: %s, %d attempts, %q", got.State, got.Attempts, got.LastError)
			}
			if len(results) != 1 || !results[0].RetryAt.IsZero() || !mailer.IsPermanent(results[0].Err) {
				t.Errorf("results: %+v", results)
			}
			// Not retried: nothing is due, however long we wait.
			clk.Advance(48 * time.Hour)
			deliver(t, w, 0)
			if n, taken := g.counts(); n != 1 || len(taken) != 0 {
				t.Errorf("gateway answered %d, took %d", n, len(taken))
			}
		})
	}
}

func TestSMSRetryAfterIsHonoured(t *testing.T) {
	g := startGateway(t, gwAnswer{status: 429, header: map[string]string{"Retry-After": "300"},
		body: map[string]any{"code": 20429, "message": "Too Many Requests", "status": 429}})
	d, c, m := smsSetup(t, g, true)
	w := smsWorker(t, d, c, gwToken)
	t0 := c.Now()
	deliver(t, w, 1)
	got := message(t, d, m.ID)
	// Retry-After (5 minutes), not the backoff's first 30 seconds.
	if got.State != domain.MailQueued || got.Attempts != 1 || !got.NextTry.Equal(t0.Add(300*time.Second)) ||
		!strings.Contains(got.LastError, "HTTP 429") {
		t.Fatalf("after 429: %s next %s (%s), %q", got.State, got.NextTry, got.NextTry.Sub(t0), got.LastError)
	}
	c.Advance(299 * time.Second)
	deliver(t, w, 0)
	c.Advance(time.Second)
	deliver(t, w, 1)
	if got := message(t, d, m.ID); got.State != domain.MailSent || got.Attempts != 2 {
		t.Errorf("after Retry-After: %s, %d attempts", got.State, got.Attempts)
	}
	if n, taken := g.counts(); n != 2 || len(taken) != 1 {
		t.Errorf("gateway answered %d, took %d", n, len(taken))
	}
}

func TestSMSServerErrorsAreRetriedWithBackoff(t *testing.T) {
	g := startGateway(t,
		twilioError(500, 20500, "Internal Server Error"),
		gwAnswer{status: 503, body: "Service Unavailable"})
	d, c, m := smsSetup(t, g, true)
	w := smsWorker(t, d, c, gwToken)
	t0 := c.Now()
	deliver(t, w, 1)
	got := message(t, d, m.ID)
	if got.State != domain.MailQueued || !got.NextTry.Equal(t0.Add(30*time.Second)) || !strings.Contains(got.LastError, "the SMS gateway failed (HTTP 500), code 20500") {
		t.Fatalf("after 500: %s next %s, %q", got.State, got.NextTry, got.LastError)
	}
	c.Advance(30 * time.Second)
	deliver(t, w, 1)
	got = message(t, d, m.ID)
	if got.State != domain.MailQueued || !got.NextTry.Equal(t0.Add(30*time.Second+time.Minute)) || !strings.Contains(got.LastError, "HTTP 503") {
		t.Fatalf("after 503: %s next %s, %q", got.State, got.NextTry, got.LastError)
	}
	c.Advance(59 * time.Second)
	deliver(t, w, 0)
	c.Advance(time.Second)
	deliver(t, w, 1)
	if got := message(t, d, m.ID); got.State != domain.MailSent || got.Attempts != 3 {
		t.Errorf("finally: %s, %d attempts", got.State, got.Attempts)
	}
	if n, taken := g.counts(); n != 3 || len(taken) != 1 {
		t.Errorf("gateway answered %d, took %d", n, len(taken))
	}
}

func TestSMSStaysQueuedWithoutSettingsOrSMSTransport(t *testing.T) {
	g := startGateway(t)
	// No SMS settings: a worker with an SMS transport leaves it queued.
	d, c, m := smsSetup(t, g, false)
	deliver(t, smsWorker(t, d, c, gwToken), 0)
	if got := message(t, d, m.ID); got.State != domain.MailQueued || got.Attempts != 0 {
		t.Errorf("without settings: %+v", got)
	}
	// Settings but a mail-only worker: queued too, never sent as mail.
	for _, kv := range [][2]string{{"sms-url", g.srv.URL}, {"sms-account", gwAccount}, {"sms-from", gwFrom}} {
		if _, err := d.SetSetting(agent, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	var sent []domain.OutboxMessage
	mailOnly := &mailer.Worker{Outbox: d, Now: c.Now, Transport: mailer.TransportFunc(func(_ context.Context, m domain.OutboxMessage) error {
		sent = append(sent, m)
		return nil
	})}
	deliver(t, mailOnly, 0)
	if got := message(t, d, m.ID); got.State != domain.MailQueued || len(sent) != 0 {
		t.Errorf("mail-only worker: %+v, sent %d", got, len(sent))
	}
	if n, _ := g.counts(); n != 0 {
		t.Errorf("gateway asked %d times", n)
	}
	// With both, it goes.
	deliver(t, smsWorker(t, d, c, gwToken), 1)
	if got := message(t, d, m.ID); got.State != domain.MailSent {
		t.Errorf("with settings and transport: %+v", got)
	}
}

package mailer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"helpdesk/domain"
)

// SMS sends the outbox's sms messages through an HTTP gateway of the shape
// most SMS gateways share, Twilio's: POST
// {sms-url}/2010-04-01/Accounts/{account}/Messages.json with the form
// fields To, From and Body, and HTTP basic auth (account : token). The
// gateway's URL and account and the sender ride on each message, composed
// with the desk settings in force when it was claimed; the token is this
// process's own (it is never stored).
//
// Answers, mapped onto the worker's classes: 2xx is sent; 401 and 403
// (credentials refused) and any other 4xx are permanent, with the
// gateway's code and message; 429 is temporary and its Retry-After, when
// given, is when the message goes again; 408, 5xx and a connection that
// fails are temporary. A redirect is not followed (it would resend the
// token elsewhere) and is permanent: sms-url must name the gateway.
type SMS struct {
	token  string
	client *http.Client
}

// SMSTimeout bounds one request to the gateway.
const SMSTimeout = 30 * time.Second

// maxRetryAfter caps a gateway's Retry-After.
const maxRetryAfter = 24 * time.Hour

// NewSMS makes the SMS transport with the gateway's token. client may be
// nil (a client with SMSTimeout that follows no redirect).
func NewSMS(token string, client *http.Client) (*SMS, error) {
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("the SMS transport needs the gateway's token")
	}
	if client == nil {
		client = &http.Client{Timeout: SMSTimeout}
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &SMS{token: token, client: &c}, nil
}

// Channels says the SMS transport sends SMS only.
func (s *SMS) Channels() []domain.Channel { return []domain.Channel{domain.ChannelSMS} }

// smsAnswer is the part of the gateway's JSON the transport reads: the
// created message (sid, status) or an error (code, message, more_info).
type smsAnswer struct {
	SID          string `json:"sid"`
	Status       any    `json:"status"` // a word on success, the HTTP status in an error
	Code         int    `json:"code"`
	Message      string `json:"message"`
	ErrorCode    int    `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// Send posts one SMS and returns nil once the gateway has taken it. A send
// under way is not cut short by ctx (the SMTP transport does the same): a
// request cancelled after the gateway took the message would send it twice.
func (s *SMS) Send(ctx context.Context, m domain.OutboxMessage) error {
	if m.Via() != domain.ChannelSMS {
		return Permanent(fmt.Errorf("message %d goes by %s, not by SMS", m.ID, m.Via()))
	}
	if _, err := domain.E164(m.To); err != nil {
		return Permanent(fmt.Errorf("recipient %q is not an E.164 phone number", m.To))
	}
	g := m.Gateway
	if g == nil || g.URL == "" || g.Account == "" || m.From == "" {
		// The desk claims an SMS only with its settings complete.
		return errors.New("the SMS settings were incomplete when the message was claimed (sms-url, sms-account, sms-from)")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	endpoint := strings.TrimRight(g.URL, "/") + "/2010-04-01/Accounts/" + url.PathEscape(g.Account) + "/Messages.json"
	form := url.Values{"To": {m.To}, "From": {m.From}, "Body": {m.Text}}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SMSTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return Permanent(fmt.Errorf("sms-url %q gives no usable address: %w", g.URL, err))
	}
	req.SetBasicAuth(g.Account, s.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in the settings; the cause is what tells
		}
		return &DeliveryError{Err: fmt.Errorf("SMS gateway %s not reached: %w", req.URL.Host, err)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return smsOutcome(resp, body, time.Now())
}

// smsOutcome classifies the gateway's answer.
func smsOutcome(resp *http.Response, body []byte, now time.Time) error {
	var a smsAnswer
	_ = json.Unmarshal(body, &a) // an answer that is not JSON still has its status
	code := resp.StatusCode
	said := a.said(code)
	switch {
	case code >= 200 && code < 300:
		if st, _ := a.Status.(string); st == "failed" || st == "undelivered" {
			return &DeliveryError{Code: code, Permanent: true, Err: fmt.Errorf("the SMS gateway took the message but marked it %s%s", st, said)}
		}
		return nil
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return &DeliveryError{Code: code, Permanent: true, Err: fmt.Errorf("the SMS gateway refused the credentials (HTTP %d)%s; check sms-account and the token (HELPDESK_SMS_TOKEN or HELPDESK_SMS_TOKEN_FILE)", code, said)}
	case code == http.StatusTooManyRequests:
		wait := retryAfter(resp.Header.Get("Retry-After"), now)
		msg := fmt.Sprintf("the SMS gateway asked to slow down (HTTP 429)%s", said)
		if wait > 0 {
			msg += fmt.Sprintf("; it asked for %s", wait)
		}
		return &DeliveryError{Code: code, RetryAfter: wait, Err: errors.New(msg)}
	case code == http.StatusRequestTimeout:
		return &DeliveryError{Code: code, Err: fmt.Errorf("the SMS gateway timed out (HTTP 408)%s", said)}
	case code >= 400 && code < 500:
		return &DeliveryError{Code: code, Permanent: true, Err: fmt.Errorf("the SMS gateway refused the message (HTTP %d)%s", code, said)}
	case code >= 500:
		return &DeliveryError{Code: code, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), now),
			Err: fmt.Errorf("the SMS gateway failed (HTTP %d)%s", code, said)}
	case code >= 300 && code < 400:
		return &DeliveryError{Code: code, Permanent: true, Err: fmt.Errorf("the SMS gateway answered a redirect (HTTP %d to %q); set sms-url to the gateway's own address", code, resp.Header.Get("Location"))}
	}
	return &DeliveryError{Code: code, Err: fmt.Errorf("the SMS gateway answered HTTP %d", code)}
}

// said is the gateway's own words: ", code 21211: The 'To' number is not
// valid", or "".
func (a smsAnswer) said(status int) string {
	code, msg := a.Code, a.Message
	if code == 0 && msg == "" {
		code, msg = a.ErrorCode, a.ErrorMessage
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if r := []rune(msg); len(r) > 300 {
		msg = string(r[:300]) + "…"
	}
	switch {
	case code != 0 && msg != "":
		return fmt.Sprintf(", code %d: %s", code, msg)
	case code != 0:
		return fmt.Sprintf(", code %d", code)
	case msg != "":
		return ": " + msg
	}
	return ""
}

// retryAfter reads a Retry-After header: seconds or an HTTP date; 0 when
// absent or unreadable. It is capped at a day.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(h); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

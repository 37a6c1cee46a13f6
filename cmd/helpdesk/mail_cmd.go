package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/store"
)

// mailCommand is the outbox's command group. It also registers the mail
// configuration flags on root (mailconfig.go): they are persistent, so
// `user add` reads the same desk name and link base as the worker.
func (a *app) mailCommand(root *cobra.Command) *cobra.Command {
	a.registerMailFlags(root.PersistentFlags())
	return group(&cobra.Command{Use: "mail", Short: "List, show and retry queued account mail; run the delivery worker; send a test; take in a customer's mail"},
		a.mailListCommand(), a.mailShowCommand(), a.mailRetryCommand(), a.mailWorkerCommand(), a.mailTestCommand(),
		a.mailReceiveCommand())
}

// mailJSON is the --json shape of an outbox message: a contract with
// scripts. The set-password link is never printed: it is a credential for
// the customer only.
type mailJSON struct {
	ID        domain.ID `json:"id"`
	MessageID string    `json:"message_id"`
	UserID    domain.ID `json:"user_id"`
	Event     string    `json:"event"`
	Channel   string    `json:"channel"` // email or sms (To is then the phone)
	To        string    `json:"to"`
	ToName    string    `json:"to_name"`
	Subject   string    `json:"subject"`
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	NextTry   string    `json:"next_try"` // when a queued message goes next; "" otherwise
	LastError string    `json:"last_error"`
	CreatedAt string    `json:"created_at"`
	UpdatedAt string    `json:"updated_at"`
	SentAt    string    `json:"sent_at"`
	Text      string    `json:"text,omitempty"` // mail show only, link hidden
}

func toMailJSON(m domain.OutboxMessage) mailJSON {
	j := mailJSON{
		ID: m.ID, MessageID: m.MessageID, UserID: m.UserID, Event: string(m.Event), Channel: string(m.Via()), To: m.To, ToName: m.ToName,
		Subject: m.Subject, State: string(m.State), Attempts: m.Attempts, LastError: m.LastError,
		CreatedAt: rfc3339(m.CreatedAt), UpdatedAt: rfc3339(m.UpdatedAt), SentAt: rfc3339(m.SentAt),
	}
	if at, ok := m.QueueAt(); ok {
		j.NextTry = rfc3339(at)
	}
	return j
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// maskedText is a message's text as agents read it: the Desk already
// hides the link, and domain.MaskLinks hides anything link-like that is
// left (the one rule for every agent-facing view of a message).
func maskedText(m domain.OutboxMessage) string {
	return domain.MaskLinks(m.Text)
}

// hasTransport tells whether this command line configures SMTP; without
// it, queued mail is shown as not sent for that reason.
func (a *app) hasTransport() bool {
	f := a.mailFlags()
	return f.get("smtp-host", f.smtpHost, envSMTPHost).value != ""
}

func (a *app) mailListCommand() *cobra.Command {
	var state string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--state queued|sending|sent|failed|cancelled] [--json]",
		Short: "List outbox messages, newest first",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			var st domain.MailState
			if state != "" {
				st = domain.MailState(strings.ToLower(strings.TrimSpace(state)))
				if !isMailState(st) {
					return usagef("%q is not a mail state; use queued, sending, sent, failed or cancelled", state)
				}
			}
			return a.withDesk(func(s *session) error {
				why, err := a.whyNotSent(s.desk)
				if err != nil {
					return err
				}
				return listMail(cmd.OutOrStdout(), s.desk, st, asJSON, why)
			})
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "only messages in this state: queued, sending, sent, failed or cancelled")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func isMailState(s domain.MailState) bool {
	for _, m := range domain.MailStates {
		if m == s {
			return true
		}
	}
	return false
}

// listMail pages through the outbox so a large one prints in flat memory.
func listMail(out io.Writer, d *domain.Desk, st domain.MailState, asJSON bool, why notSent) error {
	const page = 1000
	l := newListWriter(out, asJSON, "ID\tSTATE\tTO\tEVENT\tATTEMPTS\tWHEN\tSUBJECT\tNOTE")
	var before domain.ID
	for {
		ms, err := d.Outbox(st, before, page)
		if err != nil {
			return err
		}
		for _, m := range ms {
			when, note := mailWhen(m, why)
			l.item(toMailJSON(m), "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", m.ID, m.State, oneLine(m.To, 0), m.Event, m.Attempts,
				when, oneLine(m.Subject, 50), oneLine(note, 80))
		}
		if len(ms) < page {
			break
		}
		before = ms[len(ms)-1].ID
		l.pageDone()
	}
	return l.close()
}

// mailWhen is where a message is in its delivery (domain's wording, the
// same as the console's) and a note: for a queued message, why this
// process will not send it (why) and its last error.
func mailWhen(m domain.OutboxMessage, why notSent) (string, string) {
	when := m.Delivery(rfc3339)
	switch m.State {
	case domain.MailQueued:
		// The domain's sentence, less the state and next try the other
		// columns show: "held: no transport configured; last error: …".
		var notes []string
		if w := why.of(m); w != "" {
			notes = append(notes, "held: "+strings.TrimPrefix(w, "not sent: "))
		}
		if m.LastError != "" {
			notes = append(notes, "last error: "+m.LastError)
		}
		return when, strings.Join(notes, "; ")
	case domain.MailSent:
		return when, ""
	}
	return when, m.LastError
}

func parseMessageID(s string) (domain.ID, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || n == 0 {
		return 0, usagef("%q is not a message id (a number, as in helpdesk mail list)", s)
	}
	return domain.ID(n), nil
}

func (a *app) mailShowCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "Show one outbox message with its text (the set-password link hidden)",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMessageID(args[0])
			if err != nil {
				return err
			}
			return a.withDesk(func(s *session) error {
				m, err := s.desk.Message(id)
				if err != nil {
					return err
				}
				why, err := a.whyNotSent(s.desk)
				if err != nil {
					return err
				}
				j := toMailJSON(m)
				j.Text = maskedText(m)
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), j)
				}
				when, note := mailWhen(m, why)
				to := m.To
				if m.ToName != "" {
					to = oneLine(m.ToName, 0) + " <" + m.To + ">"
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				for _, row := range [][2]string{
					{"id", fmt.Sprint(m.ID)}, {"message-id", m.MessageID}, {"to", to}, {"channel", string(m.Via())}, {"event", string(m.Event)},
					{"subject", oneLine(m.Subject, 0)}, {"state", string(m.State)},
					{"status", oneLine(domain.MailStatus(m, rfc3339, strings.TrimPrefix(why.of(m), "not sent: ")), 0)}, {"attempts", fmt.Sprint(m.Attempts)},
					{"when", when}, {"note", oneLine(note, 0)}, {"created", j.CreatedAt},
				} {
					if row[1] != "" {
						cellf(tw, "%s:\t%s\n", row[0], row[1])
					}
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "\n%s", j.Text)
				if !strings.HasSuffix(j.Text, "\n") {
					fmt.Fprintln(cmd.OutOrStdout())
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object")
	return cmd
}

func (a *app) mailRetryCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "retry ID",
		Short: "Queue a failed or cancelled message again, due now",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMessageID(args[0])
			if err != nil {
				return err
			}
			return a.withDesk(func(s *session) error {
				m, err := s.desk.RetryMessage(a.actor(), id)
				if err != nil {
					return fmt.Errorf("cannot retry: %w", err)
				}
				printf(cmd, "Message %d to %s is queued again.\n", m.ID, m.To)
				if m.Via() == domain.ChannelSMS {
					if why, err := a.whyNotSent(s.desk); err == nil && why.sms != "" {
						printf(cmd, "It stays queued: %s.\n", strings.TrimPrefix(why.sms, "not sent: "))
					}
				} else if !a.hasTransport() {
					printf(cmd, "It stays queued until a mail worker runs with --smtp-host (or %s).\n", envSMTPHost)
				}
				return nil
			})
		},
	}
}

// requireLocal keeps the commands that talk SMTP or read the server's files
// (the password file, the CA file) to the owner of the database file: an
// agent signed in over SSH must not make the host connect or read.
func (a *app) requireLocal(what string) error {
	if !a.actor().IsOwner() {
		return fmt.Errorf("%s runs only on the desk's own host, not over SSH", what)
	}
	return nil
}

func (a *app) mailWorkerCommand() *cobra.Command {
	var poll time.Duration
	var once bool
	cmd := &cobra.Command{
		Use:   "worker [--poll 10s] [--once]",
		Short: "Deliver queued mail over SMTP, and SMS through the SMS gateway, in the foreground until interrupted (Ctrl-C, SIGTERM)",
		Long: `Deliver queued mail over SMTP in the foreground until interrupted, and
queued SMS through the SMS gateway when HELPDESK_SMS_TOKEN (or
HELPDESK_SMS_TOKEN_FILE) is set and the desk settings sms-url, sms-account
and sms-from are; without them SMS stay queued.

Temporary failures (4xx, a connection that fails) are retried with backoff:
30s, 1m, 2m, ... up to 1h, 8 attempts in all; a permanent refusal (5xx) fails
the message at once. Messages to users disabled since they were queued are
cancelled, never sent.

Several workers may run on one desk: each message is claimed by one worker
(state sending) for 10 minutes; a claim left by a worker that died is taken
over when it runs out. A link is made when its mail is sent and exists only
in that mail.

The worker opens the database only for each step, so other helpdesk
commands keep working beside it.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.requireLocal("mail worker"); err != nil {
				return err
			}
			if poll <= 0 {
				return usagef("--poll must be a positive duration such as 10s")
			}
			t, says, short, err := a.workerRoute()
			if err != nil {
				return err
			}
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			w := &mailer.Worker{
				Outbox: a.workerOutbox(), Transport: t, Poll: poll,
				OnResult: func(r mailer.Result) { fmt.Fprintln(out, describeResult(r, time.Now())) },
				OnError:  func(err error) { fmt.Fprintf(errw, "%s: mail worker: %v\n", programName, err) },
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if once {
				n, err := w.DeliverDue(ctx)
				fmt.Fprintf(out, "%d message(s) attempted through %s.\n", n, short)
				return err
			}
			fmt.Fprintf(out, "Delivering %s; Ctrl-C stops.\n", says)
			if err := w.Run(ctx); err != nil {
				return err
			}
			fmt.Fprintln(out, "Mail worker stopped.")
			return nil
		},
	}
	cmd.Flags().DurationVar(&poll, "poll", 10*time.Second, "how often to look for mail queued by other helpdesk processes")
	cmd.Flags().BoolVar(&once, "once", false, "deliver what is due now, then exit")
	return cmd
}

// describeResult is the worker's line for one attempt.
func describeResult(r mailer.Result, now time.Time) string {
	m := r.Message
	var line string
	switch {
	case r.Sent():
		line = fmt.Sprintf("sent message %d to %s %s", m.ID, m.To, m.MessageID)
	case !r.RetryAt.IsZero():
		line = fmt.Sprintf("message %d to %s not sent, will retry at %s: %s", m.ID, m.To, rfc3339(r.RetryAt), oneLine(r.Err.Error(), 0))
	default:
		line = fmt.Sprintf("message %d to %s failed: %s", m.ID, m.To, oneLine(r.Err.Error(), 0))
	}
	if r.RecordErr != nil {
		line += fmt.Sprintf(" (outcome not recorded: %v)", r.RecordErr)
	}
	return now.UTC().Format(time.RFC3339) + " " + line
}

// workerOutbox is the desk the worker drives: the server's when the command
// runs inside one, else the database file, opened step by step.
func (a *app) workerOutbox() mailer.Outbox {
	if a.shared != nil {
		return a.shared.desk
	}
	// Mail is composed when it is sent, so the worker's desk carries this
	// process's overrides (--desk-name, --base-url, --from).
	mail, _ := a.deskMailConfig() // checked when the transport was built
	return fileOutbox{path: a.resolveDB(), mail: mail}
}

// fileOutbox opens the database for each step (claim, record) and closes it
// after, so a standalone worker never holds the file's lock while it waits
// or talks to a slow SMTP server: `mail list` and `user add` keep working
// beside it. The delivery semantics do not change: the outcome is written
// only after the server's reply.
type fileOutbox struct {
	path string
	mail domain.MailConfig
}

// workerLockWait is how long a step waits for another helpdesk command to
// let go of the file: longer than a command's own second, since an
// unrecorded outcome means a duplicate send.
const workerLockWait = 10 * time.Second

func (o fileOutbox) with(fn func(*domain.Desk) error) error {
	db, err := store.Open(o.path, store.Options{LockTimeout: workerLockWait})
	if err != nil {
		// Beside a console or server holding the file, the pass says which
		// process holds it and the next poll tries again; that process
		// delivers the desk's mail itself when it has SMTP settings.
		return describeLocked(o.path, err)
	}
	err = fn(domain.NewDesk(db, domain.WithMailConfig(o.mail)))
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func (o fileOutbox) ClaimNext(holder string, now time.Time, lease time.Duration) (m domain.OutboxMessage, ok bool, err error) {
	err = o.with(func(d *domain.Desk) error {
		var err error
		m, ok, err = d.ClaimNext(holder, now, lease)
		return err
	})
	return m, ok, err
}

func (o fileOutbox) ClaimNextOn(holder string, now time.Time, lease time.Duration, channels []domain.Channel) (m domain.OutboxMessage, ok bool, err error) {
	err = o.with(func(d *domain.Desk) error {
		var err error
		m, ok, err = d.ClaimNextOn(holder, now, lease, channels)
		return err
	})
	return m, ok, err
}

func (o fileOutbox) RecordSent(holder string, id domain.ID, at time.Time) error {
	return o.with(func(d *domain.Desk) error { return d.RecordSent(holder, id, at) })
}

func (o fileOutbox) RecordFailure(holder string, id domain.ID, cause error, retryAt time.Time) error {
	return o.with(func(d *domain.Desk) error { return d.RecordFailure(holder, id, cause, retryAt) })
}

func (o fileOutbox) Release(holder string, id domain.ID) error {
	return o.with(func(d *domain.Desk) error { return d.Release(holder, id) })
}

func (a *app) mailTestCommand() *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "test --to ADDRESS",
		Short: "Send one test message straight through the SMTP server (not through the outbox)",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.requireLocal("mail test"); err != nil {
				return err
			}
			if strings.TrimSpace(to) == "" {
				return usagef("--to is required")
			}
			addr, err := domain.ParseEmail(to)
			if err != nil {
				return usageError{fmt.Errorf("--to: %w", err)}
			}
			t, err := a.transport()
			if err != nil {
				return err
			}
			// The desk's name and link host as mail would carry them: this
			// process's override, else the stored setting.
			var mc domain.MailConfig
			if err := a.withDesk(func(s *session) error {
				st, err := s.desk.DeskSettings()
				if err != nil {
					return err
				}
				name, err := s.desk.DeskName()
				mc = domain.MailConfig{DeskName: name, BaseURL: st.BaseURL}
				return err
			}); err != nil {
				return err
			}
			if over, _ := a.deskMailConfig(); over.BaseURL != "" {
				mc.BaseURL = over.BaseURL
			}
			m, err := testMessage(addr.Address, mc, time.Now())
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			c := t.Config()
			if err := t.Send(ctx, m); err != nil {
				kind := "a temporary failure: try again later"
				if mailer.IsPermanent(err) {
					kind = "refused for good"
				}
				return fmt.Errorf("test message to %s not sent through %s:%d (%s): %w", m.To, c.Host, c.Port, kind, err)
			}
			printf(cmd, "Test message sent to %s through %s:%d (Message-ID %s).\n", m.To, c.Host, c.Port, m.MessageID)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "recipient address (required)")
	return cmd
}

// testMessage is the message `mail test` sends: it names the desk, so a
// wrong --desk-name shows too.
func testMessage(to string, mc domain.MailConfig, now time.Time) (domain.OutboxMessage, error) {
	var nonce [8]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return domain.OutboxMessage{}, err
	}
	desk := mc.DeskName
	if desk == "" {
		desk = "Helpdesk"
	}
	host := "helpdesk.invalid"
	if u, err := url.Parse(mc.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return domain.OutboxMessage{
		MessageID: fmt.Sprintf("<helpdesk.test.%s@%s>", hex.EncodeToString(nonce[:]), host),
		To:        to,
		Subject:   "Test message from " + desk,
		Text: fmt.Sprintf("This is a test message from %s, sent with helpdesk mail test at %s.\n\n"+
			"If you can read it, the desk's mail reaches this address.\n", desk, now.UTC().Format(time.RFC1123Z)),
		CreatedAt: now,
	}, nil
}

// mailConfigured reports whether SMTP is set up for this process.
func (a *app) mailConfigured() bool {
	cfg, err := a.smtpConfig()
	return err == nil && cfg != nil
}

// startMailWorker runs the delivery worker beside a long-running desk (the
// console, the SSH server) on that process's own desk, woken by its commits.
// It sends mail when an SMTP host is configured and SMS when the SMS token
// is given (HELPDESK_SMS_TOKEN or _FILE); with neither it runs nothing (all
// stays queued) and returns a no-op stop; with an SMTP host but no sender
// anywhere (flag, environment, stored setting) it refuses to start. stop
// cancels the worker and waits for it, so a message being sent is finished
// first.
func (a *app) startMailWorker(desk *domain.Desk, onResult func(mailer.Result), onError func(error)) (stop func(), err error) {
	cfg, err := a.smtpConfig()
	if err != nil {
		return func() {}, err
	}
	var route mailer.Route
	if cfg != nil {
		if err := withSender(cfg, desk); err != nil {
			return func() {}, err
		}
		t, err := mailer.NewSMTP(*cfg)
		if err != nil {
			return func() {}, usageError{err}
		}
		route.Email = t
	}
	// SMS go out when this process has the gateway's token (and the desk
	// its SMS settings); without it they stay queued.
	sms, err := smsTransport()
	if err != nil {
		return func() {}, err
	}
	if sms != nil {
		route.SMS = sms
	}
	if route.Email == nil && route.SMS == nil {
		return func() {}, nil
	}
	return runMailWorker(desk, route, onResult, onError), nil
}

// runMailWorker delivers the desk's mail through t in the background, woken
// by every change, until stop.
func runMailWorker(desk *domain.Desk, t mailer.Transport, onResult func(mailer.Result), onError func(error)) (stop func()) {
	events, unsubscribe := desk.Subscribe()
	w := &mailer.Worker{Outbox: desk, Transport: t, Wake: events, OnResult: onResult, OnError: onError}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Run(ctx); err != nil && !errors.Is(err, context.Canceled) && onError != nil {
			onError(err)
		}
	}()
	return func() {
		cancel()
		<-done
		unsubscribe()
	}
}

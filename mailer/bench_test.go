package mailer_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"helpdesk/domain"
	"helpdesk/mailer"
	"helpdesk/mailer/mailertest"
)

// BenchmarkOutboxThroughput drains b.N queued verification mails to the
// in-process peer through the worker: claim (one fsynced transaction), SMTP
// session on a fresh connection, record (another fsynced transaction).
func BenchmarkOutboxThroughput(b *testing.B) {
	for _, bc := range []struct {
		name string
		tls  mailertest.TLSMode
		mode mailer.TLSMode
	}{
		{"plain", mailertest.Plain, mailer.TLSNone},
		{"starttls", mailertest.StartTLS, mailer.TLSStartTLS},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := mailertest.Start(b, mailertest.Options{TLS: bc.tls})
			d, c := newDesk(b)
			for i := range b.N {
				mustUser(b, d, fmt.Sprintf("user%d@acme.example", i), "Ann Lee")
			}
			w := &mailer.Worker{Outbox: d, Transport: smtpTo(b, p, bc.mode, "", ""), Now: c.Now}
			b.ReportAllocs()
			b.ResetTimer()
			n, err := w.DeliverDue(context.Background())
			b.StopTimer()
			if err != nil || n != b.N || p.Count() != b.N {
				b.Fatalf("attempted %d, accepted %d of %d: %v", n, p.Count(), b.N, err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkSMTPSend is the transport alone, without the outbox's
// transactions: one message, one fresh connection.
func BenchmarkSMTPSend(b *testing.B) {
	for _, bc := range []struct {
		name string
		tls  mailertest.TLSMode
		mode mailer.TLSMode
	}{
		{"plain", mailertest.Plain, mailer.TLSNone},
		{"starttls", mailertest.StartTLS, mailer.TLSStartTLS},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := mailertest.Start(b, mailertest.Options{TLS: bc.tls})
			s := smtpTo(b, p, bc.mode, "", "")
			m := testMessage("ann@acme.example", "Ann Lee", "Confirm your email", "Hello Ann,\n\nhttps://desk.example.com/set-password?token=abc\n")
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Send(context.Background(), m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkCreateUserMailCost measures what queuing the verification mail
// adds to creating a user on a durable store: each iteration creates one
// user with --mail verify and one with --mail none, alternately on the same
// file, so both see the same disk and file size. Medians, since an fsync
// now and then takes much longer than the rest.
func BenchmarkCreateUserMailCost(b *testing.B) {
	d, _ := newDesk(b)
	create := func(i int, mail string) time.Duration {
		start := time.Now()
		if _, err := d.CreateUser(agent, domain.UserInput{Email: fmt.Sprintf("%s%d@acme.example", mail, i), Name: "Ann Lee", Mail: mail}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	verify := make([]time.Duration, 0, b.N)
	none := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 { // alternate the order too
			verify = append(verify, create(i, "verify"))
			none = append(none, create(i, "none"))
		} else {
			none = append(none, create(i, "none"))
			verify = append(verify, create(i, "verify"))
		}
	}
	b.StopTimer()
	v, n := median(verify), median(none)
	b.ReportMetric(float64(v.Microseconds()), "verify-p50-µs")
	b.ReportMetric(float64(n.Microseconds()), "none-p50-µs")
	b.ReportMetric(float64(v)/float64(n), "verify/none")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// Package mailertest runs a real SMTP server (go-smtp) on 127.0.0.1 for
// tests: it records what it accepts and lets a test answer 4xx/5xx or hold
// a session at a chosen point. Every accepted message is also sent on a
// channel, so tests wait for delivery instead of sleeping.
package mailertest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Peer is a real SMTP server on 127.0.0.1 that records what it accepts.
type Peer struct {
	Host string
	Port int
	// Pool trusts the peer's certificate, and CertPEM is that certificate
	// (TLS peers only).
	Pool    *x509.CertPool
	CertPEM []byte

	// delivered receives the accepted messages, up to its buffer.
	delivered chan Received

	mu        sync.Mutex
	accepted  []Received
	dataCalls int
	rcptCalls int

	rcptHook func(call int, to string) error
	dataHook func(call int, data []byte) error
}

// TLSMode is how the peer protects its sessions.
type TLSMode int

const (
	Plain    TLSMode = iota // no TLS
	StartTLS                // STARTTLS offered, with a self-signed certificate
	Implicit                // TLS from the first byte
)

// Options configure a peer.
type Options struct {
	TLS TLSMode
	// Users enables AUTH PLAIN with these user names and passwords, and
	// then requires it.
	Users map[string]string
	// Rcpt runs on each RCPT TO (before the client may send DATA); Data
	// runs once the whole message, final dot included, has been read and
	// before the reply. A non-nil error is the reply (an *smtp.SMTPError
	// for a chosen code); nil accepts. A hook may block to hold the
	// session at that point. Given at start, so the server's goroutines
	// read them without a race.
	Rcpt func(call int, to string) error
	Data func(call int, data []byte) error
}

// Received is one accepted message.
type Received struct {
	From    string
	To      []string
	Data    []byte
	TLS     bool
	User    string
	Header  netmail.Header
	Text    string // the text/plain part, decoded, with LF line ends
	HTML    string // the text/html part, decoded, with LF line ends
	Content string // the top-level Content-Type
}

// Start runs a peer until the test ends.
func Start(t testing.TB, opts Options) *Peer {
	t.Helper()
	p := &Peer{delivered: make(chan Received, 4096), rcptHook: opts.Rcpt, dataHook: opts.Data}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &peerSession{p: p, conn: c, users: opts.Users}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout = 20 * time.Second
	s.WriteTimeout = 20 * time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.TLS != Plain {
		cert, pool := SelfSignedCert(t)
		p.Pool = pool
		p.CertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if opts.TLS == StartTLS {
			s.TLSConfig = cfg
		} else {
			l = tls.NewListener(l, cfg)
		}
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	p.Host, p.Port = "127.0.0.1", l.Addr().(*net.TCPAddr).Port
	return p
}

// Addr is host:port.
func (p *Peer) Addr() string { return net.JoinHostPort(p.Host, strconv.Itoa(p.Port)) }

// Count is how many messages the peer accepted so far.
func (p *Peer) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.accepted)
}

// RcptCalls is how many RCPT TO commands the peer saw.
func (p *Peer) RcptCalls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rcptCalls
}

// Next waits for the next accepted message: a bounded wait on a channel,
// not a sleep.
func (p *Peer) Next(t testing.TB) Received {
	t.Helper()
	select {
	case r := <-p.delivered:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("the peer received no message")
		return Received{}
	}
}

type peerSession struct {
	p     *Peer
	conn  *smtp.Conn
	users map[string]string
	user  string
	from  string
	to    []string
}

func (s *peerSession) AuthMechanisms() []string {
	if s.users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *peerSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if pw, ok := s.users[username]; ok && pw == password {
			s.user = username
			return nil
		}
		return smtp.ErrAuthFailed
	}), nil
}

func (s *peerSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.users != nil && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *peerSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.p.mu.Lock()
	s.p.rcptCalls++
	call := s.p.rcptCalls
	s.p.mu.Unlock()
	if s.p.rcptHook != nil {
		if err := s.p.rcptHook(call, to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *peerSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.p.mu.Lock()
	s.p.dataCalls++
	call := s.p.dataCalls
	s.p.mu.Unlock()
	if s.p.dataHook != nil {
		if err := s.p.dataHook(call, data); err != nil {
			return err
		}
	}
	_, isTLS := s.conn.TLSConnectionState()
	m := Received{From: s.from, To: append([]string(nil), s.to...), Data: data, TLS: isTLS, User: s.user}
	parseReceived(&m)
	s.p.mu.Lock()
	s.p.accepted = append(s.p.accepted, m)
	s.p.mu.Unlock()
	select {
	case s.p.delivered <- m:
	default: // nobody waits on Next (a benchmark): Count still counts it
	}
	return nil
}

func (s *peerSession) Reset()        { s.from, s.to = "", nil }
func (s *peerSession) Logout() error { return nil }

// parseReceived reads the headers and the text and HTML parts; a message
// that does not parse keeps empty fields and the test's checks fail on them.
func parseReceived(m *Received) {
	msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return
	}
	m.Header = msg.Header
	m.Content = msg.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(m.Content)
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err != nil {
			return
		}
		var body io.Reader = part
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(part)
		}
		b, _ := io.ReadAll(body)
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) // lines are CRLF on the wire
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch pt {
		case "text/plain":
			m.Text = string(b)
		case "text/html":
			m.HTML = string(b)
		}
	}
}

// SelfSignedCert makes a certificate for 127.0.0.1 and localhost, and a
// pool that trusts it.
func SelfSignedCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "helpdesk test peer"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

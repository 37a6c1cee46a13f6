package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// signalBuffer is a lockedBuffer that says when something was written, so
// a test waits for a line without sleeping.
type signalBuffer struct {
	lockedBuffer
	changed chan struct{}
}

func newSignalBuffer() *signalBuffer { return &signalBuffer{changed: make(chan struct{}, 1)} }

func (b *signalBuffer) Write(p []byte) (int, error) {
	n, err := b.lockedBuffer.Write(p)
	select {
	case b.changed <- struct{}{}:
	default:
	}
	return n, err
}

// waitMatch waits until the output matches re and returns the first group.
func (b *signalBuffer) waitMatch(t *testing.T, re *regexp.Regexp, exited <-chan error) string {
	t.Helper()
	deadline := time.NewTimer(screenWait)
	defer deadline.Stop()
	for {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m[1]
		}
		select {
		case <-b.changed:
		case err := <-exited:
			t.Fatalf("serve ended before %s: %v\n%s", re, err, b.String())
		case <-deadline.C:
			t.Fatalf("no %s within %s:\n%s", re, screenWait, b.String())
		}
	}
}

var portalLineRE = regexp.MustCompile(`Serving the customer portal on (\S+)`)

// serveCommandLine runs `helpdesk serve ARGS` in-process, as the command
// line would, until the test ends; stop ends it as SIGTERM would.
func serveCommandLine(t *testing.T, db string, args ...string) (out *signalBuffer, exited <-chan error, stop func() error) {
	t.Helper()
	out = newSignalBuffer()
	a := &app{in: strings.NewReader(""), out: out, err: out}
	root := a.rootCommand()
	root.SetArgs(append([]string{"--db", db, "serve"}, args...))
	root.SetOut(out)
	root.SetErr(out)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var result error
	stopped := false
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case result = <-done:
			case <-time.After(30 * time.Second):
				result = errors.New("serve did not return within 30s of its shutdown")
			}
		}
		return result
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return out, done, stop
}

// getSignin fetches the portal's sign-in page and checks it is served
// with a content security policy.
func getSignin(t *testing.T, client *http.Client, base string) {
	t.Helper()
	resp, err := client.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET %s/signin: %s, Content-Security-Policy %q", base, resp.Status, resp.Header.Get("Content-Security-Policy"))
	}
}

// serve --http alone serves the portal and no SSH: no host key is made.
func TestServeHTTPOnly(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme")
	out, exited, stop := serveCommandLine(t, c.db, "--http", "127.0.0.1:0")
	base := out.waitMatch(t, portalLineRE, exited)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("portal on %q", base)
	}
	getSignin(t, &http.Client{Timeout: 10 * time.Second}, base)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Contains(s, "over SSH") || !strings.Contains(s, "Stopped: the portal and the database are closed.") {
		t.Errorf("serve said:\n%s", s)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(c.db), hostKeyName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("serve --http alone made a host key: %v", err)
	}
	// The file is free again for the command line.
	c.ok("org", "show", "Acme")
}

// --http with --listen serves both.
func TestServeHTTPBesideSSH(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	c.ok("org", "add", "--name", "Acme")
	out, exited, stop := serveCommandLine(t, c.db, "--http", "127.0.0.1:0", "--listen", "127.0.0.1:0")
	base := out.waitMatch(t, portalLineRE, exited)
	out.waitMatch(t, regexp.MustCompile(`over SSH on (127\.0\.0\.1:\d+)`), exited)
	getSignin(t, &http.Client{Timeout: 10 * time.Second}, base)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Stopped: 0 session(s) ended; the database is closed.") {
		t.Errorf("serve said:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(c.db), hostKeyName)); err != nil {
		t.Errorf("no host key: %v", err)
	}
}

// With --tls-cert and --tls-key the portal is served over HTTPS.
func TestServeHTTPS(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	certFile, keyFile, pool := selfSignedCert(t)
	out, exited, _ := serveCommandLine(t, c.db, "--http", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile, "--trust-proxy")
	base := out.waitMatch(t, portalLineRE, exited)
	if !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("portal on %q", base)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	getSignin(t, client, base)
	// Plain HTTP on the TLS port gets no page.
	if resp, err := http.Get("http://" + strings.TrimPrefix(base, "https://") + "/signin"); err == nil {
		if resp.StatusCode == http.StatusOK {
			t.Error("the HTTPS portal answered plain HTTP")
		}
		resp.Body.Close()
	}
}

func TestServeFlagRefusals(t *testing.T) {
	clearMailEnv(t)
	c := newCLI(t)
	certFile, keyFile, _ := selfSignedCert(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"serve", "--http", "127.0.0.1:0", "--tls-cert", certFile}, 2, "helpdesk: --tls-cert and --tls-key go together: give both, or neither"},
		{[]string{"serve", "--http", "127.0.0.1:0", "--tls-key", keyFile}, 2, "helpdesk: --tls-cert and --tls-key go together"},
		{[]string{"serve", "--tls-cert", certFile, "--tls-key", keyFile}, 2, "helpdesk: --tls-cert, --tls-key and --trust-proxy are for the portal: add --http ADDR"},
		{[]string{"serve", "--trust-proxy"}, 2, "helpdesk: --tls-cert, --tls-key and --trust-proxy are for the portal"},
		{[]string{"serve", "--http", ""}, 2, "helpdesk: --http needs an address"},
		{[]string{"serve", "--http", "127.0.0.1:0", "--tls-cert", keyFile, "--tls-key", certFile}, 1, "helpdesk: cannot load the portal's certificate"},
		{[]string{"serve", "--http", "127.0.0.1:0", "--tls-cert", filepath.Join(t.TempDir(), "none.pem"), "--tls-key", keyFile}, 1, "helpdesk: cannot load the portal's certificate from --tls-cert "},
		{[]string{"serve", "--http", "256.0.0.1:80"}, 1, "helpdesk: cannot listen on 256.0.0.1:80"},
	} {
		code, _, errs := c.run("", tc.args...)
		if code != tc.code || !strings.HasPrefix(errs, tc.msg) {
			t.Errorf("helpdesk %q: exit %d, stderr %q; want exit %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
}

// Beside SSH the portal shares the desk; with no base-url anywhere, the
// links (and the sign-in address an agent is given) point at the portal.
func TestServeSSHAndPortal(t *testing.T) {
	clearMailEnv(t)
	d, ann, _, _ := deskWithAgents(t)
	d.cli("org", "add", "--name", "Acme")
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.serve(serveConfig{portal: &portalConfig{ln: hl}})
	base := "http://" + hl.Addr().String()
	getSignin(t, &http.Client{Timeout: 10 * time.Second}, base)

	code, out, errs := command(t, d.as(ann), "", "org", "brand", "Acme", "--title", "Acme")
	if code != 0 || !strings.Contains(out, base+"/signin?branding=acme\n") {
		t.Errorf("org brand over SSH beside the portal: exit %d, %q %q", code, out, errs)
	}
	// The settings are the server's, overrides included.
	if code, out, errs := command(t, d.as(ann), "", "config", "show"); code != 0 || !strings.Contains(out, "default-template.verify") {
		t.Errorf("config show over SSH: exit %d, %q %q", code, out, errs)
	}
	// Over SSH a logo comes from standard input only.
	code, _, errs = command(t, d.as(ann), "", "org", "brand", "Acme", "--logo", "/etc/hostname")
	if code != 2 || !strings.Contains(errs, "over SSH, --logo reads standard input only") {
		t.Errorf("org brand --logo FILE over SSH: exit %d, %q", code, errs)
	}
	code, out, errs = command(t, d.as(ann), string(smallPNG(t)), "org", "brand", "Acme", "--logo", "-")
	if code != 0 || !strings.Contains(out, "image/png") {
		t.Errorf("org brand --logo - over SSH: exit %d, %q %q", code, out, errs)
	}
	if s := d.out.String(); !strings.Contains(s, " over SSH on ") || !strings.Contains(s, "Serving the customer portal on "+base+"\n") {
		t.Errorf("serve said:\n%s", s)
	}
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key, and
// returns a pool that trusts it.
func selfSignedCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "helpdesk test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = writeFile(t, "cert.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	keyFile = writeFile(t, "key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})))
	return certFile, keyFile, pool
}

package mailer

import (
	"fmt"
	"net"
	"strings"
)

// TLSMode is how the SMTP connection is protected.
type TLSMode string

const (
	// TLSStartTLS connects in clear and upgrades with STARTTLS, which must
	// succeed (never falls back to clear text): the submission port 587.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte: port 465.
	TLSImplicit TLSMode = "tls"
	// TLSNone sends in clear; allowed only to a loopback host (a local
	// relay or a mail catcher), where nothing crosses a network.
	TLSNone TLSMode = "none"
)

// ParseTLSMode accepts starttls, tls or none; empty means starttls.
func ParseTLSMode(s string) (TLSMode, error) {
	switch m := TLSMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return TLSStartTLS, nil
	case TLSStartTLS, TLSImplicit, TLSNone:
		return m, nil
	}
	return "", fmt.Errorf("%q is not a TLS mode; use starttls, tls or none", s)
}

// DefaultPort is the usual port of each mode.
func (m TLSMode) DefaultPort() int {
	switch m {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	}
	return 587
}

// IsLoopbackHost reports whether host names this machine without a network
// in between: "localhost", an address in 127.0.0.0/8, or ::1. Other names
// are not resolved: a name that resolves to 127.0.0.1 today may not
// tomorrow, and the check must not depend on DNS.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(host), "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

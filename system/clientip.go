package system

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// IPResolver finds the client's address for a request. With no header
// configured it is the connection's peer. With a header (realipheader, e.g.
// X-Real-IP or X-Forwarded-For) the header is believed only when the peer is
// a trusted proxy (or a unix socket client); for X-Forwarded-For-style lists the rightmost address not
// belonging to a trusted proxy is the client.
type IPResolver struct {
	header  string
	trusted []*net.IPNet
}

// NewIPResolver builds a resolver. trusted holds addresses or CIDR ranges of
// the reverse proxies; when empty and a header is set, loopback is trusted.
func NewIPResolver(header string, trusted []string) (*IPResolver, error) {
	nets, err := ParseIPNets(trusted)
	if err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	if header != "" && len(nets) == 0 {
		nets, _ = ParseIPNets([]string{"127.0.0.0/8", "::1"})
	}
	return &IPResolver{header: http.CanonicalHeaderKey(header), trusted: nets}, nil
}

// ParseIPNets parses addresses ("10.0.0.1", "::1") and CIDR ranges
// ("10.0.0.0/8") into networks; a bare address is a single-host network.
func ParseIPNets(list []string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			_, n, err := net.ParseCIDR(s)
			if err != nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR range", s)
			}
			nets = append(nets, n)
			continue
		}
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR range", s)
		}
		bits := 128
		if ip4 := ip.To4(); ip4 != nil {
			ip, bits = ip4, 32
		}
		nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
	}
	return nets, nil
}

func containsIP(nets []*net.IPNet, ip net.IP) bool {
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func peerIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// Resolve returns the client IP for r as a string.
func (res *IPResolver) Resolve(r *http.Request) string {
	peer := peerIP(r.RemoteAddr)
	if res.header == "" {
		return peer
	}
	// A peer that is not an IP address is a unix socket client: a local
	// process (the reverse proxy), trusted like a loopback proxy.
	pip := net.ParseIP(peer)
	if pip != nil && !containsIP(res.trusted, pip) {
		return peer
	}
	values := r.Header.Values(res.header)
	if len(values) == 0 {
		return peer
	}
	parts := strings.Split(strings.Join(values, ","), ",")
	for i := len(parts) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(parts[i]))
		if ip == nil {
			return peer // garbage in the header: fall back to what we know
		}
		if !containsIP(res.trusted, ip) || i == 0 {
			return ip.String()
		}
	}
	return peer
}

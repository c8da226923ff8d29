package system

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// AdminPolicy decides who may see admin pages: a logged-in user whose id is
// listed AND whose client IP is inside one of the listed addresses/ranges.
type AdminPolicy struct {
	nets []*net.IPNet
	ids  map[int64]bool
}

// NewAdminPolicy parses adminips (addresses or CIDR ranges) and adminuserids.
func NewAdminPolicy(ips []string, userIDs []string) (*AdminPolicy, error) {
	nets, err := ParseIPNets(ips)
	if err != nil {
		return nil, fmt.Errorf("adminips: %w", err)
	}
	ids := make(map[int64]bool)
	for _, s := range userIDs {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			return nil, fmt.Errorf("adminuserids: %q is not a user id (a positive integer)", s)
		}
		ids[id] = true
	}
	return &AdminPolicy{nets: nets, ids: ids}, nil
}

// Allows reports whether user userID (0 = not logged in) at clientIP is an
// admin, and if not, which check failed (for the log).
func (p *AdminPolicy) Allows(userID int64, clientIP string) (bool, string) {
	if userID == 0 {
		return false, "not logged in"
	}
	ip := net.ParseIP(clientIP)
	if ip == nil || !containsIP(p.nets, ip) {
		return false, "client IP " + clientIP + " not in adminips"
	}
	if !p.ids[userID] {
		return false, "user id " + strconv.FormatInt(userID, 10) + " not in adminuserids"
	}
	return true, ""
}

// AllowsIP reports whether clientIP is inside adminips, without any login
// (for machine endpoints such as /metrics that are scraped without a session).
func (p *AdminPolicy) AllowsIP(clientIP string) bool {
	ip := net.ParseIP(clientIP)
	return ip != nil && containsIP(p.nets, ip)
}

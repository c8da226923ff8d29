package controllers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/zenazn/goji/web"
)

// status serves /status for monitoring: 200 "OK" when the database and
// every backend are healthy and address creation is not halted, otherwise
// 500 with a one-line reason naming every problem (every unhealthy backend,
// not only the first). The reason starts with "no stakepoold backend can
// vote" when none can: nothing is voted until one returns. Backends are
// named by position, not address, since the endpoint needs no login;
// details are on /admin/status. Backend states come from the client's
// poll (every backendpoll, and at once when a connection is lost), so the
// answer is never older than about a poll.
func (v *VSP) status(c web.C, w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	reason := v.statusReason(r.Context())
	if reason != "" {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintln(w, reason)
		return
	}
	fmt.Fprintln(w, "OK")
}

func (v *VSP) statusReason(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var parts []string
	sts := v.Backends.Statuses()
	voters := 0
	for _, s := range sts {
		if s.CanVote() {
			voters++
		}
	}
	if voters == 0 {
		parts = append(parts, "no stakepoold backend can vote")
	}
	if err := v.Store.Ping(ctx); err != nil {
		parts = append(parts, "database unreachable")
	}
	if r, _ := v.Backends.Halted(); r != "" {
		parts = append(parts, "address creation halted: the voting wallets gave inconsistent answers")
	}
	for i, s := range sts {
		if s.State != stakepooldclient.StateHealthy {
			why := string(s.State)
			if p := s.Health.Problem(); s.Answered && p != "" {
				why += " (" + p + ")"
			} else if !s.Answered && s.LastError != "" {
				why += " (unreachable)"
			}
			parts = append(parts, fmt.Sprintf("stakepoold backend %d of %d is %s", i+1, len(sts), why))
		}
	}
	return strings.Join(parts, "; ")
}

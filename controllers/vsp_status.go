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
func (s *Server) status(c web.C, w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	reason := s.statusReason(r.Context())
	if reason != "" {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintln(w, reason)
		return
	}
	fmt.Fprintln(w, "OK")
}

func (s *Server) statusReason(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var parts []string
	sts := s.backends.Statuses()
	voters := 0
	for _, st := range sts {
		if st.CanVote() {
			voters++
		}
	}
	if voters == 0 {
		parts = append(parts, "no stakepoold backend can vote")
	}
	if err := s.store.Ping(ctx); err != nil {
		parts = append(parts, "database unreachable")
	}
	if r, _ := s.backends.Halted(); r != "" {
		parts = append(parts, "address creation halted: the voting wallets gave inconsistent answers")
	}
	for i, st := range sts {
		if st.State != stakepooldclient.StateHealthy {
			why := string(st.State)
			if p := st.Health.Problem(); st.Answered && p != "" {
				why += " (" + p + ")"
			} else if !st.Answered && st.LastError != "" {
				why += " (unreachable)"
			}
			parts = append(parts, fmt.Sprintf("stakepoold backend %d of %d is %s", i+1, len(sts), why))
		}
	}
	return strings.Join(parts, "; ")
}

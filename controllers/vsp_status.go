package controllers

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/zenazn/goji/web"
)

// status serves /status for monitoring: 200 "OK" when the database and
// every backend are healthy and address creation is not halted, otherwise
// 500 with a one-line reason. Backends are named by position, not address,
// since the endpoint needs no login; details are on /admin/status.
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
	if err := v.Store.Ping(ctx); err != nil {
		return "database unreachable"
	}
	if r, _ := v.Backends.Halted(); r != "" {
		return "address creation halted: the voting wallets gave inconsistent answers"
	}
	sts := v.Backends.Statuses()
	for i, s := range sts {
		if s.State != stakepooldclient.StateHealthy {
			why := string(s.State)
			if p := s.Health.Problem(); p != "" && !s.HealthAt.IsZero() {
				why += " (" + p + ")"
			}
			return fmt.Sprintf("stakepoold backend %d of %d is %s", i+1, len(sts), why)
		}
	}
	return ""
}

package system

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		status  int
		message string
	}{
		{"plain error is internal", errors.New("db down: password=secret"), 500, "Something went wrong"},
		{"invalid", E(KindInvalid, "Email is required."), 400, "Email is required."},
		{"unauthenticated", E(KindUnauthenticated, "Log in first."), 401, "Log in first."},
		{"permission", E(KindPermission, "Admins only."), 403, "Admins only."},
		{"not found", E(KindNotFound, ""), 404, "Not Found"},
		{"method", E(KindMethod, ""), 405, "Method Not Allowed"},
		{"exists", E(KindExists, "Taken."), 409, "Taken."},
		{"too large", &http.MaxBytesError{Limit: 10}, 413, "too large"},
		{"wrapped too large", fmt.Errorf("parse form: %w", &http.MaxBytesError{Limit: 10}), 413, "too large"},
		{"rate limited", E(KindRateLimited, "Slow down."), 429, "Slow down."},
		{"unavailable", Wrap(KindUnavailable, "Backends are down.", errors.New("dial")), 503, "Backends are down."},
		{"wrapped kind", fmt.Errorf("ctx: %w", E(KindInvalid, "bad")), 400, "bad"},
		{"internal with message hides it", Wrap(KindInternal, "secret detail", errors.New("x")), 500, "Something went wrong"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := KindOf(tc.err).Status(); got != tc.status {
				t.Errorf("status = %d, want %d", got, tc.status)
			}
			if got := PublicMessage(tc.err); !strings.Contains(got, tc.message) {
				t.Errorf("message = %q, want it to contain %q", got, tc.message)
			}
			if tc.status == 500 && strings.Contains(PublicMessage(tc.err), "secret") {
				t.Errorf("internal details leaked: %q", PublicMessage(tc.err))
			}
		})
	}
	if s := Kind(99).Status(); s != 500 {
		t.Errorf("unknown kind status = %d", s)
	}
}

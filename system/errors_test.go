package system

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/models"
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

// TestAPIAnswers: the one table gives the API's result code and HTTP
// status of every kind, and Label is the message an error was labelled
// with where it arose, internal ones included.
func TestAPIAnswers(t *testing.T) {
	dbDown := fmt.Errorf("query: %w", models.ErrUnavailable)
	tests := []struct {
		name   string
		err    error
		code   int
		status int
		label  string
	}{
		{"plain error", errors.New("boom"), 13, 200, ""},
		{"internal label", Wrap(KindInternal, "database error", errors.New("x")), 13, 200, "database error"},
		{"invalid", E(KindInvalid, "bad VoteBits"), 3, 200, "bad VoteBits"},
		{"unauthenticated", E(KindUnauthenticated, "invalid API token"), 16, 200, "invalid API token"},
		{"precondition", E(KindPermission, "no address submitted"), 9, 200, "no address submitted"},
		{"no command", E(KindNotFound, "invalid API command or version"), 3, 404, "invalid API command or version"},
		{"method", MethodError([]string{"GET"}), 12, 405, "This address does not accept that kind of request (HTTP method); use GET."},
		{"exists", E(KindExists, "taken"), 6, 200, "taken"},
		{"too large", &http.MaxBytesError{Limit: 1}, 3, 413, ""},
		{"rate limited", E(KindRateLimited, "slow"), 8, 200, "slow"},
		{"backends down", E(KindUnavailable, "RPC server error"), 14, 200, "RPC server error"},
		{"database down", dbDown, 14, 503, ""},
		{"database down, labelled", Wrap(KindUnavailable, "database unavailable", dbDown), 14, 503, "database unavailable"},
		{"database down inside an internal label", Wrap(KindInternal, "failed to store", dbDown), 13, 200, "failed to store"},
	}
	for _, tc := range tests {
		if got := KindOf(tc.err).APICode(); got != tc.code {
			t.Errorf("%s: code %d, want %d", tc.name, got, tc.code)
		}
		if got := APIStatus(tc.err); got != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.status)
		}
		if got := Label(tc.err); got != tc.label {
			t.Errorf("%s: label %q, want %q", tc.name, got, tc.label)
		}
	}
	if Kind(99).APICode() != 13 {
		t.Error("an unknown kind is not answered as internal")
	}
}

package controllers_test

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/controllers/webtest"
	"github.com/eacred/dcrstakepool/system"
)

// TestRetryAfterMatchesLimiter: a refused login says to come back when the
// limiter really gives a new attempt (one every 6 s here, as server.go
// configures logins), in the header and the message, not a fixed 60 s
// (issue 14).
func TestRetryAfterMatchesLimiter(t *testing.T) {
	env := webtest.New(t, webtest.Options{LoginLimit: system.NewRateLimiter(6*time.Second, 2)})
	env.CreateUser("ra@example.com", "password123", true)
	c := env.Client()
	bad := url.Values{"email": {"ra@example.com"}, "password": {"wrong password"}}
	c.Submit("/login", "/login", bad)
	c.Submit("/login", "/login", bad)
	p := c.Submit("/login", "/login", bad)
	wantStatus(t, "third attempt", p, 429)
	n, err := strconv.Atoi(p.Header.Get("Retry-After"))
	if err != nil || n < 1 || n > 6 {
		t.Errorf("Retry-After %q, want 1..6 seconds", p.Header.Get("Retry-After"))
	}
	wantBody(t, "message", p, "Try again in "+strconv.Itoa(n)+" second")
}

func TestPluralAndSeconds(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{system.Plural(0, "ticket", "tickets"), "0 tickets"},
		{system.Plural(1, "ticket", "tickets"), "1 ticket"},
		{system.Plural(2, "ticket", "tickets"), "2 tickets"},
		{system.Seconds(5500 * time.Millisecond), "6 seconds"},
		{system.Seconds(time.Second), "1 second"},
		{system.Seconds(time.Minute), "1 minute"},
		{system.Seconds(90 * time.Second), "1 minute 30 seconds"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

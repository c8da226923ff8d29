package controllers_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/controllers/webtest"
)

// TestSlidingSessionThroughTheSite: with the one-hour test sessions, a page
// visited in the last half hour extends the login (the response renews the
// cookie), a visit in the first half does not, and an idle login ends.
func TestSlidingSessionThroughTheSite(t *testing.T) {
	var offset atomic.Int64 // seconds added to the real clock
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load()) * time.Second) }
	set := func(d time.Duration) { offset.Store(int64(d / time.Second)) }
	forEachEngine(t, webtest.Options{Now: now}, func(t *testing.T, env *webtest.Env) {
		set(0)
		env.CreateUser("slide@example.com", "password123", true)
		c := env.Client()
		c.Login("slide@example.com", "password123")
		steps := []struct {
			at      time.Duration // after login
			status  int           // GET /settings: 200 logged in, 303 to login
			renewed bool          // response renews the session cookie
		}{
			{10 * time.Minute, 200, false},
			{40 * time.Minute, 200, true},  // last half: extended to 1h40m
			{50 * time.Minute, 200, false}, // 50m left: first half again
			{90 * time.Minute, 200, true},  // past the first expiry, extended to 2h30m
			{4 * time.Hour, 303, false},    // idle: gone
		}
		for _, st := range steps {
			set(st.at)
			p := c.Get("/settings")
			if p.Status != st.status {
				t.Fatalf("at %s: status %d, want %d", st.at, p.Status, st.status)
			}
			renewed := false
			for _, sc := range p.Header.Values("Set-Cookie") {
				if strings.HasPrefix(sc, "session=") && strings.Contains(sc, "Max-Age=3600") {
					renewed = true
				}
			}
			if renewed != st.renewed {
				t.Errorf("at %s: cookie renewed %v, want %v (%q)", st.at, renewed, st.renewed, p.Header.Values("Set-Cookie"))
			}
		}
	})
}

package system

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/decred/slog"
	"github.com/eacred/dcrstakepool/models"
	"github.com/zenazn/goji/web"
)

// ExtendSession on the in-memory store counts writes.
func (m *memSessions) ExtendSession(_ context.Context, id string, exp int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.extends++
	if s, ok := m.rows[id]; ok && s.ExpiresAt < exp {
		s.ExpiresAt = exp
	}
	return nil
}

// slideEnv is a session manager on a fake clock with one login made at t0.
type slideEnv struct {
	t      *testing.T
	s      *Sessions
	store  *memSessions
	t0     time.Time
	now    time.Time
	cookie *http.Cookie
}

func newSlideEnv(t *testing.T, maxAge time.Duration) *slideEnv {
	e := &slideEnv{t: t, store: &memSessions{rows: map[string]*models.Session{}},
		t0: time.Unix(1_700_000_000, 0)}
	e.now = e.t0
	e.s = NewSessions(e.store, "secret", maxAge, false, slog.Disabled)
	e.s.SetClock(func() time.Time { return e.now })
	w := httptest.NewRecorder()
	c := web.C{Env: map[any]any{}}
	if err := e.s.Start(context.Background(), &c, w, 7); err != nil {
		t.Fatal(err)
	}
	e.cookie = w.Result().Cookies()[0]
	return e
}

// request makes one request at t0+at and reports whether it was logged in
// and the Set-Cookie Max-Age it got (-2: no Set-Cookie).
func (e *slideEnv) request(at time.Duration) (loggedIn bool, maxAge int) {
	e.now = e.t0.Add(at)
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(e.cookie)
	w := httptest.NewRecorder()
	c := web.C{Env: map[any]any{}}
	e.s.Middleware(&c, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		loggedIn = CurrentUser(c) != nil
	})).ServeHTTP(w, r)
	maxAge = -2
	if cks := w.Result().Cookies(); len(cks) == 1 {
		maxAge = cks[0].MaxAge
		if cks[0].MaxAge > 0 && cks[0].Value != e.cookie.Value {
			e.t.Errorf("at %s: extension changed the cookie value", at)
		}
	} else if len(cks) > 1 {
		e.t.Errorf("at %s: %d Set-Cookie headers", at, len(cks))
	}
	return loggedIn, maxAge
}

// TestSlidingSessions walks one login through time: requests in the first
// half of the remaining life only read; a request in the last half extends
// the session (one write) to maxAge from then, cookie included; an idle
// session still dies; nothing extends past SessionLifetimeCap after login.
func TestSlidingSessions(t *testing.T) {
	const h = time.Hour
	tests := []struct {
		name     string
		maxAge   time.Duration
		steps    []time.Duration // request times after login
		loggedIn []bool
		cookie   []int // Set-Cookie Max-Age per step; -2 none, -1 cleared
		extends  int
	}{
		{"first half only reads", 6 * h,
			[]time.Duration{time.Minute, 2 * h, 3*h - time.Second},
			[]bool{true, true, true}, []int{-2, -2, -2}, 0},
		{"last half extends once", 6 * h,
			[]time.Duration{3*h + time.Second, 3*h + time.Minute, 4 * h},
			[]bool{true, true, true}, []int{6 * 3600, -2, -2}, 1},
		{"extended session lives maxAge from the extending request", 6 * h,
			[]time.Duration{5 * h, 11*h - time.Second, 11 * h},
			// 5h extends to 11h; 11h-1s extends to 17h-1s; 11h is within it.
			[]bool{true, true, true}, []int{6 * 3600, 6 * 3600, -2}, 2},
		{"idle session dies", 6 * h,
			[]time.Duration{5 * h, 11 * h},
			[]bool{true, false}, []int{6 * 3600, -1}, 1},
		{"no request: dies at maxAge", 6 * h,
			[]time.Duration{6 * h},
			[]bool{false}, []int{-1}, 0},
		{"cap: last extension is cut to 7 days after login", 100 * h,
			[]time.Duration{60 * h, 120 * h, 130 * h, 7*24*h - time.Second, 7 * 24 * h},
			// 60h extends to 160h; 120h only to the cap, 168h (48h left,
			// and the cookie says so); 130h is at the cap: no write.
			[]bool{true, true, true, true, false}, []int{100 * 3600, 48 * 3600, -2, -2, -1}, 2},
		{"sessionmaxage above the cap: no sliding", 8 * 24 * h,
			[]time.Duration{7 * 24 * h, 8*24*h - time.Second, 8 * 24 * h},
			[]bool{true, true, false}, []int{-2, -2, -1}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newSlideEnv(t, tc.maxAge)
			for i, at := range tc.steps {
				in, ma := e.request(at)
				if in != tc.loggedIn[i] || ma != tc.cookie[i] {
					t.Errorf("request at %s: logged in %v, cookie Max-Age %d; want %v, %d",
						at, in, ma, tc.loggedIn[i], tc.cookie[i])
				}
			}
			if e.store.extends != tc.extends {
				t.Errorf("%d database writes, want %d", e.store.extends, tc.extends)
			}
		})
	}
}

// TestSlidingSessionsBusyUser: a request every minute for a week keeps the
// login alive up to exactly the cap, with about one write per maxAge/2.
func TestSlidingSessionsBusyUser(t *testing.T) {
	e := newSlideEnv(t, 6*time.Hour)
	requests := 0
	for at := time.Minute; at < SessionLifetimeCap; at += time.Minute {
		requests++
		if in, _ := e.request(at); !in {
			t.Fatalf("logged out at %s, before the cap", at)
		}
	}
	if in, _ := e.request(SessionLifetimeCap); in {
		t.Error("still logged in at the cap")
	}
	// 168h / 3h = 56 extensions (the last one cut to the cap).
	if e.store.extends < 50 || e.store.extends > 60 {
		t.Errorf("%d writes for %d requests, want about 56", e.store.extends, requests)
	}
	for _, row := range e.store.rows {
		if got := time.Unix(row.ExpiresAt, 0); got.After(e.t0.Add(SessionLifetimeCap)) {
			t.Errorf("expiry %s is past the cap", got.Sub(e.t0))
		}
	}
}

// TestRowIDIsKeyedHMAC: a session's row id is the HMAC-SHA256 of the
// cookie value under the session key, in hex, whoever asks and however
// many ask at once (the HMAC states are reused).
func TestRowIDIsKeyedHMAC(t *testing.T) {
	s := NewSessions(&memSessions{rows: map[string]*models.Session{}}, "secret", time.Hour, false, slog.Disabled)
	want := func(cookie string) string {
		m := hmac.New(sha256.New, s.key)
		m.Write([]byte(cookie))
		return hex.EncodeToString(m.Sum(nil))
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				c := fmt.Sprintf("cookie %d of %d", i, g)
				if got := s.rowID(c); got != want(c) {
					t.Errorf("rowID(%q) = %s, want %s", c, got, want(c))
					return
				}
			}
		}()
	}
	wg.Wait()
	if other := NewSessions(nil, "other secret", time.Hour, false, slog.Disabled); other.rowID("c") == s.rowID("c") {
		t.Error("two cookie secrets give the same row id")
	}
}

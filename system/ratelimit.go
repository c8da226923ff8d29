package system

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimiter allows each key (a client IP) a burst of attempts refilled at
// a steady rate. Idle keys are forgotten so memory stays bounded.
type RateLimiter struct {
	every time.Duration
	burst int
	now   func() time.Time

	mu        sync.Mutex
	limiters  map[string]*limiterEntry
	lastSweep time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewRateLimiter allows burst attempts at once and one more every `every`.
func NewRateLimiter(every time.Duration, burst int) *RateLimiter {
	return &RateLimiter{every: every, burst: burst, now: time.Now, limiters: make(map[string]*limiterEntry)}
}

// Allow reports whether key may make an attempt now, and uses one up.
func (rl *RateLimiter) Allow(key string) bool {
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	idle := rl.every * time.Duration(rl.burst+1)
	if now.Sub(rl.lastSweep) > idle {
		for k, e := range rl.limiters {
			if now.Sub(e.seen) > idle {
				delete(rl.limiters, k)
			}
		}
		rl.lastSweep = now
	}
	e := rl.limiters[key]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(rate.Every(rl.every), rl.burst)}
		rl.limiters[key] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}

// Check uses up one attempt of key. When none is left it returns a
// KindRateLimited error whose message is msg followed by when to try again,
// and which carries that delay for the Retry-After header (RetryAfter).
func (rl *RateLimiter) Check(key, msg string) error {
	if rl.Allow(key) {
		return nil
	}
	d := rl.Delay(key)
	return &Error{Kind: KindRateLimited, Message: msg + " Try again in " + Seconds(d) + ".",
		Err: &RetryAfterError{After: d}}
}

// Delay is how long key must wait for its next attempt (0 if it has one).
func (rl *RateLimiter) Delay(key string) time.Duration {
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	e := rl.limiters[key]
	if e == nil {
		return 0
	}
	missing := 1 - e.lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(missing * float64(rl.every)))
}

// RetryAfterError says when a refused client may try again.
type RetryAfterError struct{ After time.Duration }

func (e *RetryAfterError) Error() string { return "rate limited; retry after " + e.After.String() }

// RetryAfter returns the Retry-After value (whole seconds, at least 1) for
// a rate-limited err, and false when err carries no delay.
func RetryAfter(err error) (string, bool) {
	var e *RetryAfterError
	if !errors.As(err, &e) {
		return "", false
	}
	return fmt.Sprint(max(1, int64(math.Ceil(e.After.Seconds())))), true
}

// Seconds writes d for people, rounded up to whole seconds: "1 second",
// "6 seconds", "2 minutes", "1 minute 30 seconds".
func Seconds(d time.Duration) string {
	s := max(1, int64(math.Ceil(d.Seconds())))
	m, s := s/60, s%60
	switch {
	case m == 0:
		return Plural(s, "second", "seconds")
	case s == 0:
		return Plural(m, "minute", "minutes")
	}
	return Plural(m, "minute", "minutes") + " " + Plural(s, "second", "seconds")
}

// Plural writes n with the singular or plural noun: "1 ticket", "0 tickets".
func Plural(n int64, one, many string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

package system

import (
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

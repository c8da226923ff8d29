package faultmatrix

import (
	"sync"
	"time"
)

// prefSlack is how long after the front end acknowledged a change of vote
// choices a vote may still carry the old ones: the vote may have been
// signed just before the acknowledgement reached the test.
const prefSlack = time.Second

// write is one attempt to change a user's vote bits.
type write struct {
	bits       uint16
	start, end time.Time
	acked      bool
}

// Prefs records every change of every user's vote bits, so a vote can be
// judged by the bits that were in force when its block was mined.
type Prefs struct {
	mu     sync.Mutex
	writes map[int64][]write // user id -> attempts in order; the first is the initial value
}

// NewPrefs starts the timeline with each user's initial bits.
func NewPrefs(users []*User) *Prefs {
	p := &Prefs{writes: make(map[int64][]write)}
	for _, u := range users {
		p.writes[u.ID] = []write{{bits: u.VoteBits, acked: true}}
	}
	return p
}

// Begin records the start of a change and returns its index for End.
func (p *Prefs) Begin(user int64, bits uint16) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.writes[user] = append(p.writes[user], write{bits: bits, start: time.Now()})
	return len(p.writes[user]) - 1
}

// End records the outcome of change i.
func (p *Prefs) End(user int64, i int, acked bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := &p.writes[user][i]
	w.end, w.acked = time.Now(), acked
}

// Allowed reports whether a vote with bits is right for user's ticket
// called at time t: bits of a change begun by t that no acknowledged later
// change had replaced by t-prefSlack. An unacknowledged change may or may
// not have taken effect, so it makes its bits allowed without making the
// earlier ones wrong.
func (p *Prefs) Allowed(user int64, bits uint16, t time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	ws := p.writes[user]
	for i, w := range ws {
		if w.bits != bits || (i > 0 && w.start.After(t)) {
			continue
		}
		replaced := false
		for _, later := range ws[i+1:] {
			if later.acked && later.end.Before(t.Add(-prefSlack)) {
				replaced = true
				break
			}
		}
		if !replaced {
			return true
		}
	}
	return false
}

// Writes returns a copy of user's change attempts (the initial value first).
func (p *Prefs) Writes(user int64) []write {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]write(nil), p.writes[user]...)
}

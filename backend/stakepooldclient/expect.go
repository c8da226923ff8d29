package stakepooldclient

import (
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/rpc/statedigest"
)

// expected is the state every backend must hold, as a digest kept up to
// date without reading the database on every poll: it is loaded in full
// from the Source at start-up, by every repair and every RefreshEvery, and
// between loads every write that goes through the Client updates it in O(1)
// before the write is sent (the database is written before the push, so
// it already holds the new value).
//
// gen counts changes and inflight the writes being sent: a poll compares a
// backend's digest only when no write was in flight and gen did not move
// while its Health call ran, so a write racing with a poll is never taken
// for a lost state.
type expected struct {
	mu       sync.Mutex
	known    bool
	loadedAt time.Time
	acc      statedigest.Acc
	users    map[int64]statedigest.Hash // record hash by user id
	tickets  []statedigest.Hash
	gen      uint64
	inflight int
}

// snapshot is what a poll compares with.
type snapshot struct {
	known  bool
	digest string
	users  int64
	gen    uint64
	busy   bool // a write is in flight
}

func (e *expected) snapshot() snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return snapshot{known: e.known, digest: e.acc.Digest(), users: e.acc.Users(), gen: e.gen, busy: e.inflight > 0}
}

// stable reports whether nothing changed since s was taken.
func (e *expected) stable(s snapshot) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gen == s.gen && e.inflight == 0 && !s.busy
}

func userRecord(p VotingPrefs) statedigest.Hash {
	return statedigest.UserHash(p)
}

func ticketRecord(t Ticket) statedigest.Hash {
	return statedigest.TicketHash(t)
}

// load replaces the whole expectation with what the Source returned. It is
// dropped when a write happened since gen was read (the Source may have
// been read before that write committed).
func (e *expected) load(prefs []VotingPrefs, tickets []Ticket, gen uint64, now time.Time) bool {
	m := make(map[int64]statedigest.Hash, len(prefs))
	var acc statedigest.Acc
	for _, p := range prefs {
		h := userRecord(p)
		m[p.UserID] = h
		acc.AddUser(h)
	}
	th := make([]statedigest.Hash, len(tickets))
	for i, t := range tickets {
		th[i] = ticketRecord(t)
		acc.AddTicket(th[i])
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gen != gen || e.inflight > 0 {
		return false
	}
	e.acc, e.users, e.tickets, e.known, e.loadedAt = acc, m, th, true, now
	e.gen++
	return true
}

// generation returns the current change counter (read before loading).
func (e *expected) generation() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gen
}

func (e *expected) age(now time.Time) (known bool, age time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.known, now.Sub(e.loadedAt)
}

// begin marks a write in flight after applying change; the returned
// function ends it.
func (e *expected) begin(change func()) func() {
	e.mu.Lock()
	change()
	e.gen++
	e.inflight++
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		e.inflight--
		e.gen++
		e.mu.Unlock()
	}
}

// setUser records one user's new preferences (caller holds e.mu via begin).
func (e *expected) setUser(p VotingPrefs) {
	if e.users == nil {
		e.users = map[int64]statedigest.Hash{}
	}
	if old, ok := e.users[p.UserID]; ok {
		e.acc.SubUser(old)
	}
	h := userRecord(p)
	e.users[p.UserID] = h
	e.acc.AddUser(h)
}

// setAllUsers replaces every user's preferences (caller holds e.mu).
func (e *expected) setAllUsers(prefs []VotingPrefs) {
	for _, h := range e.users {
		e.acc.SubUser(h)
	}
	e.users = make(map[int64]statedigest.Hash, len(prefs))
	for _, p := range prefs {
		h := userRecord(p)
		e.users[p.UserID] = h
		e.acc.AddUser(h)
	}
}

// setTickets replaces the added low-fee tickets (caller holds e.mu).
func (e *expected) setTickets(ts []Ticket) {
	for _, h := range e.tickets {
		e.acc.SubTicket(h)
	}
	e.tickets = make([]statedigest.Hash, len(ts))
	for i, t := range ts {
		e.tickets[i] = ticketRecord(t)
		e.acc.AddTicket(e.tickets[i])
	}
}

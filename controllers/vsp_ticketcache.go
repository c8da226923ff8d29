package controllers

import (
	"container/list"
	"context"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A user's tickets change only when a block is connected (or
// disconnected) and when a ticket is added to the wallets (an admin
// accepting a low-fee ticket, a repair giving a wallet a ticket it missed):
// the wallets record tickets when they are mined, not while they wait in
// the mempool. The tickets page asked a stakepoold, which asked its wallet
// (stakepooluserinfo), on every visit; ticketCache keeps each user's
// prepared ticket view for the current best block instead.
//
// The key is what the front end knows of the chain: every backend's best
// block hash and height from its last health poll (backendpoll, 1 s by
// default) and the client's verdict on it (healthy, repairing, down), so
// a new block, a reorganization at the same height (a new hash), a backend
// going down or being repaired all start a new, empty cache. A view is
// stored only when the key was already known for settle before its
// fetch began (a wallet a moment behind its node must not have its old
// answer kept for the whole block), only when no reset came in between,
// and is used for at most maxAge. Memory is bounded: the cache holds at
// most maxTickets tickets over all users, dropping the least recently
// used views first, and it empties itself at every new key.
type ticketCache struct {
	settle     time.Duration
	maxAge     time.Duration
	maxTickets int
	now        func() time.Time

	mu      sync.Mutex
	key     string    // the tip key the entries belong to
	since   time.Time // when key was first seen
	gen     uint64    // bumped by every reset: a fetch begun before one is not stored
	entries map[string]*list.Element
	lru     list.List // of *ticketEntry, most recently used first
	weight  int       // tickets held
}

type ticketEntry struct {
	addr   string
	view   *ticketView
	at     time.Time
	weight int
}

// Defaults of the Server's ticket cache.
const (
	ticketCacheSettle = time.Second
	ticketCacheMaxAge = 30 * time.Second
	// About 200 bytes a ticket: some 40 MB at most, five times the whole
	// network's live tickets.
	ticketCacheMaxTickets = 200_000
)

func newTicketCache(settle, maxAge time.Duration, maxTickets int, now func() time.Time) *ticketCache {
	return &ticketCache{settle: settle, maxAge: maxAge, maxTickets: maxTickets, now: now,
		entries: make(map[string]*list.Element)}
}

// view returns the view of addr's tickets for the tip key: the cached one
// when it is current, else load's (stored when it may be). An empty key
// (the tip is not known) bypasses the cache. The view returned is shared:
// callers must not modify it.
func (c *ticketCache) view(ctx context.Context, addr, key string,
	load func(context.Context) (*ticketView, error)) (*ticketView, error) {
	if key == "" {
		return load(ctx)
	}
	start := c.now()
	c.mu.Lock()
	if key != c.key {
		c.clearLocked()
		c.key, c.since = key, start
	}
	if el, ok := c.entries[addr]; ok {
		e := el.Value.(*ticketEntry)
		if age := start.Sub(e.at); age >= 0 && age < c.maxAge {
			c.lru.MoveToFront(el)
			c.mu.Unlock()
			return e.view, nil
		}
		c.removeLocked(el)
	}
	gen, storable := c.gen, start.Sub(c.since) >= c.settle
	c.mu.Unlock()

	v, err := load(ctx)
	if err != nil || !storable || v.partial {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.key != key {
		return v, nil // reset, or a new block, while loading
	}
	if el, ok := c.entries[addr]; ok {
		c.removeLocked(el) // a concurrent load of the same user
	}
	w := v.size() + 1
	if w > c.maxTickets {
		return v, nil
	}
	for c.weight+w > c.maxTickets {
		c.removeLocked(c.lru.Back())
	}
	c.entries[addr] = c.lru.PushFront(&ticketEntry{addr: addr, view: v, at: start, weight: w})
	c.weight += w
	return v, nil
}

// reset forgets every view (something other than a block changed users'
// tickets).
func (c *ticketCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
}

func (c *ticketCache) clearLocked() {
	c.gen++
	clear(c.entries)
	c.lru.Init()
	c.weight = 0
}

func (c *ticketCache) removeLocked(el *list.Element) {
	e := c.lru.Remove(el).(*ticketEntry)
	delete(c.entries, e.addr)
	c.weight -= e.weight
}

// stats returns how many views and tickets the cache holds (tests).
func (c *ticketCache) stats() (views, tickets int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.weight
}

// tipKey is the ticket cache's key: each backend's best block as its last
// health poll reported it, with the client's state of that backend. ""
// (no caching) when no backend reported a best block hash.
func (s *Server) tipKey() string {
	var b strings.Builder
	known := false
	for _, st := range s.backends.Statuses() {
		b.WriteString(st.Name)
		b.WriteByte(' ')
		b.WriteString(string(st.State))
		if !st.HealthAt.IsZero() && st.Health.BestHash != "" {
			known = true
			b.WriteByte(' ')
			b.WriteString(strconv.FormatInt(st.Health.BestHeight, 10))
			b.WriteByte(' ')
			b.WriteString(st.Health.BestHash)
		}
		b.WriteByte(';')
	}
	if !known {
		return ""
	}
	return b.String()
}

package controllers

import (
	"container/list"
	"context"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
)

// A user's tickets change only when a block is connected (or
// disconnected) and when a ticket is added to the wallets (an admin
// accepting a low-fee ticket, a repair giving a wallet a ticket it missed):
// the wallets record tickets when they are mined, not while they wait in
// the mempool. The tickets page asked a stakepoold, which asked its wallet
// (stakepooluserinfo), on every visit; ticketCache keeps each user's
// prepared ticket view for the best block instead.
//
// A view is good while the chain, as the front end knows it, is where it
// was when the view was loaded: the best block (height and hash) of the
// backend whose wallet answered, as that backend's last health poll
// reported it (backendpoll, 1 s by default), with the client's state of
// that backend (healthy, repairing, down), and the highest best height of
// all backends where that moves one of the user's tickets from immature to
// live (liveByChain). A new block, a reorganization to another block at
// the same height, the backend going down or being repaired: each makes
// the view stale. A view that shows low-fee tickets (whose states come
// from every backend) depends on every backend's tip. Each backend is
// judged on its own, so two backends whose polls report a block up to a
// second apart do not each invalidate it.
//
// A view is stored only when the tips it depends on were already known for
// settle before its load began (a wallet a moment behind its node must not
// have its old answer kept for the whole block) and no reset came in
// between, and it is used for at most maxAge. Memory is bounded: the cache
// holds at most maxTickets tickets over all users and drops the least
// recently used views first (a stale view is dropped when it is next
// asked for, or pushed out).
type ticketCache struct {
	settle     time.Duration
	maxAge     time.Duration
	maxTickets int
	now        func() time.Time

	mu      sync.Mutex
	seen    map[string]tipSeen // by backend name: its tip and when the cache first saw it
	gen     uint64             // bumped by every reset: a load begun before one is not stored
	entries map[string]*list.Element
	lru     list.List // of *ticketEntry, most recently used first
	weight  int       // tickets held
}

// chainView is what the front end knows of the chain at a request.
type chainView struct {
	// tips are, by backend name, its state and best block ("healthy 512
	// <hash>"), or "" when its best block hash is not known.
	tips map[string]string
	// height is the highest best height of the backends (the immature and
	// live split of liveByChain).
	height int64
}

type tipSeen struct {
	tip   string
	since time.Time
}

type ticketEntry struct {
	addr   string
	view   *ticketView
	at     time.Time
	weight int
	// deps are the tips the view depends on, by backend name.
	deps map[string]string
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
		seen: make(map[string]tipSeen), entries: make(map[string]*list.Element)}
}

// good reports whether e may be served for cv at now.
func (c *ticketCache) good(e *ticketEntry, cv chainView, now time.Time) bool {
	if age := now.Sub(e.at); age < 0 || age >= c.maxAge {
		return false
	}
	for name, tip := range e.deps {
		if cv.tips[name] != tip {
			return false
		}
	}
	return cv.height >= e.view.liveFrom && cv.height < e.view.liveUntil
}

// view returns the view of addr's tickets for the chain cv: the cached one
// when it is good, else load's (stored when it may be). load returns the
// view and the name of the backend whose wallet answered. When no
// backend's tip is known the cache is bypassed. The view returned is
// shared: callers must not modify it.
func (c *ticketCache) view(ctx context.Context, addr string, cv chainView,
	load func(context.Context) (*ticketView, string, error)) (*ticketView, error) {
	known := false
	for _, tip := range cv.tips {
		known = known || tip != ""
	}
	if !known {
		v, _, err := load(ctx)
		return v, err
	}
	start := c.now()
	c.mu.Lock()
	since := make(map[string]time.Time, len(cv.tips))
	for name, tip := range cv.tips {
		if sn, ok := c.seen[name]; !ok || sn.tip != tip {
			c.seen[name] = tipSeen{tip, start}
		}
		since[name] = c.seen[name].since
	}
	if el, ok := c.entries[addr]; ok {
		e := el.Value.(*ticketEntry)
		if c.good(e, cv, start) {
			c.lru.MoveToFront(el)
			c.mu.Unlock()
			return e.view, nil
		}
		c.removeLocked(el)
	}
	gen := c.gen
	c.mu.Unlock()

	v, from, err := load(ctx)
	if err != nil || v.partial || cv.tips[from] == "" {
		return v, err
	}
	deps := map[string]string{from: cv.tips[from]}
	if v.lowFee {
		deps = cv.tips
	}
	for name := range deps {
		if start.Sub(since[name]) < c.settle {
			return v, nil // a tip seen too recently
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return v, nil // reset while loading
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
	c.entries[addr] = c.lru.PushFront(&ticketEntry{addr: addr, view: v, at: start, weight: w, deps: deps})
	c.weight += w
	return v, nil
}

// reset forgets every view (something other than a block changed users'
// tickets).
func (c *ticketCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
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

// chainView is the backends' tips from their last health polls.
func (s *Server) chainView() chainView {
	sts := s.backends.Statuses()
	cv := chainView{tips: make(map[string]string, len(sts))}
	for _, st := range sts {
		tip := ""
		if !st.HealthAt.IsZero() {
			cv.height = max(cv.height, st.Health.BestHeight)
			if st.Health.BestHash != "" {
				tip = string(st.State) + " " + strconv.FormatInt(st.Health.BestHeight, 10) + " " + st.Health.BestHash
			}
		}
		cv.tips[st.Name] = tip
	}
	return cv
}

// liveRange is the range of tips [from, until) over which liveByChain
// leaves tickets as it does at tip.
func liveRange(ts []stakepooldclient.UserTicket, tip, maturity int64) (from, until int64) {
	from, until = math.MinInt64, math.MaxInt64
	for i := range ts {
		t := &ts[i]
		if t.Status != stakepooldclient.StatusImmature || t.TicketHeight == 0 {
			continue
		}
		switch at := int64(t.TicketHeight) + maturity; {
		case at <= tip:
			from = max(from, at)
		default:
			until = min(until, at)
		}
	}
	return from, until
}

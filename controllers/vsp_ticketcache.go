package controllers

import (
	"container/list"
	"context"
	"math"
	"slices"
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
// What the front end knows of the chain is each backend's last health poll
// (backendpoll, 1 s by default): the best block (height and hash) of that
// backend's node, and the client's state of the backend (healthy,
// repairing, down). Since API 1.4 a stakepoold labels each list with its
// wallet's best block, read before the wallet listed the tickets, so a
// list is of its label's block or a later one, never an earlier one. A
// view is stored under its label, with the backend's state at the request,
// and served while that backend's last poll reports the label's block (by
// hash: another block at the same height is a reorganization) and that
// state, and while the highest best height of all backends leaves the
// immature/live split of the user's tickets as it was (liveByChain).
// Both ways a wallet and its poll can differ are safe:
//
//   - a wallet behind its node (the poll already reports block k, the
//     wallet is still at k-1): the list is labelled k-1 and never served
//     for k; it is not even stored, and the next visit asks again;
//   - a poll behind the chain (the wallet already has block k, the last
//     poll said k-1): the list is labelled k and is served once the poll
//     reports k; until then a view labelled k-1 is served, which is as old
//     as the poll (the staleness every page of the front end has). A list
//     newer than its label (the wallet took block k+1 between the two
//     calls) shows at most what the next poll reports anyway.
//
// A backend before API 1.4 gives no label: its view is stored under its
// poll's tip only when that tip was already known for settle before the
// load began (a wallet a moment behind its node must not have its old
// answer kept for the whole block). A view that shows low-fee tickets
// (whose states come from every stakepoold's own tracking, which carries no
// label) depends on every backend's poll, each tip known for settle, and
// when labelled the label must be the answering backend's polled tip.
// Otherwise each backend is judged on its own, so two backends whose polls
// report a block up to a second apart do not each invalidate a view.
//
// Concurrent misses of one user at one chain view share one load (one
// stakepoold and wallet call); each waiter gives up when its own request
// ends, the load runs on for the others. No view loaded across a reset is
// stored, and a view is used for at most maxAge. Memory is bounded: the
// cache holds at most maxTickets tickets over all users and drops the least
// recently used views first (a stale view is dropped when it is next asked
// for, or pushed out).
type ticketCache struct {
	settle     time.Duration
	maxAge     time.Duration
	maxTickets int
	now        func() time.Time

	mu      sync.Mutex
	seen    map[string]tipSeen // by backend name: its tip and when the cache first saw it
	gen     uint64             // bumped by every reset: a load begun before one is not stored
	entries map[string]*list.Element
	lru     list.List                // of *ticketEntry, most recently used first
	weight  int                      // tickets held
	flights map[string]*ticketFlight // loads in progress, by user and chain view
}

// backendTip is one backend as the cache sees it: the client's state of it
// and a best block (the poll's, or a wallet's label).
type backendTip struct {
	state  stakepooldclient.State
	height int64
	hash   string // "" when not known
}

func (t backendTip) known() bool { return t.hash != "" }

// sameBlock reports whether t and o name the same block.
func (t backendTip) sameBlock(o backendTip) bool { return t.height == o.height && t.hash == o.hash }

// chainView is what the front end knows of the chain at a request.
type chainView struct {
	// tips are, by backend name, its state and its node's best block at its
	// last health poll (hash "" when not known).
	tips map[string]backendTip
	// height is the highest best height of the backends (the immature and
	// live split of liveByChain).
	height int64
}

// key identifies cv among the chain views of its backends.
func (cv chainView) key() string {
	names := make([]string, 0, len(cv.tips))
	for name := range cv.tips {
		names = append(names, name)
	}
	slices.Sort(names)
	b := make([]byte, 0, 100*len(names)+20)
	b = strconv.AppendInt(b, cv.height, 10)
	for _, name := range names {
		t := cv.tips[name]
		b = append(b, 0)
		b = append(b, name...)
		b = append(b, ' ')
		b = append(b, t.state...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, t.height, 10)
		b = append(b, ' ')
		b = append(b, t.hash...)
	}
	return string(b)
}

// ticketLoad is what a load of a user's tickets gives: the view, the name
// of the backend whose wallet answered, and that wallet's label (hash ""
// from a backend before API 1.4).
type ticketLoad struct {
	view  *ticketView
	from  string
	label backendTip
}

// ticketFlight is one load in progress; done is closed when load and err
// are set.
type ticketFlight struct {
	done chan struct{}
	load ticketLoad
	err  error
}

type tipSeen struct {
	tip   backendTip
	since time.Time
}

type ticketEntry struct {
	addr   string
	view   *ticketView
	at     time.Time
	weight int
	// deps are the tips the view depends on, by backend name.
	deps map[string]backendTip
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
		seen: make(map[string]tipSeen), entries: make(map[string]*list.Element),
		flights: make(map[string]*ticketFlight)}
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
// when it is good, else load's (stored when it may be), a load shared with
// the other requests for addr at cv that miss meanwhile. When no backend's
// tip is known the cache is bypassed. The view returned is shared: callers
// must not modify it.
func (c *ticketCache) view(ctx context.Context, addr string, cv chainView,
	load func(context.Context) (ticketLoad, error)) (*ticketView, error) {
	known := false
	for _, tip := range cv.tips {
		known = known || tip.known()
	}
	if !known {
		l, err := load(ctx)
		return l.view, err
	}
	start := c.now()
	key := addr + "\x00" + cv.key()
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
	f, ok := c.flights[key]
	if !ok {
		f = &ticketFlight{done: make(chan struct{})}
		c.flights[key] = f
		// The load is not bound to this request: others may wait for it.
		go c.fill(context.WithoutCancel(ctx), f, key, addr, cv, start, since, c.gen, load)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.load.view, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fill runs flight f's load and stores its view when it may be kept.
func (c *ticketCache) fill(ctx context.Context, f *ticketFlight, key, addr string, cv chainView,
	start time.Time, since map[string]time.Time, gen uint64, load func(context.Context) (ticketLoad, error)) {
	defer close(f.done)
	f.load, f.err = load(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.flights[key] == f {
		delete(c.flights, key)
	}
	if f.err != nil || c.gen != gen {
		return // failed, or reset while loading
	}
	deps := c.depsOf(f.load, cv, start, since)
	if deps == nil {
		return
	}
	v := f.load.view
	if el, ok := c.entries[addr]; ok {
		c.removeLocked(el) // a load of the same user for another chain view
	}
	w := v.size() + 1
	if w > c.maxTickets {
		return
	}
	for c.weight+w > c.maxTickets {
		c.removeLocked(c.lru.Back())
	}
	c.entries[addr] = c.lru.PushFront(&ticketEntry{addr: addr, view: v, at: start, weight: w, deps: deps})
	c.weight += w
}

// depsOf returns the tips a loaded view may be kept under, nil when it may
// not be kept (the rules in ticketCache's comment).
func (c *ticketCache) depsOf(l ticketLoad, cv chainView, start time.Time, since map[string]time.Time) map[string]backendTip {
	polled := cv.tips[l.from]
	if l.view.partial || !polled.known() {
		return nil
	}
	if l.label.known() && !l.view.lowFee {
		if l.label.height < polled.height {
			return nil // a wallet behind its node: never served for the polled tip
		}
		return map[string]backendTip{l.from: {state: polled.state, height: l.label.height, hash: l.label.hash}}
	}
	if l.label.known() && !l.label.sameBlock(polled) {
		return nil // a low-fee view is kept only for the polled tips
	}
	deps := map[string]backendTip{l.from: polled}
	if l.view.lowFee {
		deps = cv.tips
	}
	for name := range deps {
		if start.Sub(since[name]) < c.settle {
			return nil // a tip seen too recently
		}
	}
	return deps
}

// reset forgets every view (something other than a block changed users'
// tickets).
func (c *ticketCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
	clear(c.flights) // their loads may predate the change: later misses load afresh
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

// chainView is the backends' tips from their last health polls (their
// nodes' best blocks: Health.BestHash is ecrd's tip, not the wallet's).
func (s *Server) chainView() chainView {
	sts := s.backends.Statuses()
	cv := chainView{tips: make(map[string]backendTip, len(sts))}
	for _, st := range sts {
		var tip backendTip
		if !st.HealthAt.IsZero() {
			cv.height = max(cv.height, st.Health.BestHeight)
			if st.Health.BestHash != "" {
				tip = backendTip{state: st.State, height: st.Health.BestHeight, hash: st.Health.BestHash}
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

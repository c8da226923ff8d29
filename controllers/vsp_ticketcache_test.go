package controllers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
)

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock           { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

// viewOf is a view of n tickets whose immature/live split holds at every
// height.
func viewOf(n int) *ticketView {
	return &ticketView{total: n, liveFrom: math.MinInt64, liveUntil: math.MaxInt64}
}

// loader counts loads and answers v from backend from, labelled with the
// wallet's best block label ("height hash"; "" for a backend before API
// 1.4, which gives no label).
type loader struct {
	n     int
	from  string
	label string
}

func (l *loader) of(v *ticketView) func(context.Context) (ticketLoad, error) {
	return func(context.Context) (ticketLoad, error) {
		l.n++
		return ticketLoad{view: v, from: l.from, label: parseTip("label " + l.label)}, nil
	}
}

// parseTip reads "state height hash" ("" is an unknown tip).
func parseTip(s string) backendTip {
	f := strings.Fields(s)
	if len(f) != 3 {
		return backendTip{}
	}
	h, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		panic(err)
	}
	st := stakepooldclient.State(f[0])
	if st == "label" {
		st = ""
	}
	return backendTip{state: st, height: h, hash: f[2]}
}

// chain is a chainView of two backends b1, b2 at the given tips ("state
// height hash", "" when unknown).
func chain(height int64, tip1, tip2 string) chainView {
	return chainView{tips: map[string]backendTip{"b1": parseTip(tip1), "b2": parseTip(tip2)}, height: height}
}

func TestTicketCacheKeepsViewForTheBlock(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(time.Second, time.Minute, 1000, clk.now)
	ctx := context.Background()
	cv := chain(100, "healthy 100 aaaa", "healthy 100 aaaa")
	l := &loader{from: "b1"}
	v := viewOf(3)
	// The first look at a new tip only loads: the wallet may be a moment
	// behind the node that reported the tip.
	if got, _ := c.view(ctx, "user1", cv, l.of(v)); got != v || l.n != 1 {
		t.Fatalf("first view: %p, %d loads", got, l.n)
	}
	if _, err := c.view(ctx, "user1", cv, l.of(v)); err != nil {
		t.Fatal(err)
	}
	if l.n != 2 {
		t.Fatalf("a view loaded within the settle time was kept (%d loads)", l.n)
	}
	clk.add(time.Second)
	if _, err := c.view(ctx, "user1", cv, l.of(v)); err != nil { // loaded and kept
		t.Fatal(err)
	}
	for range 5 {
		if got, _ := c.view(ctx, "user1", cv, l.of(viewOf(9))); got != v {
			t.Fatal("cached view not returned")
		}
	}
	if l.n != 3 {
		t.Fatalf("%d loads for one block, want 3", l.n)
	}
	// Another user is loaded on its own.
	if _, err := c.view(ctx, "user2", cv, l.of(viewOf(1))); err != nil {
		t.Fatal(err)
	}
	if l.n != 4 {
		t.Fatalf("another user's view was not loaded (%d loads)", l.n)
	}
	if views, tickets := c.stats(); views != 2 || tickets != (3*3+1)+(1*3+1) {
		t.Fatalf("cache holds %d views, weight %d", views, tickets)
	}
}

// TestTicketCacheNewBlockAndReorg: a new block of the backend that
// answered, a reorganization to another block at the same height, and that
// backend going down each make its views stale; the other backend's tip
// does not (unless the view shows low-fee tickets, whose states come from
// every backend).
func TestTicketCacheNewBlockAndReorg(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(time.Second, time.Minute, 1000, clk.now)
	ctx := context.Background()
	l := &loader{from: "b1"}
	fill := func(cv chainView, v *ticketView) {
		t.Helper()
		if _, err := c.view(ctx, "user1", cv, l.of(v)); err != nil { // first sight of the tips
			t.Fatal(err)
		}
		clk.add(time.Second)
		if _, err := c.view(ctx, "user1", cv, l.of(v)); err != nil {
			t.Fatal(err)
		}
		n := l.n
		if got, _ := c.view(ctx, "user1", cv, l.of(viewOf(99))); got != v || l.n != n {
			t.Fatalf("view for %v not cached", cv)
		}
	}
	stale := func(what string, cv chainView, old *ticketView) {
		t.Helper()
		n := l.n
		if got, _ := c.view(ctx, "user1", cv, l.of(viewOf(98))); got == old || l.n != n+1 {
			t.Fatalf("%s: the old view was served", what)
		}
	}
	a := chain(100, "healthy 100 aaaa", "healthy 100 aaaa")
	old := viewOf(1)
	fill(a, old)
	// The other backend moves first: the view of b1's wallet still holds.
	if got, _ := c.view(ctx, "user1", chain(101, "healthy 100 aaaa", "healthy 101 cccc"), l.of(viewOf(97))); got != old {
		t.Fatal("another backend's new block made the answering backend's view stale")
	}
	// Same height, another hash on the backend that answered: a
	// reorganization.
	stale("reorganization", chain(100, "healthy 100 bbbb", "healthy 100 aaaa"), old)
	reorged := viewOf(2)
	fill(chain(100, "healthy 100 bbbb", "healthy 100 aaaa"), reorged)
	stale("new block", chain(101, "healthy 101 cccc", "healthy 100 aaaa"), reorged)
	next := viewOf(3)
	fill(chain(101, "healthy 101 cccc", "healthy 101 cccc"), next)
	stale("backend down", chain(101, "down 101 cccc", "healthy 101 cccc"), next)
	// Back to a tip seen before: the view must be loaded again.
	stale("old tip again", chain(100, "healthy 100 bbbb", "healthy 100 aaaa"), reorged)

	low := viewOf(4)
	low.lowFee = true
	d := chain(102, "healthy 102 dddd", "healthy 102 dddd")
	fill(d, low)
	stale("low-fee view, other backend's block", chain(103, "healthy 102 dddd", "healthy 103 eeee"), low)
}

// TestTicketCacheLiveSplit: a view holds while the highest best height
// leaves the immature/live split of its tickets as it was (liveRange).
func TestTicketCacheLiveSplit(t *testing.T) {
	const maturity = 16
	ts := []stakepooldclient.UserTicket{
		{Hash: "a", Status: stakepooldclient.StatusImmature, TicketHeight: 90}, // live from 106
		{Hash: "b", Status: stakepooldclient.StatusImmature, TicketHeight: 95}, // live from 111
		{Hash: "c", Status: stakepooldclient.StatusImmature, TicketHeight: 0},  // added: never moved
		{Hash: "d", Status: stakepooldclient.StatusLive, TicketHeight: 20},
	}
	for _, tc := range []struct{ tip, from, until int64 }{
		{100, math.MinInt64, 106}, {106, 106, 111}, {110, 106, 111}, {111, 111, math.MaxInt64},
	} {
		if from, until := liveRange(ts, tc.tip, maturity); from != tc.from || until != tc.until {
			t.Errorf("tip %d: [%d, %d), want [%d, %d)", tc.tip, from, until, tc.from, tc.until)
		}
		// The range is exactly where liveByChain gives the same answer.
		want := fmt.Sprint(liveByChain(ts, tc.tip, maturity))
		for _, h := range []int64{tc.from, tc.until - 1} {
			if h == math.MinInt64 || h == math.MaxInt64-1 {
				continue
			}
			if got := fmt.Sprint(liveByChain(ts, h, maturity)); got != want {
				t.Errorf("tip %d: at %d the split differs", tc.tip, h)
			}
		}
		if tc.until != math.MaxInt64 && fmt.Sprint(liveByChain(ts, tc.until, maturity)) == want {
			t.Errorf("tip %d: the split does not change at %d", tc.tip, tc.until)
		}
	}
	clk := newFakeClock()
	c := newTicketCache(0, time.Minute, 1000, clk.now)
	ctx := context.Background()
	l := &loader{from: "b1"}
	v := viewOf(2)
	v.liveFrom, v.liveUntil = 106, 111
	if _, err := c.view(ctx, "u", chain(108, "healthy 100 aaaa", ""), l.of(v)); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.view(ctx, "u", chain(110, "healthy 100 aaaa", ""), l.of(viewOf(1))); got != v {
		t.Fatal("view dropped within its live range")
	}
	if got, _ := c.view(ctx, "u", chain(111, "healthy 100 aaaa", ""), l.of(viewOf(1))); got == v {
		t.Fatal("view served after a ticket went live")
	}
}

func TestTicketCacheResetAndConcurrentLoad(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(0, time.Minute, 1000, clk.now)
	ctx := context.Background()
	cv := chain(1, "healthy 1 k", "")
	l := &loader{from: "b1"}
	if _, err := c.view(ctx, "u", cv, l.of(viewOf(1))); err != nil {
		t.Fatal(err)
	}
	c.reset()
	if views, _ := c.stats(); views != 0 {
		t.Fatal("reset kept views")
	}
	// A load that began before a reset is not stored: it may predate the
	// change that caused the reset.
	if _, err := c.view(ctx, "u", cv, func(context.Context) (ticketLoad, error) {
		c.reset()
		return ticketLoad{view: viewOf(1), from: "b1"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if views, _ := c.stats(); views != 0 {
		t.Fatal("a view loaded across a reset was stored")
	}
	// An answer from a backend whose tip is not known is not stored.
	if _, err := c.view(ctx, "u", cv, (&loader{from: "b2"}).of(viewOf(1))); err != nil {
		t.Fatal(err)
	}
	if views, _ := c.stats(); views != 0 {
		t.Fatal("a view of a backend with an unknown tip was stored")
	}
}

func TestTicketCacheBypassAndFailures(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(0, time.Minute, 1000, clk.now)
	ctx := context.Background()
	l := &loader{from: "b1"}
	for range 3 {
		if _, err := c.view(ctx, "u", chain(5, "", ""), l.of(viewOf(1))); err != nil { // no tip known
			t.Fatal(err)
		}
	}
	if l.n != 3 {
		t.Fatalf("an unknown tip was cached (%d loads)", l.n)
	}
	cv := chain(5, "healthy 5 k", "healthy 5 k")
	boom := errors.New("down")
	if _, err := c.view(ctx, "u", cv, func(context.Context) (ticketLoad, error) { return ticketLoad{}, boom }); err != boom {
		t.Fatalf("error %v", err)
	}
	partial := viewOf(1)
	partial.partial = true
	if _, err := c.view(ctx, "u", cv, l.of(partial)); err != nil {
		t.Fatal(err)
	}
	if views, _ := c.stats(); views != 0 {
		t.Fatal("an error or a partial view was cached")
	}
	// maxAge bounds a view even within one block.
	v := viewOf(1)
	if _, err := c.view(ctx, "u", cv, l.of(v)); err != nil {
		t.Fatal(err)
	}
	clk.add(59 * time.Second)
	if got, _ := c.view(ctx, "u", cv, l.of(viewOf(2))); got != v {
		t.Fatal("view dropped before maxAge")
	}
	clk.add(time.Second)
	if got, _ := c.view(ctx, "u", cv, l.of(viewOf(2))); got == v {
		t.Fatal("view served past maxAge")
	}
}

// TestTicketCacheBound: the cache holds at most maxTickets tickets,
// dropping the least recently used views first; a view larger than the
// whole budget is served but not kept.
func TestTicketCacheBound(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(0, time.Minute, 100, clk.now)
	ctx := context.Background()
	cv := chain(5, "healthy 5 k", "")
	l := &loader{from: "b1"}
	for _, u := range []string{"a", "b", "c"} {
		if _, err := c.view(ctx, u, cv, l.of(viewOf(9))); err != nil { // weight 9 + 2×9 (first page) + 1 = 28 each
			t.Fatal(err)
		}
	}
	if _, err := c.view(ctx, "a", cv, l.of(viewOf(9))); err != nil { // a is now the most recent
		t.Fatal(err)
	}
	if _, err := c.view(ctx, "d", cv, l.of(viewOf(9))); err != nil { // evicts b
		t.Fatal(err)
	}
	if views, tickets := c.stats(); views != 3 || tickets != 84 {
		t.Fatalf("%d views, %d tickets", views, tickets)
	}
	l.n = 0
	for _, u := range []string{"a", "c", "d"} {
		if _, err := c.view(ctx, u, cv, l.of(viewOf(9))); err != nil {
			t.Fatal(err)
		}
	}
	if l.n != 0 {
		t.Fatalf("recently used views were evicted (%d loads)", l.n)
	}
	if _, err := c.view(ctx, "b", cv, l.of(viewOf(9))); err != nil {
		t.Fatal(err)
	}
	if l.n != 1 {
		t.Fatal("the least recently used view was kept")
	}
	if _, err := c.view(ctx, "huge", cv, l.of(viewOf(500))); err != nil {
		t.Fatal(err)
	}
	if views, tickets := c.stats(); views != 3 || tickets > 100 {
		t.Fatalf("after a view larger than the budget: %d views, %d tickets", views, tickets)
	}
}

// BenchmarkTicketView40960 prepares and pages the tickets of a user
// holding 40,960 live tickets (the uncached tickets page without the
// backend call and the template).
func BenchmarkTicketView40960(b *testing.B) {
	ts := make([]stakepooldclient.UserTicket, 40960)
	for i := range ts {
		ts[i] = stakepooldclient.UserTicket{Hash: fmt.Sprintf("%064x", i*7919%40960), Status: stakepooldclient.StatusLive,
			TicketHeight: uint32(1000 + i*31%2000)}
	}
	b.ReportAllocs()
	for b.Loop() {
		v := &ticketView{sections: sortTicketSections(ts), total: len(ts)}
		if _, err := buildTicketGroups(v, nil, ticketPageSize, 1000, "", nil); err != nil {
			b.Fatal(err)
		}
	}
}

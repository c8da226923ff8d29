package controllers

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepooldclient"
)

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock           { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }
func viewOf(n int) *ticketView           { return &ticketView{total: n} }
func countingLoad(n *int, v *ticketView) func(context.Context) (*ticketView, error) {
	return func(context.Context) (*ticketView, error) { *n++; return v, nil }
}

func TestTicketCacheKeepsViewForTheBlock(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(time.Second, time.Minute, 1000, clk.now)
	ctx := context.Background()
	const tipA = "b1 healthy 100 aaaa;"
	loads := 0
	v := viewOf(3)
	// The first look at a new tip only loads: the wallet may be a moment
	// behind the node that reported the tip.
	if got, _ := c.view(ctx, "user1", tipA, countingLoad(&loads, v)); got != v || loads != 1 {
		t.Fatalf("first view: %p, %d loads", got, loads)
	}
	if _, _ = c.view(ctx, "user1", tipA, countingLoad(&loads, v)); loads != 2 {
		t.Fatalf("a view loaded within the settle time was kept (%d loads)", loads)
	}
	clk.add(time.Second)
	c.view(ctx, "user1", tipA, countingLoad(&loads, v)) // loaded and kept
	for range 5 {
		if got, _ := c.view(ctx, "user1", tipA, countingLoad(&loads, viewOf(9))); got != v {
			t.Fatal("cached view not returned")
		}
	}
	if loads != 3 {
		t.Fatalf("%d loads for one block, want 3", loads)
	}
	// Another user is loaded on its own.
	c.view(ctx, "user2", tipA, countingLoad(&loads, viewOf(1)))
	if loads != 4 {
		t.Fatalf("another user's view was not loaded (%d loads)", loads)
	}
	if views, tickets := c.stats(); views != 2 || tickets != 3+1+1+1 {
		t.Fatalf("cache holds %d views, weight %d", views, tickets)
	}
}

// TestTicketCacheNewBlockAndReorg: a new block, and a reorganization to
// another block at the same height, each drop every cached view.
func TestTicketCacheNewBlockAndReorg(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(time.Second, time.Minute, 1000, clk.now)
	ctx := context.Background()
	fill := func(key string, v *ticketView) {
		t.Helper()
		loads := 0
		c.view(ctx, "user1", key, countingLoad(&loads, v)) // first sight of key
		clk.add(time.Second)
		c.view(ctx, "user1", key, countingLoad(&loads, v))
		if got, _ := c.view(ctx, "user1", key, countingLoad(&loads, viewOf(99))); got != v || loads != 2 {
			t.Fatalf("view for %q not cached (%d loads)", key, loads)
		}
	}
	old, reorged, next := viewOf(1), viewOf(2), viewOf(3)
	fill("b1 healthy 100 aaaa;", old)
	// Same height, another hash: a reorganization.
	loads := 0
	if got, _ := c.view(ctx, "user1", "b1 healthy 100 bbbb;", countingLoad(&loads, reorged)); got != reorged || loads != 1 {
		t.Fatal("the view of the block that was reorganized away was served")
	}
	if views, _ := c.stats(); views != 0 {
		t.Fatalf("%d views kept across the reorganization", views)
	}
	fill("b1 healthy 100 bbbb;", reorged)
	fill("b1 healthy 101 cccc;", next)
	// Back to a key seen before: nothing of it is left.
	if got, _ := c.view(ctx, "user1", "b1 healthy 100 bbbb;", countingLoad(&loads, viewOf(7))); got == reorged {
		t.Fatal("a view of an older key came back")
	}
}

func TestTicketCacheResetAndConcurrentLoad(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(0, time.Minute, 1000, clk.now)
	ctx := context.Background()
	const key = "k;"
	loads := 0
	c.view(ctx, "u", key, countingLoad(&loads, viewOf(1)))
	c.reset()
	if views, _ := c.stats(); views != 0 {
		t.Fatal("reset kept views")
	}
	// A load that began before a reset is not stored: it may predate the
	// change that caused the reset.
	c.view(ctx, "u", key, func(context.Context) (*ticketView, error) {
		c.reset()
		return viewOf(1), nil
	})
	if views, _ := c.stats(); views != 0 {
		t.Fatal("a view loaded across a reset was stored")
	}
	// Nor one whose key was replaced while it loaded.
	c.view(ctx, "u", key, func(context.Context) (*ticketView, error) {
		c.view(ctx, "other", "k2;", countingLoad(&loads, viewOf(1)))
		return viewOf(1), nil
	})
	if _, _ = c.view(ctx, "u", "k2;", countingLoad(&loads, viewOf(1))); loads != 3 {
		t.Fatalf("%d loads: a view loaded under an old key was kept", loads)
	}
}

func TestTicketCacheBypassAndFailures(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(0, time.Minute, 1000, clk.now)
	ctx := context.Background()
	loads := 0
	for range 3 {
		c.view(ctx, "u", "", countingLoad(&loads, viewOf(1))) // tip unknown
	}
	if loads != 3 {
		t.Fatalf("an unknown tip was cached (%d loads)", loads)
	}
	boom := errors.New("down")
	if _, err := c.view(ctx, "u", "k;", func(context.Context) (*ticketView, error) { return nil, boom }); err != boom {
		t.Fatalf("error %v", err)
	}
	partial := &ticketView{total: 1, partial: true}
	c.view(ctx, "u", "k;", countingLoad(&loads, partial))
	if views, _ := c.stats(); views != 0 {
		t.Fatal("an error or a partial view was cached")
	}
	// maxAge bounds a view even within one block.
	v := viewOf(1)
	c.view(ctx, "u", "k;", countingLoad(&loads, v))
	clk.add(59 * time.Second)
	if got, _ := c.view(ctx, "u", "k;", countingLoad(&loads, viewOf(2))); got != v {
		t.Fatal("view dropped before maxAge")
	}
	clk.add(time.Second)
	if got, _ := c.view(ctx, "u", "k;", countingLoad(&loads, viewOf(2))); got == v {
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
	loads := 0
	for _, u := range []string{"a", "b", "c"} {
		c.view(ctx, u, "k;", countingLoad(&loads, viewOf(29))) // weight 30 each
	}
	c.view(ctx, "a", "k;", countingLoad(&loads, viewOf(29))) // a is now the most recent
	c.view(ctx, "d", "k;", countingLoad(&loads, viewOf(29))) // evicts b
	if views, tickets := c.stats(); views != 3 || tickets != 90 {
		t.Fatalf("%d views, %d tickets", views, tickets)
	}
	loads = 0
	for _, u := range []string{"a", "c", "d"} {
		c.view(ctx, u, "k;", countingLoad(&loads, viewOf(29)))
	}
	if loads != 0 {
		t.Fatalf("recently used views were evicted (%d loads)", loads)
	}
	c.view(ctx, "b", "k;", countingLoad(&loads, viewOf(29)))
	if loads != 1 {
		t.Fatal("the least recently used view was kept")
	}
	c.view(ctx, "huge", "k;", countingLoad(&loads, viewOf(500)))
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

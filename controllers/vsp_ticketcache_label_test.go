package controllers

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTicketCacheLabelledHitsAtOnce: a list labelled with the wallet's
// best block (API 1.4) is kept from the first load, even when the poll
// reported that block a moment ago (no settle time), and served while the
// answering backend's poll reports that block and state.
func TestTicketCacheLabelledHitsAtOnce(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(time.Second, time.Minute, 1000, clk.now)
	ctx := context.Background()
	cv := chain(100, "healthy 100 aaaa", "healthy 100 aaaa")
	l := &loader{from: "b1", label: "100 aaaa"}
	v := viewOf(3)
	if got, err := c.view(ctx, "u", cv, l.of(v)); err != nil || got != v {
		t.Fatalf("first view: %p, %v", got, err)
	}
	clk.add(10 * time.Millisecond) // the block is still younger than settle
	for range 3 {
		if got, _ := c.view(ctx, "u", cv, l.of(viewOf(9))); got != v {
			t.Fatal("a labelled view was not served within its block")
		}
	}
	if l.n != 1 {
		t.Fatalf("%d loads in one block, want 1", l.n)
	}
	// The other backend's poll moving does not matter; the answering
	// backend's state does.
	if got, _ := c.view(ctx, "u", chain(101, "healthy 100 aaaa", "healthy 101 cccc"), l.of(viewOf(9))); got != v {
		t.Fatal("another backend's new block made the view stale")
	}
	if got, _ := c.view(ctx, "u", chain(101, "syncing 100 aaaa", "healthy 101 cccc"), l.of(viewOf(9))); got == v {
		t.Fatal("view served after the answering backend went into repair")
	}
}

// TestTicketCacheLabelAgainstPoll: a list labelled with a block older
// than the poll's (a wallet behind its node) is never served for the
// poll's block; one labelled with a block the poll has not reported yet is
// served once the poll reports it, and not after a reorganization to
// another block at that height.
func TestTicketCacheLabelAgainstPoll(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(time.Second, time.Minute, 1000, clk.now)
	ctx := context.Background()
	at101 := chain(101, "healthy 101 cccc", "healthy 101 cccc")
	behind := &loader{from: "b1", label: "100 aaaa"}
	old := viewOf(1)
	for range 2 {
		clk.add(2 * time.Second) // even long after the poll saw the block
		if got, _ := c.view(ctx, "u", at101, behind.of(old)); got != old {
			t.Fatal("load's view not returned")
		}
	}
	if behind.n != 2 {
		t.Fatalf("a list labelled 100 was served for the poll's 101 (%d loads, want 2)", behind.n)
	}
	if views, _ := c.stats(); views != 0 {
		t.Fatal("a list older than the poll's tip was stored")
	}
	// The wallet is ahead of the last poll.
	ahead := &loader{from: "b1", label: "102 dddd"}
	next := viewOf(2)
	if _, err := c.view(ctx, "u", at101, ahead.of(next)); err != nil {
		t.Fatal(err)
	}
	at102 := chain(102, "healthy 102 dddd", "healthy 101 cccc")
	if got, _ := c.view(ctx, "u", at102, ahead.of(viewOf(9))); got != next || ahead.n != 1 {
		t.Fatalf("a list labelled 102 was not served once the poll reported 102 (%d loads)", ahead.n)
	}
	reorg := chain(102, "healthy 102 eeee", "healthy 101 cccc")
	if got, _ := c.view(ctx, "u", reorg, ahead.of(viewOf(9))); got == next {
		t.Fatal("a list labelled 102 dddd was served for 102 eeee")
	}
}

// TestTicketCacheLabelledLowFee: a labelled view that shows low-fee
// tickets (their states come from every stakepoold, unlabelled) keeps the
// settle rule over every backend's tip, and needs its label to be the
// polled tip.
func TestTicketCacheLabelledLowFee(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(time.Second, time.Minute, 1000, clk.now)
	ctx := context.Background()
	cv := chain(100, "healthy 100 aaaa", "healthy 100 aaaa")
	low := viewOf(2)
	low.lowFee = true
	l := &loader{from: "b1", label: "100 aaaa"}
	if _, err := c.view(ctx, "u", cv, l.of(low)); err != nil {
		t.Fatal(err)
	}
	if views, _ := c.stats(); views != 0 {
		t.Fatal("a low-fee view was stored within the settle time")
	}
	clk.add(time.Second)
	if _, err := c.view(ctx, "u", cv, l.of(low)); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.view(ctx, "u", cv, l.of(viewOf(9))); got != low || l.n != 2 {
		t.Fatalf("settled low-fee view not kept (%d loads)", l.n)
	}
	fresh := viewOf(2)
	fresh.lowFee = true
	if got, _ := c.view(ctx, "u", chain(101, "healthy 100 aaaa", "healthy 101 cccc"), l.of(fresh)); got != fresh {
		t.Fatal("low-fee view served after another backend's block")
	}
	ahead := &loader{from: "b1", label: "101 cccc"}
	cv = chain(101, "healthy 100 aaaa", "healthy 101 cccc")
	clk.add(time.Second)
	if _, err := c.view(ctx, "u", cv, ahead.of(low)); err != nil || ahead.n != 1 {
		t.Fatal(err)
	}
	if views, _ := c.stats(); views != 0 {
		t.Fatal("a low-fee view labelled with another block than the poll's was stored")
	}
}

// gatedLoader is a load that blocks until release is closed, counting
// the loads begun.
type gatedLoader struct {
	n       atomic.Int32
	release chan struct{}
	v       *ticketView
}

func (g *gatedLoader) load(context.Context) (ticketLoad, error) {
	g.n.Add(1)
	<-g.release
	return ticketLoad{view: g.v, from: "b1", label: backendTip{height: 100, hash: "aaaa"}}, nil
}

// TestTicketCacheSharedLoad: concurrent misses of one user at one chain
// view make one load and all get its view; a waiter whose request ends
// leaves without cancelling the others' load; another chain view or
// another user loads on its own; a reset makes later misses load afresh.
func TestTicketCacheSharedLoad(t *testing.T) {
	clk := newFakeClock()
	c := newTicketCache(time.Second, time.Minute, 1000, clk.now)
	cv := chain(100, "healthy 100 aaaa", "healthy 100 aaaa")
	g := &gatedLoader{release: make(chan struct{}), v: viewOf(3)}
	const n = 16
	var wg sync.WaitGroup
	got := make([]*ticketView, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = c.view(context.Background(), "big", cv, g.load)
		}()
	}
	// One that gives up while the load runs.
	gone, cancel := context.WithCancel(context.Background())
	left := make(chan error, 1)
	go func() {
		_, err := c.view(gone, "big", cv, g.load)
		left <- err
	}()
	waitFlights(t, c, 1)
	cancel()
	if err := <-left; err != context.Canceled {
		t.Fatalf("a waiter whose request ended got %v", err)
	}
	// Another user is not held by big's load.
	other := &loader{from: "b1", label: "100 aaaa"}
	if _, err := c.view(context.Background(), "small", cv, other.of(viewOf(1))); err != nil || other.n != 1 {
		t.Fatalf("another user's load: %v, %d loads", err, other.n)
	}
	close(g.release)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || got[i] != g.v {
			t.Fatalf("waiter %d: %p, %v", i, got[i], errs[i])
		}
	}
	if k := g.n.Load(); k != 1 {
		t.Fatalf("%d concurrent misses made %d loads, want 1", n+1, k)
	}
	if got, _ := c.view(context.Background(), "big", cv, g.load); got != g.v || g.n.Load() != 1 {
		t.Fatal("the shared load's view was not stored")
	}

	// A reset while a load runs: misses after it do not join that load.
	c.reset()
	g2 := &gatedLoader{release: make(chan struct{}), v: viewOf(4)}
	first := make(chan *ticketView, 1)
	go func() {
		v, _ := c.view(context.Background(), "big", cv, g2.load)
		first <- v
	}()
	waitFlights(t, c, 1)
	c.reset()
	g3 := &gatedLoader{release: make(chan struct{}), v: viewOf(5)}
	second := make(chan *ticketView, 1)
	go func() {
		v, _ := c.view(context.Background(), "big", cv, g3.load)
		second <- v
	}()
	waitFlights(t, c, 1)
	close(g2.release)
	if v := <-first; v != g2.v {
		t.Fatal("the first load's waiter did not get its view")
	}
	close(g3.release)
	if v := <-second; v != g3.v || g3.n.Load() != 1 {
		t.Fatal("a miss after a reset joined the load begun before it")
	}
}

// waitFlights waits until c has n loads in progress.
func waitFlights(t *testing.T, c *ticketCache, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; {
		c.mu.Lock()
		k := len(c.flights)
		c.mu.Unlock()
		if k == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d loads in progress, want %d", k, n)
		}
		time.Sleep(time.Millisecond)
	}
}

package main

import (
	"fmt"
	"testing"
	"time"
)

// TestVoteGate: work waits for its block's votes, whether they end before
// or after it starts waiting; a block that is never voted releases it
// after the bound, and a stop releases it at once with false; forgotten
// blocks do not hold waiters.
func TestVoteGate(t *testing.T) {
	g := newVoteGate()
	done := make(chan struct{})

	g.voted("a") // votes done before the work asks
	start := time.Now()
	if !g.after("a", time.Minute, done) || time.Since(start) > 10*time.Second {
		t.Fatal("work on a voted block waited")
	}

	res := make(chan bool, 1)
	go func() { res <- g.after("b", time.Minute, done) }()
	select {
	case <-res:
		t.Fatal("work ran before its block's votes")
	case <-time.After(50 * time.Millisecond):
	}
	g.voted("b")
	g.voted("b") // a rebroadcast tip is voted again
	select {
	case ok := <-res:
		if !ok {
			t.Fatal("after reported a stop")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("work not released by the votes")
	}

	start = time.Now()
	if !g.after("never", 30*time.Millisecond, done) || time.Since(start) < 30*time.Millisecond {
		t.Fatal("the bound did not hold the work")
	}

	go func() { res <- g.after("c", time.Minute, done) }()
	time.Sleep(10 * time.Millisecond)
	close(done)
	if ok := <-res; ok {
		t.Fatal("a stop did not report false")
	}

	g2 := newVoteGate()
	go func() { res <- g2.after("old", time.Minute, nil) }()
	time.Sleep(10 * time.Millisecond)
	for i := 0; i <= gateBlocks; i++ {
		g2.voted(fmt.Sprint(i))
	}
	select {
	case <-res:
	case <-time.After(10 * time.Second):
		t.Fatal("a forgotten block still holds its waiter")
	}
	if len(g2.ch) > gateBlocks || len(g2.order) > gateBlocks {
		t.Fatalf("gate remembers %d blocks", len(g2.ch))
	}
}

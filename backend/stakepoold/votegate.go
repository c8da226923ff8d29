package main

import (
	"sync"
	"time"
)

// voteGate lets work that can wait run after a block's votes: the node
// sends blockconnected just before the block's winningtickets, and
// anything stakepoold asks the node or the wallet in between (the low-fee
// listing of the block's tickets reads the whole block) queues with the
// votes on the same connections and locks. Work waits for the block's
// votes to be done, or at most a bound (a block without pool winners,
// below stake validation height or on a side chain, may never get them).
type voteGate struct {
	mu    sync.Mutex
	ch    map[string]chan struct{}
	order []string // block hashes, oldest first, for the bound below
}

// gateBlocks is how many blocks the gate remembers.
const gateBlocks = 64

func newVoteGate() *voteGate { return &voteGate{ch: map[string]chan struct{}{}} }

func (g *voteGate) get(hash string) chan struct{} {
	c, ok := g.ch[hash]
	if !ok {
		c = make(chan struct{})
		g.ch[hash] = c
		g.order = append(g.order, hash)
		if len(g.order) > gateBlocks {
			old := g.order[0]
			g.order = g.order[1:]
			if oc := g.ch[old]; oc != nil {
				select {
				case <-oc:
				default:
					close(oc) // release a waiter of a forgotten block
				}
			}
			delete(g.ch, old)
		}
	}
	return c
}

// voted marks the votes of block hash as done.
func (g *voteGate) voted(hash string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.get(hash)
	select {
	case <-c:
	default:
		close(c)
	}
}

// after waits until block hash is voted, max has passed or done is
// closed; it reports false only for done.
func (g *voteGate) after(hash string, max time.Duration, done <-chan struct{}) bool {
	g.mu.Lock()
	c := g.get(hash)
	g.mu.Unlock()
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-c:
	case <-t.C:
	case <-done:
		return false
	}
	return true
}

package pool

import (
	"context"
)

// The node announces winners for every tip it accepts (several at one
// height when blocks compete), and on a reorganization it disconnects the
// old blocks (blockdisconnected) before connecting the new ones. This file
// keeps the pool's view right across both: tips are counted per height,
// and the tickets a block spent or missed are remembered for
// reorgMemoryBlocks blocks so an orphaned block gives them back.

// reorgMemoryBlocks is how many blocks below the newest one the pool
// remembers what each block spent, and counts tips (the node announces
// side-chain tips and reorganizes only within 6 blocks).
const reorgMemoryBlocks = 16

// removedSet is what one block took out of the live and ignored sets.
type removedSet struct {
	height  int64
	live    []PoolTicketID
	ignored []PoolTicketID
	all     []string               // every ticket the block spent or missed
	lowFee  map[string]lowFeeEntry // low-fee records before the block ended them (lowfee.go)
}

// rememberRemoved records what block removed, and forgets blocks far below it.
func (p *Pool) rememberRemoved(block BlockRef, rm removedSet) {
	p.chainMu.Lock()
	defer p.chainMu.Unlock()
	p.removed[block.Hash] = rm // also when empty: the block is known
	for h, r := range p.removed {
		if r.height < block.Height-reorgMemoryBlocks {
			delete(p.removed, h)
		}
	}
}

// HandleBlockDisconnected undoes what a block removed from the tip
// (blockdisconnected, in a reorganization) did to the pool's tickets: a
// ticket voted or missed in the orphaned block is live again, and is voted
// again when it is selected. The blocks connected next report what they
// spend (HandleSpentAndMissed), so a ticket also voted on the new chain
// leaves the live set again. It reports whether the pool knew the block:
// for a block connected before this process started (or forgotten) it
// cannot tell which tickets to give back, and the caller should reload the
// tickets from the wallet once the wallet has followed the reorganization.
func (p *Pool) HandleBlockDisconnected(block BlockRef) (known bool) {
	p.chainMu.Lock()
	rm, ok := p.removed[block.Hash]
	delete(p.removed, block.Hash)
	p.chainMu.Unlock()
	p.mu.Lock()
	if n := p.undoLowFeeLocked(block, rm.lowFee); n > 0 {
		p.log.Infof("Block %d %s disconnected: %d low-fee tickets mined in it leave the ignored set", block.Height, block.Hash, n)
	}
	p.mu.Unlock()
	if !ok {
		p.log.Infof("Block %d %s disconnected (reorganization); it spent none of our tickets that this process saw", block.Height, block.Hash)
		return false
	}
	p.mu.Lock()
	for _, t := range rm.all {
		delete(p.gone, t)
	}
	for _, t := range rm.live {
		p.live[t.Hash] = t.MultisigAddress
	}
	for _, t := range rm.ignored {
		p.ignored[t.Hash] = t.MultisigAddress
	}
	p.mu.Unlock()
	p.log.Infof("Block %d %s disconnected (reorganization): %d of our tickets it spent or missed are live again",
		block.Height, block.Hash, len(rm.live)+len(rm.ignored))
	return true
}

// noteTip records a processed tip (block) at its height and returns its
// number among the distinct tips seen at that height (1 for the first); a
// tip announced again (rebroadcastwinners) keeps its number.
func (p *Pool) noteTip(block BlockRef) int {
	p.chainMu.Lock()
	defer p.chainMu.Unlock()
	seen := p.tips[block.Height]
	for i, h := range seen {
		if h == block.Hash {
			return i + 1
		}
	}
	p.tips[block.Height] = append(seen, block.Hash)
	for h := range p.tips {
		if h < block.Height-reorgMemoryBlocks {
			delete(p.tips, h)
		}
	}
	return len(seen) + 1
}

// CheckRules asks the node which consensus rules apply that change what
// the pool does: with automatic revocations (DCP0009) active the node
// revokes missed and expired tickets itself and the pool stops calling the
// wallet's revoketickets. It is called at start-up and after every
// reconnect; on error the previous answer stays.
func (p *Pool) CheckRules(ctx context.Context) (autoRevocations bool, err error) {
	auto, err := p.node.AutoRevocations(ctx)
	if err != nil {
		return p.autoRevoke.Load(), wrapCall(err, "node getblockchaininfo")
	}
	if p.autoRevoke.Swap(auto) != auto || auto {
		p.log.Debugf("Automatic revocations (DCP0009) active: %v", auto)
	}
	return auto, nil
}

// AutoRevocations reports the last CheckRules answer.
func (p *Pool) AutoRevocations() bool { return p.autoRevoke.Load() }

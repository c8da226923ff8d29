package pool

import (
	"context"
	"fmt"
)

// Health is the back end's state as the front end's /status needs it.
type Health struct {
	NodeConnected         bool
	WalletConnected       bool
	WalletDaemonConnected bool
	WalletUnlocked        bool
	WalletVoting          bool
	VoteVersion           uint32
	Best                  BlockRef
	ProcessedHeight       int64
	LagBlocks             int64
	Ready                 bool
	Problems              []string
	Live, Ignored, Added  int
	Users                 int
	Network               string
}

// MaxLagBlocks is how far the processed height may trail the node before
// Health reports the back end as not ready.
const MaxLagBlocks = 2

// Health asks the node and wallet how they are. It never fails: a failure
// to reach one is reported in Problems.
func (p *Pool) Health(ctx context.Context) Health {
	h := Health{NodeConnected: p.node.Connected(), WalletConnected: p.wallet.Connected(), Network: p.network}
	h.Live, h.Ignored, h.Added, h.Users = p.Counts()
	if h.NodeConnected {
		best, err := p.node.BestBlock(ctx)
		if err != nil {
			h.Problems = append(h.Problems, fmt.Sprintf("ecrd getbestblock: %v", err))
		} else {
			h.Best = best
		}
	} else {
		h.Problems = append(h.Problems, "not connected to ecrd")
	}
	if h.WalletConnected {
		wi, err := p.wallet.WalletInfo(ctx)
		if err != nil {
			h.Problems = append(h.Problems, fmt.Sprintf("wallet walletinfo: %v", err))
		} else {
			h.WalletDaemonConnected, h.WalletUnlocked = wi.DaemonConnected, wi.Unlocked
			h.WalletVoting, h.VoteVersion = wi.Voting, wi.VoteVersion
			if !wi.DaemonConnected {
				h.Problems = append(h.Problems, "the wallet is not connected to ecrd")
			}
			if !wi.Unlocked {
				h.Problems = append(h.Problems, "the wallet is locked")
			}
			if wi.Voting {
				h.Problems = append(h.Problems, "the wallet has voting enabled (double voting)")
			}
		}
	} else {
		h.Problems = append(h.Problems, "not connected to the wallet")
	}
	p.mu.RLock()
	synced := p.synced
	p.mu.RUnlock()
	if !synced {
		h.Problems = append(h.Problems, "tickets not loaded from the wallet yet")
	}
	h.ProcessedHeight = p.ProcessedHeight()
	if h.Best.Height > 0 && h.Best.Height > h.ProcessedHeight {
		h.LagBlocks = h.Best.Height - h.ProcessedHeight
		if h.LagBlocks > MaxLagBlocks {
			h.Problems = append(h.Problems, fmt.Sprintf("%d blocks behind ecrd", h.LagBlocks))
		}
	}
	h.Ready = len(h.Problems) == 0
	return h
}

// MarkUnsynced records that the ticket sets may be stale (a dependency
// disconnected); LoadTickets clears it.
func (p *Pool) MarkUnsynced() {
	p.mu.Lock()
	p.synced = false
	p.mu.Unlock()
}

// NoteBlock records that the daemon has seen a connected block.
func (p *Pool) NoteBlock(height int64) { p.storeProcessed(height) }

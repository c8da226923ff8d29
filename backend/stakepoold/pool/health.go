package pool

import (
	"context"
	"fmt"
	"sync"
	"time"
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
	// StateDigest is the digest of the users' preferences and the added
	// tickets held (package statedigest).
	StateDigest string
}

// MaxLagBlocks is how far the processed height may trail the node before
// Health reports the back end as not ready.
const MaxLagBlocks = 2

// HealthCallTimeout bounds each node and wallet call Health makes, so that
// a frozen wallet or node is reported within about a second instead of
// holding the front end's poll until its deadline.
const HealthCallTimeout = 500 * time.Millisecond

// Health asks the node and wallet how they are, concurrently, each call
// bounded by HealthCallTimeout. It never fails: a failure to reach one
// (including a call that does not answer in time) is reported in Problems.
func (p *Pool) Health(ctx context.Context) Health {
	h := Health{NodeConnected: p.node.Connected(), WalletConnected: p.wallet.Connected(), Network: p.network}
	h.Live, h.Ignored, h.Added, h.Users = p.Counts()
	h.StateDigest = p.StateDigest().Digest()
	var (
		wg      sync.WaitGroup
		best    BlockRef
		bestErr error
		wi      WalletInfo
		wiErr   error
	)
	if h.NodeConnected {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, HealthCallTimeout)
			defer cancel()
			best, bestErr = p.node.BestBlock(cctx)
		}()
	}
	if h.WalletConnected {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, HealthCallTimeout)
			defer cancel()
			wi, wiErr = p.wallet.WalletInfo(cctx)
		}()
	}
	wg.Wait()
	if h.NodeConnected {
		if bestErr != nil {
			h.Problems = append(h.Problems, fmt.Sprintf("ecrd getbestblock: %v", bestErr))
		} else {
			h.Best = best
		}
	} else {
		h.Problems = append(h.Problems, "not connected to ecrd")
	}
	if h.WalletConnected {
		if wiErr != nil {
			h.Problems = append(h.Problems, fmt.Sprintf("wallet walletinfo: %v", wiErr))
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

package pool

import (
	"context"
	"github.com/eacred/dcrstakepool/backend/poolapi"
	"sync"
	"sync/atomic"
	"time"
)

// maxLoadRounds bounds how often LoadTickets rescans because a block
// arrived while it was scanning.
const maxLoadRounds = 5

// ticketVerdict is the outcome of examining one wallet ticket.
type ticketVerdict struct {
	hash     string
	multisig string
	block    string // mining block
	height   int64  // its height
	feeOK    bool
	reason   string
	skip     bool // not ours / not a ticket
	err      error
}

// LoadStats summarises a ticket load.
type LoadStats struct {
	Tickets, Live, Ignored, Skipped, Errors int
	Rounds                                  int
	Duration                                time.Duration
}

// LoadTickets rebuilds the live and ignored sets from the wallet
// (gettickets + gettransaction with bounded concurrency + fee check),
// repeating while the best block changes during the scan. It is called at
// start-up and after every reconnect.
func (p *Pool) LoadTickets(ctx context.Context) (LoadStats, error) {
	start := time.Now()
	var st LoadStats
	for st.Rounds < maxLoadRounds {
		st.Rounds++
		before, err := p.node.BestBlock(ctx)
		if err != nil {
			return st, wrapCall(err, "node getbestblock")
		}
		hashes, err := p.wallet.Tickets(ctx, false)
		if err != nil {
			return st, wrapCall(err, "wallet gettickets")
		}
		// Immature tickets are examined too, for the low-fee ones (an
		// admin may accept them before they mature); the others join the
		// live set when they mature (newtickets).
		all, err := p.wallet.Tickets(ctx, true)
		if err != nil {
			return st, wrapCall(err, "wallet gettickets")
		}
		mature := make(map[string]bool, len(hashes))
		for _, h := range hashes {
			mature[h] = true
		}
		for _, h := range all {
			if !mature[h] {
				hashes = append(hashes, h)
			}
		}
		// Verdicts go straight into the new sets as they arrive, so a
		// load holds no per-ticket list besides the wallet's hashes.
		live := make(map[string]string, len(hashes))
		ignored := make(map[string]string)
		lowFee := make(map[string]ticketVerdict)
		st = LoadStats{Tickets: len(hashes), Rounds: st.Rounds}
		var mu sync.Mutex
		p.examine(ctx, hashes, func(v ticketVerdict) {
			switch {
			case v.err != nil:
				p.log.Warnf("Ticket %s: %v", v.hash, v.err)
			case !v.skip && !v.feeOK:
				p.log.Infof("Ticket %s (%s) ignored: %s", v.hash, v.multisig, v.reason)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case v.err != nil:
				st.Errors++
			case v.skip:
				st.Skipped++
			case v.feeOK && !mature[v.hash]:
				st.Skipped++ // immature: newtickets adds it
			case v.feeOK:
				live[v.hash] = v.multisig
			default:
				ignored[v.hash] = v.multisig
				lowFee[v.hash] = v
			}
		})
		if err := ctx.Err(); err != nil {
			return st, wrapCall(err, "load tickets")
		}
		after, err := p.node.BestBlock(ctx)
		if err != nil {
			return st, wrapCall(err, "node getbestblock")
		}
		if after.Hash != before.Hash && st.Rounds < maxLoadRounds {
			p.log.Debugf("Best block moved from %d to %d during the ticket scan; scanning again",
				before.Height, after.Height)
			continue
		}
		p.mu.Lock()
		p.live, p.ignored, p.synced = live, ignored, true
		p.reloadLowFeeLocked(lowFee, mature)
		p.mu.Unlock()
		p.storeProcessed(after.Height)
		st.Live, st.Ignored = len(live), len(ignored)
		break
	}
	st.Duration = time.Since(start)
	p.log.Infof("Tickets loaded in %v: %d from the wallet, %d fee OK, %d low fee, %d skipped, %d errors",
		st.Duration, st.Tickets, st.Live, st.Ignored, st.Skipped, st.Errors)
	return st, nil
}

// examine fetches and fee-checks tickets with at most loadConc concurrent
// wallet calls and hands each verdict to sink as soon as it is known (from
// the worker goroutines, in no particular order). It returns when every
// ticket was examined or ctx ended.
func (p *Pool) examine(ctx context.Context, hashes []string, sink func(ticketVerdict)) {
	workers := min(p.loadConc, len(hashes))
	heights := newHeightCache()
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(hashes) || ctx.Err() != nil {
					return
				}
				sink(p.examineOne(ctx, heights, hashes[k]))
			}
		}()
	}
	wg.Wait()
}

// examineOne fetches one wallet transaction and fee-checks it; heights may
// be nil.
func (p *Pool) examineOne(ctx context.Context, heights *heightCache, hash string) ticketVerdict {
	v := ticketVerdict{hash: hash}
	tx, err := p.wallet.Transaction(ctx, hash)
	if err != nil {
		if KindOf(err) == KindNotFound {
			v.skip = true
			return v
		}
		v.err = wrapCall(err, "wallet gettransaction")
		return v
	}
	if tx.BlockHash == "" {
		// Not mined yet: the fee is checked once it is (newtickets).
		v.skip = true
		return v
	}
	height, err := p.blockHeight(ctx, heights, tx.BlockHash)
	if err != nil {
		v.err = wrapCall(err, "node getblockheader "+tx.BlockHash)
		return v
	}
	chk, err := p.inspector.Inspect(tx.Hex, height)
	if err != nil {
		v.skip = true
		p.log.Debugf("Wallet transaction %s is not a pool ticket: %v", hash, err)
		return v
	}
	v.multisig, v.feeOK, v.reason = chk.VotingAddress, chk.FeeOK, chk.Reason
	v.block, v.height = tx.BlockHash, height
	return v
}

// HandleNewTickets adds the tickets that matured in a block (newtickets) to
// the live or ignored set (where a low-fee ticket usually is already, since
// the block that mined it); tickets unknown to the wallet are not ours.
func (p *Pool) HandleNewTickets(ctx context.Context, block BlockRef, tickets []string) {
	start := time.Now()
	verdicts := make([]ticketVerdict, 0, len(tickets))
	var mu sync.Mutex
	p.examine(ctx, tickets, func(v ticketVerdict) {
		mu.Lock()
		verdicts = append(verdicts, v)
		mu.Unlock()
	})
	var live, ignored, errs int
	p.mu.Lock()
	for _, v := range verdicts {
		_, gone := p.gone[v.hash]
		switch {
		case v.err != nil:
			errs++
		case v.skip, gone:
			// gone: a block connected meanwhile spent or missed it.
		case v.feeOK:
			p.live[v.hash] = v.multisig
			live++
		default:
			p.ignored[v.hash] = v.multisig
			p.setLowFeeLocked(v.hash, v.multisig, poolapi.LowFeeLive, v.block, v.height, block.Height)
			ignored++
		}
	}
	p.mu.Unlock()
	for _, v := range verdicts {
		switch {
		case v.err != nil:
			p.log.Warnf("New ticket %s: %v", v.hash, v.err)
		case !v.skip && !v.feeOK:
			p.log.Infof("New ticket %s (%s) ignored: %s", v.hash, v.multisig, v.reason)
		}
	}
	p.storeProcessed(block.Height)
	p.log.Infof("Block %d: %d new tickets, %d ours with fee OK, %d low fee, %d errors (%v)",
		block.Height, len(tickets), live, ignored, errs, time.Since(start))
}

// HandleSpentAndMissed drops spent (voted or revoked) and missed tickets
// (spentandmissedtickets) from the live and ignored sets. What it drops is
// remembered with the block for a while, so that a block later orphaned by
// a reorganization gives its tickets back (HandleBlockDisconnected).
func (p *Pool) HandleSpentAndMissed(block BlockRef, tickets map[string]string) {
	rm := removedSet{height: block.Height, all: make([]string, 0, len(tickets))}
	p.mu.Lock()
	for t := range tickets {
		rm.all = append(rm.all, t)
		p.gone[t] = block.Height
		if a, ok := p.live[t]; ok {
			rm.live = append(rm.live, PoolTicketID{Hash: t, MultisigAddress: a})
			delete(p.live, t)
		}
		if a, ok := p.ignored[t]; ok {
			rm.ignored = append(rm.ignored, PoolTicketID{Hash: t, MultisigAddress: a})
			delete(p.ignored, t)
		}
		if prev, ok := p.endLowFeeLocked(t, tickets[t], block.Height); ok {
			if rm.lowFee == nil {
				rm.lowFee = make(map[string]lowFeeEntry)
			}
			rm.lowFee[t] = prev
		}
	}
	for t, h := range p.gone {
		if h < block.Height-reorgMemoryBlocks {
			delete(p.gone, t)
		}
	}
	p.mu.Unlock()
	p.rememberRemoved(block, rm)
	p.storeProcessed(block.Height)
	if n := len(rm.live) + len(rm.ignored); n > 0 {
		p.log.Infof("Block %d %s: %d of our tickets spent or missed", block.Height, block.Hash, n)
	}
}

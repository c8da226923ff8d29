package pool

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// VoteOutcome says what happened to one vote.
type VoteOutcome int

// Vote outcomes.
const (
	VoteCast      VoteOutcome = iota // relayed by the node
	VoteDuplicate                    // another back end's vote got there first
	VoteConflict                     // another vote for the ticket (other bits) got there first
	VoteFailed                       // generatevote or sendrawtransaction failed
)

// VoteResult is the result of voting one ticket.
type VoteResult struct {
	Ticket   string
	Multisig string
	VoteBits uint16
	Default  bool          // the wallet default bits were used
	Held     time.Duration // waited for the front end's preferences
	TxID     string
	Outcome  VoteOutcome
	Err      error
	Sign     time.Duration // generatevote
	Send     time.Duration // sendrawtransaction
	Total    time.Duration // since the notification was received
}

// BlockVotes summarises the votes for one block.
type BlockVotes struct {
	Block      BlockRef
	Winners    int
	Results    []VoteResult
	Cast       int
	Duplicates int
	Conflicts  int
	Errors     int
	Duration   time.Duration
	// Tip numbers the tips processed at this height (1 for the first;
	// 2 and more for side-chain tips the node also announced).
	Tip int
}

// voteJob is one of our winners with the bits to vote.
type voteJob struct {
	ticket   string
	multisig string
	bits     uint16
	def      bool
	reason   string
}

// plan picks the pool's tickets among the winners and the bits to vote
// each with. It holds the read lock only for map lookups. Winners the pool
// does not know are returned in unknown: they may have matured in this very
// block, before the newtickets notification was handled.
func (p *Pool) plan(winners []string, buf []voteJob) (jobs []voteJob, unknown []string, ext string) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if !p.walletOK {
		// The wallet's settings are unknown or it votes by itself: voting
		// now could double vote or use unknown defaults.
		return buf, nil, ""
	}
	for _, t := range winners {
		msa, ok := p.live[t]
		if !ok {
			msa, ok = p.added[t]
		}
		if !ok {
			if _, low := p.ignored[t]; !low {
				unknown = append(unknown, t)
			}
			continue
		}
		buf = append(buf, p.jobLocked(t, msa))
	}
	return buf, unknown, p.defaults.VoteBitsExtended
}

// jobLocked chooses the bits for one ticket; p.mu must be held.
func (p *Pool) jobLocked(ticket, msa string) voteJob {
	j := voteJob{ticket: ticket, multisig: msa}
	u, ok := p.users[msa]
	switch {
	case !ok:
		j.bits, j.def, j.reason = p.defaults.VoteBits, true, "user has no voting preferences"
	case u.VoteBitsVersion != p.defaults.VoteVersion:
		j.bits, j.def, j.reason = p.defaults.VoteBits, true, "user's preferences are for another vote version"
	default:
		j.bits = u.VoteBits
	}
	return j
}

// ProcessWinningTickets votes every pool ticket among a block's winners,
// concurrently, and then asks the wallet to revoke missed and expired
// tickets (in the background, and only where the node does not revoke them
// itself). received is when the notification arrived; latencies are
// measured from it, and the votes must be done within the vote timeout
// from it. Every tip the node announces is processed the same way, so
// winners of side-chain tips at one height are all voted.
func (p *Pool) ProcessWinningTickets(ctx context.Context, block BlockRef, winners []string, received time.Time) BlockVotes {
	vctx, cancel := context.WithDeadline(ctx, received.Add(p.voteTimeout))
	defer cancel()
	var jobsBuf [8]voteJob
	jobs, unknown, ext := p.plan(winners, jobsBuf[:0])
	bv := BlockVotes{Block: block, Winners: len(winners), Results: make([]VoteResult, len(jobs))}
	var wg sync.WaitGroup
	wg.Add(len(jobs))
	for i := range jobs {
		go func(i int) {
			defer wg.Done()
			bv.Results[i] = p.vote(vctx, block, &jobs[i], ext, received)
		}(i)
	}
	p.noteLowFeeWinners(winners)
	// Winners the pool did not know are looked up concurrently; their
	// results are collected apart so the slices above are never resized
	// while the votes write into them.
	var mu sync.Mutex
	var extraJobs []voteJob
	var extra []VoteResult
	wg.Add(len(unknown))
	for _, t := range unknown {
		go func(t string) {
			defer wg.Done()
			j, ok := p.adopt(vctx, t)
			if !ok {
				return
			}
			r := p.vote(vctx, block, &j, ext, received)
			mu.Lock()
			extraJobs, extra = append(extraJobs, j), append(extra, r)
			mu.Unlock()
		}(t)
	}
	wg.Wait()
	jobs, bv.Results = append(jobs, extraJobs...), append(bv.Results, extra...)
	for _, r := range bv.Results {
		switch r.Outcome {
		case VoteCast:
			bv.Cast++
		case VoteDuplicate:
			bv.Duplicates++
		case VoteConflict:
			bv.Conflicts++
		default:
			bv.Errors++
		}
	}
	bv.Duration = time.Since(received)
	bv.Tip = p.noteTip(block)
	p.storeProcessed(block.Height)
	if len(bv.Results) > 0 {
		// The block timing is the time to vote the pool's winners; a
		// block without any would only dilute it.
		p.metrics.BlockProcessed(bv.Duration)
		p.metrics.TipProcessed(bv.Tip > 1, bv.Cast+bv.Duplicates+bv.Conflicts)
	}
	if !p.autoRevoke.Load() {
		go p.revoke(ctx, block)
	}
	go p.logVotes(bv, jobs)
	return bv
}

// adopt examines a winner the pool did not know; a wallet ticket that
// passes the fee check joins the live set and is voted at once.
func (p *Pool) adopt(ctx context.Context, ticket string) (voteJob, bool) {
	v := p.examineOne(ctx, nil, ticket)
	if v.err != nil || v.skip {
		return voteJob{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// A ticket a recent block spent (a side-chain tip's winner that voted
	// on the best chain) is voted on this tip but stays out of the sets.
	_, gone := p.gone[v.hash]
	if !v.feeOK {
		if !gone {
			p.ignored[v.hash] = v.multisig
		}
		if _, added := p.added[v.hash]; !added {
			return voteJob{}, false
		}
	} else if !gone {
		p.live[v.hash] = v.multisig
	}
	return p.jobLocked(v.hash, v.multisig), true
}

func (p *Pool) storeProcessed(h int64) {
	for {
		cur := p.processedHeight.Load()
		if h <= cur || p.processedHeight.CompareAndSwap(cur, h) {
			return
		}
	}
}

func (p *Pool) vote(ctx context.Context, block BlockRef, j *voteJob, ext string, received time.Time) VoteResult {
	held := p.awaitPrefs(ctx, j)
	r := VoteResult{Ticket: j.ticket, Multisig: j.multisig, VoteBits: j.bits, Default: j.def, Held: held}
	if j.def {
		p.metrics.VoteDefaultBits()
	}
	start := time.Now()
	hex, err := p.wallet.GenerateVote(ctx, block, j.ticket, j.bits, ext)
	r.Sign = time.Since(start)
	if err != nil {
		r.Outcome, r.Err, r.Total = VoteFailed, wrapCall(err, "wallet generatevote"), time.Since(received)
		p.metrics.VoteError()
		return r
	}
	if err := ctx.Err(); err != nil {
		// The wallet answered after the deadline: a vote this late is
		// not sent (the next block's votes are what matters now).
		r.Outcome, r.Err, r.Total = VoteFailed, Wrap(KindUnavailable, err, "vote timeout before sendrawtransaction"), time.Since(received)
		p.metrics.VoteError()
		return r
	}
	start = time.Now()
	txid, err := p.node.SendRawTransaction(ctx, hex)
	r.Send = time.Since(start)
	r.Total = time.Since(received)
	r.TxID = txid
	switch {
	case err == nil:
		r.Outcome = VoteCast
		p.metrics.VoteCast(r.Total)
	case KindOf(err) == KindDuplicate:
		r.Outcome = VoteDuplicate
		p.metrics.VoteDuplicate()
	case KindOf(err) == KindConflict:
		r.Outcome, r.Err = VoteConflict, err
		p.metrics.VoteConflict()
	default:
		r.Outcome, r.Err = VoteFailed, wrapCall(err, "node sendrawtransaction")
		p.metrics.VoteError()
	}
	return r
}

// awaitPrefs holds a vote while the daemon has not received the front
// end's first full push of preferences since start-up (the stored ones
// may be stale or missing; see Config.PrefsWait), then chooses the bits
// again. It returns how long the vote waited.
func (p *Pool) awaitPrefs(ctx context.Context, j *voteJob) time.Duration {
	select {
	case <-p.prefsPushed:
		return 0
	default:
	}
	if p.prefsWait <= 0 {
		return 0
	}
	start := time.Now()
	t := time.NewTimer(p.prefsWait)
	defer t.Stop()
	select {
	case <-p.prefsPushed:
	case <-t.C:
	case <-ctx.Done():
	}
	p.mu.RLock()
	*j = p.jobLocked(j.ticket, j.multisig)
	p.mu.RUnlock()
	return time.Since(start)
}

func (p *Pool) revoke(ctx context.Context, block BlockRef) {
	// One revoketickets at a time: on a big wallet it can outlast a block.
	if !p.revoking.CompareAndSwap(false, true) {
		p.log.Debugf("Block %d: revoketickets still running from an earlier block", block.Height)
		return
	}
	defer p.revoking.Store(false)
	// A block can arrive before the start-up check of the node's rules (the
	// tip's winners asked for again at start-up): ask the node now rather
	// than revoke on a guess; with DCP0009 active there is nothing to do.
	if auto, err := p.CheckRules(ctx); err != nil || auto {
		if err != nil {
			p.log.Warnf("Block %d: not calling revoketickets: %v", block.Height, err)
		}
		return
	}
	if err := p.wallet.RevokeTickets(ctx); err != nil {
		p.log.Warnf("Block %d: wallet revoketickets: %v", block.Height, err)
	}
}

func (p *Pool) logVotes(bv BlockVotes, jobs []voteJob) {
	for i, r := range bv.Results {
		if jobs[i].def {
			held := ""
			if r.Held > 0 {
				held = fmt.Sprintf(" after waiting %v for the front end's preferences", r.Held.Round(time.Millisecond))
			}
			p.log.Warnf("Ticket %s (%s): voting with the wallet default bits %#04x%s: %s",
				r.Ticket, r.Multisig, r.VoteBits, held, jobs[i].reason)
		} else if r.Held > 0 {
			p.log.Infof("Ticket %s: voting with bits %#04x after waiting %v for the front end's preferences",
				r.Ticket, r.VoteBits, r.Held.Round(time.Millisecond))
		}
		switch r.Outcome {
		case VoteCast:
			p.log.Infof("Voted ticket %s on block %d %s with bits %#04x: vote %s (sign %v, send %v, total %v)",
				r.Ticket, bv.Block.Height, bv.Block.Hash, r.VoteBits, r.TxID, r.Sign, r.Send, r.Total)
		case VoteDuplicate:
			p.log.Infof("Ticket %s: vote already on the network (duplicate; sign %v, send %v)",
				r.Ticket, r.Sign, r.Send)
		case VoteConflict:
			p.log.Infof("Ticket %s: another back end's vote with other bits was first (conflict; sign %v, send %v): %v",
				r.Ticket, r.Sign, r.Send, r.Err)
		default:
			p.log.Errorf("Ticket %s: vote on block %d failed after %v: %v", r.Ticket, bv.Block.Height, r.Total, r.Err)
		}
	}
	tip := ""
	if bv.Tip > 1 {
		tip = fmt.Sprintf(" (tip %d at this height)", bv.Tip)
	}
	if len(bv.Results) > 0 {
		p.log.Infof("Block %d %s%s: %d winners, %d ours: %d voted, %d duplicates, %d conflicts, %d errors in %v",
			bv.Block.Height, bv.Block.Hash, tip, bv.Winners, len(bv.Results), bv.Cast, bv.Duplicates, bv.Conflicts, bv.Errors, bv.Duration)
	} else {
		p.log.Debugf("Block %d %s%s: none of the %d winners is ours", bv.Block.Height, bv.Block.Hash, tip, bv.Winners)
	}
}

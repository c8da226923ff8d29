package pool

import (
	"context"
	"fmt"
	"strings"
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
	// LowFee counts the winners that are pool tickets with too low a fee,
	// not added by the admin: never voted.
	LowFee int
	// Unchecked are the winners the pool did not know and could not look
	// up (the wallet did not answer): pool tickets among them, if any,
	// were not voted by this back end.
	Unchecked []UncheckedWinner
}

// UncheckedWinner is a winner the pool could not look up.
type UncheckedWinner struct {
	Ticket string
	Err    error
}

// errWalletNotChecked is the outcome of a pool winner while the wallet's
// settings are unknown or it votes by itself (see CheckWallet).
var errWalletNotChecked = Errorf(KindPrecondition,
	"not voted: the wallet's settings are not checked (walletinfo), or it votes by itself")

// voteJob is one of our winners with the bits to vote.
type voteJob struct {
	ticket   string
	multisig string
	bits     uint16
	def      bool
	reason   string
}

// blockPlan is what plan decided for a block's winners.
type blockPlan struct {
	jobs []voteJob // the pool's winners, to vote
	// unknown are winners the pool does not know: they may have matured
	// in this very block, before the newtickets notification was handled.
	unknown []string
	lowFee  int       // pool winners with a low fee, not added: not voted
	refused []voteJob // the pool's winners, not voted: the wallet is not checked
	ext     string    // the wallet's extended vote bits
}

// plan picks the pool's tickets among the winners and the bits to vote
// each with. It holds the read lock only for map lookups.
func (p *Pool) plan(winners []string, buf []voteJob) blockPlan {
	p.mu.RLock()
	defer p.mu.RUnlock()
	bp := blockPlan{jobs: buf, ext: p.defaults.VoteBitsExtended}
	for _, t := range winners {
		msa, ok := p.live[t]
		if !ok {
			msa, ok = p.added[t]
		}
		switch {
		case ok && !p.walletOK:
			// The wallet's settings are unknown or it votes by itself:
			// voting now could double vote or use unknown defaults.
			bp.refused = append(bp.refused, voteJob{ticket: t, multisig: msa})
		case ok:
			bp.jobs = append(bp.jobs, p.jobLocked(t, msa))
		default:
			if _, low := p.ignored[t]; low {
				bp.lowFee++
			} else if p.walletOK {
				bp.unknown = append(bp.unknown, t)
			}
		}
	}
	return bp
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
	bp := p.plan(winners, jobsBuf[:0])
	jobs, ext := bp.jobs, bp.ext
	bv := BlockVotes{Block: block, Winners: len(winners), Results: make([]VoteResult, len(jobs)), LowFee: bp.lowFee}
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
	wg.Add(len(bp.unknown))
	for _, t := range bp.unknown {
		go func(t string) {
			defer wg.Done()
			j, ok, err := p.adopt(vctx, t)
			if err != nil {
				mu.Lock()
				bv.Unchecked = append(bv.Unchecked, UncheckedWinner{Ticket: t, Err: err})
				mu.Unlock()
			}
			if !ok {
				return
			}
			r := p.vote(vctx, block, &j, ext, received)
			mu.Lock()
			extraJobs, extra = append(extraJobs, j), append(extra, r)
			mu.Unlock()
		}(t)
	}
	for _, j := range bp.refused {
		extraJobs = append(extraJobs, j)
		extra = append(extra, VoteResult{Ticket: j.ticket, Multisig: j.multisig, Outcome: VoteFailed, Err: errWalletNotChecked})
		p.metrics.VoteError()
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
	if len(bv.Results) > len(bp.refused) {
		// The block timing is the time to vote the pool's winners; a
		// block without any voted would only dilute it.
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
// passes the fee check joins the live set and is voted at once. err says
// why the winner could not be examined.
func (p *Pool) adopt(ctx context.Context, ticket string) (j voteJob, ok bool, err error) {
	v := p.examineOne(ctx, nil, ticket)
	if v.err != nil {
		return voteJob{}, false, v.err
	}
	if v.skip {
		return voteJob{}, false, nil
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
			return voteJob{}, false, nil
		}
	} else if !gone {
		p.live[v.hash] = v.multisig
	}
	return p.jobLocked(v.hash, v.multisig), true, nil
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
	if len(bv.Unchecked) > 0 {
		u := bv.Unchecked[0]
		p.log.Warnf("Block %d %s: %d winners not looked up, so not voted if they are pool tickets (%s: %v)",
			bv.Block.Height, bv.Block.Hash, len(bv.Unchecked), u.Ticket, u.Err)
	}
	tip := ""
	if bv.Tip > 1 {
		tip = fmt.Sprintf(" (tip %d at this height)", bv.Tip)
	}
	// Every block with a pool winner gets a summary, voted or not.
	if len(bv.Results) > 0 || bv.LowFee > 0 || len(bv.Unchecked) > 0 {
		p.log.Infof("Block %d %s%s: %d winners, %d ours: %d voted, %d duplicates, %d conflicts, %d errors in %v%s",
			bv.Block.Height, bv.Block.Hash, tip, bv.Winners, len(bv.Results), bv.Cast, bv.Duplicates, bv.Conflicts, bv.Errors,
			bv.Duration, notVotedNote(bv))
	} else {
		p.log.Debugf("Block %d %s%s: none of the %d winners is ours", bv.Block.Height, bv.Block.Hash, tip, bv.Winners)
	}
}

// notVotedNote completes a block's summary with the winners it leaves
// out: low-fee pool tickets and winners that could not be looked up.
func notVotedNote(bv BlockVotes) string {
	var parts []string
	if bv.LowFee > 0 {
		parts = append(parts, fmt.Sprintf("%d low-fee pool tickets not voted (not added by the admin)", bv.LowFee))
	}
	if len(bv.Unchecked) > 0 {
		parts = append(parts, fmt.Sprintf("%d winners not looked up (the wallet did not answer), not voted", len(bv.Unchecked)))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

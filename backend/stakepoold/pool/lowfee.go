package pool

import (
	"context"
	"sort"
	"time"

	"github.com/eacred/dcrstakepool/backend/poolapi"
)

// Low-fee tickets are tracked from the block that mines them, so that an
// admin can accept one before it matures, and after they end (voted,
// missed, expired), so that the front end can tell the user what happened
// to them. The ignored set (p.ignored) holds the immature and live ones as
// before; the book below holds what is known about each: where it was
// mined, its state and where it entered it.

// The states are poolapi's LowFee* constants; the pool never reports
// poolapi.LowFeeRevoked: it keeps a revoked ticket's missed or expired.

// examineTimeout bounds the reading of one block's tickets (a frozen node
// or wallet must not pile up scans).
const examineTimeout = 30 * time.Second

// maxEndedLowFee bounds how many ended low-fee tickets are remembered; the
// oldest (lowest end height) are forgotten first.
const maxEndedLowFee = 20000

// LowFeeTicket is a pool ticket that failed the fee check.
type LowFeeTicket = poolapi.LowFeeTicket

// lowFeeEntry is the book's record of one low-fee ticket.
type lowFeeEntry struct {
	multisig    string
	minedBlock  string // "" when unknown (learnt from the wallet at maturity)
	minedHeight int64
	state       string
	stateHeight int64
	called      bool // selected to vote at least once
}

func (e *lowFeeEntry) ended() bool {
	return e.state != poolapi.LowFeeImmature && e.state != poolapi.LowFeeLive
}

// lowFeeBook is guarded by Pool.mu.
type lowFeeBook struct {
	tickets map[string]*lowFeeEntry
	// orphaned holds blocks disconnected by a reorganization (hash ->
	// height) and not connected again: a scan of such a block that
	// finishes late adds nothing.
	orphaned map[string]int64
	ended    int
}

func newLowFeeBook() lowFeeBook {
	return lowFeeBook{tickets: make(map[string]*lowFeeEntry), orphaned: make(map[string]int64)}
}

// setLowFeeLocked records a low-fee ticket that is immature or live; p.mu must be
// held. What an earlier record knew (mining block, selection) is kept.
func (p *Pool) setLowFeeLocked(hash, multisig, state, block string, minedHeight, stateHeight int64) {
	e := p.low.tickets[hash]
	if e == nil {
		e = &lowFeeEntry{}
		p.low.tickets[hash] = e
	} else if e.ended() {
		p.low.ended--
	}
	if block == "" && e.minedHeight == minedHeight {
		block = e.minedBlock
	}
	e.multisig, e.minedBlock, e.minedHeight, e.state, e.stateHeight = multisig, block, minedHeight, state, stateHeight
}

// BlockConnected records that a block is on the best chain again (it may
// have been orphaned and reconnected); call it in notification order,
// before ExamineMinedTickets for the block.
func (p *Pool) BlockConnected(block BlockRef) {
	p.mu.Lock()
	delete(p.low.orphaned, block.Hash)
	for h, height := range p.low.orphaned {
		if height < block.Height-reorgMemoryBlocks {
			delete(p.low.orphaned, h)
		}
	}
	p.mu.Unlock()
	p.storeProcessed(block.Height)
}

// ExamineMinedTickets reads the stake tree of a connected block and adds
// the pool's low-fee tickets mined in it to the ignored set as immature, so
// that an admin sees (and can accept) them long before they mature. A
// ticket is the pool's when its voting address is a user's multisig address
// or the wallet knows the transaction. Fee-paying tickets are left to
// newtickets, as before.
func (p *Pool) ExamineMinedTickets(ctx context.Context, block BlockRef) {
	ctx, cancel := context.WithTimeout(ctx, examineTimeout)
	defer cancel()
	txs, err := p.node.BlockStakeTxs(ctx, block.Hash)
	if err != nil {
		p.log.Warnf("Block %d %s: cannot read its tickets: %v", block.Height, block.Hash, err)
		return
	}
	type found struct{ hash, multisig, reason string }
	var low []found
	for _, tx := range txs {
		chk, err := p.inspector.Inspect(tx.Hex, block.Height)
		if err != nil || chk.FeeOK {
			continue // not a ticket (vote, revocation), or paid the fee
		}
		p.mu.RLock()
		_, user := p.users[chk.VotingAddress]
		p.mu.RUnlock()
		if !user {
			if _, err := p.wallet.Transaction(ctx, tx.Hash); err != nil {
				if KindOf(err) != KindNotFound {
					p.log.Warnf("Block %d: low-fee ticket %s: wallet gettransaction: %v", block.Height, tx.Hash, err)
				}
				continue
			}
		}
		low = append(low, found{tx.Hash, chk.VotingAddress, chk.Reason})
	}
	if len(low) == 0 {
		return
	}
	n := 0
	p.mu.Lock()
	_, orphaned := p.low.orphaned[block.Hash]
	for _, t := range low {
		if _, gone := p.gone[t.hash]; orphaned || gone {
			continue
		}
		if _, ok := p.ignored[t.hash]; ok {
			continue // known already (a reload found it)
		}
		if e := p.low.tickets[t.hash]; e != nil && e.ended() {
			continue
		}
		p.ignored[t.hash] = t.multisig
		p.setLowFeeLocked(t.hash, t.multisig, poolapi.LowFeeImmature, block.Hash, block.Height, 0)
		n++
	}
	p.mu.Unlock()
	for _, t := range low {
		p.log.Infof("Block %d: low-fee ticket %s (%s) mined; ignored unless an admin accepts it: %s",
			block.Height, t.hash, t.multisig, t.reason)
	}
	if orphaned {
		p.log.Infof("Block %d %s was orphaned while its tickets were read; its %d low-fee tickets are not added",
			block.Height, block.Hash, len(low))
	} else if n > 0 {
		p.log.Debugf("Block %d: %d low-fee tickets of the pool added to the ignored set", block.Height, n)
	}
}

// noteLowFeeWinners marks low-fee winners as selected, so that a miss is
// told apart from an expiry.
func (p *Pool) noteLowFeeWinners(winners []string) {
	p.mu.RLock()
	some := false
	for _, t := range winners {
		if e := p.low.tickets[t]; e != nil && !e.called {
			some = true
			break
		}
	}
	p.mu.RUnlock()
	if !some {
		return
	}
	p.mu.Lock()
	for _, t := range winners {
		if e := p.low.tickets[t]; e != nil {
			e.called = true
		}
	}
	p.mu.Unlock()
}

// endLowFeeLocked records that a block voted ("spent") or missed a
// low-fee ticket and returns the previous record, for an undo; p.mu must
// be held.
func (p *Pool) endLowFeeLocked(hash, how string, height int64) (lowFeeEntry, bool) {
	e := p.low.tickets[hash]
	if e == nil || e.ended() {
		return lowFeeEntry{}, false
	}
	prev := *e
	switch {
	case how == "spent":
		e.state = poolapi.LowFeeVoted
	case e.called:
		e.state = poolapi.LowFeeMissed
	default:
		e.state = poolapi.LowFeeExpired
	}
	e.stateHeight = height
	p.low.ended++
	if p.low.ended > maxEndedLowFee {
		p.forgetOldestEndedLocked()
	}
	return prev, true
}

func (p *Pool) forgetOldestEndedLocked() {
	type old struct {
		hash   string
		height int64
	}
	var ended []old
	for h, e := range p.low.tickets {
		if e.ended() {
			ended = append(ended, old{h, e.stateHeight})
		}
	}
	sort.Slice(ended, func(i, j int) bool { return ended[i].height < ended[j].height })
	for _, o := range ended[:len(ended)-maxEndedLowFee*9/10] {
		delete(p.low.tickets, o.hash)
		p.low.ended--
	}
}

// undoLowFeeLocked puts back records a disconnected block changed and
// drops the low-fee tickets it mined (unless they are mined again on the
// new branch, which reports them again); p.mu must be held.
func (p *Pool) undoLowFeeLocked(block BlockRef, prev map[string]lowFeeEntry) (dropped int) {
	for h, e := range prev {
		if cur := p.low.tickets[h]; cur != nil && cur.ended() {
			p.low.ended--
		}
		e := e
		p.low.tickets[h] = &e
	}
	p.low.orphaned[block.Hash] = block.Height
	for h, e := range p.low.tickets {
		switch {
		case e.minedBlock == block.Hash && !e.ended():
			delete(p.low.tickets, h)
			delete(p.ignored, h)
			dropped++
		case e.state == poolapi.LowFeeLive && e.stateHeight == block.Height:
			// It matured in the orphaned block.
			e.state, e.stateHeight = poolapi.LowFeeImmature, 0
		}
	}
	return dropped
}

// LowFeeTickets lists the low-fee tickets that were not added and are
// immature or live, sorted by hash; with includeEnded also the low-fee
// tickets (added or not) that ended since the process started.
func (p *Pool) LowFeeTickets(includeEnded bool) []LowFeeTicket {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]LowFeeTicket, 0, len(p.ignored))
	for h, ms := range p.ignored {
		if _, ok := p.added[h]; ok {
			continue
		}
		t := LowFeeTicket{Hash: h, MultisigAddress: ms, State: poolapi.LowFeeLive}
		if e := p.low.tickets[h]; e != nil {
			t.State, t.MinedHeight, t.StateHeight = e.state, e.minedHeight, e.stateHeight
		}
		out = append(out, t)
	}
	if includeEnded {
		for h, e := range p.low.tickets {
			if e.ended() {
				out = append(out, LowFeeTicket{Hash: h, MultisigAddress: e.multisig, State: e.state,
					MinedHeight: e.minedHeight, StateHeight: e.stateHeight})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Hash < out[j].Hash })
	return out
}

// reloadLowFeeLocked rebuilds the book's immature and live records from a
// ticket load (verdicts of the low-fee tickets; mature says which the
// wallet lists as live), keeping what earlier records knew and the ended
// records; p.mu must be held.
func (p *Pool) reloadLowFeeLocked(low map[string]ticketVerdict, mature map[string]bool) {
	for h, e := range p.low.tickets {
		if _, ok := low[h]; !ok && !e.ended() {
			delete(p.low.tickets, h)
		}
	}
	for h, v := range low {
		state, at := poolapi.LowFeeImmature, int64(0)
		if mature[h] {
			state = poolapi.LowFeeLive
			if e := p.low.tickets[h]; e != nil && e.state == poolapi.LowFeeLive {
				at = e.stateHeight
			}
		}
		p.setLowFeeLocked(h, v.multisig, state, v.block, v.height, at)
	}
}

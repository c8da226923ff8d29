package node

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Header constants of simulated blocks: no proof of work is done, so Bits
// is the simnet proof-of-work limit and the nonce a counter.
const (
	blockVersion = 7
	powLimitBits = 0x207fffff
)

// maxBlockSize bounds a built block (simnet's maximum block size); what
// does not fit waits for the next block. blockOverhead covers the header,
// the coinbase and the transaction counts.
const (
	maxBlockSize  = 1000000
	blockOverhead = 1000
)

// parentsIncluded reports whether every mempool transaction e spends from
// is already selected for the block.
func (n *Node) parentsIncluded(e *mempoolTx, included map[chainhash.Hash]bool) bool {
	for _, k := range spentKeys(e.tx, e.kind) {
		if _, inPool := n.pool.txs[k.hash]; inPool && !included[k.hash] {
			return false
		}
	}
	return true
}

// errNoMiningAddr is ecrd's answer to generate without --miningaddr.
var errNoMiningAddr = fmt.Errorf("no payment addresses specified via --miningaddr")

// buildBlock assembles a block on the chain state's tip from the mempool.
// On a side chain (side), only the votes on the parent and the automatic
// revocations are included: the mempool is checked against the best chain,
// so its other transactions may not be valid on the side branch.
func (n *Node) buildBlock(now time.Time, side bool) (*wire.MsgBlock, error) {
	if n.miningScript == nil {
		return nil, errNoMiningAddr
	}
	c := n.chain
	tip := c.tip()
	next := tip.height + 1
	var votes, tickets, revs, regular []*mempoolTx
	var fees int64
	// Select in acceptance order (parents before children), within the
	// block size limit, never including a child without its mempool
	// parents.
	size := blockOverhead
	included := make(map[chainhash.Hash]bool)
	for _, e := range n.pool.ordered() {
		txSize := e.tx.SerializeSize()
		if size+txSize > maxBlockSize {
			continue
		}
		if !n.parentsIncluded(e, included) {
			continue
		}
		if side && e.kind != kindVote {
			continue
		}
		switch e.kind {
		case kindVote:
			if e.vote.block != tip.hash || len(votes) >= int(n.params.TicketsPerBlock) {
				continue
			}
			votes = append(votes, e)
		case kindRevocation:
			if len(revs) >= 200 {
				continue
			}
			revs = append(revs, e)
		case kindTicket:
			if e.price < c.sbits || len(tickets) >= int(n.params.MaxFreshStakePerBlock) {
				continue
			}
			tickets = append(tickets, e)
		case kindRegular:
			regular = append(regular, e)
		default:
			continue
		}
		fees += e.fee
		size += txSize
		included[e.hash] = true
	}
	if side {
		votes = n.siblingVotes(tip, votes)
	}
	// DCP0009: the tickets this block makes missed or expired are revoked
	// in it (a mempool revocation can only be of a ticket missed earlier).
	autoRevs, err := n.autoRevocations(votes)
	if err != nil {
		return nil, err
	}
	for len(revs)+len(autoRevs) > 255 {
		last := revs[len(revs)-1]
		fees -= last.fee
		revs = revs[:len(revs)-1]
	}
	approve := 0
	for _, v := range votes {
		if v.vote.voteBits&1 == 1 {
			approve++
		}
	}
	var voteBits uint16 = 1
	if len(votes) > 0 && approve*2 <= len(votes) {
		voteBits = 0
	}

	cb := wire.NewMsgTx(wire.TxVersion)
	work := n.sub.work(next, len(votes))
	var extra [12]byte
	binary.LittleEndian.PutUint32(extra[:4], uint32(next))
	binary.LittleEndian.PutUint64(extra[4:], uint64(now.UnixNano()))
	cb.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&chainhash.Hash{}, wire.MaxPrevOutIndex, wire.TxTreeRegular), work+fees,
		append([]byte{0x0c}, extra[:]...)))
	cb.AddTxOut(wire.NewTxOut(0, append([]byte{opReturn, 0x0c}, extra[:]...)))
	cb.AddTxOut(wire.NewTxOut(work+fees, n.miningScript))

	b := &wire.MsgBlock{Transactions: []*wire.MsgTx{cb}}
	for _, e := range regular {
		b.Transactions = append(b.Transactions, e.tx)
	}
	for _, group := range [][]*mempoolTx{votes, tickets, revs} {
		for _, e := range group {
			b.STransactions = append(b.STransactions, e.tx)
		}
	}
	b.STransactions = append(b.STransactions, autoRevs...)
	ts := uint32(now.Unix())
	if ts <= tip.msg.Header.Timestamp {
		ts = tip.msg.Header.Timestamp + 1
	}
	n.nonce++
	b.Header = wire.BlockHeader{
		Version:      blockVersion,
		PrevBlock:    tip.hash,
		StakeRoot:    wire.TxTreeMerkleRoot(b.STransactions),
		VoteBits:     voteBits,
		FinalState:   finalState(c.winners),
		Voters:       uint16(len(votes)),
		FreshStake:   uint8(len(tickets)),
		Revocations:  uint8(len(revs) + len(autoRevs)),
		PoolSize:     uint32(n.predictPoolSize(next)),
		Bits:         powLimitBits,
		SBits:        c.sbits,
		Height:       uint32(next),
		Timestamp:    ts,
		Nonce:        n.nonce,
		StakeVersion: n.cfg.VoteVersion,
	}
	b.Header.MerkleRoot = b.CombinedMerkleRoot()
	b.Header.Size = uint32(b.SerializeSize())
	return b, nil
}

// siblingVotes completes the votes of a side-chain block on parent with
// the votes on parent held by parent's other known children: a competing
// miner sees the same votes, so forking below a block that holds votes does
// not make their tickets miss.
func (n *Node) siblingVotes(parent *block, votes []*mempoolTx) []*mempoolTx {
	have := make(map[chainhash.Hash]bool, len(votes))
	for _, v := range votes {
		have[v.vote.ticket] = true
	}
	for _, child := range n.atHeight[parent.height+1] {
		if child.parent != parent {
			continue
		}
		for _, tx := range child.msg.STransactions {
			if len(votes) >= int(n.params.TicketsPerBlock) {
				return votes
			}
			if classify(tx) != kindVote {
				continue
			}
			f, err := checkVoteForm(tx)
			if err != nil || f.block != parent.hash || have[f.ticket] {
				continue
			}
			have[f.ticket] = true
			votes = append(votes, &mempoolTx{tx: tx, hash: tx.TxHash(), kind: kindVote, vote: f})
		}
	}
	return votes
}

// predictPoolSize is the live pool size once block `next` is connected:
// every winner leaves the pool (voted or missed), tickets mined
// TicketMaturity blocks earlier join, and expiring tickets leave.
func (n *Node) predictPoolSize(next int64) int {
	c := n.chain
	size := len(c.live) - len(c.winners)
	if mh := next - int64(n.params.TicketMaturity); mh >= 0 {
		size += len(c.immature[mh])
	}
	if eh := next - int64(n.params.TicketMaturity) - int64(n.params.TicketExpiry); eh >= 0 {
		for _, th := range c.ticketsMinedAt(eh) {
			if t := c.tickets[th]; t.state == ticketLive && !c.isWinner(th) {
				size--
			}
		}
	}
	return size
}

// finalState summarises the lottery state: the first 6 bytes of the
// BLAKE-256 of the winners called to vote on the parent.
func finalState(winners []chainhash.Hash) [6]byte {
	buf := make([]byte, 0, 32*len(winners))
	for _, w := range winners {
		buf = append(buf, w[:]...)
	}
	h := chainhash.HashH(buf)
	var fs [6]byte
	copy(fs[:], h[:6])
	return fs
}

// mineOnLocked builds one block on parent (the tip, or any block whose
// fork point the node can still reach), stores it and processes it like a
// block from the network: extending the tip, kept on a side chain, or
// reorganizing to it. n.mu must be held.
func (n *Node) mineOnLocked(parent *block, now time.Time) (*block, error) {
	var msg *wire.MsgBlock
	side := parent != n.chain.tip()
	err := n.inView(parent, func() error {
		var err error
		msg, err = n.buildBlock(now, side)
		return err
	})
	if err != nil {
		return nil, err
	}
	acc, err := n.processBlock(msg, true)
	if err != nil {
		return nil, fmt.Errorf("process built block: %w", err)
	}
	if err := n.store.append(msg); err != nil {
		return nil, err
	}
	return acc.block, nil
}

// generate mines count blocks on the tip and makes them durable.
func (n *Node) generate(count int) ([]string, error) {
	n.mu.Lock()
	hashes, err := n.generateOnLocked(nil, count)
	n.mu.Unlock()
	return hashes, n.syncStore(err)
}

// generateOnLocked mines count blocks, the first on parent (nil: the tip),
// each next one on the block before. The blocks are written to the store
// but not fsynced: the caller calls syncStore once it has released n.mu,
// so the votes the blocks' winningtickets call for are not held up by the
// disk (the mempool is not durable anyway; the caller's answer still waits
// for the fsync).
func (n *Node) generateOnLocked(parent *block, count int) ([]string, error) {
	hashes := make([]string, 0, count)
	var err error
	for i := 0; i < count; i++ {
		if parent == nil {
			parent = n.chain.tip()
		}
		var b *block
		b, err = n.mineOnLocked(parent, time.Now())
		if err != nil {
			break
		}
		hashes = append(hashes, b.hash.String())
		parent = b
	}
	if len(hashes) > 0 {
		n.log.Info("mined blocks", "count", len(hashes), "last", hashes[len(hashes)-1], "height", n.chain.height())
	}
	return hashes, err
}

// syncStore makes every block written so far durable; it is called
// without n.mu. err is the caller's error so far, returned first.
func (n *Node) syncStore(err error) error {
	n.syncMu.Lock()
	defer n.syncMu.Unlock()
	if serr := n.store.sync(); err == nil {
		err = serr
	}
	return err
}

// cleanMempool runs after a block extends the tip: it drops the mined
// transactions, votes on blocks below the tip's height, and tickets
// priced below a new stake difficulty.
func (n *Node) cleanMempool(b *wire.MsgBlock) {
	for _, tx := range b.Transactions[1:] {
		n.pool.remove(tx.TxHash())
	}
	for _, tx := range b.STransactions {
		n.pool.remove(tx.TxHash())
	}
	tip := n.chain.tip()
	for h, e := range n.pool.txs {
		switch {
		case e.kind == kindVote && int64(e.vote.height) < tip.height:
			n.pool.remove(h)
		case e.kind == kindTicket && e.price < n.chain.sbits:
			n.log.Info("dropping ticket priced below the new stake difficulty", "ticket", h, "price", e.price, "sbits", n.chain.sbits)
			n.pool.remove(h)
		case e.tx.Expiry != wire.NoExpiryValue && tip.height+1 >= int64(e.tx.Expiry):
			n.pool.remove(h)
		}
	}
	n.dropOrphans()
}

// dropOrphans removes mempool transactions left spending outputs that no
// longer exist (their mempool parent was dropped), repeatedly, so a child
// never outlives its parent.
func (n *Node) dropOrphans() {
	for changed := true; changed; {
		changed = false
		for h, e := range n.pool.txs {
			if e.kind == kindVote {
				continue // votes go with the block they vote on (cleanMempool)
			}
			for _, k := range spentKeys(e.tx, e.kind) {
				if _, ok := n.chain.utxos[k]; ok {
					continue
				}
				if _, ok := n.pool.txs[k.hash]; ok {
					continue
				}
				n.log.Info("dropping mempool transaction whose input disappeared", "tx", h)
				n.pool.remove(h)
				changed = true
				break
			}
		}
	}
}

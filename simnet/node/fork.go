package node

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// maxReorgDepthNotify is ecrd's bound on winningtickets for side chains: a
// block gets the notification only if a chain through it would disconnect
// fewer than this many best-chain blocks.
const maxReorgDepthNotify = 6

// Forks
//
// The node knows every block it accepted, on the best chain or on a side
// chain (n.index). The best chain is the one with the most work; every
// simulated block does the same work, so that is the highest one, and on a
// tie the block seen first stays the tip, as in ecrd. A side-chain block
// is applied to a temporary view of the chain (the best chain disconnected
// down to the fork point, the side branch connected) to learn its winners,
// then the best chain is restored; a branch that becomes higher than the
// tip is reorganized to with notifications.

// onBest reports whether b is on the best chain.
func (n *Node) onBest(b *block) bool {
	mb, ok := n.chain.blockAt(b.height)
	return ok && mb == b
}

// forkPoint is the last best-chain block on b's branch.
func (n *Node) forkPoint(b *block) *block {
	for !n.onBest(b) {
		b = b.parent
	}
	return b
}

// lookupBlock finds any known block, best chain or side chain.
func (n *Node) lookupBlock(h chainhash.Hash) (*block, bool) {
	b, ok := n.index[h]
	return b, ok
}

// switchTo makes target the tip of the chain state: best-chain blocks are
// disconnected down to the fork point and target's branch is connected.
// It returns the disconnected blocks (tip first) and the events of the
// connected ones (fork point first). It checks first that every block to
// disconnect can be, so it never stops half way.
func (n *Node) switchTo(target *block) ([]*block, []*connectEvents, error) {
	c := n.chain
	fork := n.forkPoint(target)
	for h := c.height(); h > fork.height; h-- {
		if _, ok := c.undo[h]; !ok {
			return nil, nil, fmt.Errorf("fork point %s at height %d is deeper than the %d blocks the node can disconnect",
				fork.hash, fork.height, undoDepth)
		}
	}
	var detached []*block
	for c.height() > fork.height {
		b, err := c.disconnect()
		if err != nil {
			return nil, nil, err // checked above; cannot happen
		}
		detached = append(detached, b)
	}
	var path []*block
	for b := target; b != fork; b = b.parent {
		path = append(path, b)
	}
	events := make([]*connectEvents, 0, len(path))
	for i := len(path) - 1; i >= 0; i-- {
		events = append(events, c.connectBlock(path[i]))
	}
	return detached, events, nil
}

// inView runs fn with the chain state switched to parent as its tip, then
// restores the best chain. Nothing is notified.
func (n *Node) inView(parent *block, fn func() error) error {
	tip := n.chain.tip()
	if parent == tip {
		return fn()
	}
	if _, _, err := n.switchTo(parent); err != nil {
		return err
	}
	ferr := fn()
	if _, _, err := n.switchTo(tip); err != nil {
		// The best chain was connected a moment ago, so its blocks can be
		// connected again; failing here means the state is broken.
		panic(fmt.Sprintf("restore the best chain after a side-chain view: %v", err))
	}
	return ferr
}

// accepted is what processing one block did, for notifications.
type accepted struct {
	block    *block
	forkLen  int64            // blocks from the best chain to block (0 when it is the tip)
	oldTip   *block           // the tip before, when a reorganization happened
	detached []*block         // disconnected by a reorganization, tip first
	events   []*connectEvents // connected blocks, in order
}

// processBlock adds a block whose parent is known. A block extending the
// tip is connected; a side-chain block is kept, and the chain reorganizes
// to it when its branch is now the highest. live is false while replaying
// the store at start: no notifications and no mempool.
func (n *Node) processBlock(msg *wire.MsgBlock, live bool) (*accepted, error) {
	hash := msg.BlockHash()
	if _, ok := n.index[hash]; ok {
		return nil, fmt.Errorf("block %s is already known", hash)
	}
	parent, ok := n.index[msg.Header.PrevBlock]
	if !ok {
		return nil, fmt.Errorf("block %s: unknown parent %s", hash, msg.Header.PrevBlock)
	}
	if int64(msg.Header.Height) != parent.height+1 {
		return nil, fmt.Errorf("block %s: height %d does not follow its parent's %d", hash, msg.Header.Height, parent.height)
	}
	b := &block{msg: msg, hash: hash, height: parent.height + 1, size: msg.SerializeSize(), parent: parent}
	c := n.chain
	tip := c.tip()
	acc := &accepted{block: b}
	switch {
	case parent == tip:
		acc.events = []*connectEvents{c.connectBlock(b)}
	case b.height > tip.height:
		detached, events, err := n.switchTo(b)
		if err != nil {
			return nil, err
		}
		acc.oldTip, acc.detached, acc.events = tip, detached, events
		for _, d := range detached {
			d.orphaned = true
		}
		for _, ev := range events {
			ev.block.orphaned = false
		}
	default:
		fork := n.forkPoint(parent)
		acc.forkLen = b.height - fork.height
		if err := n.inView(parent, func() error {
			c.connectBlock(b) // learns b's winners
			_, err := c.disconnect()
			return err
		}); err != nil {
			return nil, err
		}
	}
	n.index[hash] = b
	n.atHeight[b.height] = append(n.atHeight[b.height], b)
	if msg.Header.Nonce > n.nonce {
		n.nonce = msg.Header.Nonce
	}
	if live {
		n.afterAccept(acc)
	}
	return acc, nil
}

// afterAccept rebuilds the mempool and sends the notifications of one
// processed block, in ecrd's order (see the package doc).
func (n *Node) afterAccept(acc *accepted) {
	if acc.oldTip != nil {
		n.notifyReorganization(acc.oldTip, n.chain.tip())
		for _, b := range acc.detached {
			n.notifyDisconnected(b)
		}
	}
	for _, ev := range acc.events {
		n.notifyConnected(ev)
	}
	switch {
	case acc.oldTip != nil:
		n.rebuildMempool(acc.detached)
	case acc.forkLen == 0:
		n.cleanMempool(acc.block.msg)
	}
	b := acc.block
	reorgDepth := n.chain.height() - (b.height - acc.forkLen)
	if b.height >= n.params.StakeValidationHeight-1 && reorgDepth < maxReorgDepthNotify && !b.notified {
		b.notified = true
		n.notifyWinnersOf(b)
	}
	if acc.forkLen == 0 {
		n.notifyStakeDifficulty()
	}
}

// rebuildMempool runs after a reorganization: the transactions of the
// disconnected blocks (oldest block first, regular tree then stake tree,
// coinbases excepted) and then the old mempool, in acceptance order, are
// offered again against the new tip; what is no longer valid (a vote on an
// orphaned block, a spend of an output the new chain spent, ...) drops out.
func (n *Node) rebuildMempool(detached []*block) {
	old := n.pool.ordered()
	n.pool = newMempool()
	var offer []*wire.MsgTx
	for i := len(detached) - 1; i >= 0; i-- {
		m := detached[i].msg
		offer = append(offer, m.Transactions[1:]...)
		offer = append(offer, m.STransactions...)
	}
	for _, e := range old {
		offer = append(offer, e.tx)
	}
	kept, dropped := 0, 0
	for _, tx := range offer {
		if _, err := n.acceptTx(tx); err != nil {
			if _, dup := err.(*duplicateError); !dup {
				dropped++
				n.log.Debug("transaction dropped by the reorganization", "tx", tx.TxHash(), "reason", err)
			}
			continue
		}
		kept++
	}
	n.log.Info("mempool rebuilt after a reorganization", "kept", kept, "dropped", dropped)
}

// blocksAtHeight lists the known blocks at a height, the best chain's
// first, then side-chain blocks in the order they were accepted.
func (n *Node) blocksAtHeight(h int64) []*block {
	var out []*block
	if b, ok := n.chain.blockAt(h); ok {
		out = append(out, b)
	}
	for _, b := range n.atHeight[h] {
		if !n.onBest(b) {
			out = append(out, b)
		}
	}
	return out
}

// replay rebuilds the chain from the stored blocks, in the order they were
// accepted (side-chain blocks included), so the node comes back with the
// same best chain and the same side chains.
func (n *Node) replay(blocks []*wire.MsgBlock) error {
	g := blocks[0]
	gb := &block{msg: g, hash: g.BlockHash(), size: g.SerializeSize()}
	n.chain.connectBlock(gb)
	n.index[gb.hash] = gb
	n.atHeight[0] = []*block{gb}
	for _, m := range blocks[1:] {
		if _, err := n.processBlock(m, false); err != nil {
			return fmt.Errorf("replay stored block %d (%s): %w", m.Header.Height, m.BlockHash(), err)
		}
	}
	return nil
}

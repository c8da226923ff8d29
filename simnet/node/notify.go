package node

import (
	"context"
	"encoding/json"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// ntfnReorganization is ecrd's reorganization notification method (not in
// eacred/rpcjson: the pool does not consume it).
const ntfnReorganization = "reorganization"

// Notification topics (one per notify* registration method).
const (
	topicBlocks            = "blocks"
	topicWinningTickets    = "winningtickets"
	topicSpentAndMissed    = "spentandmissedtickets"
	topicNewTickets        = "newtickets"
	topicStakeDifficulty   = "stakedifficulty"
	topicTxAccepted        = "txaccepted"
	topicTxAcceptedVerbose = "txacceptedverbose"
)

func hashStrings(hs []chainhash.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	return out
}

// notify sends one notification built from an rpcjson *Ntfn.
func (n *Node) notify(topic, method string, params func() ([]json.RawMessage, error)) {
	if !n.srv.HasSubscribers(topic) {
		return
	}
	ps, err := params()
	if err != nil {
		n.log.Error("cannot encode notification", "method", method, "err", err)
		return
	}
	args := make([]any, len(ps))
	for i, p := range ps {
		args[i] = p
	}
	if err := n.srv.Notify(topic, method, args...); err != nil {
		n.log.Error("cannot send notification", "method", method, "err", err)
	}
}

// notifyConnected sends the notifications ecrd sends while it connects a
// block to the best chain: blockconnected, then (from StakeEnabledHeight)
// spentandmissedtickets and newtickets. winningtickets and
// stakedifficulty follow once the whole block is processed
// (afterAccept). n.mu is held, so notifications never interleave.
func (n *Node) notifyConnected(ev *connectEvents) {
	b := ev.block
	hash, height := b.hash.String(), b.height
	header := b.msg.Header.Hex()
	if n.srv.HasSubscribers(topicBlocks) {
		if err := n.srv.NotifyEach(topicBlocks, rpcjson.NtfnBlockConnected, func(c *rpcserver.Client) []any {
			return []any{header, subscribedTxs(c, b.msg)}
		}); err != nil {
			n.log.Error("notification not sent", "method", rpcjson.NtfnBlockConnected, "err", err)
		}
	}
	if height >= n.params.StakeEnabledHeight {
		tickets := make(map[string]string, len(ev.spent)+len(ev.missed))
		for _, t := range ev.spent {
			tickets[t.String()] = rpcjson.TicketSpent
		}
		for _, t := range ev.missed {
			tickets[t.String()] = rpcjson.TicketMissed
		}
		sm := &rpcjson.SpentAndMissedTicketsNtfn{BlockHash: hash, BlockHeight: height, StakeDiff: ev.nextSBits, Tickets: tickets}
		n.notify(topicSpentAndMissed, rpcjson.NtfnSpentAndMissedTickets, sm.Params)
		nt := &rpcjson.NewTicketsNtfn{BlockHash: hash, BlockHeight: height, StakeDiff: ev.nextSBits, Tickets: hashStrings(ev.newTickets)}
		n.notify(topicNewTickets, rpcjson.NtfnNewTickets, nt.Params)
	}
}

// notifyDisconnected sends blockdisconnected [header hex] for a block taken
// off the best chain by a reorganization.
func (n *Node) notifyDisconnected(b *block) {
	if n.srv.HasSubscribers(topicBlocks) {
		if err := n.srv.Notify(topicBlocks, rpcjson.NtfnBlockDisconnected, b.msg.Header.Hex()); err != nil {
			n.log.Error("notification not sent", "method", rpcjson.NtfnBlockDisconnected, "err", err)
		}
	}
}

// notifyReorganization sends reorganization [old tip hash, old height, new
// tip hash, new height] to notifyblocks clients as a reorganization
// begins, before its blockdisconnected notifications.
func (n *Node) notifyReorganization(oldTip, newTip *block) {
	if n.srv.HasSubscribers(topicBlocks) {
		if err := n.srv.Notify(topicBlocks, ntfnReorganization, oldTip.hash.String(), int32(oldTip.height),
			newTip.hash.String(), int32(newTip.height)); err != nil {
			n.log.Error("notification not sent", "method", ntfnReorganization, "err", err)
		}
	}
}

// notifyStakeDifficulty sends stakedifficulty [tip hash, tip height, next
// stake difficulty] after a block that ends on the best chain.
func (n *Node) notifyStakeDifficulty() {
	tip := n.chain.tip()
	sd := &rpcjson.StakeDifficultyNtfn{BlockHash: tip.hash.String(), BlockHeight: tip.height, StakeDiff: n.chain.sbits}
	n.notify(topicStakeDifficulty, rpcjson.NtfnStakeDifficulty, sd.Params)
}

// notifyWinnersOf sends winningtickets [hash, height, {"0": ...}] for b.
func (n *Node) notifyWinnersOf(b *block) {
	wt := &rpcjson.WinningTicketsNtfn{BlockHash: b.hash.String(), BlockHeight: b.height, Tickets: hashStrings(b.winners)}
	if n.trace == nil {
		n.notify(topicWinningTickets, rpcjson.NtfnWinningTickets, wt.Params)
		return
	}
	if !n.srv.HasSubscribers(topicWinningTickets) {
		return
	}
	ps, err := wt.Params()
	if err != nil {
		n.log.Error("cannot encode notification", "method", rpcjson.NtfnWinningTickets, "err", err)
		return
	}
	args := make([]any, len(ps))
	for i, p := range ps {
		args[i] = p
	}
	hash, height := b.hash, b.height
	if err := n.srv.NotifyTraced(topicWinningTickets, rpcjson.NtfnWinningTickets, func(c *rpcserver.Client, at time.Time) {
		n.trace.written(c, hash, height, at)
	}, args...); err != nil {
		n.log.Error("cannot send notification", "method", rpcjson.NtfnWinningTickets, "err", err)
	}
}

// rebroadcastWinners answers rebroadcastwinners: winningtickets again for
// every known block at the tip's height (the tip first, then side-chain
// tips in the order they were accepted) that a chain could still extend
// without reorganizing maxReorgDepthNotify or more blocks, once votes are
// due. It works the same after a restart: side chains are replayed.
func (n *Node) rebroadcastWinners() {
	tip := n.chain.tip()
	if tip.height+1 < n.params.StakeValidationHeight {
		return
	}
	for _, b := range n.blocksAtHeight(tip.height) {
		if b.winnersKnown && !b.orphaned && tip.height-n.forkPoint(b).height < maxReorgDepthNotify {
			n.notifyWinnersOf(b)
		}
	}
}

// rpcNotifyNewTransactions subscribes to txaccepted (verbose=false) or
// txacceptedverbose.
func (n *Node) rpcNotifyNewTransactions(_ context.Context, c *rpcserver.Call) (any, error) {
	verbose := c.Params.OptBool(0, false)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if verbose {
		c.Client.Subscribe(topicTxAcceptedVerbose)
	} else {
		c.Client.Subscribe(topicTxAccepted)
	}
	return nil, nil
}

// notifyAccepted announces a transaction accepted to the mempool.
func (n *Node) notifyAccepted(e *mempoolTx) {
	if n.srv.HasSubscribers(topicTxAccepted) {
		var total int64
		for _, out := range e.tx.TxOut {
			total += out.Value
		}
		if err := n.srv.Notify(topicTxAccepted, rpcjson.NtfnTxAccepted, e.hash.String(), coins(total)); err != nil {
			n.log.Error("notification not sent", "method", rpcjson.NtfnTxAccepted, "err", err)
		}
	}
	if n.srv.HasSubscribers(topicTxAcceptedVerbose) {
		if err := n.srv.Notify(topicTxAcceptedVerbose, rpcjson.NtfnTxAcceptedVerbose, n.txRaw(e.tx, nil)); err != nil {
			n.log.Error("notification not sent", "method", rpcjson.NtfnTxAcceptedVerbose, "err", err)
		}
	}
}

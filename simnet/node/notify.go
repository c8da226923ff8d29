package node

import (
	"context"
	"encoding/json"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

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

// notifyConnected sends the notifications of a connected block in ecrd's
// order: blockconnected, spentandmissedtickets, newtickets,
// winningtickets (and stakedifficulty at a new window). n.mu is held, so
// notifications of consecutive blocks never interleave.
func (n *Node) notifyConnected(ev *connectEvents) {
	b := ev.block
	hash, height := b.hash.String(), b.height
	header := b.msg.Header.Hex()
	if n.srv.HasSubscribers(topicBlocks) {
		n.srv.NotifyEach(topicBlocks, rpcjson.NtfnBlockConnected, func(c *rpcserver.Client) []any {
			return []any{header, subscribedTxs(c, b.msg)}
		})
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
	if ev.newWindow {
		sd := &rpcjson.StakeDifficultyNtfn{BlockHash: hash, BlockHeight: height, StakeDiff: ev.nextSBits}
		n.notify(topicStakeDifficulty, rpcjson.NtfnStakeDifficulty, sd.Params)
	}
	n.notifyWinners()
}

// notifyWinners sends winningtickets for the tip when votes are due on it.
func (n *Node) notifyWinners() {
	tip := n.chain.tip()
	if tip.height+1 < n.params.StakeValidationHeight {
		return
	}
	wt := &rpcjson.WinningTicketsNtfn{BlockHash: tip.hash.String(), BlockHeight: tip.height, Tickets: hashStrings(n.chain.winners)}
	n.notify(topicWinningTickets, rpcjson.NtfnWinningTickets, wt.Params)
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
		n.srv.Notify(topicTxAccepted, rpcjson.NtfnTxAccepted, e.hash.String(), coins(total))
	}
	if n.srv.HasSubscribers(topicTxAcceptedVerbose) {
		n.srv.Notify(topicTxAcceptedVerbose, rpcjson.NtfnTxAcceptedVerbose, n.txRaw(e.tx, nil))
	}
}

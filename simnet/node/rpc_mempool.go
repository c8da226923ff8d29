package node

import (
	"context"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// Coin-age priority, as ecrd reports it in verbose getrawmempool: the sum
// over inputs of value (atoms) x age (blocks from the input's block to the
// next block; 0 for an output of an unmined transaction), divided by the
// transaction's size less a per-input allowance (priorityInputBase bytes
// plus up to priorityMaxSigScript bytes of signature script), so that
// spending many small outputs is not penalised. Inputs that spend nothing
// (a vote's stakebase) count for nothing.
const (
	priorityInputBase    = 41
	priorityMaxSigScript = 110
)

// inputValue is what an input spends: the output's value and the height
// of the block holding it (-1 for an output of an unmined parent); found is
// false for an input spending nothing known (a vote's stakebase).
type inputValue struct {
	value  int64
	height int64
	found  bool
}

// inputValues looks up every input of a mempool transaction.
func (n *Node) inputValues(e *mempoolTx) []inputValue {
	out := make([]inputValue, len(e.tx.TxIn))
	for i, in := range e.tx.TxIn {
		op := in.PreviousOutPoint
		if u, ok := n.chain.utxos[outKey{op.Hash, op.Index}]; ok {
			out[i] = inputValue{value: u.value, height: u.height, found: true}
			continue
		}
		if p, ok := n.pool.txs[op.Hash]; ok && int(op.Index) < len(p.tx.TxOut) {
			out[i] = inputValue{value: p.tx.TxOut[op.Index].Value, height: -1, found: true}
		}
	}
	return out
}

// priority is the coin-age priority of e if mined in block nextHeight.
func (n *Node) priority(e *mempoolTx, nextHeight int64) float64 {
	overhead := 0
	for _, in := range e.tx.TxIn {
		overhead += priorityInputBase + min(len(in.SignatureScript), priorityMaxSigScript)
	}
	size := e.tx.SerializeSize()
	if overhead >= size {
		return 0
	}
	var valueAge float64
	for _, v := range n.inputValues(e) {
		if v.found && v.height >= 0 {
			valueAge += float64(v.value) * float64(nextHeight-v.height)
		}
	}
	return valueAge / float64(size-overhead)
}

// poolFee is what e's inputs bring minus what its outputs pay. Votes pay
// exactly ticket price plus subsidy (checkVote), so their fee is e.fee (0)
// rather than read from the stakebase's ValueIn; a revocation's fee is the
// part of the ticket price it does not pay back.
func (n *Node) poolFee(e *mempoolTx) int64 {
	if e.kind == kindVote {
		return e.fee
	}
	var fee int64
	for _, v := range n.inputValues(e) {
		fee += v.value
	}
	for _, o := range e.tx.TxOut {
		fee -= o.Value
	}
	return fee
}

func (n *Node) rpcGetRawMempool(_ context.Context, c *rpcserver.Call) (any, error) {
	verbose := c.Params.OptBool(0, false)
	txType := c.Params.OptString(1, "all")
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	want := map[string]txKind{"regular": kindRegular, "tickets": kindTicket, "votes": kindVote, "revocations": kindRevocation}
	k, filter := want[txType]
	if !filter && txType != "all" {
		return nil, rpcjson.NewError(rpcjson.ErrCodeInvalidParameter, "Invalid transaction type %q", txType)
	}
	var entries []*mempoolTx
	for _, e := range n.pool.ordered() {
		if !filter || e.kind == k {
			entries = append(entries, e)
		}
	}
	if !verbose {
		out := make([]string, 0, len(entries))
		for _, e := range entries {
			out = append(out, e.hash.String())
		}
		return out, nil
	}
	next := n.chain.height() + 1
	out := make(map[string]rpcjson.GetRawMempoolVerboseResult, len(entries))
	for _, e := range entries {
		r := rpcjson.GetRawMempoolVerboseResult{
			Size:             int32(e.tx.SerializeSize()),
			Fee:              coins(n.poolFee(e)),
			Time:             e.added.Unix(),
			Height:           e.height,
			StartingPriority: e.startPriority,
			CurrentPriority:  n.priority(e, next),
			Depends:          []string{},
		}
		for _, in := range e.tx.TxIn {
			if _, ok := n.pool.txs[in.PreviousOutPoint.Hash]; ok {
				r.Depends = append(r.Depends, in.PreviousOutPoint.Hash.String())
			}
		}
		out[e.hash.String()] = r
	}
	return out, nil
}

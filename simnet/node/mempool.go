package node

import (
	"fmt"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// mempoolTx is an accepted, not yet mined transaction.
type mempoolTx struct {
	tx    *wire.MsgTx
	hash  chainhash.Hash
	kind  txKind
	fee   int64
	seq   uint64 // acceptance order
	vote  *voteForm
	price int64 // tickets: out[0] value

	// For verbose getrawmempool: when it entered, the best height then
	// and its priority at that height.
	added         time.Time
	height        int64
	startPriority float64
}

// mempool holds accepted transactions in acceptance order.
type mempool struct {
	txs   map[chainhash.Hash]*mempoolTx
	spent map[outKey]chainhash.Hash // outputs spent by mempool txs other than votes
	// votes maps (ticket, block voted on) to the mempool vote: a ticket
	// called on two blocks at one height (two tips) may vote on each, but
	// only once on each.
	votes map[voteKey]chainhash.Hash
	seq   uint64
}

// voteKey names a ticket's vote on one block.
type voteKey struct{ ticket, block chainhash.Hash }

func newMempool() *mempool {
	return &mempool{txs: make(map[chainhash.Hash]*mempoolTx), spent: make(map[outKey]chainhash.Hash),
		votes: make(map[voteKey]chainhash.Hash)}
}

func (m *mempool) add(e *mempoolTx) {
	m.seq++
	e.seq = m.seq
	m.txs[e.hash] = e
	if e.kind == kindVote {
		m.votes[voteKey{e.vote.ticket, e.vote.block}] = e.hash
		return
	}
	for _, k := range spentKeys(e.tx, e.kind) {
		m.spent[k] = e.hash
	}
}

func (m *mempool) remove(h chainhash.Hash) {
	e, ok := m.txs[h]
	if !ok {
		return
	}
	delete(m.txs, h)
	if e.kind == kindVote {
		if k := (voteKey{e.vote.ticket, e.vote.block}); m.votes[k] == h {
			delete(m.votes, k)
		}
		return
	}
	for _, k := range spentKeys(e.tx, e.kind) {
		if m.spent[k] == h {
			delete(m.spent, k)
		}
	}
}

// ordered returns the mempool in acceptance order (parents first).
func (m *mempool) ordered() []*mempoolTx {
	out := make([]*mempoolTx, 0, len(m.txs))
	for _, e := range m.txs {
		out = append(out, e)
	}
	sortBySeq(out)
	return out
}

func spentKeys(tx *wire.MsgTx, kind txKind) []outKey {
	if kind == kindCoinbase {
		return nil
	}
	ins := tx.TxIn
	if kind == kindVote {
		ins = ins[1:]
	}
	keys := make([]outKey, len(ins))
	for i, in := range ins {
		keys[i] = outKey{in.PreviousOutPoint.Hash, in.PreviousOutPoint.Index}
	}
	return keys
}

// rejectError is a policy or consensus rejection (-1 "rejected transaction
// <hash>: <reason>").
type rejectError struct {
	hash   chainhash.Hash
	reason string
}

func (e *rejectError) Error() string {
	return fmt.Sprintf("rejected transaction %s: %s", e.hash, e.reason)
}

// duplicateError is a transaction already in the mempool or chain (-40).
type duplicateError struct{ hash chainhash.Hash }

func (e *duplicateError) Error() string {
	return fmt.Sprintf("rejected transaction %s: already have transaction %s", e.hash, e.hash)
}

func reject(h chainhash.Hash, format string, args ...any) error {
	return &rejectError{hash: h, reason: fmt.Sprintf(format, args...)}
}

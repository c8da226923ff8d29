package node

import (
	"fmt"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// maxAtoms bounds any amount (21 million coins).
const maxAtoms = 21e6 * 1e8

// VerifyFunc checks the signature script of input idx of tx against the
// script of the output it spends.
type VerifyFunc func(tx *wire.MsgTx, idx int, prevPkScript []byte) error

// prevOut is an output being spent, from the chain or the mempool.
type prevOut struct {
	value    int64
	pkScript []byte
	height   int64
	kind     txKind
	outIndex uint32
	inPool   bool
}

// lookupPrev finds an unspent output for a new mempool transaction.
func (n *Node) lookupPrev(txHash chainhash.Hash, op wire.OutPoint) (*prevOut, error) {
	key := outKey{op.Hash, op.Index}
	if by, ok := n.pool.spent[key]; ok {
		return nil, reject(txHash, "output %s already spent by transaction %s in the memory pool", op, by)
	}
	if u, ok := n.chain.utxos[key]; ok {
		if u.tree != op.Tree {
			return nil, reject(txHash, "output %s is in tree %d, not %d", op, u.tree, op.Tree)
		}
		return &prevOut{value: u.value, pkScript: u.pkScript, height: u.height, kind: u.kind, outIndex: op.Index}, nil
	}
	if e, ok := n.pool.txs[op.Hash]; ok && int(op.Index) < len(e.tx.TxOut) {
		if e.kind != kindRegular {
			return nil, reject(txHash, "output %s of unmined %s is not spendable yet", op, e.kind)
		}
		if op.Tree != wire.TxTreeRegular {
			return nil, reject(txHash, "output %s is in tree 0, not %d", op, op.Tree)
		}
		out := e.tx.TxOut[op.Index]
		return &prevOut{value: out.Value, pkScript: out.PkScript, kind: kindRegular, outIndex: op.Index, inPool: true}, nil
	}
	if _, mined := n.chain.txIndex[op.Hash]; mined {
		return nil, reject(txHash, "output %s has already been spent", op)
	}
	return nil, reject(txHash, "output %s references an unknown transaction", op)
}

// checkSpendable applies maturity rules to an ordinary spend.
func (n *Node) checkSpendable(txHash chainhash.Hash, op wire.OutPoint, p *prevOut) error {
	next := n.chain.height() + 1
	par := n.params
	switch {
	case p.kind == kindTicket && p.outIndex == 0:
		return reject(txHash, "output %s is a ticket's voting output; only a vote or revocation may spend it", op)
	case p.kind == kindCoinbase || p.kind == kindVote || p.kind == kindRevocation:
		if next-p.height < int64(par.CoinbaseMaturity) {
			return reject(txHash, "tried to spend %s output %s from height %d at height %d before required maturity of %d blocks",
				p.kind, op, p.height, next, par.CoinbaseMaturity)
		}
	case p.kind == kindTicket:
		if next-p.height < int64(par.SStxChangeMaturity) {
			return reject(txHash, "ticket change %s is not mature", op)
		}
	}
	return nil
}

// acceptTx validates a transaction against the tip and the mempool and
// adds it to the mempool. n.mu must be held.
func (n *Node) acceptTx(tx *wire.MsgTx) (*mempoolTx, error) {
	return n.acceptTxWith(tx, n.verify)
}

// acceptTxWith is acceptTx with the signature checks done by verify.
func (n *Node) acceptTxWith(tx *wire.MsgTx, verify VerifyFunc) (*mempoolTx, error) {
	e, err := n.checkTx(tx, verify)
	if err != nil {
		return nil, err
	}
	n.pool.add(e)
	return e, nil
}

// checkTx runs every check of acceptTx, with the signature checks done by
// verify, and changes nothing. n.mu must be held.
func (n *Node) checkTx(tx *wire.MsgTx, verify VerifyFunc) (*mempoolTx, error) {
	h := tx.TxHash()
	if _, ok := n.pool.txs[h]; ok {
		return nil, &duplicateError{h}
	}
	if _, ok := n.chain.txIndex[h]; ok {
		return nil, &duplicateError{h}
	}
	if tx.SerType != wire.TxSerializeFull {
		return nil, reject(h, "transaction is not fully serialized (witness missing)")
	}
	if len(tx.TxIn) == 0 {
		return nil, reject(h, "transaction has no inputs")
	}
	if len(tx.TxOut) == 0 {
		return nil, reject(h, "transaction has no outputs")
	}
	var totalOut int64
	for i, out := range tx.TxOut {
		if out.Value < 0 || out.Value > maxAtoms {
			return nil, reject(h, "output %d has value %d out of range", i, out.Value)
		}
		totalOut += out.Value
		if totalOut > maxAtoms {
			return nil, reject(h, "total output value %d out of range", totalOut)
		}
	}
	next := n.chain.height() + 1
	if tx.Expiry != wire.NoExpiryValue && next >= int64(tx.Expiry) {
		return nil, reject(h, "transaction expired at height %d", tx.Expiry)
	}
	seen := make(map[outKey]bool, len(tx.TxIn))
	for _, in := range tx.TxIn {
		k := outKey{in.PreviousOutPoint.Hash, in.PreviousOutPoint.Index}
		if seen[k] && !isNullOutPoint(&in.PreviousOutPoint) {
			return nil, reject(h, "transaction spends %s twice", in.PreviousOutPoint)
		}
		seen[k] = true
	}
	e := &mempoolTx{tx: tx, hash: h, kind: classify(tx)}
	var err error
	switch e.kind {
	case kindCoinbase:
		err = reject(h, "transaction is an individual coinbase")
	case kindRegular:
		e.fee, err = n.checkRegular(h, tx, verify)
	case kindTicket:
		e.fee, err = n.checkTicket(h, tx, verify)
		e.price = tx.TxOut[0].Value
	case kindVote:
		e.vote, err = n.checkVote(h, tx, verify)
	case kindRevocation:
		err = n.checkRevocation(h, tx, verify)
	}
	if err != nil {
		return nil, err
	}
	e.added, e.height = time.Now(), n.chain.height()
	e.startPriority = n.priority(e, n.chain.height()+1)
	return e, nil
}

// checkInputs looks up, maturity-checks and signature-checks ordinary
// inputs and returns their values.
func (n *Node) checkInputs(h chainhash.Hash, tx *wire.MsgTx, verify VerifyFunc) ([]int64, error) {
	values := make([]int64, len(tx.TxIn))
	for i, in := range tx.TxIn {
		if isNullOutPoint(&in.PreviousOutPoint) {
			return nil, reject(h, "input %d has a null outpoint", i)
		}
		p, err := n.lookupPrev(h, in.PreviousOutPoint)
		if err != nil {
			return nil, err
		}
		if err := n.checkSpendable(h, in.PreviousOutPoint, p); err != nil {
			return nil, err
		}
		if err := verify(tx, i, p.pkScript); err != nil {
			return nil, reject(h, "input %d signature check failed: %v", i, err)
		}
		values[i] = p.value
	}
	return values, nil
}

func (n *Node) checkRegular(h chainhash.Hash, tx *wire.MsgTx, verify VerifyFunc) (int64, error) {
	for i, out := range tx.TxOut {
		if len(out.PkScript) > 0 && out.PkScript[0] >= opSSTX && out.PkScript[0] <= opSSTXChange {
			return 0, reject(h, "output %d of a regular transaction has a stake opcode", i)
		}
	}
	values, err := n.checkInputs(h, tx, verify)
	if err != nil {
		return 0, err
	}
	var in, out int64
	for _, v := range values {
		in += v
	}
	for _, o := range tx.TxOut {
		out += o.Value
	}
	if in < out {
		return 0, reject(h, "total value of all transaction inputs (%d) is less than the amount spent (%d)", in, out)
	}
	return in - out, nil
}

func (n *Node) checkTicket(h chainhash.Hash, tx *wire.MsgTx, verify VerifyFunc) (int64, error) {
	f, err := checkTicketForm(tx)
	if err != nil {
		return 0, reject(h, "invalid ticket: %v", err)
	}
	next := n.chain.height() + 1
	if next < n.params.StakeEnabledHeight {
		return 0, reject(h, "ticket purchases are not allowed before height %d", n.params.StakeEnabledHeight)
	}
	if f.price < n.chain.sbits {
		return 0, reject(h, "ticket price %d is below the stake difficulty %d", f.price, n.chain.sbits)
	}
	values, err := n.checkInputs(h, tx, verify)
	if err != nil {
		return 0, err
	}
	var in, committed int64
	for k, c := range f.commitments {
		change := tx.TxOut[2*k+2].Value
		if c.amount != values[k]-change {
			return 0, reject(h, "commitment %d is %d atoms but input %d minus its change is %d", k, c.amount, k, values[k]-change)
		}
		if c.amount <= 0 {
			return 0, reject(h, "commitment %d is %d atoms; a contribution must be positive", k, c.amount)
		}
		in += values[k]
		committed += c.amount
	}
	var out int64
	for _, o := range tx.TxOut {
		out += o.Value
	}
	if in < out {
		return 0, reject(h, "ticket inputs (%d) are less than its outputs (%d)", in, out)
	}
	return committed - f.price, nil
}

// ticketForVote finds the mined ticket a vote or revocation spends.
func (n *Node) ticketForVote(h, th chainhash.Hash) (*ticket, *wire.MsgTx, *ticketForm, error) {
	t, ok := n.chain.tickets[th]
	if !ok {
		return nil, nil, nil, reject(h, "ticket %s is not a known mined ticket", th)
	}
	ttx := n.chain.txAt(n.chain.txIndex[th])
	form, err := checkTicketForm(ttx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("stored ticket %s is malformed: %w", th, err)
	}
	return t, ttx, form, nil
}

// voteTarget resolves the block a vote votes on: the tip, or a side-chain
// block, never on the best chain, that a chain could still be built on
// without reorganizing maxReorgDepthNotify or more blocks (ecrd sends
// winningtickets for those). Votes on blocks orphaned by a reorganization
// are refused. side is true for a side-chain block.
func (n *Node) voteTarget(h chainhash.Hash, f *voteForm) (*block, bool, error) {
	tip := n.chain.tip()
	vb, ok := n.lookupBlock(f.block)
	if ok && vb == tip && int64(f.height) == tip.height {
		return vb, false, nil
	}
	if ok && !n.onBest(vb) && !vb.orphaned && vb.winnersKnown && int64(f.height) == vb.height &&
		tip.height-n.forkPoint(vb).height < maxReorgDepthNotify {
		return vb, true, nil
	}
	return nil, false, reject(h, "vote is on block %s height %d, not on the tip %s height %d or a recent side-chain block",
		f.block, f.height, tip.hash, tip.height)
}

func (n *Node) checkVote(h chainhash.Hash, tx *wire.MsgTx, verify VerifyFunc) (*voteForm, error) {
	f, err := checkVoteForm(tx)
	if err != nil {
		return nil, reject(h, "invalid vote: %v", err)
	}
	vb, side, err := n.voteTarget(h, f)
	if err != nil {
		return nil, err
	}
	t, ttx, form, err := n.ticketForVote(h, f.ticket)
	if err != nil {
		return nil, err
	}
	if by, dup := n.pool.votes[voteKey{f.ticket, f.block}]; dup {
		return nil, reject(h, "output %s:0 already spent by transaction %s in the memory pool", f.ticket, by)
	}
	eligible := false
	for _, w := range vb.winners {
		eligible = eligible || w == f.ticket
	}
	if !eligible || (!side && t.state != ticketLive) {
		return nil, reject(h, "ticket %s is not eligible to vote on block %s", f.ticket, vb.hash)
	}
	// The stakebase is the vote subsidy of the block voted on, as ecrd
	// takes it (not of the block that includes the vote).
	subsidy := n.sub.vote(vb.height)
	if err := checkPayouts(form.commitments, f.payouts, f.payValues, form.price+subsidy, true); err != nil {
		return nil, reject(h, "invalid vote payouts: %v", err)
	}
	if err := verify(tx, 1, ttx.TxOut[0].PkScript); err != nil {
		return nil, reject(h, "vote signature check failed: %v", err)
	}
	return f, nil
}

func (n *Node) checkRevocation(h chainhash.Hash, tx *wire.MsgTx, verify VerifyFunc) error {
	f, err := checkRevocationForm(tx)
	if err != nil {
		return reject(h, "invalid revocation: %v", err)
	}
	t, ttx, form, err := n.ticketForVote(h, f.ticket)
	if err != nil {
		return err
	}
	if by, spent := n.pool.spent[outKey{f.ticket, 0}]; spent {
		return reject(h, "ticket %s is already spent by transaction %s in the memory pool", f.ticket, by)
	}
	if t.state != ticketMissed && t.state != ticketExpired {
		return reject(h, "ticket %s is not missed or expired and cannot be revoked", f.ticket)
	}
	if n.autoRevoke {
		return n.checkAutoRevocation(h, tx, f.ticket)
	}
	if err := checkPayouts(form.commitments, f.payouts, f.payValues, form.price, false); err != nil {
		return reject(h, "invalid revocation payouts: %v", err)
	}
	if err := verify(tx, 0, ttx.TxOut[0].PkScript); err != nil {
		return reject(h, "revocation signature check failed: %v", err)
	}
	return nil
}

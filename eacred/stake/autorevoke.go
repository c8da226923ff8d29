package stake

import (
	"bytes"

	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Automatic revocations (DCP0009)
//
// While the automatic ticket revocations agenda is active, the block
// producer revokes tickets itself: every block must contain a revocation
// of each ticket that becomes missed in it (a winner selected for the
// block whose vote the block does not include) and of each ticket that
// expires in it, and may contain revocations of tickets missed earlier.
// Such a revocation is transaction version 2 (RevocationVersionAuto); its
// one input spends the ticket's out[0] with an empty signature script (no
// key signs it); it pays no fee: the outputs, one OP_SSRTX payout per
// commitment to the committed address, add up to the ticket price
// exactly, as RevocationRewards divides it. Sequence is final, lock time
// and expiry are 0, and the input's witness value is the ticket price.

// RevocationRewards returns each commitment's payout in an automatic
// (DCP0009) revocation of a ticket of the given price with these
// commitment amounts, revoked in the block whose parent has the serialized
// header prevHeader: first CalculateRewards(amounts, price, 0), then each
// atom left over goes, one at a time, to the payout
// NewHash256PRNG(prevHeader).UniformRandom(len(amounts)) picks, so that
// the payouts sum to price.
func RevocationRewards(amounts []int64, price int64, prevHeader []byte) []int64 {
	out := CalculateRewards(amounts, price, 0)
	var paid int64
	for _, v := range out {
		paid += v
	}
	if paid >= price || len(out) == 0 {
		return out
	}
	prng := NewHash256PRNG(prevHeader)
	for left := price - paid; left > 0; left-- {
		out[prng.UniformRandom(uint32(len(out)))]++
	}
	return out
}

// NewAutoRevocation builds the automatic (DCP0009, version 2) revocation of
// ticket t for inclusion in the block whose parent is prevHeader. The
// result needs no signature; its txid is the one every node computes.
func NewAutoRevocation(t *Ticket, prevHeader *wire.BlockHeader) (*wire.MsgTx, error) {
	if t == nil || len(t.Contributions) == 0 {
		return nil, stakeErr(ErrNotTicket, nil, "no ticket given")
	}
	if prevHeader == nil {
		return nil, stakeErr(ErrAutoRevocation, nil, "no previous block header given")
	}
	tx := wire.NewMsgTx(RevocationVersionAuto)
	ticketOut := wire.OutPoint{Hash: t.Hash, Index: 0, Tree: wire.TxTreeStake}
	tx.AddTxIn(wire.NewTxIn(&ticketOut, t.Price, nil))
	amounts := make([]int64, len(t.Contributions))
	for k, c := range t.Contributions {
		if c.Amount <= 0 || !validAmount(c.Amount) {
			return nil, stakeErr(ErrBadAmount, nil, "commitment %d amount %d", k, c.Amount)
		}
		amounts[k] = c.Amount
	}
	for k, v := range RevocationRewards(amounts, t.Price, prevHeader.Bytes()) {
		ps := t.Contributions[k].PayScript()
		ps.Tag = txscript.OP_SSRTX
		tx.AddTxOut(wire.NewTxOut(v, ps.Script()))
	}
	return tx, nil
}

// CheckAutoRevocation checks that rev is a valid automatic (DCP0009)
// revocation of ticket t in a block whose parent is prevHeader: version 2,
// one input spending the ticket's out[0] in the stake tree with an empty
// signature script, and exactly one script-version-0 OP_SSRTX payout per
// commitment, to the committed address, of the amount RevocationRewards
// gives (so no fee). It does not check that the ticket may be revoked in
// that block (missed or expired): that is chain state. Errors match
// ErrAutoRevocation.
func CheckAutoRevocation(rev *wire.MsgTx, t *Ticket, prevHeader *wire.BlockHeader) error {
	switch {
	case rev == nil || t == nil || prevHeader == nil:
		return stakeErr(ErrAutoRevocation, nil, "missing revocation, ticket or previous header")
	case rev.Version != RevocationVersionAuto:
		return stakeErr(ErrAutoRevocation, nil, "version %d, want %d", rev.Version, RevocationVersionAuto)
	case len(rev.TxIn) != 1:
		return stakeErr(ErrAutoRevocation, nil, "%d inputs, want 1", len(rev.TxIn))
	}
	in := rev.TxIn[0]
	if in.PreviousOutPoint != (wire.OutPoint{Hash: t.Hash, Index: 0, Tree: wire.TxTreeStake}) {
		return stakeErr(ErrAutoRevocation, nil, "input spends %v, not ticket %v output 0 (stake tree)", in.PreviousOutPoint, t.Hash)
	}
	if len(in.SignatureScript) != 0 {
		return stakeErr(ErrAutoRevocation, nil, "signature script is not empty")
	}
	if len(rev.TxOut) != len(t.Contributions) {
		return stakeErr(ErrAutoRevocation, nil, "%d outputs for %d commitments", len(rev.TxOut), len(t.Contributions))
	}
	amounts := make([]int64, len(t.Contributions))
	for k, c := range t.Contributions {
		amounts[k] = c.Amount
	}
	want := RevocationRewards(amounts, t.Price, prevHeader.Bytes())
	for k, o := range rev.TxOut {
		ps := t.Contributions[k].PayScript()
		ps.Tag = txscript.OP_SSRTX
		if o.Version != 0 || !bytes.Equal(o.PkScript, ps.Script()) {
			return stakeErr(ErrAutoRevocation, nil, "output %d does not pay commitment %d's address", k, k)
		}
		if o.Value != want[k] {
			return stakeErr(ErrAutoRevocation, nil, "output %d pays %d atoms, want %d", k, o.Value, want[k])
		}
	}
	return nil
}

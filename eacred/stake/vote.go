package stake

import (
	"math/bits"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Vote is a parsed vote.
type Vote struct {
	Hash       chainhash.Hash
	TicketHash chainhash.Hash
	// BlockHash and BlockHeight name the block voted on.
	BlockHash   chainhash.Hash
	BlockHeight uint32
	VoteBits    uint16
	VoteVersion uint32
	// Subsidy is the stakebase input's witness value. Consensus requires
	// it to equal subsidy.Cache.VoteSubsidyOn(BlockHeight): the subsidy
	// of the block voted on, not of the block including the vote.
	Subsidy int64
	Payouts []Payout
	// TreasuryVotes is the raw data of a trailing 'T','V' treasury vote
	// output (version 3 votes), or nil.
	TreasuryVotes []byte
}

// ParseVote checks tx's vote structure and decodes it. Errors match
// ErrNotVote.
func ParseVote(tx *wire.MsgTx) (*Vote, error) {
	if len(tx.TxIn) != 2 {
		return nil, stakeErr(ErrNotVote, nil, "%d inputs, want 2", len(tx.TxIn))
	}
	if !isNullOutPoint(&tx.TxIn[0].PreviousOutPoint) {
		return nil, stakeErr(ErrNotVote, nil, "input 0 is not a stakebase")
	}
	ticketIn := &tx.TxIn[1].PreviousOutPoint
	if ticketIn.Tree != wire.TxTreeStake || ticketIn.Index != 0 {
		return nil, stakeErr(ErrNotVote, nil, "input 1 does not spend output 0 of a stake tree transaction")
	}
	outs := tx.TxOut
	if len(outs) < 3 || len(outs) > MaxSSGenPayouts+3 {
		return nil, stakeErr(ErrNotVote, nil, "%d outputs", len(outs))
	}
	if outs[0].Version != 0 || outs[1].Version != 0 {
		return nil, stakeErr(ErrNotVote, nil, "OP_RETURN outputs must be script version 0")
	}
	v := &Vote{TicketHash: ticketIn.Hash, Subsidy: tx.TxIn[0].ValueIn}
	var err error
	if v.BlockHash, v.BlockHeight, err = txscript.ParseVoteBlockRefScript(outs[0].PkScript); err != nil {
		return nil, stakeErr(ErrNotVote, err, "output 0")
	}
	if v.VoteBits, v.VoteVersion, err = txscript.ParseVoteBitsScript(outs[1].PkScript); err != nil {
		return nil, stakeErr(ErrNotVote, err, "output 1")
	}
	payoutOuts := outs[2:]
	if last := payoutOuts[len(payoutOuts)-1]; tx.Version == 3 && isTreasuryVote(last.PkScript) {
		v.TreasuryVotes = append([]byte(nil), last.PkScript[4:]...)
		payoutOuts = payoutOuts[:len(payoutOuts)-1]
	}
	if len(payoutOuts) == 0 || len(payoutOuts) > MaxSSGenPayouts {
		return nil, stakeErr(ErrNotVote, nil, "%d payouts", len(payoutOuts))
	}
	if v.Payouts, err = parsePayouts(payoutOuts, txscript.OP_SSGEN, ErrNotVote, 2); err != nil {
		return nil, err
	}
	v.Hash = tx.TxHash()
	return v, nil
}

// isTreasuryVote reports OP_RETURN <push> 'T' 'V' (tspend hash, vote)*.
func isTreasuryVote(s []byte) bool {
	return len(s) >= 4 && s[0] == txscript.OP_RETURN && int(s[1]) == len(s)-2 &&
		s[1] <= txscript.OP_DATA_75 && s[2] == 'T' && s[3] == 'V' && (len(s)-4)%33 == 0
}

// CalculateRewards returns each contributor's payout when a ticket of the
// given price with these commitment amounts votes (subsidy = the vote
// subsidy) or is revoked (subsidy 0):
//
//	floor( amounts[k] * (price + subsidy) / sum(amounts) )
//
// computed exactly with 128-bit intermediates (the network's 64.32 fixed
// point gives the same result). Left-over atoms are not paid out.
func CalculateRewards(amounts []int64, price, subsidy int64) []int64 {
	var total uint64
	for _, a := range amounts {
		total += uint64(a)
	}
	out := make([]int64, len(amounts))
	if total == 0 {
		return out
	}
	pot := uint64(price + subsidy)
	for k, a := range amounts {
		hi, lo := bits.Mul64(uint64(a), pot)
		if hi >= total {
			// Only possible if a > total, i.e. inconsistent input.
			continue
		}
		q, _ := bits.Div64(hi, lo, total)
		out[k] = int64(q)
	}
	return out
}

// VoteSpec describes a vote to build.
type VoteSpec struct {
	// Ticket is the ticket being voted (its out[0] is spent).
	Ticket *wire.MsgTx
	// BlockHash and BlockHeight name the block voted on (the parent of
	// the block that will include the vote).
	BlockHash   chainhash.Hash
	BlockHeight uint32
	VoteBits    uint16
	VoteVersion uint32
	// ExtendedVoteBits, when not nil, is written after the vote bits
	// verbatim instead of VoteVersion (JSON-RPC "votebitsextended";
	// its first 4 bytes are the vote version, little-endian).
	ExtendedVoteBits []byte
	// Subsidy is the stakebase value: the vote subsidy of the block
	// voted ON, subsidy.Cache.VoteSubsidyOn(BlockHeight) — not of the
	// block that will include the vote (BlockHeight+1), which differs
	// at every subsidy reduction boundary.
	Subsidy int64
	// StakeBaseSigScript is the network's stakebase signature script
	// (chaincfg.Params.StakeBaseSigScript).
	StakeBaseSigScript []byte
}

// NewVote builds an unsigned vote: stakebase input, ticket input, block
// reference, vote bits and one OP_SSGEN payout per commitment paying the
// committed address its share of price + subsidy. Sign input 1 with
// SignTicketSpend.
func NewVote(spec VoteSpec) (*wire.MsgTx, error) {
	if spec.Ticket == nil {
		return nil, stakeErr(ErrNotTicket, nil, "no ticket given")
	}
	t, err := ParseTicket(spec.Ticket)
	if err != nil {
		return nil, err
	}
	if !validAmount(spec.Subsidy) {
		return nil, stakeErr(ErrBadAmount, nil, "subsidy %d", spec.Subsidy)
	}
	tx := wire.NewMsgTx(wire.TxVersion)
	stakebase := wire.OutPoint{Index: wire.MaxPrevOutIndex, Tree: wire.TxTreeRegular}
	tx.AddTxIn(wire.NewTxIn(&stakebase, spec.Subsidy, append([]byte(nil), spec.StakeBaseSigScript...)))
	ticketOut := wire.OutPoint{Hash: t.Hash, Index: 0, Tree: wire.TxTreeStake}
	tx.AddTxIn(wire.NewTxIn(&ticketOut, t.Price, nil))
	tx.AddTxOut(wire.NewTxOut(0, txscript.VoteBlockRefScript(&spec.BlockHash, spec.BlockHeight)))
	bitsScript := txscript.VoteBitsScript(spec.VoteBits, spec.VoteVersion)
	if spec.ExtendedVoteBits != nil {
		if bitsScript, err = txscript.VoteBitsScriptExt(spec.VoteBits, spec.ExtendedVoteBits); err != nil {
			return nil, stakeErr(ErrBadContribution, err, "extended vote bits")
		}
	}
	tx.AddTxOut(wire.NewTxOut(0, bitsScript))
	addPayouts(tx, t, spec.Subsidy, txscript.OP_SSGEN)
	return tx, nil
}

// addPayouts appends one payout per commitment tagged with tag.
func addPayouts(tx *wire.MsgTx, t *Ticket, subsidy int64, tag byte) {
	amounts := make([]int64, len(t.Contributions))
	for k, c := range t.Contributions {
		amounts[k] = c.Amount
	}
	for k, r := range CalculateRewards(amounts, t.Price, subsidy) {
		ps := t.Contributions[k].PayScript()
		ps.Tag = tag
		tx.AddTxOut(wire.NewTxOut(r, ps.Script()))
	}
}

package node

import (
	"encoding/binary"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Opcodes the node inspects.
const (
	opReturn      = 0x6a
	opDup         = 0x76
	opEqual       = 0x87
	opEqualVerify = 0x88
	opHash160     = 0xa9
	opCheckSig    = 0xac
	opSSTX        = 0xba
	opSSGEN       = 0xbb
	opSSRTX       = 0xbc
	opSSTXChange  = 0xbd
)

// txKind is what a transaction is for the chain's rules.
type txKind int

const (
	kindRegular txKind = iota
	kindCoinbase
	kindTicket
	kindVote
	kindRevocation
)

func (k txKind) String() string {
	return [...]string{"regular", "coinbase", "ticket", "vote", "revocation"}[k]
}

func isNullOutPoint(op *wire.OutPoint) bool {
	return op.Index == wire.MaxPrevOutIndex && op.Hash == (chainhash.Hash{}) && op.Tree == wire.TxTreeRegular
}

// classify tells the kind from the transaction's shape; the stake forms are
// then checked strictly by checkTicketForm & co.
func classify(tx *wire.MsgTx) txKind {
	if len(tx.TxIn) == 1 && isNullOutPoint(&tx.TxIn[0].PreviousOutPoint) {
		return kindCoinbase
	}
	if len(tx.TxOut) == 0 {
		return kindRegular
	}
	pk := tx.TxOut[0].PkScript
	switch {
	case len(pk) > 0 && pk[0] == opSSTX:
		return kindTicket
	case len(pk) > 0 && pk[0] == opSSRTX:
		return kindRevocation
	case len(tx.TxIn) == 2 && isNullOutPoint(&tx.TxIn[0].PreviousOutPoint) && len(pk) == 38 && pk[0] == opReturn:
		return kindVote
	}
	for _, out := range tx.TxOut {
		if len(out.PkScript) > 0 && out.PkScript[0] >= opSSTX && out.PkScript[0] <= opSSTXChange {
			return kindTicket // a malformed stake tx: checkTicketForm rejects it
		}
	}
	return kindRegular
}

// payTo is the hash an ordinary P2PKH or P2SH script pays to.
type payTo struct {
	hash160 [20]byte
	p2sh    bool
}

// parsePayTo recognises P2PKH (76 a9 14 <20> 88 ac) and P2SH (a9 14 <20> 87).
func parsePayTo(s []byte) (payTo, bool) {
	var p payTo
	switch {
	case len(s) == 25 && s[0] == opDup && s[1] == opHash160 && s[2] == 0x14 && s[23] == opEqualVerify && s[24] == opCheckSig:
		copy(p.hash160[:], s[3:23])
		return p, true
	case len(s) == 23 && s[0] == opHash160 && s[1] == 0x14 && s[22] == opEqual:
		copy(p.hash160[:], s[2:22])
		p.p2sh = true
		return p, true
	}
	return p, false
}

// parseTagged parses a stake-tagged P2PKH/P2SH script with the given tag.
func parseTagged(s []byte, tag byte) (payTo, bool) {
	if len(s) < 1 || s[0] != tag {
		return payTo{}, false
	}
	return parsePayTo(s[1:])
}

// commitment is a ticket's OP_RETURN commitment output.
type commitment struct {
	payTo
	amount int64
	limits uint16
}

func parseCommitment(s []byte) (commitment, error) {
	var c commitment
	if len(s) != 32 || s[0] != opReturn || s[1] != 0x1e {
		return c, fmt.Errorf("commitment output is not a 30-byte OP_RETURN push")
	}
	copy(c.hash160[:], s[2:22])
	raw := binary.LittleEndian.Uint64(s[22:30])
	c.p2sh = raw&(1<<63) != 0
	c.amount = int64(raw &^ (1 << 63))
	c.limits = binary.LittleEndian.Uint16(s[30:32])
	return c, nil
}

// ticketForm is a structurally valid ticket.
type ticketForm struct {
	voting      payTo
	price       int64
	commitments []commitment
}

func checkTicketForm(tx *wire.MsgTx) (*ticketForm, error) {
	nIn := len(tx.TxIn)
	if nIn < 1 || nIn > 64 {
		return nil, fmt.Errorf("ticket has %d inputs (want 1..64)", nIn)
	}
	if len(tx.TxOut) != 2*nIn+1 {
		return nil, fmt.Errorf("ticket has %d outputs for %d inputs (want %d)", len(tx.TxOut), nIn, 2*nIn+1)
	}
	for i, out := range tx.TxOut {
		if out.Version != 0 {
			return nil, fmt.Errorf("ticket output %d has script version %d", i, out.Version)
		}
	}
	for i, in := range tx.TxIn {
		if isNullOutPoint(&in.PreviousOutPoint) {
			return nil, fmt.Errorf("ticket input %d has a null outpoint", i)
		}
	}
	voting, ok := parseTagged(tx.TxOut[0].PkScript, opSSTX)
	if !ok {
		return nil, fmt.Errorf("ticket output 0 is not an OP_SSTX P2PKH/P2SH script")
	}
	f := &ticketForm{voting: voting, price: tx.TxOut[0].Value}
	for k := 0; k < nIn; k++ {
		c, err := parseCommitment(tx.TxOut[2*k+1].PkScript)
		if err != nil {
			return nil, fmt.Errorf("ticket output %d: %w", 2*k+1, err)
		}
		if tx.TxOut[2*k+1].Value != 0 {
			return nil, fmt.Errorf("ticket commitment output %d has a non-zero value", 2*k+1)
		}
		if _, ok := parseTagged(tx.TxOut[2*k+2].PkScript, opSSTXChange); !ok {
			return nil, fmt.Errorf("ticket output %d is not an OP_SSTXCHANGE script", 2*k+2)
		}
		f.commitments = append(f.commitments, c)
	}
	return f, nil
}

// voteForm is a structurally valid vote.
type voteForm struct {
	ticket    chainhash.Hash
	block     chainhash.Hash
	height    uint32
	voteBits  uint16
	version   uint32
	payouts   []payTo
	payValues []int64
}

func checkVoteForm(tx *wire.MsgTx) (*voteForm, error) {
	if len(tx.TxIn) != 2 {
		return nil, fmt.Errorf("vote has %d inputs (want 2)", len(tx.TxIn))
	}
	if !isNullOutPoint(&tx.TxIn[0].PreviousOutPoint) {
		return nil, fmt.Errorf("vote input 0 is not a stakebase")
	}
	tin := tx.TxIn[1].PreviousOutPoint
	if tin.Index != 0 || tin.Tree != wire.TxTreeStake {
		return nil, fmt.Errorf("vote input 1 must spend output 0 of a ticket in the stake tree")
	}
	if len(tx.TxOut) < 3 || len(tx.TxOut) > 66 {
		return nil, fmt.Errorf("vote has %d outputs (want 3..66)", len(tx.TxOut))
	}
	ref := tx.TxOut[0].PkScript
	if len(ref) != 38 || ref[0] != opReturn || ref[1] != 0x24 {
		return nil, fmt.Errorf("vote output 0 is not the 36-byte block reference")
	}
	f := &voteForm{ticket: tin.Hash}
	copy(f.block[:], ref[2:34])
	f.height = binary.LittleEndian.Uint32(ref[34:38])
	bits := tx.TxOut[1].PkScript
	if len(bits) < 4 || bits[0] != opReturn || int(bits[1]) < 2 || int(bits[1]) > 75 || len(bits) != 2+int(bits[1]) {
		return nil, fmt.Errorf("vote output 1 is not a vote bits OP_RETURN push")
	}
	f.voteBits = binary.LittleEndian.Uint16(bits[2:4])
	if len(bits) >= 8 {
		f.version = binary.LittleEndian.Uint32(bits[4:8])
	}
	for i, out := range tx.TxOut {
		if out.Version != 0 {
			return nil, fmt.Errorf("vote output %d has script version %d", i, out.Version)
		}
		if out.Value < 0 {
			return nil, fmt.Errorf("vote output %d has a negative value", i)
		}
	}
	for i, out := range tx.TxOut[2:] {
		p, ok := parseTagged(out.PkScript, opSSGEN)
		if !ok {
			return nil, fmt.Errorf("vote output %d is not an OP_SSGEN payout", i+2)
		}
		f.payouts = append(f.payouts, p)
		f.payValues = append(f.payValues, out.Value)
	}
	return f, nil
}

// revocationForm is a structurally valid revocation.
type revocationForm struct {
	ticket    chainhash.Hash
	payouts   []payTo
	payValues []int64
}

func checkRevocationForm(tx *wire.MsgTx) (*revocationForm, error) {
	if len(tx.TxIn) != 1 {
		return nil, fmt.Errorf("revocation has %d inputs (want 1)", len(tx.TxIn))
	}
	tin := tx.TxIn[0].PreviousOutPoint
	if tin.Index != 0 || tin.Tree != wire.TxTreeStake {
		return nil, fmt.Errorf("revocation input must spend output 0 of a ticket in the stake tree")
	}
	if len(tx.TxOut) < 1 || len(tx.TxOut) > 64 {
		return nil, fmt.Errorf("revocation has %d outputs (want 1..64)", len(tx.TxOut))
	}
	f := &revocationForm{ticket: tin.Hash}
	for i, out := range tx.TxOut {
		p, ok := parseTagged(out.PkScript, opSSRTX)
		if !ok || out.Version != 0 {
			return nil, fmt.Errorf("revocation output %d is not an OP_SSRTX payout", i)
		}
		if out.Value < 0 {
			return nil, fmt.Errorf("revocation output %d has a negative value", i)
		}
		f.payouts = append(f.payouts, p)
		f.payValues = append(f.payValues, out.Value)
	}
	return f, nil
}

// stakePayouts splits total (price + vote subsidy, or the price for a
// revocation) between the commitments in proportion to their amounts, with
// eacred/stake's rule: floor(c_k * total / sum(c)).
func stakePayouts(cs []commitment, total int64) []int64 {
	amounts := make([]int64, len(cs))
	for i, c := range cs {
		amounts[i] = c.amount
	}
	return stake.CalculateRewards(amounts, total, 0)
}

// checkPayouts verifies stake payouts go to the commitments' addresses with
// the proportional amounts. A revocation may take a fee from the payouts
// (each payout at most its share, none negative); a vote may not.
func checkPayouts(cs []commitment, payouts []payTo, values []int64, total int64, exact bool) error {
	if len(payouts) != len(cs) {
		return fmt.Errorf("%d payouts for %d ticket commitments", len(payouts), len(cs))
	}
	want := stakePayouts(cs, total)
	for i, c := range cs {
		if payouts[i] != c.payTo {
			return fmt.Errorf("payout %d does not pay the ticket's commitment address", i)
		}
		if exact && values[i] != want[i] {
			return fmt.Errorf("payout %d is %d atoms, the ticket commits it %d", i, values[i], want[i])
		}
		if !exact && values[i] > want[i] {
			return fmt.Errorf("payout %d is %d atoms, more than its share %d", i, values[i], want[i])
		}
	}
	return nil
}

package stake

import (
	"bytes"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Revocation is a parsed revocation.
type Revocation struct {
	Hash       chainhash.Hash
	TicketHash chainhash.Hash
	Payouts    []Payout
}

// ParseRevocation checks tx's revocation structure and decodes it. Errors
// match ErrNotRevocation.
func ParseRevocation(tx *wire.MsgTx) (*Revocation, error) {
	if len(tx.TxIn) != 1 {
		return nil, stakeErr(ErrNotRevocation, nil, "%d inputs, want 1", len(tx.TxIn))
	}
	in := &tx.TxIn[0].PreviousOutPoint
	if in.Tree != wire.TxTreeStake || in.Index != 0 {
		return nil, stakeErr(ErrNotRevocation, nil, "input does not spend output 0 of a stake tree transaction")
	}
	if len(tx.TxOut) < 1 || len(tx.TxOut) > MaxSSRtxPayouts {
		return nil, stakeErr(ErrNotRevocation, nil, "%d outputs", len(tx.TxOut))
	}
	payouts, err := parsePayouts(tx.TxOut, txscript.OP_SSRTX, ErrNotRevocation, 0)
	if err != nil {
		return nil, err
	}
	return &Revocation{Hash: tx.TxHash(), TicketHash: in.Hash, Payouts: payouts}, nil
}

// Revocation transaction versions.
const (
	// RevocationVersionSigned is the original revocation: signed by the
	// voting key, may pay a fee within the first commitment's revocation
	// fee limit.
	RevocationVersionSigned uint16 = 1
	// RevocationVersionAuto is the DCP0009 automatic revocation: empty
	// signature script, no fee, left-over atoms distributed (see
	// NewAutoRevocation).
	RevocationVersionAuto uint16 = 2
)

// NewRevocation builds a signed-style revocation of ticket returning each
// contribution (CalculateRewards with no subsidy; left-over atoms are fee).
// version must be RevocationVersionSigned: fee is subtracted from the first
// payout and must be within that commitment's revocation fee limit; sign
// input 0 with SignTicketSpend. A version 2 (automatic, DCP0009)
// revocation depends on the previous block header: build it with
// NewAutoRevocation; asking for RevocationVersionAuto here is an error.
func NewRevocation(ticket *wire.MsgTx, fee int64, version uint16) (*wire.MsgTx, error) {
	if ticket == nil {
		return nil, stakeErr(ErrNotTicket, nil, "no ticket given")
	}
	t, err := ParseTicket(ticket)
	if err != nil {
		return nil, err
	}
	switch version {
	case RevocationVersionSigned:
	case RevocationVersionAuto:
		return nil, stakeErr(ErrAutoRevocation, nil, "a version 2 revocation is built by NewAutoRevocation (it needs the previous block header)")
	default:
		return nil, stakeErr(ErrBadContribution, nil, "revocation version %d", version)
	}
	if fee < 0 {
		return nil, stakeErr(ErrBadAmount, nil, "fee %d", fee)
	}
	tx := wire.NewMsgTx(version)
	ticketOut := wire.OutPoint{Hash: t.Hash, Index: 0, Tree: wire.TxTreeStake}
	tx.AddTxIn(wire.NewTxIn(&ticketOut, t.Price, nil))
	addPayouts(tx, t, 0, txscript.OP_SSRTX)
	if fee > 0 {
		c := t.Contributions[0]
		limit := txscript.MaxFee(c.Limits.Revocation(), c.Amount)
		if fee > limit || fee > tx.TxOut[0].Value {
			return nil, stakeErr(ErrFeeLimit, nil, "fee %d, first commitment allows %d", fee, limit)
		}
		tx.TxOut[0].Value -= fee
	}
	return tx, nil
}

// SignTicketSpend signs input idx of tx (input 1 of a vote, input 0 of a
// revocation), which spends a ticket whose out[0] script is votingScript.
// For a P2SH voting script, redeemScript must be the multisig script
// (the stake pool's 1-of-2) and priv one of its keys; for P2PKH, redeemScript
// is ignored and priv must be the key of the hash. The signature script is
// stored in the input.
func SignTicketSpend(tx *wire.MsgTx, idx int, votingScript, redeemScript []byte, priv *secp256k1.PrivateKey) error {
	ps, err := txscript.ParsePayScript(votingScript)
	if err != nil {
		return err
	}
	var sigScript []byte
	if ps.ScriptHash {
		if len(redeemScript) == 0 {
			return stakeErr(ErrNoRedeemScript, nil, "")
		}
		if !bytes.Equal(txscript.Hash160(redeemScript), ps.Hash[:]) {
			return stakeErr(ErrNoRedeemScript, nil, "redeem script does not hash to the voting script's hash")
		}
		sigScript, err = txscript.SignMultisigP2SH(tx, idx, redeemScript, priv)
	} else {
		sigScript, err = txscript.SignP2PKH(tx, idx, votingScript, priv)
	}
	if err != nil {
		return err
	}
	tx.TxIn[idx].SignatureScript = sigScript
	return nil
}

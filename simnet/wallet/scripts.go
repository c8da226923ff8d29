package wallet

import (
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Stake tags the wallet looks at.
const (
	opSStx       = txscript.OP_SSTX
	opSSGen      = txscript.OP_SSGEN
	opSSRtx      = txscript.OP_SSRTX
	opSStxChange = txscript.OP_SSTXCHANGE
)

// payKind is the kind of address an output pays.
type payKind int

const (
	payNone payKind = iota
	payP2PKH
	payP2SH
)

// payTo reads an output script paying a P2PKH or P2SH address, optionally
// behind a stake tag. tag is 0 for untagged scripts.
func payTo(script []byte) (tag byte, kind payKind, hash [20]byte) {
	p, err := txscript.ParsePayScript(script)
	if err != nil {
		return 0, payNone, hash
	}
	if p.ScriptHash {
		return p.Tag, payP2SH, p.Hash
	}
	return p.Tag, payP2PKH, p.Hash
}

// txKind is what a transaction does in the stake system.
type txKind int

const (
	txRegular txKind = iota
	txCoinbase
	txTicket
	txVote
	txRevocation
)

// classify tells tickets, votes and revocations (by the stake rules'
// structure checks) and coinbases from regular transactions.
func classify(tx *wire.MsgTx) txKind {
	switch stake.DetermineTxType(tx) {
	case stake.TxTypeSStx:
		return txTicket
	case stake.TxTypeSSGen:
		return txVote
	case stake.TxTypeSSRtx:
		return txRevocation
	}
	if len(tx.TxIn) > 0 && isNullOutPoint(tx.TxIn[0].PreviousOutPoint) {
		return txCoinbase
	}
	return txRegular
}

func isNullOutPoint(op wire.OutPoint) bool {
	return op.Index == wire.MaxPrevOutIndex && op.Hash == ([32]byte{})
}

// ticketCommitments reads the commitments (odd outputs) of a ticket.
func ticketCommitments(tx *wire.MsgTx) ([]txscript.Commitment, error) {
	var cs []txscript.Commitment
	for i := 1; i < len(tx.TxOut); i += 2 {
		c, err := txscript.ParseCommitmentScript(tx.TxOut[i].PkScript)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// parseMultisig reads a multisig script of compressed keys.
func parseMultisig(s []byte) (m int, pubs [][]byte, ok bool) {
	ms, err := txscript.ParseMultiSigScript(s)
	if err != nil {
		return 0, nil, false
	}
	return ms.Required, ms.PubKeys, true
}

// scriptClass names a redeem script's class as validateaddress reports it.
func scriptClass(s []byte) string {
	return txscript.GetScriptClass(0, s).String()
}

// hash160 is RIPEMD-160(BLAKE-256(b)).
func hash160(b []byte) [20]byte {
	var h [20]byte
	copy(h[:], txscript.Hash160(b))
	return h
}

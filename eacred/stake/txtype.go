package stake

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// TxType is the stake kind of a transaction.
type TxType int

// Transaction kinds.
const (
	TxTypeRegular TxType = iota
	TxTypeSStx
	TxTypeSSGen
	TxTypeSSRtx
)

// String names the kind as dcrd's JSON-RPC does.
func (t TxType) String() string {
	switch t {
	case TxTypeSStx:
		return "ticket"
	case TxTypeSSGen:
		return "vote"
	case TxTypeSSRtx:
		return "revocation"
	}
	return "regular"
}

// Structural limits (consensus values).
const (
	MaxInputsPerSStx  = 64
	MaxOutputsPerSStx = 2*MaxInputsPerSStx + 1
	// MaxSSGenPayouts / MaxSSRtxPayouts: one payout per commitment.
	MaxSSGenPayouts = MaxInputsPerSStx
	MaxSSRtxPayouts = MaxInputsPerSStx
)

// ErrorKind identifies why a transaction is not a well-formed ticket, vote
// or revocation, or why one cannot be built. Compare with errors.Is.
type ErrorKind string

// Error returns the kind's description.
func (k ErrorKind) Error() string { return string(k) }

// Kinds of stake errors.
const (
	ErrNotTicket       = ErrorKind("not a ticket")
	ErrNotVote         = ErrorKind("not a vote")
	ErrNotRevocation   = ErrorKind("not a revocation")
	ErrBadAmount       = ErrorKind("invalid amount")
	ErrBadContribution = ErrorKind("invalid contribution")
	ErrFeeLimit        = ErrorKind("fee exceeds commitment limit")
	ErrNoRedeemScript  = ErrorKind("voting script is P2SH but no redeem script given")
	ErrAutoRevocation  = ErrorKind("invalid automatic revocation")
)

// Error is a stake error with details.
type Error struct {
	Kind        ErrorKind
	Description string
	Err         error // underlying script error, if any
}

// Error implements the error interface.
func (e *Error) Error() string {
	s := string(e.Kind)
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the kind and the underlying error for errors.Is/As.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

func stakeErr(kind ErrorKind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Description: fmt.Sprintf(format, args...), Err: cause}
}

// DetermineTxType classifies tx by its structure.
func DetermineTxType(tx *wire.MsgTx) TxType {
	switch {
	case CheckSStx(tx) == nil:
		return TxTypeSStx
	case CheckSSGen(tx) == nil:
		return TxTypeSSGen
	case CheckSSRtx(tx) == nil:
		return TxTypeSSRtx
	}
	return TxTypeRegular
}

// IsSStx reports whether tx is a well-formed ticket.
func IsSStx(tx *wire.MsgTx) bool { return CheckSStx(tx) == nil }

// IsSSGen reports whether tx is a well-formed vote.
func IsSSGen(tx *wire.MsgTx) bool { return CheckSSGen(tx) == nil }

// IsSSRtx reports whether tx is a well-formed revocation.
func IsSSRtx(tx *wire.MsgTx) bool { return CheckSSRtx(tx) == nil }

// CheckSStx checks the ticket structure (see the package documentation).
func CheckSStx(tx *wire.MsgTx) error {
	_, err := ParseTicket(tx)
	return err
}

// isNullOutPoint reports whether op is the stakebase/coinbase outpoint.
func isNullOutPoint(op *wire.OutPoint) bool {
	return op.Index == wire.MaxPrevOutIndex && op.Tree == wire.TxTreeRegular && op.Hash == chainhash.Hash{}
}

// CheckSSGen checks the vote structure.
func CheckSSGen(tx *wire.MsgTx) error {
	_, err := ParseVote(tx)
	return err
}

// CheckSSRtx checks the revocation structure.
func CheckSSRtx(tx *wire.MsgTx) error {
	_, err := ParseRevocation(tx)
	return err
}

// Payout is one output of a vote or revocation.
type Payout struct {
	Script txscript.PayScript // tagged OP_SSGEN or OP_SSRTX
	Value  int64
}

// parsePayouts decodes outs as payouts tagged with tag.
func parsePayouts(outs []*wire.TxOut, tag byte, kind ErrorKind, first int) ([]Payout, error) {
	payouts := make([]Payout, 0, len(outs))
	for i, o := range outs {
		if o.Version != 0 {
			return nil, stakeErr(kind, nil, "output %d has script version %d", first+i, o.Version)
		}
		ps, err := txscript.ParsePayScript(o.PkScript)
		if err != nil || ps.Tag != tag {
			return nil, stakeErr(kind, err, "output %d is not a tagged %#x payout", first+i, tag)
		}
		payouts = append(payouts, Payout{Script: ps, Value: o.Value})
	}
	return payouts, nil
}

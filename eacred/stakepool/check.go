package stakepool

import (
	"errors"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// FeeAddressSet is the set of the pool's fee addresses (P2PKH), keyed by
// hash160 for constant-time lookup, remembering each one's derivation
// index.
type FeeAddressSet struct {
	byHash map[[txscript.Hash160Size]byte]uint32
}

// NewFeeAddressSet returns an empty set with room for n addresses.
func NewFeeAddressSet(n int) *FeeAddressSet {
	return &FeeAddressSet{byHash: make(map[[txscript.Hash160Size]byte]uint32, n)}
}

// Add records the P2PKH hash160 of the fee address with derivation index i.
func (s *FeeAddressSet) Add(hash [txscript.Hash160Size]byte, i uint32) { s.byHash[hash] = i }

// Index returns the derivation index of a P2PKH fee address hash.
func (s *FeeAddressSet) Index(hash [txscript.Hash160Size]byte) (uint32, bool) {
	i, ok := s.byHash[hash]
	return i, ok
}

// Len returns the number of addresses in the set.
func (s *FeeAddressSet) Len() int { return len(s.byHash) }

// FeeReason says why a ticket's pool fee was refused.
type FeeReason string

// Reasons a ticket fails the fee check. Compare with errors.Is.
const (
	// ReasonMalformed: the transaction is not a well-formed ticket.
	ReasonMalformed FeeReason = "malformed ticket"
	// ReasonNotFeeAddress: the first commitment does not pay a fee
	// address of this pool.
	ReasonNotFeeAddress FeeReason = "first commitment does not pay a pool fee address"
	// ReasonTooLow: the first commitment pays a fee address less than
	// the required fee.
	ReasonTooLow FeeReason = "pool fee too low"
)

// Error returns the reason text.
func (r FeeReason) Error() string { return string(r) }

// FeeError is a failed fee check.
type FeeError struct {
	Reason FeeReason
	// Paid is the first commitment's amount and Required the fee needed
	// (both 0 for ReasonMalformed).
	Paid, Required int64
	Err            error // the parse error for ReasonMalformed
}

// Error implements error.
func (e *FeeError) Error() string {
	switch e.Reason {
	case ReasonTooLow:
		return fmt.Sprintf("%s: paid %d atoms, required %d", e.Reason, e.Paid, e.Required)
	case ReasonMalformed:
		return fmt.Sprintf("%s: %v", e.Reason, e.Err)
	}
	return string(e.Reason)
}

// Unwrap returns the reason and the parse error for errors.Is/As.
func (e *FeeError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Reason, e.Err}
	}
	return []error{e.Reason}
}

// FeeCheck is the result of a successful check.
type FeeCheck struct {
	Ticket *stake.Ticket
	// FeeAddressIndex is the derivation index of the fee address paid.
	FeeAddressIndex uint32
	Paid, Required  int64
}

// CheckTicketFee runs the pool's fee check on a ticket mined at
// minedHeight: the first commitment must pay (P2PKH) an address of
// feeAddrs, with at least TicketFee(price, ticket fee, minedHeight,
// percent) atoms, using the subsidy variant in force at minedHeight on the
// cache's network. The ticket fee is the network's: inputs minus all
// outputs, change included (stake.TxFee), so tx must carry its input values
// (a full serialization, as wallets and nodes return it); a ticket without
// them, or whose commitments are not its inputs minus their change, fails
// with ReasonMalformed. A failed check is a *FeeError.
func CheckTicketFee(tx *wire.MsgTx, minedHeight int64, percent float64, feeAddrs *FeeAddressSet, c *subsidy.Cache) (*FeeCheck, error) {
	t, err := stake.ParseTicket(tx)
	if err != nil {
		return nil, &FeeError{Reason: ReasonMalformed, Err: err}
	}
	return CheckParsedTicketFee(t, minedHeight, percent, feeAddrs, c)
}

// errNoInputValues is the cause of ReasonMalformed for a ticket parsed from
// a transaction without its input values.
var errNoInputValues = errors.New("ticket carries no input values, so its fee (inputs minus outputs) is unknown")

// CheckParsedTicketFee is CheckTicketFee for an already parsed ticket
// (stake.ParseTicket of the full transaction; t.InputsKnown must be set).
func CheckParsedTicketFee(t *stake.Ticket, minedHeight int64, percent float64, feeAddrs *FeeAddressSet, c *subsidy.Cache) (*FeeCheck, error) {
	if !t.InputsKnown {
		return nil, &FeeError{Reason: ReasonMalformed, Err: errNoInputValues}
	}
	first := t.Contributions[0]
	if first.ScriptHash {
		return nil, &FeeError{Reason: ReasonNotFeeAddress, Paid: first.Amount}
	}
	idx, ok := feeAddrs.Index(first.Hash)
	if !ok {
		return nil, &FeeError{Reason: ReasonNotFeeAddress, Paid: first.Amount}
	}
	required := TicketFeeAt(c, t.Price, t.Fee, minedHeight, percent)
	if first.Amount < required {
		return nil, &FeeError{Reason: ReasonTooLow, Paid: first.Amount, Required: required}
	}
	return &FeeCheck{Ticket: t, FeeAddressIndex: idx, Paid: first.Amount, Required: required}, nil
}

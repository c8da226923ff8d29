// Package netrules applies the network's rules that stakepoold needs:
// address validation for the daemon's network (for gRPC input), and the
// pool ticket check — decoding a ticket, finding its voting (multisig)
// address, and checking that its first commitment pays the pool fee to one
// of the cold wallet's fee addresses.
//
// Fee addresses are the P2PKH addresses of the cold wallet account's
// external branch (xpub/0/i for i in 0..count-1). The required fee comes
// from a FeeFunc (eacred/stakepool's formula for the ticket price, the
// ticket's transaction fee and the height of the block that mined it).
package netrules

import (
	"errors"
	"fmt"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Addresses validates addresses for one network.
type Addresses struct {
	Params *chaincfg.Params
}

// CheckAddress implements pool.AddressChecker.
func (a Addresses) CheckAddress(s string) error {
	if s == "" {
		return errors.New("address is empty")
	}
	if len(s) > 100 {
		return fmt.Errorf("address is %d characters long", len(s))
	}
	if _, err := address.Decode(s, a.Params); err != nil {
		if errors.Is(err, address.ErrWrongNetwork) {
			return fmt.Errorf("%s is not an address of %s", s, a.Params.Name)
		}
		return fmt.Errorf("%s is not a valid address of %s: %v", s, a.Params.Name, err)
	}
	return nil
}

// CheckP2SH implements pool.AddressChecker.
func (a Addresses) CheckP2SH(s string) error {
	if err := a.CheckAddress(s); err != nil {
		return err
	}
	addr, _ := address.Decode(s, a.Params)
	if addr.Kind() != address.KindP2SH {
		return fmt.Errorf("%s is a %s address, not a P2SH (multisig) address", s, addr.Kind())
	}
	return nil
}

// FeeFunc returns the pool fee (atoms) a ticket of price ticketPrice with
// transaction fee txFee, mined at height, must pay.
type FeeFunc func(ticketPrice, txFee, height int64) int64

// FeeAddresses is the set of the cold wallet's fee address hashes.
type FeeAddresses map[[20]byte]struct{}

// DeriveFeeAddresses parses the cold wallet's account xpub for the network
// and derives count external-branch P2PKH addresses. An xpub of another
// network or a private key is refused.
func DeriveFeeAddresses(xpub string, count uint32, p *chaincfg.Params) (FeeAddresses, error) {
	k, err := hdkeychain.Parse(xpub, p)
	if err != nil {
		return nil, fmt.Errorf("cold wallet extended public key is not valid for %s: %w", p.Name, err)
	}
	if k.IsPrivate() {
		return nil, errors.New("coldwalletextpub is a PRIVATE extended key; give the account's public key")
	}
	addrs, err := hdkeychain.BranchAddresses(k, hdkeychain.ExternalBranch, 0, count, p)
	if err != nil {
		return nil, fmt.Errorf("derive fee addresses: %w", err)
	}
	set := make(FeeAddresses, len(addrs))
	for _, a := range addrs {
		set[*a.Address.Hash160()] = struct{}{}
	}
	return set, nil
}

// Inspector implements pool.TicketInspector.
type Inspector struct {
	Params  *chaincfg.Params
	FeeAddr FeeAddresses
	Fee     FeeFunc
}

// Inspect decodes a ticket, returns its voting address and checks its pool
// fee at minedHeight.
func (in Inspector) Inspect(txHex string, minedHeight int64) (pool.TicketCheck, error) {
	tx, err := wire.NewTxFromHex(txHex)
	if err != nil {
		return pool.TicketCheck{}, fmt.Errorf("decode transaction: %w", err)
	}
	t, err := stake.ParseTicket(tx)
	if err != nil {
		return pool.TicketCheck{}, err
	}
	var chk pool.TicketCheck
	if t.Voting.ScriptHash {
		a, err := address.FromScriptHash(t.Voting.Hash[:], in.Params)
		if err != nil {
			return chk, err
		}
		chk.VotingAddress = a.String()
	} else {
		a, err := address.NewPubKeyHashAddress(t.Voting.Hash[:], in.Params)
		if err != nil {
			return chk, err
		}
		chk.VotingAddress = a.String()
	}
	if len(t.Contributions) < 2 {
		chk.Reason = "solo ticket: no pool fee commitment"
		return chk, nil
	}
	fee := t.Contributions[0]
	if _, ok := in.FeeAddr[fee.Hash]; !ok || fee.ScriptHash {
		chk.Reason = "first commitment does not pay a fee address of the cold wallet"
		return chk, nil
	}
	required := in.Fee(t.Price, t.Fee, minedHeight)
	if fee.Amount < required {
		chk.Reason = fmt.Sprintf("pool fee %d atoms is below the required %d atoms at height %d",
			fee.Amount, required, minedHeight)
		return chk, nil
	}
	chk.FeeOK = true
	return chk, nil
}

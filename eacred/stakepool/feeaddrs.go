package stakepool

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
)

// DefaultFeeAddressCount is how many fee addresses stakepoold derived and
// accepted (the legacy pool's MaxUsers).
const DefaultFeeAddressCount = 10000

// FeeAddresses derives the external-branch P2PKH addresses xpub/0/i for
// i in 0..n-1 of the cold wallet's account extended public key and returns
// them as a set. Invalid child indexes are skipped, as the wallets skip
// them, so the set may hold fewer than n addresses.
func FeeAddresses(coldXpub string, n uint32, p *chaincfg.Params) (*FeeAddressSet, error) {
	acct, err := hdkeychain.Parse(coldXpub, p)
	if err != nil {
		return nil, fmt.Errorf("stakepool: cold wallet xpub: %w", err)
	}
	if acct.IsPrivate() {
		return nil, fmt.Errorf("stakepool: cold wallet key must be an extended public key")
	}
	addrs, err := hdkeychain.BranchAddresses(acct, hdkeychain.ExternalBranch, 0, n, p)
	if err != nil {
		return nil, fmt.Errorf("stakepool: deriving fee addresses: %w", err)
	}
	set := NewFeeAddressSet(len(addrs))
	for _, a := range addrs {
		set.Add(*a.Address.Hash160(), a.Index)
	}
	return set, nil
}

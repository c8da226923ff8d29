package hdkeychain

import (
	"errors"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// Branches of a BIP44 account.
const (
	ExternalBranch uint32 = 0 // receiving addresses
	InternalBranch uint32 = 1 // change addresses
)

// PubKeyHashAddress returns the ECDSA P2PKH address of k's public key on
// network p.
func (k *ExtendedKey) PubKeyHashAddress(p *chaincfg.Params) (*address.PubKeyHashAddress, error) {
	return address.NewPubKeyHashAddress(address.Hash160(k.pubBytes), p)
}

// AddressAt returns the P2PKH address index of branch of an account
// extended key (public or private), as wallets derive it:
// P2PKH(hash160(acct/branch/index)). If that index is invalid the error is
// ErrInvalidChild and callers skip to the next index. Deriving many
// addresses of one branch is faster with BranchAddresses.
func AddressAt(acct *ExtendedKey, branch, index uint32, p *chaincfg.Params) (*address.PubKeyHashAddress, error) {
	b, err := acct.Child(branch)
	if err != nil {
		return nil, fmt.Errorf("branch %d: %w", branch, err)
	}
	c, err := b.Child(index)
	if err != nil {
		return nil, fmt.Errorf("branch %d index %d: %w", branch, index, err)
	}
	return c.PubKeyHashAddress(p)
}

// IndexedAddress is an address with the child index it was derived at.
type IndexedAddress struct {
	Index   uint32
	Address *address.PubKeyHashAddress
}

// BranchAddresses derives the addresses of indexes start .. start+count-1
// of branch of an account key, deriving the branch key once. Invalid
// indexes are skipped, as wallets skip them, so fewer than count addresses
// may be returned; each carries its index.
func BranchAddresses(acct *ExtendedKey, branch, start, count uint32, p *chaincfg.Params) ([]IndexedAddress, error) {
	if uint64(start)+uint64(count) > HardenedKeyStart {
		return nil, fmt.Errorf("address indexes %d..%d reach the hardened range", start, uint64(start)+uint64(count)-1)
	}
	b, err := acct.Child(branch)
	if err != nil {
		return nil, fmt.Errorf("branch %d: %w", branch, err)
	}
	pub := b.Neuter()
	out := make([]IndexedAddress, 0, count)
	for i := start; i < start+count; i++ {
		c, err := pub.Child(i)
		if errors.Is(err, ErrInvalidChild) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("branch %d index %d: %w", branch, i, err)
		}
		a, err := c.PubKeyHashAddress(p)
		if err != nil {
			return nil, err
		}
		out = append(out, IndexedAddress{Index: i, Address: a})
	}
	return out, nil
}

package hdkeychain

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// PublicBranch is one branch of an account extended public key, ready to
// derive the P2PKH address of any index: account/branch/index. The pool
// derives user N's pool key address from the voting wallets' account key
// and user N's fee address from the cold wallet's, both on the external
// branch at index N.
type PublicBranch struct {
	key    *ExtendedKey
	params *chaincfg.Params
}

// ParsePublicBranch parses an account extended public key of network p (as
// `getmasterpubkey` prints it) and derives its branch. A private key is
// refused: a program that only needs addresses must never hold one.
func ParsePublicBranch(xpub string, branch uint32, p *chaincfg.Params) (*PublicBranch, error) {
	k, err := Parse(xpub, p)
	if err != nil {
		return nil, fmt.Errorf("extended public key: %w", err)
	}
	if k.IsPrivate() {
		return nil, fmt.Errorf("extended key is private: give the extended public key (getmasterpubkey)")
	}
	b, err := k.Child(branch)
	if err != nil {
		return nil, fmt.Errorf("extended public key: %s: %w", branchName(branch), err)
	}
	return &PublicBranch{key: b, params: p}, nil
}

func branchName(b uint32) string {
	switch b {
	case ExternalBranch:
		return "external branch"
	case InternalBranch:
		return "internal branch"
	}
	return fmt.Sprintf("branch %d", b)
}

// Address returns the encoded P2PKH address of index on the branch. An
// index whose key is invalid (about one in 2^127) is an error wrapping
// ErrInvalidChild.
func (b *PublicBranch) Address(index uint32) (string, error) {
	c, err := b.key.Child(index)
	if err != nil {
		return "", fmt.Errorf("address index %d: %w", index, err)
	}
	a, err := c.PubKeyHashAddress(b.params)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

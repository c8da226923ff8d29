package controllers

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
)

// xpubDeriver derives P2PKH addresses of an account extended public key's
// external branch: xpub/0/index.
type xpubDeriver struct {
	branch *hdkeychain.ExtendedKey
	params *chaincfg.Params
}

// NewXpubDeriver parses an account extended public key of network p (as
// given by `getmasterpubkey`) for deriving xpub/0/index addresses. Private
// keys are refused: the front end must never hold one.
func NewXpubDeriver(xpub string, p *chaincfg.Params) (AddressDeriver, error) {
	k, err := hdkeychain.Parse(xpub, p)
	if err != nil {
		return nil, fmt.Errorf("extended public key: %w", err)
	}
	if k.IsPrivate() {
		return nil, fmt.Errorf("extended key is private: give the extended public key (getmasterpubkey)")
	}
	branch, err := k.Child(0)
	if err != nil {
		return nil, fmt.Errorf("extended public key: external branch: %w", err)
	}
	return &xpubDeriver{branch: branch, params: p}, nil
}

// Address implements AddressDeriver.
func (d *xpubDeriver) Address(index uint32) (string, error) {
	c, err := d.branch.Child(index)
	if err != nil {
		return "", fmt.Errorf("address index %d: %w", index, err)
	}
	a, err := c.PubKeyHashAddress(d.params)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

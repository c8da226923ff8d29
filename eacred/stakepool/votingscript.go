package stakepool

import (
	"bytes"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/txscript"
)

// PubKey returns the public key of a secp256k1 pubkey address ("Sk..." on
// simnet, "Dk..." on mainnet) of network p, the form in which the pool's
// key and a user's key are exchanged.
func PubKey(pubKeyAddr string, p *chaincfg.Params) ([]byte, error) {
	a, err := address.Decode(pubKeyAddr, p)
	if err != nil {
		return nil, err
	}
	pk, ok := a.(*address.PubKeyAddress)
	if !ok || a.Kind() != address.KindPubKey {
		return nil, fmt.Errorf("%s is not a secp256k1 pubkey address", pubKeyAddr)
	}
	return pk.PubKey(), nil
}

// VotingScript returns a user's voting script and its P2SH address on p:
// the 1-of-2 multisig of the pool's key and the user's key, in that order
// (what the wallets' createmultisig builds), so that either key can sign
// the user's votes and the user can still vote or revoke if the pool
// disappears.
func VotingScript(poolKey, userKey []byte, p *chaincfg.Params) (script []byte, p2sh string, err error) {
	script, err = txscript.MultiSigScript(1, [][]byte{poolKey, userKey})
	if err != nil {
		return nil, "", err
	}
	sh, err := address.NewScriptHashAddress(script, p)
	if err != nil {
		return nil, "", err
	}
	return script, sh.String(), nil
}

// CheckVotingScript reports whether script and p2sh, as a wallet gave
// them, are exactly the voting script of poolKey and userKey and its P2SH
// address (VotingScript): a wallet must not slip in a script the user's key
// cannot spend, or an address that is not the script's.
func CheckVotingScript(script []byte, p2sh string, poolKey, userKey []byte, p *chaincfg.Params) error {
	want, wantAddr, err := VotingScript(poolKey, userKey, p)
	if err != nil {
		return err
	}
	if !bytes.Equal(script, want) {
		return fmt.Errorf("redeem script %x is not the 1-of-2 multisig of the pool key and the user key", script)
	}
	if p2sh != wantAddr {
		return fmt.Errorf("P2SH address %s does not match the redeem script (%s)", p2sh, wantAddr)
	}
	return nil
}

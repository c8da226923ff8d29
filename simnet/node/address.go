package node

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/txscript"
)

// decodePayAddress decodes a P2PKH (secp256k1 ECDSA) or P2SH address of
// the network into the hash the node's rules work with.
func decodePayAddress(s string, p *chaincfg.Params) (payTo, error) {
	a, err := address.Decode(s, p)
	if err != nil {
		return payTo{}, fmt.Errorf("address %q: %w", s, err)
	}
	ha, ok := a.(address.HashAddress)
	if !ok || (a.Kind() != address.KindP2PKH && a.Kind() != address.KindP2SH) {
		return payTo{}, fmt.Errorf("address %q is not a P2PKH or P2SH address", s)
	}
	return payTo{hash160: *ha.Hash160(), p2sh: a.Kind() == address.KindP2SH}, nil
}

// encode renders a pay-to hash as an address of the network.
func (pt payTo) encode(p *chaincfg.Params) string {
	a, err := txscript.PayScriptAddress(txscript.PayScript{ScriptHash: pt.p2sh, Hash: pt.hash160}, p)
	if err != nil {
		return "" // cannot happen for a 20-byte hash
	}
	return a.String()
}

// script is the ordinary output script paying to the hash.
func (pt payTo) script() []byte {
	return txscript.PayScript{ScriptHash: pt.p2sh, Hash: pt.hash160}.Script()
}

package node

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// decodePayAddress decodes a P2PKH or P2SH address of the network.
func decodePayAddress(s string, p *chaincfg.Params) (payTo, error) {
	payload, id, err := base58.CheckDecode(s)
	if err != nil {
		return payTo{}, fmt.Errorf("address %q: %w", s, err)
	}
	if len(payload) != 20 {
		return payTo{}, fmt.Errorf("address %q has a %d-byte payload, want 20", s, len(payload))
	}
	var pt payTo
	copy(pt.hash160[:], payload)
	switch id {
	case p.PubKeyHashAddrID:
	case p.ScriptHashAddrID:
		pt.p2sh = true
	default:
		return payTo{}, fmt.Errorf("address %q is not a %s P2PKH or P2SH address", s, p.Name)
	}
	return pt, nil
}

// encode renders a pay-to hash as an address of the network.
func (pt payTo) encode(p *chaincfg.Params) string {
	id := p.PubKeyHashAddrID
	if pt.p2sh {
		id = p.ScriptHashAddrID
	}
	return base58.CheckEncode(pt.hash160[:], id)
}

// script is the ordinary output script paying to the hash.
func (pt payTo) script() []byte {
	if pt.p2sh {
		s := append([]byte{opHash160, 0x14}, pt.hash160[:]...)
		return append(s, opEqual)
	}
	s := append([]byte{opDup, opHash160, 0x14}, pt.hash160[:]...)
	return append(s, opEqualVerify, opCheckSig)
}

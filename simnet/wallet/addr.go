package wallet

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/txscript"
)

// addrKind is the kind of a decoded address the wallet deals with.
type addrKind int

const (
	addrP2PKH  addrKind = iota // secp256k1 ECDSA pay-to-pubkey-hash
	addrP2SH                   // pay-to-script-hash
	addrPubKey                 // secp256k1 ECDSA pubkey address
)

// decodedAddr is an address of the wallet's network. For a pubkey address
// hash is the hash160 of the key (its P2PKH form).
type decodedAddr struct {
	kind addrKind
	hash [20]byte
	pub  []byte
}

// payKind is the kind of output script the address is paid with.
func (a decodedAddr) payKind() payKind {
	if a.kind == addrP2SH {
		return payP2SH
	}
	return payP2PKH
}

// payScript is the output script paying the address (pubkey addresses
// are paid to their key hash, as the wallet only watches hashes).
func (a decodedAddr) payScript() []byte {
	if a.kind == addrP2SH {
		s, _ := txscript.PayToScriptHashScript(a.hash[:])
		return s
	}
	s, _ := txscript.PayToPubKeyHashScript(a.hash[:])
	return s
}

// decodeAddr decodes an address of the wallet's network. Only secp256k1
// ECDSA P2PKH and pubkey addresses and P2SH addresses are supported.
func (w *Wallet) decodeAddr(s string) (decodedAddr, error) {
	a, err := address.Decode(s, w.cfg.Params)
	if err != nil {
		return decodedAddr{}, err
	}
	switch a := a.(type) {
	case *address.PubKeyHashAddress:
		if a.Kind() != address.KindP2PKH {
			return decodedAddr{}, fmt.Errorf("%s addresses are not supported", a.Kind())
		}
		return decodedAddr{kind: addrP2PKH, hash: *a.Hash160()}, nil
	case *address.ScriptHashAddress:
		return decodedAddr{kind: addrP2SH, hash: *a.Hash160()}, nil
	case *address.PubKeyAddress:
		if a.SigType() != address.ECDSA {
			return decodedAddr{}, fmt.Errorf("%s addresses are not supported", a.Kind())
		}
		return decodedAddr{kind: addrPubKey, hash: *a.AddressPubKeyHash().Hash160(), pub: a.PubKey()}, nil
	}
	return decodedAddr{}, fmt.Errorf("unsupported address kind %s", a.Kind())
}

// p2pkhAddr encodes a P2PKH address.
func (w *Wallet) p2pkhAddr(h [20]byte) string {
	a, err := address.NewPubKeyHashAddress(h[:], w.cfg.Params)
	if err != nil {
		return "" // unreachable: the hash is 20 bytes
	}
	return a.String()
}

// p2shAddr encodes a P2SH address.
func (w *Wallet) p2shAddr(h [20]byte) string {
	a, err := address.FromScriptHash(h[:], w.cfg.Params)
	if err != nil {
		return ""
	}
	return a.String()
}

// pubKeyAddr encodes a compressed secp256k1 key as a pubkey address.
func (w *Wallet) pubKeyAddr(pub []byte) string {
	a, err := address.NewPubKeyAddress(pub, w.cfg.Params)
	if err != nil {
		return ""
	}
	return a.String()
}

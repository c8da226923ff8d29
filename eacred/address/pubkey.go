package address

import (
	"fmt"

	"filippo.io/edwards25519"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// Script opcodes used by pay scripts.
const (
	op1           = 0x51
	op2           = 0x52
	opData20      = 0x14
	opData32      = 0x20
	opData33      = 0x21
	opDup         = 0x76
	opEqual       = 0x87
	opEqualVerify = 0x88
	opHash160     = 0xa9
	opCheckSig    = 0xac
	opCheckSigAlt = 0xbe
)

// oddYFlag is set in the type byte of a pubkey address payload when the
// compressed secp256k1 key starts with 0x03.
const oddYFlag = 0x80

// PubKeyAddress pays directly to a public key ("Dk" addresses).
type PubKeyAddress struct {
	sigType SigType
	// key is the 33-byte compressed secp256k1 key or the 32-byte ed25519 key.
	key    []byte
	params *chaincfg.Params
}

// NewPubKeyAddress returns the secp256k1 ECDSA pubkey address of a public
// key given in compressed (33-byte) or uncompressed (65-byte) form. The key
// must be a valid curve point (ErrBadPoint otherwise).
func NewPubKeyAddress(pubKey []byte, p *chaincfg.Params) (*PubKeyAddress, error) {
	return newSecpPubKey(ECDSA, pubKey, p)
}

// NewPubKeyAddressSchnorr is NewPubKeyAddress for a Schnorr key.
func NewPubKeyAddressSchnorr(pubKey []byte, p *chaincfg.Params) (*PubKeyAddress, error) {
	return newSecpPubKey(Schnorr, pubKey, p)
}

// NewPubKeyAddressEd25519 returns the pubkey address of a 32-byte ed25519
// public key (the standard compressed encoding: little-endian Y with the sign
// of X in the top bit). The key must decode to a point on the curve
// (ErrBadPoint otherwise).
func NewPubKeyAddressEd25519(pubKey []byte, p *chaincfg.Params) (*PubKeyAddress, error) {
	if len(pubKey) != 32 {
		return nil, fmt.Errorf("%w: ed25519 key is %d bytes, want 32", ErrLength, len(pubKey))
	}
	if _, err := new(edwards25519.Point).SetBytes(pubKey); err != nil {
		return nil, fmt.Errorf("%w: ed25519 key %x: %w", ErrBadPoint, pubKey, err)
	}
	return &PubKeyAddress{sigType: Ed25519, key: append([]byte(nil), pubKey...), params: p}, nil
}

func newSecpPubKey(t SigType, pubKey []byte, p *chaincfg.Params) (*PubKeyAddress, error) {
	pk, err := secp256k1.ParsePubKey(pubKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadPoint, err)
	}
	return &PubKeyAddress{sigType: t, key: pk.SerializeCompressed(), params: p}, nil
}

// decodePubKey parses the 33-byte payload of a pubkey address.
func decodePubKey(payload []byte, p *chaincfg.Params) (*PubKeyAddress, error) {
	if len(payload) != 33 {
		return nil, fmt.Errorf("%w: pubkey address payload is %d bytes, want 33", ErrLength, len(payload))
	}
	typ := SigType(payload[0] &^ oddYFlag)
	odd := payload[0]&oddYFlag != 0
	switch typ {
	case ECDSA, Schnorr:
		key := make([]byte, 33)
		key[0] = 0x02
		if odd {
			key[0] = 0x03
		}
		copy(key[1:], payload[1:])
		return newSecpPubKey(typ, key, p)
	case Ed25519:
		if odd {
			return nil, fmt.Errorf("%w: ed25519 key with odd-Y flag", ErrUnknownKind)
		}
		return NewPubKeyAddressEd25519(payload[1:], p)
	}
	return nil, fmt.Errorf("%w: pubkey signature type %d", ErrUnknownKind, payload[0]&^oddYFlag)
}

// String returns the Base58Check encoding.
func (a *PubKeyAddress) String() string {
	payload := make([]byte, 33)
	payload[0] = byte(a.sigType)
	if a.sigType == Ed25519 {
		copy(payload[1:], a.key)
	} else {
		if a.key[0] == 0x03 {
			payload[0] |= oddYFlag
		}
		copy(payload[1:], a.key[1:])
	}
	return base58.CheckEncode(payload, a.params.PubKeyAddrID)
}

// PayScript returns <key> CHECKSIG for ECDSA and <key> <1|2> CHECKSIGALT for
// ed25519 and Schnorr.
func (a *PubKeyAddress) PayScript() []byte {
	s := make([]byte, 0, 36)
	if a.sigType == Ed25519 {
		s = append(s, opData32)
	} else {
		s = append(s, opData33)
	}
	s = append(s, a.key...)
	switch a.sigType {
	case Ed25519:
		return append(s, op1, opCheckSigAlt)
	case Schnorr:
		return append(s, op2, opCheckSigAlt)
	}
	return append(s, opCheckSig)
}

// PubKey returns the serialized key: 33-byte compressed secp256k1 or 32-byte
// ed25519.
func (a *PubKeyAddress) PubKey() []byte { return append([]byte(nil), a.key...) }

// SigType returns the key's signature algorithm.
func (a *PubKeyAddress) SigType() SigType { return a.sigType }

// Kind returns KindPubKey, KindPubKeyEd25519 or KindPubKeySchnorr.
func (a *PubKeyAddress) Kind() Kind {
	switch a.sigType {
	case Ed25519:
		return KindPubKeyEd25519
	case Schnorr:
		return KindPubKeySchnorr
	}
	return KindPubKey
}

// Params returns the address's network.
func (a *PubKeyAddress) Params() *chaincfg.Params { return a.params }

// AddressPubKeyHash returns the P2PKH address of the same key and signature
// type (hash160 of the serialized key).
func (a *PubKeyAddress) AddressPubKeyHash() *PubKeyHashAddress {
	kind := KindP2PKH
	switch a.sigType {
	case Ed25519:
		kind = KindP2PKHEd25519
	case Schnorr:
		kind = KindP2PKHSchnorr
	}
	return &PubKeyHashAddress{kind: kind, hash: [20]byte(Hash160(a.key)), params: a.params}
}

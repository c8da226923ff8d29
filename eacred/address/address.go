package address

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/decred/dcrd/crypto/blake256"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	//lint:ignore SA1019 the protocol's hash160 is defined with RIPEMD-160
	"golang.org/x/crypto/ripemd160"

	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// Errors returned by Decode and the constructors. Test with errors.Is.
var (
	// ErrChecksum: the Base58Check checksum does not match.
	ErrChecksum = errors.New("address: bad checksum")
	// ErrInvalidFormat: not Base58 text, or too short to be Base58Check.
	ErrInvalidFormat = errors.New("address: invalid format")
	// ErrWrongNetwork: a valid ID of another network.
	ErrWrongNetwork = errors.New("address: wrong network")
	// ErrUnknownKind: an ID (or signature type) no network uses for addresses.
	ErrUnknownKind = errors.New("address: unknown address kind")
	// ErrLength: the payload has the wrong length for its kind.
	ErrLength = errors.New("address: wrong payload length")
	// ErrBadPoint: a public key that is not a valid curve point.
	ErrBadPoint = errors.New("address: public key is not on the curve")
)

// maxEncodedLen bounds the length of an address string (pubkey addresses
// are 53 characters, the longest kind).
const maxEncodedLen = 64

// Kind is the kind of an address.
type Kind int

// The address kinds.
const (
	KindP2PKH         Kind = iota // P2PKH, secp256k1 ECDSA
	KindP2PKHEd25519              // P2PKH, ed25519
	KindP2PKHSchnorr              // P2PKH, secp256k1 Schnorr
	KindP2SH                      // pay to script hash
	KindPubKey                    // pay to pubkey, secp256k1 ECDSA
	KindPubKeyEd25519             // pay to pubkey, ed25519
	KindPubKeySchnorr             // pay to pubkey, secp256k1 Schnorr
)

var kindNames = [...]string{
	KindP2PKH:         "p2pkh-ecdsa-secp256k1",
	KindP2PKHEd25519:  "p2pkh-ed25519",
	KindP2PKHSchnorr:  "p2pkh-schnorr-secp256k1",
	KindP2SH:          "p2sh",
	KindPubKey:        "p2pk-ecdsa-secp256k1",
	KindPubKeyEd25519: "p2pk-ed25519",
	KindPubKeySchnorr: "p2pk-schnorr-secp256k1",
}

// String returns a short name such as "p2pkh-ecdsa-secp256k1" or "p2sh".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// SigType is the signature algorithm a public key or key hash is for.
type SigType byte

// Signature types, as written in the first byte of a pubkey address payload.
const (
	ECDSA   SigType = 0 // secp256k1 ECDSA
	Ed25519 SigType = 1
	Schnorr SigType = 2 // secp256k1 Schnorr
)

// Address is a decoded address of one network.
type Address interface {
	// String returns the Base58Check encoding.
	String() string
	// PayScript returns the version-0 output script paying the address.
	PayScript() []byte
	// Kind returns the address kind.
	Kind() Kind
	// Params returns the network the address belongs to.
	Params() *chaincfg.Params
}

// HashAddress is an Address built on a 20-byte hash (P2PKH and P2SH).
type HashAddress interface {
	Address
	Hash160() *[20]byte
}

// Hash160 returns RIPEMD160(BLAKE256(b)), the 20-byte hash used by P2PKH and
// P2SH addresses and HD key fingerprints.
func Hash160(b []byte) []byte {
	h := blake256.Sum256(b)
	r := ripemd160.New()
	r.Write(h[:])
	return r.Sum(nil)
}

// Decode parses s as an address of network p. It fails with (errors.Is)
// ErrInvalidFormat, ErrChecksum, ErrWrongNetwork, ErrUnknownKind, ErrLength
// or ErrBadPoint.
func Decode(s string, p *chaincfg.Params) (Address, error) {
	// Base58 decoding is quadratic: refuse long input before decoding.
	if len(s) > maxEncodedLen {
		return nil, fmt.Errorf("decode: %w: %d characters, at most %d", ErrLength, len(s), maxEncodedLen)
	}
	payload, id, err := base58.CheckDecode(s)
	switch {
	case errors.Is(err, base58.ErrChecksum):
		return nil, fmt.Errorf("decode %q: %w", s, ErrChecksum)
	case err != nil:
		return nil, fmt.Errorf("decode %q: %w: %w", s, ErrInvalidFormat, err)
	}
	// Each case returns a concrete pointer; convert to the interface only
	// on success so that a failed decode never yields a non-nil Address.
	var a Address
	switch id {
	case p.PubKeyHashAddrID, p.PKHEdwardsAddrID, p.PKHSchnorrAddrID:
		kind := KindP2PKH
		if id == p.PKHEdwardsAddrID {
			kind = KindP2PKHEd25519
		} else if id == p.PKHSchnorrAddrID {
			kind = KindP2PKHSchnorr
		}
		var pkh *PubKeyHashAddress
		if pkh, err = newPKH(kind, payload, p); err == nil {
			a = pkh
		}
	case p.ScriptHashAddrID:
		var sh *ScriptHashAddress
		if sh, err = FromScriptHash(payload, p); err == nil {
			a = sh
		}
	case p.PubKeyAddrID:
		var pk *PubKeyAddress
		if pk, err = decodePubKey(payload, p); err == nil {
			a = pk
		}
	default:
		return nil, unknownID(s, id, p)
	}
	if err != nil {
		return nil, fmt.Errorf("decode %q: %w", s, err)
	}
	return a, nil
}

// unknownID explains why an ID is not one of p's address IDs.
func unknownID(s string, id [2]byte, p *chaincfg.Params) error {
	for _, other := range chaincfg.All() {
		if other != p && isAddrID(id, other) {
			return fmt.Errorf("decode %q: %w: it is a %s address, want %s",
				s, ErrWrongNetwork, other.Name, p.Name)
		}
	}
	return fmt.Errorf("decode %q: %w: ID %02x", s, ErrUnknownKind, id)
}

func isAddrID(id [2]byte, p *chaincfg.Params) bool {
	return id == p.PubKeyHashAddrID || id == p.PKHEdwardsAddrID || id == p.PKHSchnorrAddrID ||
		id == p.ScriptHashAddrID || id == p.PubKeyAddrID
}

// PubKeyHashAddress is a P2PKH address of any signature type.
type PubKeyHashAddress struct {
	kind   Kind
	hash   [20]byte
	params *chaincfg.Params
}

func newPKH(kind Kind, hash []byte, p *chaincfg.Params) (*PubKeyHashAddress, error) {
	if len(hash) != 20 {
		return nil, fmt.Errorf("%w: %s hash is %d bytes, want 20", ErrLength, kind, len(hash))
	}
	return &PubKeyHashAddress{kind: kind, hash: [20]byte(hash), params: p}, nil
}

// NewPubKeyHashAddress returns the secp256k1 ECDSA P2PKH address of a
// 20-byte hash160.
func NewPubKeyHashAddress(hash []byte, p *chaincfg.Params) (*PubKeyHashAddress, error) {
	return newPKH(KindP2PKH, hash, p)
}

// NewPubKeyHashAddressEd25519 returns the ed25519 P2PKH address of a hash160.
func NewPubKeyHashAddressEd25519(hash []byte, p *chaincfg.Params) (*PubKeyHashAddress, error) {
	return newPKH(KindP2PKHEd25519, hash, p)
}

// NewPubKeyHashAddressSchnorr returns the Schnorr P2PKH address of a hash160.
func NewPubKeyHashAddressSchnorr(hash []byte, p *chaincfg.Params) (*PubKeyHashAddress, error) {
	return newPKH(KindP2PKHSchnorr, hash, p)
}

// NewAddressPubKeyHash returns the ECDSA P2PKH address of a secp256k1 public
// key: the hash160 of its 33-byte compressed form, as wallets do. The key
// may be given compressed or uncompressed; it must be a valid point.
func NewAddressPubKeyHash(pubKey []byte, p *chaincfg.Params) (*PubKeyHashAddress, error) {
	pk, err := secp256k1.ParsePubKey(pubKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadPoint, err)
	}
	return newPKH(KindP2PKH, Hash160(pk.SerializeCompressed()), p)
}

// String returns the Base58Check encoding.
func (a *PubKeyHashAddress) String() string {
	var id [2]byte
	switch a.kind {
	case KindP2PKHEd25519:
		id = a.params.PKHEdwardsAddrID
	case KindP2PKHSchnorr:
		id = a.params.PKHSchnorrAddrID
	default:
		id = a.params.PubKeyHashAddrID
	}
	return base58.CheckEncode(a.hash[:], id)
}

// PayScript returns DUP HASH160 <hash> EQUALVERIFY CHECKSIG for ECDSA, and
// DUP HASH160 <hash> EQUALVERIFY <1|2> CHECKSIGALT for ed25519 and Schnorr.
func (a *PubKeyHashAddress) PayScript() []byte {
	s := make([]byte, 0, 26)
	s = append(s, opDup, opHash160, opData20)
	s = append(s, a.hash[:]...)
	s = append(s, opEqualVerify)
	switch a.kind {
	case KindP2PKHEd25519:
		return append(s, op1, opCheckSigAlt)
	case KindP2PKHSchnorr:
		return append(s, op2, opCheckSigAlt)
	}
	return append(s, opCheckSig)
}

// Hash160 returns the 20-byte public key hash.
func (a *PubKeyHashAddress) Hash160() *[20]byte { h := a.hash; return &h }

// Kind returns KindP2PKH, KindP2PKHEd25519 or KindP2PKHSchnorr.
func (a *PubKeyHashAddress) Kind() Kind { return a.kind }

// Params returns the address's network.
func (a *PubKeyHashAddress) Params() *chaincfg.Params { return a.params }

// ScriptHashAddress is a P2SH address.
type ScriptHashAddress struct {
	hash   [20]byte
	params *chaincfg.Params
}

// NewScriptHashAddress returns the P2SH address of a redeem script.
func NewScriptHashAddress(redeemScript []byte, p *chaincfg.Params) (*ScriptHashAddress, error) {
	return FromScriptHash(Hash160(redeemScript), p)
}

// FromScriptHash returns the P2SH address of a 20-byte script hash.
func FromScriptHash(hash []byte, p *chaincfg.Params) (*ScriptHashAddress, error) {
	if len(hash) != 20 {
		return nil, fmt.Errorf("%w: script hash is %d bytes, want 20", ErrLength, len(hash))
	}
	return &ScriptHashAddress{hash: [20]byte(hash), params: p}, nil
}

// String returns the Base58Check encoding.
func (a *ScriptHashAddress) String() string {
	return base58.CheckEncode(a.hash[:], a.params.ScriptHashAddrID)
}

// PayScript returns HASH160 <hash> EQUAL.
func (a *ScriptHashAddress) PayScript() []byte {
	s := make([]byte, 0, 23)
	s = append(s, opHash160, opData20)
	s = append(s, a.hash[:]...)
	return append(s, opEqual)
}

// Hash160 returns the script hash.
func (a *ScriptHashAddress) Hash160() *[20]byte { h := a.hash; return &h }

// Kind returns KindP2SH.
func (a *ScriptHashAddress) Kind() Kind { return KindP2SH }

// Params returns the address's network.
func (a *ScriptHashAddress) Params() *chaincfg.Params { return a.params }

// Equal reports whether two addresses are the same kind, network and payload.
func Equal(a, b Address) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Kind() == b.Kind() && a.Params() == b.Params() &&
		bytes.Equal(a.PayScript(), b.PayScript())
}

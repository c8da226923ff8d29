// Package wif reads and writes private keys in Wallet Import Format, the
// text form wallets use to export and import a single private key
// (dumpprivkey / importprivkey).
//
// An Eacred WIF string is Base58 of 39 bytes:
//
//	network ID (2) || signature type (1) || private key (32) || checksum (4)
//
// The network ID is the network's PrivateKeyID ("Pm..." on mainnet, "Pt..."
// on testnet3, "Ps..." on simnet, "Pr..." on regnet); the signature type is
// 0 for secp256k1 ECDSA, 1 for ed25519 and 2 for secp256k1 Schnorr; the
// checksum is the first 4 bytes of a single BLAKE-256 of the first 35 bytes.
// Unlike Bitcoin's WIF there is no "compressed" flag: Eacred public keys are
// always used compressed.
package wif

import (
	"errors"
	"fmt"

	"github.com/decred/dcrd/crypto/blake256"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// Errors returned by Decode and New. Test with errors.Is.
var (
	ErrInvalidFormat  = errors.New("wif: not a base58 string")
	ErrLength         = errors.New("wif: wrong length")
	ErrChecksum       = errors.New("wif: bad checksum")
	ErrWrongNetwork   = errors.New("wif: private key is for another network")
	ErrUnknownKind    = errors.New("wif: not a private key ID")
	ErrUnknownSigType = errors.New("wif: unknown signature type")
	ErrInvalidPrivKey = errors.New("wif: private key is out of range")
)

const (
	keyLen     = 32
	encodedLen = 2 + 1 + keyLen + 4
)

// WIF is a decoded private key with its signature type and network.
type WIF struct {
	sigType address.SigType
	priv    [keyLen]byte
	params  *chaincfg.Params
}

// New returns the WIF of a 32-byte private key.
func New(priv []byte, sigType address.SigType, p *chaincfg.Params) (*WIF, error) {
	if len(priv) != keyLen {
		return nil, fmt.Errorf("%w: private key is %d bytes, want %d", ErrLength, len(priv), keyLen)
	}
	w := &WIF{sigType: sigType, priv: [keyLen]byte(priv), params: p}
	if err := w.check(); err != nil {
		return nil, err
	}
	return w, nil
}

// check validates the signature type and key range.
func (w *WIF) check() error {
	switch w.sigType {
	case address.ECDSA, address.Schnorr:
		var k secp256k1.ModNScalar
		if overflow := k.SetBytes(&w.priv); overflow != 0 || k.IsZero() {
			return ErrInvalidPrivKey
		}
	case address.Ed25519:
		if w.priv == [keyLen]byte{} {
			return ErrInvalidPrivKey
		}
	default:
		return fmt.Errorf("%w %d", ErrUnknownSigType, w.sigType)
	}
	return nil
}

// checksum is the first 4 bytes of one BLAKE-256 of b.
func checksum(b []byte) [4]byte {
	h := blake256.Sum256(b)
	return [4]byte(h[:4])
}

// Decode parses a WIF string of network p.
func Decode(s string, p *chaincfg.Params) (*WIF, error) {
	// Base58 decoding is quadratic: refuse long input before decoding.
	if len(s) > 64 {
		return nil, fmt.Errorf("%w: %d characters", ErrLength, len(s))
	}
	b, err := base58.Decode(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFormat, err)
	}
	if len(b) != encodedLen {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrLength, len(b), encodedLen)
	}
	if checksum(b[:encodedLen-4]) != [4]byte(b[encodedLen-4:]) {
		return nil, ErrChecksum
	}
	id := [2]byte(b[:2])
	if id != p.PrivateKeyID {
		for _, other := range chaincfg.All() {
			if other != p && id == other.PrivateKeyID {
				return nil, fmt.Errorf("%w: a %s key, want %s", ErrWrongNetwork, other.Name, p.Name)
			}
		}
		return nil, fmt.Errorf("%w: ID %x", ErrUnknownKind, id)
	}
	w := &WIF{sigType: address.SigType(b[2]), priv: [keyLen]byte(b[3:35]), params: p}
	if err := w.check(); err != nil {
		return nil, err
	}
	return w, nil
}

// String returns the WIF encoding.
func (w *WIF) String() string {
	b := make([]byte, 0, encodedLen)
	b = append(b, w.params.PrivateKeyID[:]...)
	b = append(b, byte(w.sigType))
	b = append(b, w.priv[:]...)
	c := checksum(b)
	return base58.Encode(append(b, c[:]...))
}

// SigType returns the key's signature algorithm.
func (w *WIF) SigType() address.SigType { return w.sigType }

// Params returns the key's network.
func (w *WIF) Params() *chaincfg.Params { return w.params }

// PrivKey returns a copy of the 32-byte private key.
func (w *WIF) PrivKey() []byte { return append([]byte(nil), w.priv[:]...) }

// ECPrivKey returns the secp256k1 private key of an ECDSA or Schnorr WIF.
func (w *WIF) ECPrivKey() (*secp256k1.PrivateKey, error) {
	if w.sigType == address.Ed25519 {
		return nil, fmt.Errorf("%w: ed25519 key is not a secp256k1 key", ErrUnknownSigType)
	}
	return secp256k1.PrivKeyFromBytes(w.priv[:]), nil
}

// PubKey returns the public key: 33-byte compressed secp256k1, or the 32-byte
// ed25519 key (the private key read as a big-endian scalar times the base
// point, as Decred's ed25519 keys are defined).
func (w *WIF) PubKey() []byte {
	if w.sigType == address.Ed25519 {
		return ed25519PubKey(w.priv[:])
	}
	return secp256k1.PrivKeyFromBytes(w.priv[:]).PubKey().SerializeCompressed()
}

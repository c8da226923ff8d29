package hdkeychain

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/base58"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// Errors. Test with errors.Is.
var (
	ErrChecksum             = errors.New("hdkeychain: bad checksum")
	ErrInvalidFormat        = errors.New("hdkeychain: not a base58 string")
	ErrLength               = errors.New("hdkeychain: wrong serialized key length")
	ErrWrongNetwork         = errors.New("hdkeychain: extended key is for another network")
	ErrUnknownVersion       = errors.New("hdkeychain: unknown extended key version")
	ErrBadPoint             = errors.New("hdkeychain: public key is not a valid curve point")
	ErrInvalidPrivKey       = errors.New("hdkeychain: private key is zero or not below the curve order")
	ErrInvalidChild         = errors.New("hdkeychain: the child at this index is invalid; use the next index")
	ErrDeriveHardFromPublic = errors.New("hdkeychain: cannot derive a hardened child from a public key")
	ErrDeriveBeyondMaxDepth = errors.New("hdkeychain: cannot derive beyond depth 255")
	ErrNotPrivExtKey        = errors.New("hdkeychain: not a private extended key")
	ErrInvalidSeedLen       = errors.New("hdkeychain: seed length must be 16 to 64 bytes")
	ErrUnusableSeed         = errors.New("hdkeychain: seed gives an invalid master key; use another seed")
)

const (
	// HardenedKeyStart is the first hardened child index (2^31).
	HardenedKeyStart = 0x80000000
	// MinSeedBytes and MaxSeedBytes bound the seed length; RecommendedSeedLen
	// is what wallets use.
	MinSeedBytes       = 16
	MaxSeedBytes       = 64
	RecommendedSeedLen = 32

	// maxEncodedLen bounds the string length Parse accepts (keys are 111
	// characters).
	maxEncodedLen = 120

	// serializedKeyLen is the length of a serialized key without checksum.
	serializedKeyLen = 4 + 1 + 4 + 4 + 32 + 33
)

// ExtendedKey is a private or public extended key of one network. It is
// immutable and safe for concurrent use.
type ExtendedKey struct {
	params    *chaincfg.Params
	privKey   []byte // nil for public keys; big-endian scalar, maybe shortened
	pubKey    *secp256k1.PublicKey
	pubBytes  []byte // 33-byte compressed public key
	chainCode [32]byte
	parentFP  [4]byte
	childNum  uint32
	depth     uint8
}

// newKey builds a key and computes its public key. priv may be nil.
func newKey(p *chaincfg.Params, priv []byte, pub *secp256k1.PublicKey, chainCode []byte,
	parentFP [4]byte, childNum uint32, depth uint8) *ExtendedKey {
	if priv != nil {
		pub = secp256k1.PrivKeyFromBytes(priv).PubKey()
	}
	k := &ExtendedKey{
		params:   p,
		privKey:  priv,
		pubKey:   pub,
		pubBytes: pub.SerializeCompressed(),
		parentFP: parentFP,
		childNum: childNum,
		depth:    depth,
	}
	copy(k.chainCode[:], chainCode)
	return k
}

// Parse decodes a serialized extended key (dprv/dpub/tprv/...) of network p.
func Parse(s string, p *chaincfg.Params) (*ExtendedKey, error) {
	// Base58 decoding is quadratic: refuse long input before decoding.
	if len(s) > maxEncodedLen {
		return nil, fmt.Errorf("%w: %d characters, want 111", ErrLength, len(s))
	}
	b, err := base58.Decode(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidFormat, err)
	}
	if len(b) != serializedKeyLen+base58.ChecksumLen {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrLength, len(b), serializedKeyLen+base58.ChecksumLen)
	}
	body := b[:serializedKeyLen]
	if base58.Checksum(body) != [4]byte(b[serializedKeyLen:]) {
		return nil, ErrChecksum
	}
	version := [4]byte(body[0:4])
	var private bool
	switch version {
	case p.HDPrivateKeyID:
		private = true
	case p.HDPublicKeyID:
	default:
		for _, other := range chaincfg.All() {
			if other != p && (version == other.HDPrivateKeyID || version == other.HDPublicKeyID) {
				return nil, fmt.Errorf("%w: a %s key, want %s", ErrWrongNetwork, other.Name, p.Name)
			}
		}
		return nil, fmt.Errorf("%w: %x", ErrUnknownVersion, version)
	}
	depth := body[4]
	parentFP := [4]byte(body[5:9])
	childNum := binary.BigEndian.Uint32(body[9:13])
	chainCode := body[13:45]
	keyData := body[45:78]
	if private {
		if keyData[0] != 0 {
			return nil, fmt.Errorf("%w: private key data must start with 0x00", ErrInvalidPrivKey)
		}
		var k secp256k1.ModNScalar
		if overflow := k.SetByteSlice(keyData[1:]); overflow || k.IsZero() {
			return nil, ErrInvalidPrivKey
		}
		priv := append([]byte(nil), keyData[1:]...)
		return newKey(p, priv, nil, chainCode, parentFP, childNum, depth), nil
	}
	pub, err := secp256k1.ParsePubKey(keyData)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadPoint, err)
	}
	return newKey(p, nil, pub, chainCode, parentFP, childNum, depth), nil
}

// String returns the serialized key (111 characters).
func (k *ExtendedKey) String() string {
	b := make([]byte, 0, serializedKeyLen+base58.ChecksumLen)
	if k.privKey != nil {
		b = append(b, k.params.HDPrivateKeyID[:]...)
	} else {
		b = append(b, k.params.HDPublicKeyID[:]...)
	}
	b = append(b, k.depth)
	b = append(b, k.parentFP[:]...)
	b = binary.BigEndian.AppendUint32(b, k.childNum)
	b = append(b, k.chainCode[:]...)
	if k.privKey != nil {
		pp := paddedPriv(k.privKey)
		b = append(b, 0)
		b = append(b, pp[:]...)
	} else {
		b = append(b, k.pubBytes...)
	}
	c := base58.Checksum(b)
	return base58.Encode(append(b, c[:]...))
}

// paddedPriv left-pads a private key to 32 bytes.
func paddedPriv(priv []byte) [32]byte {
	var out [32]byte
	copy(out[32-len(priv):], priv)
	return out
}

// IsPrivate reports whether k holds a private key.
func (k *ExtendedKey) IsPrivate() bool { return k.privKey != nil }

// Depth returns the number of derivations from the master key (0).
func (k *ExtendedKey) Depth() uint8 { return k.depth }

// ChildIndex returns the index k was derived at (0 for a master key).
func (k *ExtendedKey) ChildIndex() uint32 { return k.childNum }

// ParentFingerprint returns the first 4 bytes of the parent's public key
// hash160, read big-endian (0 for a master key).
func (k *ExtendedKey) ParentFingerprint() uint32 { return binary.BigEndian.Uint32(k.parentFP[:]) }

// ChainCode returns a copy of the chain code.
func (k *ExtendedKey) ChainCode() []byte { return append([]byte(nil), k.chainCode[:]...) }

// Params returns the key's network.
func (k *ExtendedKey) Params() *chaincfg.Params { return k.params }

// ECPubKey returns the public key.
func (k *ExtendedKey) ECPubKey() *secp256k1.PublicKey { return k.pubKey }

// SerializedPubKey returns the 33-byte compressed public key.
func (k *ExtendedKey) SerializedPubKey() []byte { return append([]byte(nil), k.pubBytes...) }

// ECPrivKey returns the private key, or ErrNotPrivExtKey.
func (k *ExtendedKey) ECPrivKey() (*secp256k1.PrivateKey, error) {
	if k.privKey == nil {
		return nil, ErrNotPrivExtKey
	}
	return secp256k1.PrivKeyFromBytes(k.privKey), nil
}

// SerializedPrivKey returns the 32-byte (zero-padded) private key, or
// ErrNotPrivExtKey.
func (k *ExtendedKey) SerializedPrivKey() ([]byte, error) {
	if k.privKey == nil {
		return nil, ErrNotPrivExtKey
	}
	p := paddedPriv(k.privKey)
	return p[:], nil
}

// Neuter returns the public extended key of k (k itself if it is public).
func (k *ExtendedKey) Neuter() *ExtendedKey {
	if k.privKey == nil {
		return k
	}
	n := *k
	n.privKey = nil
	return &n
}

// fingerprint returns the first 4 bytes of hash160(compressed pubkey).
func (k *ExtendedKey) fingerprint() [4]byte {
	return [4]byte(address.Hash160(k.pubBytes)[:4])
}

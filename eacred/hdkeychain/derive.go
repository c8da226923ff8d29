package hdkeychain

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/binary"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// masterKey is the HMAC key used to turn a seed into a master key.
var masterKey = []byte("Bitcoin seed")

// NewMaster returns the master private key of seed for network p.
func NewMaster(seed []byte, p *chaincfg.Params) (*ExtendedKey, error) {
	if len(seed) < MinSeedBytes || len(seed) > MaxSeedBytes {
		return nil, fmt.Errorf("%w: got %d", ErrInvalidSeedLen, len(seed))
	}
	mac := hmac.New(sha512.New, masterKey)
	mac.Write(seed)
	I := mac.Sum(nil)
	var k secp256k1.ModNScalar
	if overflow := k.SetByteSlice(I[:32]); overflow || k.IsZero() {
		return nil, ErrUnusableSeed
	}
	return newKey(p, I[:32], nil, I[32:], [4]byte{}, 0, 0), nil
}

// Child derives the child at index i (hardened when i >= HardenedKeyStart)
// the way Eacred's wallets do (see the package documentation for the
// private-key quirk). A public key can only derive normal children.
func (k *ExtendedKey) Child(i uint32) (*ExtendedKey, error) {
	return k.child(i, false)
}

// ChildBIP32Std is Child with strict BIP32 private derivation: derived
// private keys keep their leading zero bytes. It differs from Child only for
// hardened descendants of private keys that start with a zero byte.
func (k *ExtendedKey) ChildBIP32Std(i uint32) (*ExtendedKey, error) {
	return k.child(i, true)
}

func (k *ExtendedKey) child(i uint32, strict bool) (*ExtendedKey, error) {
	if k.depth == 255 {
		return nil, ErrDeriveBeyondMaxDepth
	}
	hardened := i >= HardenedKeyStart
	if hardened && k.privKey == nil {
		return nil, ErrDeriveHardFromPublic
	}
	var data [37]byte
	if hardened {
		// 0x00 || key || ser32(i). Decred's variant writes a shortened
		// key left-aligned (padding after it); strict BIP32 right-aligns.
		if strict {
			p := paddedPriv(k.privKey)
			copy(data[1:33], p[:])
		} else {
			copy(data[1:], k.privKey)
		}
	} else {
		copy(data[:33], k.pubBytes)
	}
	binary.BigEndian.PutUint32(data[33:], i)
	mac := hmac.New(sha512.New, k.chainCode[:])
	mac.Write(data[:])
	I := mac.Sum(nil)
	var il secp256k1.ModNScalar
	if overflow := il.SetByteSlice(I[:32]); overflow {
		return nil, ErrInvalidChild
	}
	fp := k.fingerprint()
	if k.privKey != nil {
		var parent secp256k1.ModNScalar
		parent.SetByteSlice(k.privKey)
		il.Add(&parent)
		if il.IsZero() {
			return nil, ErrInvalidChild
		}
		b := il.Bytes()
		priv := b[:]
		if !strict {
			for len(priv) > 0 && priv[0] == 0 {
				priv = priv[1:]
			}
		}
		return newKey(k.params, append([]byte(nil), priv...), nil, I[32:], fp, i, k.depth+1), nil
	}
	if il.IsZero() {
		return nil, ErrInvalidChild
	}
	pub, err := addPoint(&il, k.pubKey)
	if err != nil {
		return nil, err
	}
	return newKey(k.params, nil, pub, I[32:], fp, i, k.depth+1), nil
}

// addPoint returns il*G + parent, or ErrInvalidChild for the point at
// infinity.
func addPoint(il *secp256k1.ModNScalar, parent *secp256k1.PublicKey) (*secp256k1.PublicKey, error) {
	var ilG, pj, sum secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(il, &ilG)
	parent.AsJacobian(&pj)
	secp256k1.AddNonConst(&ilG, &pj, &sum)
	if sum.Z.IsZero() || (sum.X.IsZero() && sum.Y.IsZero()) {
		return nil, ErrInvalidChild
	}
	sum.ToAffine()
	return secp256k1.NewPublicKey(&sum.X, &sum.Y), nil
}

// DerivePath derives the descendant at path from k, one Child call per
// element.
func (k *ExtendedKey) DerivePath(path ...uint32) (*ExtendedKey, error) {
	cur := k
	for _, i := range path {
		next, err := cur.Child(i)
		if err != nil {
			return nil, fmt.Errorf("derive index %d at depth %d: %w", i, cur.depth, err)
		}
		cur = next
	}
	return cur, nil
}

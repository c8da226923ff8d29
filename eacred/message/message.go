// Package message signs and verifies messages with the private key behind
// a P2PKH address, as the wallets' signmessage and the nodes' verifymessage
// do. A VSP uses this to let a user prove control of an address without
// revealing any key.
//
// The signed value is the BLAKE-256 hash of
//
//	varstr("Decred Signed Message:\n") || varstr(message)
//
// where varstr is a CompactSize length followed by the bytes. The fixed
// prefix makes a message signature useless as a transaction signature.
//
// A signature is 65 bytes, shown as standard base64: a header byte
// 27 + recovery ID (0..3), plus 4 when the signer's key is compressed,
// followed by R and S (32 bytes each). The recovery ID lets the verifier
// compute the signer's public key from the signature itself; verifying then
// means recovering that key, hashing it into a P2PKH address and comparing
// with the claimed address. Only secp256k1 ECDSA P2PKH addresses can sign.
package message

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/decred/dcrd/crypto/blake256"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// Prefix is written before every signed message.
const Prefix = "Decred Signed Message:\n"

// compactSigLen is the length of a decoded signature.
const compactSigLen = 65

// Errors returned by Verify. Test with errors.Is.
var (
	// ErrAddress: the address does not decode for the network.
	ErrAddress = errors.New("message: invalid address")
	// ErrAddressKind: the address is not a secp256k1 ECDSA P2PKH address.
	ErrAddressKind = errors.New("message: address cannot sign messages (not P2PKH-ECDSA)")
	// ErrEncoding: the signature is not base64.
	ErrEncoding = errors.New("message: signature is not base64")
	// ErrSignatureSize: the signature does not decode to 65 bytes.
	ErrSignatureSize = errors.New("message: signature is not 65 bytes")
)

// Hash returns the hash that is signed for msg.
func Hash(msg string) [32]byte {
	b := make([]byte, 0, 1+len(Prefix)+9+len(msg))
	b = appendVarString(b, Prefix)
	b = appendVarString(b, msg)
	return blake256.Sum256(b)
}

// appendVarString appends a CompactSize length and s.
func appendVarString(b []byte, s string) []byte {
	n := uint64(len(s))
	switch {
	case n < 0xfd:
		b = append(b, byte(n))
	case n <= 0xffff:
		b = append(b, 0xfd)
		b = binary.LittleEndian.AppendUint16(b, uint16(n))
	case n <= 0xffffffff:
		b = append(b, 0xfe)
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, 0xff)
		b = binary.LittleEndian.AppendUint64(b, n)
	}
	return append(b, s...)
}

// Sign signs msg with priv and returns the base64 signature, made for the
// compressed public key (the one wallets' addresses use). Nonces are
// deterministic (RFC 6979).
func Sign(priv *secp256k1.PrivateKey, msg string) string {
	h := Hash(msg)
	return base64.StdEncoding.EncodeToString(ecdsa.SignCompact(priv, h[:], true))
}

// Verify reports whether sig is a valid signature of msg by the key of the
// P2PKH address addr of network p. Malformed input gives an error (see the
// Err values); a well-formed signature by another key, or of another
// message, gives false and no error.
func Verify(addr, sig, msg string, p *chaincfg.Params) (bool, error) {
	a, err := address.Decode(addr, p)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrAddress, err)
	}
	if a.Kind() != address.KindP2PKH {
		return false, fmt.Errorf("%w: %s is %s", ErrAddressKind, addr, a.Kind())
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrEncoding, err)
	}
	if len(raw) != compactSigLen {
		return false, fmt.Errorf("%w: got %d", ErrSignatureSize, len(raw))
	}
	h := Hash(msg)
	pub, compressed, err := ecdsa.RecoverCompact(raw, h[:])
	if err != nil {
		// A signature no key can have made: not valid, not malformed.
		return false, nil
	}
	var key []byte
	if compressed {
		key = pub.SerializeCompressed()
	} else {
		key = pub.SerializeUncompressed()
	}
	signer, err := address.NewPubKeyHashAddress(address.Hash160(key), p)
	if err != nil {
		return false, err
	}
	return signer.String() == a.String(), nil
}

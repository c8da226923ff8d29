// Package chainhash provides the 32-byte hash type used for transaction and
// block identifiers and the BLAKE-256 hash functions the network uses.
//
// Eacred, like Decred, hashes with the original 14-round BLAKE-256 (not BLAKE2
// or BLAKE3). Hashes are stored in "internal" byte order, exactly as the hash
// function returned them, but are shown to people and in JSON-RPC reversed,
// as big-endian hex; String and NewHashFromStr convert between the two.
package chainhash

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/decred/dcrd/crypto/blake256"
)

// HashSize is the number of bytes in a hash.
const HashSize = 32

// MaxHashStringSize is the length of a hash in its hex string form.
const MaxHashStringSize = HashSize * 2

// ErrHashStrSize is returned by NewHashFromStr for strings of the wrong length.
var ErrHashStrSize = fmt.Errorf("hash string must be %d hex characters", MaxHashStringSize)

// Hash is a 32-byte BLAKE-256 digest in internal byte order.
type Hash [HashSize]byte

// String returns the hash as reversed (display order) hex.
func (h Hash) String() string {
	var r [HashSize]byte
	for i := range h {
		r[i] = h[HashSize-1-i]
	}
	return hex.EncodeToString(r[:])
}

// IsEqual reports whether h and other hold the same bytes; a nil other is
// equal only to a nil h.
func (h *Hash) IsEqual(other *Hash) bool {
	if h == nil || other == nil {
		return h == other
	}
	return *h == *other
}

// NewHash returns a Hash holding b, which must be exactly HashSize bytes.
func NewHash(b []byte) (*Hash, error) {
	if len(b) != HashSize {
		return nil, fmt.Errorf("invalid hash length %d, want %d", len(b), HashSize)
	}
	var h Hash
	copy(h[:], b)
	return &h, nil
}

// NewHashFromStr parses a hash in display (reversed hex) order. The string
// must be exactly 64 hex characters.
func NewHashFromStr(s string) (*Hash, error) {
	var h Hash
	if err := Decode(&h, s); err != nil {
		return nil, err
	}
	return &h, nil
}

// Decode parses the display-order hex string s into dst.
func Decode(dst *Hash, s string) error {
	if len(s) != MaxHashStringSize {
		return ErrHashStrSize
	}
	var b [HashSize]byte
	if _, err := hex.Decode(b[:], []byte(s)); err != nil {
		return errors.New("hash string is not valid hex")
	}
	for i := range b {
		dst[i] = b[HashSize-1-i]
	}
	return nil
}

// HashB returns the BLAKE-256 digest of b as a byte slice.
func HashB(b []byte) []byte {
	h := blake256.Sum256(b)
	return h[:]
}

// HashH returns the BLAKE-256 digest of b as a Hash.
func HashH(b []byte) Hash {
	return Hash(blake256.Sum256(b))
}

// DoubleHashH returns BLAKE-256(BLAKE-256(b)).
func DoubleHashH(b []byte) Hash {
	first := blake256.Sum256(b)
	return Hash(blake256.Sum256(first[:]))
}

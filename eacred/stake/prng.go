package stake

import (
	"encoding/binary"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// prngSeedSuffix is appended to a seed before it is hashed: the first 8
// bytes of pi's fractional part in hex (0x243F6A8885A308D3), as the
// network defines its deterministic PRNG.
var prngSeedSuffix = [8]byte{0x24, 0x3f, 0x6a, 0x88, 0x85, 0xa3, 0x08, 0xd3}

// Hash256PRNG is the network's deterministic pseudorandom number generator
// (the one behind ticket selection and DCP0009's distribution of leftover
// revocation atoms). It hands out the eight big-endian uint32 words of a
// BLAKE-256 hash one after the other:
//
//	key   = BLAKE256(seed || 243f6a8885a308d3)
//	block 0 = key; block i+1 = BLAKE256(key || uint32be(i))
//
// After 2^32 blocks the key is replaced by BLAKE256(key) and numbering
// restarts (never reached in practice). Not safe for concurrent use.
type Hash256PRNG struct {
	key   chainhash.Hash
	block chainhash.Hash // the hash whose words are being handed out
	word  int            // next word of block, 0..7
	next  uint64         // index of the hash that follows block
}

// NewHash256PRNG returns the generator seeded with seed (for DCP0009, the
// serialized header of the block before the one including the
// revocations).
func NewHash256PRNG(seed []byte) *Hash256PRNG {
	buf := make([]byte, 0, len(seed)+len(prngSeedSuffix))
	buf = append(append(buf, seed...), prngSeedSuffix[:]...)
	key := chainhash.HashH(buf)
	return &Hash256PRNG{key: key, block: key}
}

// Hash256Rand returns the next 32-bit word.
func (p *Hash256PRNG) Hash256Rand() uint32 {
	r := binary.BigEndian.Uint32(p.block[p.word*4:])
	p.word++
	if p.word == 8 {
		var buf [chainhash.HashSize + 4]byte
		copy(buf[:], p.key[:])
		binary.BigEndian.PutUint32(buf[chainhash.HashSize:], uint32(p.next))
		p.block = chainhash.HashH(buf[:])
		p.word = 0
		p.next++
	}
	if p.next > 0xffffffff {
		p.key = chainhash.HashH(p.key[:])
		p.block, p.next = p.key, 0
	}
	return r
}

// UniformRandom returns a number in [0, n) without modulo bias: words below
// 2^32 mod n are drawn again. It returns 0 for n < 2 without drawing.
func (p *Hash256PRNG) UniformRandom(n uint32) uint32 {
	if n < 2 {
		return 0
	}
	// 2^32 mod n, computed in 32 bits.
	floor := -n % n
	for {
		if r := p.Hash256Rand(); r >= floor {
			return r % n
		}
	}
}

// StateHash summarises the generator's state: BLAKE256(block ||
// uint32be(next) || word).
func (p *Hash256PRNG) StateHash() chainhash.Hash {
	var buf [chainhash.HashSize + 5]byte
	copy(buf[:], p.block[:])
	binary.BigEndian.PutUint32(buf[chainhash.HashSize:], uint32(p.next))
	buf[chainhash.HashSize+4] = byte(p.word)
	return chainhash.HashH(buf[:])
}

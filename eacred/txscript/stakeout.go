package txscript

import (
	"encoding/binary"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// FeeLimits is the 16-bit fee-limits field of a ticket commitment: the low
// byte limits the fee a vote may take from this contributor's share, the
// high byte the fee a revocation may take. In each byte, flag 0x40 means
// "a fee is allowed" and bits 0..5 are an exponent e: fees up to 2^e atoms
// (the whole amount when e >= 63). Without the flag no fee may be taken.
type FeeLimits uint16

// Fee limits written by wallets.
const (
	// FeeLimitsWalletV1: no vote fee, revocation fee up to 2^24 atoms
	// (dcrwallet 1.x, and every legacy stake pool ticket).
	FeeLimitsWalletV1 FeeLimits = 0x5800
	// FeeLimitsWalletV2: no vote fee, revocation fee up to 2^14 atoms.
	FeeLimitsWalletV2 FeeLimits = 0x4e00

	feeLimitFlag = 0x40
	feeLimitExp  = 0x3f
)

// EncodeFeeLimit returns the limit byte allowing fees up to maxFee atoms
// (rounded up to a power of two); 0 when maxFee <= 0 (no fee allowed).
func EncodeFeeLimit(maxFee int64) byte {
	if maxFee <= 0 {
		return 0
	}
	e := 0
	for e < 63 && int64(1)<<e < maxFee {
		e++
	}
	return byte(e) | feeLimitFlag
}

// NewFeeLimits combines a vote and a revocation limit byte.
func NewFeeLimits(vote, revocation byte) FeeLimits {
	return FeeLimits(uint16(vote) | uint16(revocation)<<8)
}

// Vote returns the vote limit byte.
func (l FeeLimits) Vote() byte { return byte(l) }

// Revocation returns the revocation limit byte.
func (l FeeLimits) Revocation() byte { return byte(l >> 8) }

// MaxFee returns the largest fee a limit byte allows from a contribution
// of amount atoms.
func MaxFee(limit byte, amount int64) int64 {
	if limit&feeLimitFlag == 0 {
		return 0
	}
	e := limit & feeLimitExp
	if e >= 63 {
		return amount
	}
	if max := int64(1) << e; max < amount {
		return max
	}
	return amount
}

// Commitment is a ticket commitment: where a contributor's share of the
// vote or revocation goes, how much they put in and the fee limits.
type Commitment struct {
	Hash       [Hash160Size]byte
	ScriptHash bool
	Amount     int64
	Limits     FeeLimits
}

// PayScript returns the (untagged) P2PKH/P2SH script of the reward address.
func (c Commitment) PayScript() PayScript {
	return PayScript{ScriptHash: c.ScriptHash, Hash: c.Hash}
}

const (
	commitmentDataLen   = 30
	commitmentScriptLen = 2 + commitmentDataLen
	commitP2SHFlag      = uint64(1) << 63
)

// CommitmentScript encodes c as OP_RETURN OP_DATA_30 hash160(20) ||
// amount(8, LE, top bit = P2SH) || limits(2, LE). Amount must not be
// negative.
func CommitmentScript(c Commitment) ([]byte, error) {
	if c.Amount < 0 {
		return nil, scriptErr(ErrInvalidCommitment, "negative amount %d", c.Amount)
	}
	s := make([]byte, 0, commitmentScriptLen)
	s = append(s, OP_RETURN, OP_DATA_30)
	s = append(s, c.Hash[:]...)
	amt := uint64(c.Amount)
	if c.ScriptHash {
		amt |= commitP2SHFlag
	}
	s = binary.LittleEndian.AppendUint64(s, amt)
	return binary.LittleEndian.AppendUint16(s, uint16(c.Limits)), nil
}

// ParseCommitmentScript decodes a ticket commitment. Consensus allows a
// push of 30..75 bytes; the fields are read at fixed offsets.
func ParseCommitmentScript(script []byte) (Commitment, error) {
	var c Commitment
	if len(script) < commitmentScriptLen || script[0] != OP_RETURN {
		return c, scriptErr(ErrInvalidCommitment, "want OP_RETURN and a 30-byte push, got %d bytes", len(script))
	}
	n := int(script[1])
	if n < commitmentDataLen || n > OP_DATA_75 || len(script) != 2+n {
		return c, scriptErr(ErrInvalidCommitment, "push opcode %#x with %d script bytes", script[1], len(script))
	}
	copy(c.Hash[:], script[2:22])
	amt := binary.LittleEndian.Uint64(script[22:30])
	c.ScriptHash = amt&commitP2SHFlag != 0
	c.Amount = int64(amt &^ commitP2SHFlag)
	c.Limits = FeeLimits(binary.LittleEndian.Uint16(script[30:32]))
	return c, nil
}

const voteBlockRefLen = 2 + chainhash.HashSize + 4

// VoteBlockRefScript returns a vote's first output script: OP_RETURN
// OP_DATA_36 block hash (internal order) || height (u32 LE).
func VoteBlockRefScript(hash *chainhash.Hash, height uint32) []byte {
	s := make([]byte, 0, voteBlockRefLen)
	s = append(s, OP_RETURN, OP_DATA_36)
	s = append(s, hash[:]...)
	return binary.LittleEndian.AppendUint32(s, height)
}

// ParseVoteBlockRefScript decodes a vote's block reference output.
func ParseVoteBlockRefScript(script []byte) (chainhash.Hash, uint32, error) {
	var h chainhash.Hash
	if len(script) != voteBlockRefLen || script[0] != OP_RETURN || script[1] != OP_DATA_36 {
		return h, 0, scriptErr(ErrInvalidVoteScript, "block reference must be OP_RETURN OP_DATA_36 (38 bytes), got %d bytes", len(script))
	}
	copy(h[:], script[2:34])
	return h, binary.LittleEndian.Uint32(script[34:]), nil
}

// VoteBitsScript returns a vote's second output script as wallets write
// it: OP_RETURN OP_DATA_6 bits (u16 LE) || vote version (u32 LE).
func VoteBitsScript(bits uint16, version uint32) []byte {
	s := make([]byte, 0, 8)
	s = append(s, OP_RETURN, 6)
	s = binary.LittleEndian.AppendUint16(s, bits)
	return binary.LittleEndian.AppendUint32(s, version)
}

// VoteBitsScriptExt returns a vote-bits script with arbitrary extended
// bytes after the bits (the "votebitsextended" of JSON-RPC); wallets pass
// the vote version as 4 little-endian bytes. At most 73 extended bytes.
func VoteBitsScriptExt(bits uint16, ext []byte) ([]byte, error) {
	if len(ext) > OP_DATA_75-2 {
		return nil, scriptErr(ErrInvalidVoteScript, "%d extended vote bytes, at most %d", len(ext), OP_DATA_75-2)
	}
	s := make([]byte, 0, 4+len(ext))
	s = append(s, OP_RETURN, byte(2+len(ext)))
	s = binary.LittleEndian.AppendUint16(s, bits)
	return append(s, ext...), nil
}

// ParseVoteBitsScript decodes a vote-bits output: OP_RETURN and a direct
// push of 2..75 bytes starting with the bits; the next four bytes, when
// present, are the vote version (0 otherwise).
func ParseVoteBitsScript(script []byte) (bits uint16, version uint32, err error) {
	if len(script) < 4 || script[0] != OP_RETURN {
		return 0, 0, scriptErr(ErrInvalidVoteScript, "vote bits must be OP_RETURN and a 2..75 byte push, got %d bytes", len(script))
	}
	n := int(script[1])
	if n < 2 || n > OP_DATA_75 || len(script) != 2+n {
		return 0, 0, scriptErr(ErrInvalidVoteScript, "vote bits push opcode %#x with %d script bytes", script[1], len(script))
	}
	bits = binary.LittleEndian.Uint16(script[2:4])
	if n >= 6 {
		version = binary.LittleEndian.Uint32(script[4:8])
	}
	return bits, version, nil
}

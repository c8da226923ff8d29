package wire

import (
	"encoding/binary"
	"math"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// VarIntSize returns the number of bytes the CompactSize encoding of v takes.
func VarIntSize(v uint64) int {
	switch {
	case v < 0xfd:
		return 1
	case v <= math.MaxUint16:
		return 3
	case v <= math.MaxUint32:
		return 5
	default:
		return 9
	}
}

// AppendVarInt appends the CompactSize encoding of v to b.
func AppendVarInt(b []byte, v uint64) []byte {
	switch {
	case v < 0xfd:
		return append(b, byte(v))
	case v <= math.MaxUint16:
		return binary.LittleEndian.AppendUint16(append(b, 0xfd), uint16(v))
	case v <= math.MaxUint32:
		return binary.LittleEndian.AppendUint32(append(b, 0xfe), uint32(v))
	default:
		return binary.LittleEndian.AppendUint64(append(b, 0xff), v)
	}
}

// AppendVarBytes appends len(p) as a CompactSize followed by p.
func AppendVarBytes(b, p []byte) []byte {
	return append(AppendVarInt(b, uint64(len(p))), p...)
}

// VarBytesSize returns the encoded size of p as var-bytes.
func VarBytesSize(p []byte) int { return VarIntSize(uint64(len(p))) + len(p) }

// reader is a bounds-checked cursor over an input buffer. Every read
// reports ErrTruncated instead of panicking when the input is short.
type reader struct {
	buf []byte
	off int
	// what names the structure being decoded, for error messages.
	what string
}

func (r *reader) remaining() int { return len(r.buf) - r.off }

func (r *reader) need(n int, field string) error {
	if n < 0 || r.remaining() < n {
		return wireErr(ErrTruncated, "%s: reading %s at offset %d: need %d bytes, have %d",
			r.what, field, r.off, n, r.remaining())
	}
	return nil
}

func (r *reader) bytes(n int, field string) ([]byte, error) {
	if err := r.need(n, field); err != nil {
		return nil, err
	}
	p := r.buf[r.off : r.off+n]
	r.off += n
	return p, nil
}

func (r *reader) u8(field string) (uint8, error) {
	p, err := r.bytes(1, field)
	if err != nil {
		return 0, err
	}
	return p[0], nil
}

func (r *reader) u16(field string) (uint16, error) {
	p, err := r.bytes(2, field)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(p), nil
}

func (r *reader) u32(field string) (uint32, error) {
	p, err := r.bytes(4, field)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(p), nil
}

func (r *reader) u64(field string) (uint64, error) {
	p, err := r.bytes(8, field)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(p), nil
}

func (r *reader) hash(field string) (chainhash.Hash, error) {
	var h chainhash.Hash
	p, err := r.bytes(chainhash.HashSize, field)
	if err != nil {
		return h, err
	}
	copy(h[:], p)
	return h, nil
}

// varInt reads a CompactSize integer and rejects non-minimal encodings.
func (r *reader) varInt(field string) (uint64, error) { return r.varIntNamed(field, "") }

// varIntNamed is varInt for the field named field+suffix; the two are only
// joined for an error message, so the success path does not allocate.
func (r *reader) varIntNamed(field, suffix string) (uint64, error) {
	if r.remaining() < 1 {
		return 0, r.need(1, field+suffix)
	}
	d := r.buf[r.off]
	r.off++
	var size int
	var min uint64
	switch d {
	case 0xfd:
		size, min = 2, 0xfd
	case 0xfe:
		size, min = 4, 0x10000
	case 0xff:
		size, min = 8, 0x100000000
	default:
		return uint64(d), nil
	}
	if r.remaining() < size {
		return 0, r.need(size, field+suffix)
	}
	p := r.buf[r.off : r.off+size]
	r.off += size
	var v uint64
	switch size {
	case 2:
		v = uint64(binary.LittleEndian.Uint16(p))
	case 4:
		v = uint64(binary.LittleEndian.Uint32(p))
	default:
		v = binary.LittleEndian.Uint64(p)
	}
	if v < min {
		return 0, wireErr(ErrNonCanonicalVarInt, "%s: %s: value %d encoded with prefix %#x",
			r.what, field+suffix, v, d)
	}
	return v, nil
}

// count reads a CompactSize element count and checks that at least
// count*minSize bytes remain and that count <= max, so that the caller can
// allocate count elements safely.
func (r *reader) count(field string, minSize int, max uint64) (int, error) {
	n, err := r.varInt(field)
	if err != nil {
		return 0, err
	}
	if n > max {
		return 0, wireErr(ErrTooLarge, "%s: %s %d exceeds maximum %d", r.what, field, n, max)
	}
	if n*uint64(minSize) > uint64(r.remaining()) {
		return 0, wireErr(ErrTruncated, "%s: %s %d needs at least %d bytes, have %d",
			r.what, field, n, n*uint64(minSize), r.remaining())
	}
	return int(n), nil
}

// varBytes reads a CompactSize length and that many bytes, copying them so
// the result does not alias the input buffer. The copy is carved from
// *arena when it has room (capacity-limited, so appending to one script
// cannot overwrite the next) and allocated on its own otherwise.
func (r *reader) varBytes(field string, max uint64, arena *[]byte) ([]byte, error) {
	n, err := r.varIntNamed(field, " length")
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, wireErr(ErrTooLarge, "%s: %s length %d exceeds maximum %d", r.what, field, n, max)
	}
	if n > uint64(r.remaining()) {
		return nil, wireErr(ErrTruncated, "%s: %s length %d, only %d bytes remain",
			r.what, field, n, r.remaining())
	}
	p, _ := r.bytes(int(n), field)
	if n == 0 {
		return nil, nil
	}
	if a := *arena; cap(a)-len(a) >= len(p) {
		start := len(a)
		a = append(a, p...)
		*arena = a
		return a[start:len(a):len(a)], nil
	}
	out := make([]byte, n)
	copy(out, p)
	return out, nil
}

// txShape is what a first pass over a serialized transaction learns:
// the total length of its scripts and its input and output counts (-1
// when not reached), so that the decoder can allocate in few blocks.
type txShape struct {
	scripts   int
	nIn, nOut int
}

// scanTx walks the transaction (of serialization type t) starting at the
// reader's position. It is best effort: on malformed input it stops early
// and returns what it learnt, leaving the errors to the decoder. r is a
// copy; the caller's position is unchanged.
func scanTx(r reader, t TxSerializeType) txShape {
	sh := txShape{nIn: -1, nOut: -1}
	total := &sh.scripts
	skip := func(n uint64) bool {
		if n > uint64(r.remaining()) {
			return false
		}
		r.off += int(n)
		return true
	}
	// length reads a CompactSize without the decoder's checks.
	length := func() (uint64, bool) {
		v, err := r.varInt("")
		return v, err == nil
	}
	scripts := func(fixed uint64, count *int) bool {
		n, ok := length()
		if !ok {
			return false
		}
		if count != nil && n <= uint64(r.remaining()) {
			*count = int(n)
		}
		for ; n > 0; n-- {
			if !skip(fixed) {
				return false
			}
			l, ok := length()
			if !ok || !skip(l) {
				return false
			}
			*total += int(l)
		}
		return true
	}
	if t == TxSerializeFull || t == TxSerializeNoWitness {
		n, ok := length()
		if !ok || n > uint64(r.remaining())/minTxInPrefixSize || !skip(n*minTxInPrefixSize) {
			return sh
		}
		sh.nIn = int(n)
		if !scripts(8+2, &sh.nOut) || !skip(4+4) {
			return sh
		}
	}
	if t == TxSerializeFull || t == TxSerializeOnlyWitness {
		scripts(8+4+4, nil)
	}
	return sh
}

package txscript

import (
	"encoding/binary"

	"github.com/decred/dcrd/crypto/blake256"
	//lint:ignore SA1019 the protocol's hash160 is defined with RIPEMD-160
	"golang.org/x/crypto/ripemd160"
)

// Hash160Size is the length of a hash160 digest.
const Hash160Size = 20

// Hash160 returns RIPEMD-160(BLAKE-256(b)), the hash used in P2PKH and P2SH
// scripts and addresses.
func Hash160(b []byte) []byte {
	h := blake256.Sum256(b)
	r := ripemd160.New()
	r.Write(h[:])
	return r.Sum(nil)
}

// AppendPush appends the canonical (shortest) push of data to script:
// OP_0 for empty data, OP_1..OP_16 / OP_1NEGATE for the matching single
// bytes, OP_DATA_n up to 75 bytes, then OP_PUSHDATA1/2/4.
func AppendPush(script, data []byte) []byte {
	n := len(data)
	switch {
	case n == 0:
		return append(script, OP_0)
	case n == 1 && data[0] >= 1 && data[0] <= 16:
		return append(script, SmallIntOp(int(data[0])))
	case n == 1 && data[0] == 0x81:
		return append(script, OP_1NEGATE)
	case n <= OP_DATA_75:
		script = append(script, byte(n))
	case n <= 0xff:
		script = append(script, OP_PUSHDATA1, byte(n))
	case n <= 0xffff:
		script = binary.LittleEndian.AppendUint16(append(script, OP_PUSHDATA2), uint16(n))
	default:
		script = binary.LittleEndian.AppendUint32(append(script, OP_PUSHDATA4), uint32(n))
	}
	return append(script, data...)
}

// Builder assembles a script from opcodes and data pushes. The first error
// (an element or the script too large) is kept and returned by Script.
type Builder struct {
	script []byte
	err    error
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder { return &Builder{} }

// AddOp appends an opcode.
func (b *Builder) AddOp(op byte) *Builder {
	b.script = append(b.script, op)
	return b
}

// AddData appends the canonical push of data.
func (b *Builder) AddData(data []byte) *Builder {
	if b.err == nil && len(data) > MaxScriptElementSize {
		b.err = scriptErr(ErrElementTooLarge, "push of %d bytes exceeds %d", len(data), MaxScriptElementSize)
	}
	b.script = AppendPush(b.script, data)
	return b
}

// AddSmallInt appends the opcode pushing n (0..16).
func (b *Builder) AddSmallInt(n int) *Builder {
	if n < 0 || n > 16 {
		if b.err == nil {
			b.err = scriptErr(ErrMalformedPush, "small integer %d out of range 0..16", n)
		}
		return b
	}
	return b.AddOp(SmallIntOp(n))
}

// Script returns the script or the first error.
func (b *Builder) Script() ([]byte, error) {
	if b.err != nil {
		return nil, b.err
	}
	if len(b.script) > MaxScriptSize {
		return nil, scriptErr(ErrScriptTooLong, "%d bytes exceeds %d", len(b.script), MaxScriptSize)
	}
	return b.script, nil
}

// Op is one parsed script element: an opcode and, for pushes, its data.
type Op struct {
	Code byte
	Data []byte // nil for non-push opcodes; aliases the script
}

// IsPush reports whether the op pushes data (including OP_0, OP_1NEGATE
// and OP_1..OP_16).
func (o Op) IsPush() bool { return o.Code <= OP_16 && o.Code != 0x50 }

// PushValue returns what a push op leaves on the stack.
func (o Op) PushValue() []byte {
	switch {
	case o.Code == OP_0:
		return nil
	case o.Code == OP_1NEGATE:
		return []byte{0x81}
	case o.Code >= OP_1 && o.Code <= OP_16:
		return []byte{o.Code - (OP_1 - 1)}
	}
	return o.Data
}

// ParseScript splits a script into ops. It fails with ErrMalformedPush when
// a push runs past the end and ErrScriptTooLong for oversized scripts.
func ParseScript(script []byte) ([]Op, error) {
	ops, err := parseOps(script)
	if err != nil {
		return nil, err
	}
	return ops, nil
}

// parseOps is ParseScript that also returns the ops parsed before an error.
func parseOps(script []byte) ([]Op, error) {
	if len(script) > MaxScriptSize {
		return nil, scriptErr(ErrScriptTooLong, "%d bytes exceeds %d", len(script), MaxScriptSize)
	}
	var ops []Op
	for i := 0; i < len(script); {
		op := script[i]
		i++
		var n int
		switch {
		case op >= OP_DATA_1 && op <= OP_DATA_75:
			n = int(op)
		case op == OP_PUSHDATA1:
			if len(script)-i < 1 {
				return ops, scriptErr(ErrMalformedPush, "OP_PUSHDATA1 at %d lacks its length", i-1)
			}
			n = int(script[i])
			i++
		case op == OP_PUSHDATA2:
			if len(script)-i < 2 {
				return ops, scriptErr(ErrMalformedPush, "OP_PUSHDATA2 at %d lacks its length", i-1)
			}
			n = int(binary.LittleEndian.Uint16(script[i:]))
			i += 2
		case op == OP_PUSHDATA4:
			if len(script)-i < 4 {
				return ops, scriptErr(ErrMalformedPush, "OP_PUSHDATA4 at %d lacks its length", i-1)
			}
			u := binary.LittleEndian.Uint32(script[i:])
			if u > MaxScriptSize {
				return ops, scriptErr(ErrMalformedPush, "OP_PUSHDATA4 of %d bytes", u)
			}
			n = int(u)
			i += 4
		default:
			ops = append(ops, Op{Code: op})
			continue
		}
		if len(script)-i < n {
			return ops, scriptErr(ErrMalformedPush, "push of %d bytes at %d runs past the end", n, i)
		}
		ops = append(ops, Op{Code: op, Data: script[i : i+n]})
		i += n
	}
	return ops, nil
}

// PushedData parses a push-only script (such as a signature script) and
// returns the value of each push. Any non-push opcode is ErrNotPushOnly.
func PushedData(script []byte) ([][]byte, error) {
	ops, err := ParseScript(script)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(ops))
	for i, o := range ops {
		if !o.IsPush() {
			return nil, scriptErr(ErrNotPushOnly, "opcode %#x at element %d", o.Code, i)
		}
		out[i] = o.PushValue()
	}
	return out, nil
}

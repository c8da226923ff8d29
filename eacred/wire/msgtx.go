package wire

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// TxSerializeType is the high 16 bits of a serialized transaction's version
// field: which halves of the transaction the bytes hold.
type TxSerializeType uint16

// Serialization types.
const (
	TxSerializeFull        TxSerializeType = 0
	TxSerializeNoWitness   TxSerializeType = 1
	TxSerializeOnlyWitness TxSerializeType = 2
)

// String names the serialization type.
func (t TxSerializeType) String() string {
	switch t {
	case TxSerializeFull:
		return "full"
	case TxSerializeNoWitness:
		return "prefix"
	case TxSerializeOnlyWitness:
		return "witness"
	}
	return fmt.Sprintf("unknown(%d)", uint16(t))
}

// Transaction constants.
const (
	// TxVersion is the version of ordinary transactions, tickets and votes.
	TxVersion uint16 = 1

	// TxTreeRegular and TxTreeStake name the tree of an outpoint.
	TxTreeRegular int8 = 0
	TxTreeStake   int8 = 1

	// MaxTxInSequenceNum is the final sequence number.
	MaxTxInSequenceNum uint32 = 0xffffffff
	// MaxPrevOutIndex is the index of a null (coinbase/stakebase) outpoint.
	MaxPrevOutIndex uint32 = 0xffffffff
	// NoExpiryValue means the transaction never expires.
	NoExpiryValue uint32 = 0

	// Witness values used when the spent output is unknown.
	NullValueIn     int64  = -1
	NullBlockHeight uint32 = 0
	NullBlockIndex  uint32 = 0xffffffff

	// DefaultPkScriptVersion is the script version of every standard output.
	DefaultPkScriptVersion uint16 = 0

	// MaxBlockPayload bounds a serialized block (and so any transaction or
	// script within one); decoders refuse larger counts and lengths.
	MaxBlockPayload = 1310720
)

// Minimum encoded sizes, used to bound counts before allocating.
const (
	minTxInPrefixSize  = 32 + 4 + 1 + 4
	minTxInWitnessSize = 8 + 4 + 4 + 1
	minTxOutSize       = 8 + 2 + 1
	// MinTxSize is the smallest possible serialized transaction.
	MinTxSize = 4 + 1 + 1 + 4 + 4
)

// OutPoint names a transaction output: transaction hash, output index and
// the tree the transaction was mined in.
type OutPoint struct {
	Hash  chainhash.Hash
	Index uint32
	Tree  int8
}

// NewOutPoint returns an outpoint for the given hash, index and tree.
func NewOutPoint(hash *chainhash.Hash, index uint32, tree int8) *OutPoint {
	return &OutPoint{Hash: *hash, Index: index, Tree: tree}
}

// String returns "hash:index".
func (o OutPoint) String() string { return fmt.Sprintf("%s:%d", o.Hash, o.Index) }

// TxIn is a transaction input: the outpoint and sequence (prefix) and the
// value/location/signature script (witness).
type TxIn struct {
	PreviousOutPoint OutPoint
	Sequence         uint32
	ValueIn          int64
	BlockHeight      uint32
	BlockIndex       uint32
	SignatureScript  []byte
}

// NewTxIn returns an input spending prevOut with the given witness value
// and signature script, final sequence and unknown block location.
func NewTxIn(prevOut *OutPoint, valueIn int64, sigScript []byte) *TxIn {
	return &TxIn{
		PreviousOutPoint: *prevOut,
		Sequence:         MaxTxInSequenceNum,
		ValueIn:          valueIn,
		BlockHeight:      NullBlockHeight,
		BlockIndex:       NullBlockIndex,
		SignatureScript:  sigScript,
	}
}

// TxOut is a transaction output: value in atoms, script version and public
// key script.
type TxOut struct {
	Value    int64
	Version  uint16
	PkScript []byte
}

// NewTxOut returns a version 0 output.
func NewTxOut(value int64, pkScript []byte) *TxOut {
	return &TxOut{Value: value, Version: DefaultPkScriptVersion, PkScript: pkScript}
}

// MsgTx is a transaction. SerType says which halves it holds and how it is
// serialized by Bytes.
type MsgTx struct {
	SerType  TxSerializeType
	Version  uint16
	TxIn     []*TxIn
	TxOut    []*TxOut
	LockTime uint32
	Expiry   uint32
}

// NewMsgTx returns an empty full transaction of the given version.
func NewMsgTx(version uint16) *MsgTx {
	return &MsgTx{SerType: TxSerializeFull, Version: version}
}

// AddTxIn appends an input.
func (tx *MsgTx) AddTxIn(in *TxIn) { tx.TxIn = append(tx.TxIn, in) }

// AddTxOut appends an output.
func (tx *MsgTx) AddTxOut(out *TxOut) { tx.TxOut = append(tx.TxOut, out) }

func (tx *MsgTx) prefixSize() int {
	n := VarIntSize(uint64(len(tx.TxIn))) + len(tx.TxIn)*minTxInPrefixSize
	n += VarIntSize(uint64(len(tx.TxOut)))
	for _, o := range tx.TxOut {
		n += 8 + 2 + VarBytesSize(o.PkScript)
	}
	return n + 4 + 4
}

func (tx *MsgTx) witnessSize() int {
	n := VarIntSize(uint64(len(tx.TxIn)))
	for _, in := range tx.TxIn {
		n += 8 + 4 + 4 + VarBytesSize(in.SignatureScript)
	}
	return n
}

// SerializeSizeAs returns the length of the serialization of type t.
func (tx *MsgTx) SerializeSizeAs(t TxSerializeType) int {
	switch t {
	case TxSerializeNoWitness:
		return 4 + tx.prefixSize()
	case TxSerializeOnlyWitness:
		return 4 + tx.witnessSize()
	default:
		return 4 + tx.prefixSize() + tx.witnessSize()
	}
}

// SerializeSize returns the length of Bytes().
func (tx *MsgTx) SerializeSize() int { return tx.SerializeSizeAs(tx.SerType) }

func (tx *MsgTx) appendPrefix(b []byte) []byte {
	b = AppendVarInt(b, uint64(len(tx.TxIn)))
	for _, in := range tx.TxIn {
		op := &in.PreviousOutPoint
		b = append(b, op.Hash[:]...)
		b = binary.LittleEndian.AppendUint32(b, op.Index)
		b = append(b, byte(op.Tree))
		b = binary.LittleEndian.AppendUint32(b, in.Sequence)
	}
	b = AppendVarInt(b, uint64(len(tx.TxOut)))
	for _, o := range tx.TxOut {
		b = binary.LittleEndian.AppendUint64(b, uint64(o.Value))
		b = binary.LittleEndian.AppendUint16(b, o.Version)
		b = AppendVarBytes(b, o.PkScript)
	}
	b = binary.LittleEndian.AppendUint32(b, tx.LockTime)
	return binary.LittleEndian.AppendUint32(b, tx.Expiry)
}

func (tx *MsgTx) appendWitness(b []byte) []byte {
	b = AppendVarInt(b, uint64(len(tx.TxIn)))
	for _, in := range tx.TxIn {
		b = binary.LittleEndian.AppendUint64(b, uint64(in.ValueIn))
		b = binary.LittleEndian.AppendUint32(b, in.BlockHeight)
		b = binary.LittleEndian.AppendUint32(b, in.BlockIndex)
		b = AppendVarBytes(b, in.SignatureScript)
	}
	return b
}

// AppendAs appends the serialization of type t to b. Serializing a type
// other than tx.SerType writes the halves tx holds (missing fields as
// zero values); the version field always carries t.
func (tx *MsgTx) AppendAs(b []byte, t TxSerializeType) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(tx.Version)|uint32(t)<<16)
	switch t {
	case TxSerializeNoWitness:
		return tx.appendPrefix(b)
	case TxSerializeOnlyWitness:
		return tx.appendWitness(b)
	default:
		return tx.appendWitness(tx.appendPrefix(b))
	}
}

// BytesAs returns the serialization of type t.
func (tx *MsgTx) BytesAs(t TxSerializeType) []byte {
	return tx.AppendAs(make([]byte, 0, tx.SerializeSizeAs(t)), t)
}

// Bytes returns the serialization of tx.SerType (normally full).
func (tx *MsgTx) Bytes() []byte { return tx.BytesAs(tx.SerType) }

// BytesPrefix returns the prefix-only serialization.
func (tx *MsgTx) BytesPrefix() []byte { return tx.BytesAs(TxSerializeNoWitness) }

// BytesWitness returns the witness-only serialization.
func (tx *MsgTx) BytesWitness() []byte { return tx.BytesAs(TxSerializeOnlyWitness) }

// Hex returns the hex of Bytes(), the form JSON-RPC uses.
func (tx *MsgTx) Hex() string { return hex.EncodeToString(tx.Bytes()) }

// TxHashFull returns BLAKE-256(TxHash || TxHashWitness), the merkle leaf.
func (tx *MsgTx) TxHashFull() chainhash.Hash {
	p, w := tx.TxHash(), tx.TxHashWitness()
	var buf [2 * chainhash.HashSize]byte
	copy(buf[:], p[:])
	copy(buf[chainhash.HashSize:], w[:])
	return chainhash.HashH(buf[:])
}

// Copy returns a deep copy of tx.
func (tx *MsgTx) Copy() *MsgTx {
	c := *tx
	c.TxIn = make([]*TxIn, len(tx.TxIn))
	for i, in := range tx.TxIn {
		ci := *in
		ci.SignatureScript = append([]byte(nil), in.SignatureScript...)
		c.TxIn[i] = &ci
	}
	c.TxOut = make([]*TxOut, len(tx.TxOut))
	for i, o := range tx.TxOut {
		co := *o
		co.PkScript = append([]byte(nil), o.PkScript...)
		c.TxOut[i] = &co
	}
	return &c
}

// NewTxFromBytes decodes a transaction of any serialization type; the input
// must hold exactly one transaction.
func NewTxFromBytes(b []byte) (*MsgTx, error) {
	r := &reader{buf: b, what: "transaction"}
	tx, err := decodeTx(r)
	if err != nil {
		return nil, err
	}
	if r.remaining() != 0 {
		return nil, wireErr(ErrTrailingBytes, "transaction: %d bytes after offset %d",
			r.remaining(), r.off)
	}
	return tx, nil
}

// NewTxFromHex decodes a hex transaction as NewTxFromBytes does.
func NewTxFromHex(s string) (*MsgTx, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, wireErr(ErrBadHex, "transaction: %v", err)
	}
	return NewTxFromBytes(b)
}

// decodeTx decodes one transaction starting at the reader's position.
func decodeTx(r *reader) (*MsgTx, error) {
	v, err := r.u32("version")
	if err != nil {
		return nil, err
	}
	// A first pass learns the shape: all scripts are then copied into one
	// allocation, and a small transaction (a ticket, a vote) gets its
	// inputs and outputs in the same block as the MsgTx.
	serType := TxSerializeType(v >> 16)
	var arena []byte
	var small *smallTx
	var tx *MsgTx
	switch serType {
	case TxSerializeFull, TxSerializeNoWitness, TxSerializeOnlyWitness:
		sh := scanTx(*r, serType)
		if sh.scripts > 0 {
			arena = make([]byte, 0, sh.scripts)
		}
		if serType != TxSerializeOnlyWitness && sh.nIn >= 0 && sh.nIn <= smallTxIns &&
			sh.nOut >= 0 && sh.nOut <= smallTxOuts {
			small = new(smallTx)
			tx = &small.tx
		}
	}
	if tx == nil {
		tx = new(MsgTx)
	}
	tx.Version, tx.SerType = uint16(v), serType
	switch tx.SerType {
	case TxSerializeFull, TxSerializeNoWitness:
		if err := tx.decodePrefix(r, &arena, small); err != nil {
			return nil, err
		}
		if tx.SerType == TxSerializeFull {
			if err := tx.decodeWitness(r, true, &arena); err != nil {
				return nil, err
			}
		}
	case TxSerializeOnlyWitness:
		if err := tx.decodeWitness(r, false, &arena); err != nil {
			return nil, err
		}
	default:
		return nil, wireErr(ErrBadSerType, "transaction: serialization type %d", uint16(tx.SerType))
	}
	return tx, nil
}

// smallTx holds a transaction of up to two inputs and five outputs (every
// stake pool ticket, vote and revocation) in one allocation.
type smallTx struct {
	tx      MsgTx
	ins     [smallTxIns]TxIn
	inPtrs  [smallTxIns]*TxIn
	outs    [smallTxOuts]TxOut
	outPtrs [smallTxOuts]*TxOut
}

// The largest transaction shape decoded into one smallTx.
const (
	smallTxIns  = 2
	smallTxOuts = 5
)

// decodePrefix reads the prefix half. Scripts are carved from *arena;
// inputs and outputs are taken from small when it is not nil and has
// room.
func (tx *MsgTx) decodePrefix(r *reader, arena *[]byte, small *smallTx) error {
	nIn, err := r.count("input count", minTxInPrefixSize, MaxBlockPayload/minTxInPrefixSize)
	if err != nil {
		return err
	}
	var ins []TxIn
	if small != nil && nIn <= len(small.ins) {
		ins, tx.TxIn = small.ins[:nIn:nIn], small.inPtrs[:nIn:nIn]
	} else {
		ins, tx.TxIn = make([]TxIn, nIn), make([]*TxIn, nIn)
	}
	for i := range ins {
		in := &ins[i]
		if in.PreviousOutPoint.Hash, err = r.hash("previous outpoint hash"); err != nil {
			return err
		}
		if in.PreviousOutPoint.Index, err = r.u32("previous outpoint index"); err != nil {
			return err
		}
		tree, err := r.u8("previous outpoint tree")
		if err != nil {
			return err
		}
		in.PreviousOutPoint.Tree = int8(tree)
		if in.Sequence, err = r.u32("sequence"); err != nil {
			return err
		}
		tx.TxIn[i] = in
	}
	nOut, err := r.count("output count", minTxOutSize, MaxBlockPayload/minTxOutSize)
	if err != nil {
		return err
	}
	var outs []TxOut
	if small != nil && nOut <= len(small.outs) {
		outs, tx.TxOut = small.outs[:nOut:nOut], small.outPtrs[:nOut:nOut]
	} else {
		outs, tx.TxOut = make([]TxOut, nOut), make([]*TxOut, nOut)
	}
	for i := range outs {
		o := &outs[i]
		val, err := r.u64("output value")
		if err != nil {
			return err
		}
		o.Value = int64(val)
		if o.Version, err = r.u16("output script version"); err != nil {
			return err
		}
		if o.PkScript, err = r.varBytes("output script", MaxBlockPayload, arena); err != nil {
			return err
		}
		tx.TxOut[i] = o
	}
	if tx.LockTime, err = r.u32("lock time"); err != nil {
		return err
	}
	tx.Expiry, err = r.u32("expiry")
	return err
}

// decodeWitness reads the witness half. When havePrefix is set the witness
// count must equal the input count already read and the values are filled
// into those inputs; otherwise new inputs are created.
func (tx *MsgTx) decodeWitness(r *reader, havePrefix bool, arena *[]byte) error {
	n, err := r.count("witness count", minTxInWitnessSize, MaxBlockPayload/minTxInWitnessSize)
	if err != nil {
		return err
	}
	if havePrefix {
		if n != len(tx.TxIn) {
			return wireErr(ErrWitnessCount, "transaction: %d witnesses for %d inputs", n, len(tx.TxIn))
		}
	} else {
		ins := make([]TxIn, n)
		tx.TxIn = make([]*TxIn, n)
		for i := range ins {
			tx.TxIn[i] = &ins[i]
		}
	}
	for _, in := range tx.TxIn {
		val, err := r.u64("input value")
		if err != nil {
			return err
		}
		in.ValueIn = int64(val)
		if in.BlockHeight, err = r.u32("input block height"); err != nil {
			return err
		}
		if in.BlockIndex, err = r.u32("input block index"); err != nil {
			return err
		}
		if in.SignatureScript, err = r.varBytes("signature script", MaxBlockPayload, arena); err != nil {
			return err
		}
	}
	return nil
}

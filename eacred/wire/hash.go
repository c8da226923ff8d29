package wire

import (
	"github.com/decred/dcrd/crypto/blake256"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// The transaction hashes stream the serialization into the BLAKE-256
// hasher field by field instead of building the byte slice first: the
// bytes hashed are exactly those AppendAs writes.

// hashVarInt writes the CompactSize encoding of v.
func hashVarInt(h *blake256.Hasher256, v uint64) {
	var a [9]byte
	h.WriteBytes(AppendVarInt(a[:0], v))
}

// hashPrefix writes the prefix serialization (AppendAs with
// TxSerializeNoWitness).
func (tx *MsgTx) hashPrefix(h *blake256.Hasher256) {
	h.WriteUint32LE(uint32(tx.Version) | uint32(TxSerializeNoWitness)<<16)
	hashVarInt(h, uint64(len(tx.TxIn)))
	for _, in := range tx.TxIn {
		op := &in.PreviousOutPoint
		h.WriteBytes(op.Hash[:])
		h.WriteUint32LE(op.Index)
		h.WriteByte(byte(op.Tree))
		h.WriteUint32LE(in.Sequence)
	}
	hashVarInt(h, uint64(len(tx.TxOut)))
	for _, o := range tx.TxOut {
		h.WriteUint64LE(uint64(o.Value))
		h.WriteUint16LE(o.Version)
		hashVarInt(h, uint64(len(o.PkScript)))
		h.WriteBytes(o.PkScript)
	}
	h.WriteUint32LE(tx.LockTime)
	h.WriteUint32LE(tx.Expiry)
}

// hashWitness writes the witness-only serialization (AppendAs with
// TxSerializeOnlyWitness).
func (tx *MsgTx) hashWitness(h *blake256.Hasher256) {
	h.WriteUint32LE(uint32(tx.Version) | uint32(TxSerializeOnlyWitness)<<16)
	hashVarInt(h, uint64(len(tx.TxIn)))
	for _, in := range tx.TxIn {
		h.WriteUint64LE(uint64(in.ValueIn))
		h.WriteUint32LE(in.BlockHeight)
		h.WriteUint32LE(in.BlockIndex)
		hashVarInt(h, uint64(len(in.SignatureScript)))
		h.WriteBytes(in.SignatureScript)
	}
}

// TxHash returns the transaction id: BLAKE-256 of the prefix serialization.
func (tx *MsgTx) TxHash() chainhash.Hash {
	h := blake256.NewHasher256()
	tx.hashPrefix(h)
	return h.Sum256()
}

// TxHashWitness returns BLAKE-256 of the witness-only serialization.
func (tx *MsgTx) TxHashWitness() chainhash.Hash {
	h := blake256.NewHasher256()
	tx.hashWitness(h)
	return h.Sum256()
}

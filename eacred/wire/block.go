package wire

import (
	"encoding/binary"
	"encoding/hex"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
)

// BlockHeaderSize is the fixed length of a serialized block header.
const BlockHeaderSize = 180

// BlockHeader is the 180-byte header of a block. Its BLAKE-256 hash is the
// block hash. SBits is the stake difficulty (ticket price) in atoms; Voters,
// FreshStake and Revocations count the votes, tickets and revocations in the
// stake tree; PoolSize is the number of live tickets.
type BlockHeader struct {
	Version      int32
	PrevBlock    chainhash.Hash
	MerkleRoot   chainhash.Hash
	StakeRoot    chainhash.Hash
	VoteBits     uint16
	FinalState   [6]byte
	Voters       uint16
	FreshStake   uint8
	Revocations  uint8
	PoolSize     uint32
	Bits         uint32
	SBits        int64
	Height       uint32
	Size         uint32
	Timestamp    uint32
	Nonce        uint32
	ExtraData    [32]byte
	StakeVersion uint32
}

// AppendBytes appends the 180-byte serialization to b.
func (h *BlockHeader) AppendBytes(b []byte) []byte {
	le := binary.LittleEndian
	b = le.AppendUint32(b, uint32(h.Version))
	b = append(b, h.PrevBlock[:]...)
	b = append(b, h.MerkleRoot[:]...)
	b = append(b, h.StakeRoot[:]...)
	b = le.AppendUint16(b, h.VoteBits)
	b = append(b, h.FinalState[:]...)
	b = le.AppendUint16(b, h.Voters)
	b = append(b, h.FreshStake, h.Revocations)
	b = le.AppendUint32(b, h.PoolSize)
	b = le.AppendUint32(b, h.Bits)
	b = le.AppendUint64(b, uint64(h.SBits))
	b = le.AppendUint32(b, h.Height)
	b = le.AppendUint32(b, h.Size)
	b = le.AppendUint32(b, h.Timestamp)
	b = le.AppendUint32(b, h.Nonce)
	b = append(b, h.ExtraData[:]...)
	return le.AppendUint32(b, h.StakeVersion)
}

// Bytes returns the 180-byte serialization.
func (h *BlockHeader) Bytes() []byte {
	return h.AppendBytes(make([]byte, 0, BlockHeaderSize))
}

// Hex returns the hex of Bytes(), the form JSON-RPC notifications carry.
func (h *BlockHeader) Hex() string { return hex.EncodeToString(h.Bytes()) }

// BlockHash returns BLAKE-256 of the serialized header.
func (h *BlockHeader) BlockHash() chainhash.Hash { return chainhash.HashH(h.Bytes()) }

// NewBlockHeaderFromBytes decodes exactly 180 bytes.
func NewBlockHeaderFromBytes(b []byte) (*BlockHeader, error) {
	if len(b) > BlockHeaderSize {
		return nil, wireErr(ErrTrailingBytes, "block header: %d bytes, want %d", len(b), BlockHeaderSize)
	}
	return decodeHeader(&reader{buf: b, what: "block header"})
}

// NewBlockHeaderFromHex decodes a hex header.
func NewBlockHeaderFromHex(s string) (*BlockHeader, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, wireErr(ErrBadHex, "block header: %v", err)
	}
	return NewBlockHeaderFromBytes(b)
}

func decodeHeader(r *reader) (*BlockHeader, error) {
	p, err := r.bytes(BlockHeaderSize, "header")
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	h := &BlockHeader{}
	h.Version = int32(le.Uint32(p[0:]))
	copy(h.PrevBlock[:], p[4:36])
	copy(h.MerkleRoot[:], p[36:68])
	copy(h.StakeRoot[:], p[68:100])
	h.VoteBits = le.Uint16(p[100:])
	copy(h.FinalState[:], p[102:108])
	h.Voters = le.Uint16(p[108:])
	h.FreshStake = p[110]
	h.Revocations = p[111]
	h.PoolSize = le.Uint32(p[112:])
	h.Bits = le.Uint32(p[116:])
	h.SBits = int64(le.Uint64(p[120:]))
	h.Height = le.Uint32(p[128:])
	h.Size = le.Uint32(p[132:])
	h.Timestamp = le.Uint32(p[136:])
	h.Nonce = le.Uint32(p[140:])
	copy(h.ExtraData[:], p[144:176])
	h.StakeVersion = le.Uint32(p[176:])
	return h, nil
}

// MsgBlock is a block: header, regular transactions and stake transactions
// (tickets, votes, revocations), all serialized full.
type MsgBlock struct {
	Header        BlockHeader
	Transactions  []*MsgTx
	STransactions []*MsgTx
}

// BlockHash returns the header's hash.
func (b *MsgBlock) BlockHash() chainhash.Hash { return b.Header.BlockHash() }

// SerializeSize returns the length of Bytes().
func (b *MsgBlock) SerializeSize() int {
	n := BlockHeaderSize + VarIntSize(uint64(len(b.Transactions))) +
		VarIntSize(uint64(len(b.STransactions)))
	for _, tx := range b.Transactions {
		n += tx.SerializeSize()
	}
	for _, tx := range b.STransactions {
		n += tx.SerializeSize()
	}
	return n
}

// Bytes returns the serialized block.
func (b *MsgBlock) Bytes() []byte {
	out := b.Header.AppendBytes(make([]byte, 0, b.SerializeSize()))
	out = AppendVarInt(out, uint64(len(b.Transactions)))
	for _, tx := range b.Transactions {
		out = tx.AppendAs(out, tx.SerType)
	}
	out = AppendVarInt(out, uint64(len(b.STransactions)))
	for _, tx := range b.STransactions {
		out = tx.AppendAs(out, tx.SerType)
	}
	return out
}

// Hex returns the hex of Bytes().
func (b *MsgBlock) Hex() string { return hex.EncodeToString(b.Bytes()) }

// NewBlockFromBytes decodes a block; every transaction must be full and the
// input must hold exactly one block.
func NewBlockFromBytes(buf []byte) (*MsgBlock, error) {
	if len(buf) > MaxBlockPayload {
		return nil, wireErr(ErrTooLarge, "block: %d bytes exceeds maximum %d", len(buf), MaxBlockPayload)
	}
	r := &reader{buf: buf, what: "block"}
	h, err := decodeHeader(r)
	if err != nil {
		return nil, err
	}
	blk := &MsgBlock{Header: *h}
	if blk.Transactions, err = decodeTxList(r, "regular transaction count"); err != nil {
		return nil, err
	}
	if blk.STransactions, err = decodeTxList(r, "stake transaction count"); err != nil {
		return nil, err
	}
	if r.remaining() != 0 {
		return nil, wireErr(ErrTrailingBytes, "block: %d bytes after offset %d", r.remaining(), r.off)
	}
	return blk, nil
}

// NewBlockFromHex decodes a hex block.
func NewBlockFromHex(s string) (*MsgBlock, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, wireErr(ErrBadHex, "block: %v", err)
	}
	return NewBlockFromBytes(b)
}

func decodeTxList(r *reader, field string) ([]*MsgTx, error) {
	n, err := r.count(field, MinTxSize, MaxBlockPayload/MinTxSize)
	if err != nil {
		return nil, err
	}
	txs := make([]*MsgTx, 0, n)
	for i := 0; i < n; i++ {
		r.what = "block transaction"
		tx, err := decodeTx(r)
		if err != nil {
			return nil, err
		}
		if tx.SerType != TxSerializeFull {
			return nil, wireErr(ErrBadSerType, "block transaction %d: %s serialization in a block", i, tx.SerType)
		}
		txs = append(txs, tx)
	}
	r.what = "block"
	return txs, nil
}

// MerkleRoot returns the root of the BLAKE-256 merkle tree over leaves: each
// level hashes concatenated pairs, duplicating the last node of an odd
// level. An empty list gives the zero hash.
func MerkleRoot(leaves []chainhash.Hash) chainhash.Hash {
	if len(leaves) == 0 {
		return chainhash.Hash{}
	}
	level := append([]chainhash.Hash(nil), leaves...)
	var pair [2 * chainhash.HashSize]byte
	for len(level) > 1 {
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		next := level[:0]
		for i := 0; i < len(level); i += 2 {
			copy(pair[:], level[i][:])
			copy(pair[chainhash.HashSize:], level[i+1][:])
			next = append(next, chainhash.HashH(pair[:]))
		}
		level = next
	}
	return level[0]
}

// TxTreeMerkleRoot returns the merkle root over the full hashes of txs.
func TxTreeMerkleRoot(txs []*MsgTx) chainhash.Hash {
	leaves := make([]chainhash.Hash, len(txs))
	for i, tx := range txs {
		leaves[i] = tx.TxHashFull()
	}
	return MerkleRoot(leaves)
}

// CombinedMerkleRoot returns BLAKE-256(regular root || stake root), the
// value of the header's MerkleRoot field since DCP0005 (always on simnet).
func (b *MsgBlock) CombinedMerkleRoot() chainhash.Hash {
	reg, stk := TxTreeMerkleRoot(b.Transactions), TxTreeMerkleRoot(b.STransactions)
	var buf [2 * chainhash.HashSize]byte
	copy(buf[:], reg[:])
	copy(buf[chainhash.HashSize:], stk[:])
	return chainhash.HashH(buf[:])
}

package txscript

import (
	"encoding/binary"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// SigHashType is the byte appended to a signature saying what it commits
// to.
type SigHashType byte

// SigHashAll commits to every input and output; it is the only type this
// package produces or accepts.
const SigHashAll SigHashType = 0x01

// Serialization types used inside the signature hash (consensus values).
const (
	sigHashSerializePrefix  = 1
	sigHashSerializeWitness = 3
)

// SignatureHash returns the Decred SigHashAll signature hash of input idx
// of tx, where subScript is the script being satisfied: the previous
// output's pkScript for P2PKH (stake tag included), or the redeem script
// for P2SH. The hash is
//
//	BLAKE-256( hashType (u32 LE) || prefixHash || witnessHash )
//
// prefixHash is BLAKE-256 of the transaction prefix serialized with
// serialization type 1 (every input's outpoint and sequence, every
// output). witnessHash is BLAKE-256 of: version | 3<<16 (u32 LE), the input
// count, and per input a var-bytes script that is subScript for input idx
// and empty for all others.
func SignatureHash(tx *wire.MsgTx, idx int, subScript []byte, hashType SigHashType) ([]byte, error) {
	if hashType != SigHashAll {
		return nil, scriptErr(ErrUnsupportedHashType, "hash type %#x", byte(hashType))
	}
	if idx < 0 || idx >= len(tx.TxIn) {
		return nil, scriptErr(ErrInvalidIndex, "input %d of %d", idx, len(tx.TxIn))
	}
	return signatureHash(tx, idx, subScript, hashType, tx.TxHash()), nil
}

// signatureHash computes the hash given the prefix hash (which for
// SigHashAll equals the txid, so callers may reuse it across inputs).
func signatureHash(tx *wire.MsgTx, idx int, subScript []byte, hashType SigHashType, prefixHash chainhash.Hash) []byte {
	n := len(tx.TxIn)
	w := make([]byte, 0, 4+wire.VarIntSize(uint64(n))+n+wire.VarBytesSize(subScript))
	w = binary.LittleEndian.AppendUint32(w, uint32(tx.Version)|sigHashSerializeWitness<<16)
	w = wire.AppendVarInt(w, uint64(n))
	for i := 0; i < n; i++ {
		if i == idx {
			w = wire.AppendVarBytes(w, subScript)
		} else {
			w = append(w, 0)
		}
	}
	witnessHash := chainhash.HashH(w)

	var buf [4 + 2*chainhash.HashSize]byte
	binary.LittleEndian.PutUint32(buf[:4], uint32(hashType))
	copy(buf[4:], prefixHash[:])
	copy(buf[4+chainhash.HashSize:], witnessHash[:])
	return chainhash.HashB(buf[:])
}

// Package wire encodes and decodes Eacred (Decred-format) transactions, block
// headers and blocks exactly as they travel on the network and through
// JSON-RPC as hex.
//
// # Transactions: prefix and witness
//
// A transaction is split in two halves. The prefix holds everything that
// decides where money comes from and goes to: the outpoints being spent
// (previous transaction hash, output index and tree), each input's sequence
// number, the outputs (value, script version, public key script), the lock
// time and the expiry height. The witness holds, per input, the data that
// proves the spender may spend: the value of the output being spent
// (ValueIn), where that output was mined (BlockHeight, BlockIndex) and the
// signature script.
//
// The transaction id (TxHash) is the BLAKE-256 hash of the prefix alone, so
// adding signatures never changes a transaction's id. TxHashFull commits to
// both halves and is what block merkle trees are built from.
//
// # Serialization types (SerType)
//
// The first four bytes of a serialized transaction are a little-endian
// uint32 whose low 16 bits are the transaction version and whose high 16
// bits are the serialization type:
//
//	0 (TxSerializeFull)        prefix followed by witness: the normal form
//	1 (TxSerializeNoWitness)   prefix only: what the txid is computed over
//	2 (TxSerializeOnlyWitness) witness only: used for the full hash
//
// All integers are little-endian; counts and byte-string lengths use the
// Bitcoin CompactSize variable-length integer, which decoding requires to be
// minimally encoded so that decode-then-encode always reproduces the input.
//
// # Trees
//
// A block carries two lists of transactions: the regular tree (coinbase and
// ordinary payments) and the stake tree (tickets, votes, revocations). An
// outpoint therefore names the tree of the output it spends as well as the
// transaction hash and index.
//
// # Blocks
//
// A block is a 180-byte header followed by the regular and then the stake
// transactions, each list preceded by its count. The block hash is the
// BLAKE-256 hash of the header alone; it is what "blockconnected"
// notifications and getblockhash carry. The header commits to the
// transactions through its MerkleRoot field: since DCP0005 (always on
// simnet) that is BLAKE-256(regular tree root || stake tree root), each
// root a merkle tree over the transactions' full hashes (CombinedMerkleRoot).
// The header also records the stake state: ticket price (SBits), number of
// votes, new tickets and revocations, and the live ticket pool size.
//
// # Untrusted input
//
// Decoders never panic and never allocate more than the input could
// describe: every count is checked against the bytes that remain before
// anything is allocated. Failures are *Error values whose Kind (ErrTruncated,
// ErrTooLarge, ErrBadSerType, ...) can be tested with errors.Is.
package wire

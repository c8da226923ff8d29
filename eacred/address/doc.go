// Package address decodes and encodes Eacred addresses and builds the
// output scripts that pay them.
//
// An address is a Base58Check string (see package base58): a 2-byte ID, a
// payload and a checksum. The ID says both which network the address belongs
// to and what kind of address it is, so "Ds..." is a mainnet P2PKH address
// and "Ts..." the same kind on testnet3. Decoding therefore always takes the
// network's parameters: an address of another network is refused with
// ErrWrongNetwork rather than silently accepted.
//
// The kinds (Decred's, with the mainnet prefix):
//
//   - P2PKH ("Ds", "De", "DS"): pay to the hash160 of a public key. The
//     payload is the 20-byte hash160 = RIPEMD160(BLAKE256(pubkey)) of the
//     33-byte compressed key. There is one ID per signature algorithm:
//     secp256k1 ECDSA (the normal one), ed25519 and secp256k1 Schnorr.
//   - P2SH ("Dc"): pay to the hash160 of a redeem script, for example the
//     1-of-2 multisig script of a stake pool ticket.
//   - Pubkey ("Dk"): pay directly to a public key. The payload is 33 bytes:
//     a signature type byte (0 ECDSA, 1 ed25519, 2 Schnorr; bit 0x80 set when
//     a secp256k1 key's Y is odd) and the key's 32-byte X coordinate. Stake
//     pool users submit this kind so the pool can build a multisig script with
//     their key.
//
// Public keys are checked to be points on their curve (secp256k1, or the
// edwards25519 curve for ed25519 keys); a key that is not is refused with
// ErrBadPoint.
//
// Compared with Bitcoin: IDs are 2 bytes, the checksum and hash160 use
// BLAKE-256 instead of SHA-256, and the alternative signature algorithms pay
// with OP_CHECKSIGALT.
//
// Every Address can give its version-0 output script (PayScript), its
// network and its kind.
package address

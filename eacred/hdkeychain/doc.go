// Package hdkeychain implements hierarchical deterministic (HD) keys as
// Eacred's wallets use them: BIP32 with Decred's hashing and one Decred
// quirk.
//
// An extended key is a secp256k1 key plus a 32-byte chain code. From it a
// wallet derives numbered children, and from those grandchildren, forming a
// tree; knowing a node's key and chain code is enough to derive its whole
// subtree, so a single seed backs up every key of a wallet. Children come in
// two sorts:
//
//   - normal children (index < 2^31, HardenedKeyStart): derivable from the
//     parent's public key alone, so an extended public key (xpub) can produce
//     every normal descendant's public key and address without any private
//     key. A stake pool uses this to compute its fee addresses from the cold
//     wallet's account xpub.
//   - hardened children (index >= 2^31, written 0'): need the parent's private
//     key.
//
// Wallets lay keys out as m / 44' / coin type' / account' / branch / index
// (BIP44); branch 0 holds receiving addresses and branch 1 change. The
// wallet's getmasterpubkey returns the account-level xpub (depth 3), and
// address i of branch b is the P2PKH address of xpub/b/i; see AddressAt and
// BranchAddresses.
//
// Differences from Bitcoin's BIP32:
//
//   - Serialized keys use per-network versions (dprv/dpub on mainnet, tprv/tpub
//     on testnet3, sprv/spub on simnet, rprv/rpub on regnet) and a 4-byte
//     checksum of double BLAKE-256 instead of double SHA-256; the parent
//     fingerprint is the first 4 bytes of RIPEMD160(BLAKE256(pubkey)).
//   - Child, like Decred's wallets, stores a derived private key without its
//     leading zero bytes, and a later hardened derivation from that key writes
//     the short key right after the 0x00 marker with the zero padding after
//     it. About 1 in 256 private keys is affected, and only their hardened
//     children differ from BIP32. ChildBIP32Std gives strict BIP32 results.
//     Public derivation is plain BIP32.
//
// An index whose derivation yields an invalid key (probability below 2^-127)
// returns ErrInvalidChild; wallets skip that index and use the next one.
package hdkeychain

// Package txscript builds, recognises, signs and verifies the small set of
// Eacred (Decred-format) scripts a stake pool and its simulator use.
//
// # Scripts
//
// Every transaction output carries a public key script ("pkScript"): a short
// program in a stack language that says what a spender must show. Inputs
// carry a signature script that pushes that proof. This package does not
// run arbitrary scripts; it knows the standard templates:
//
//	P2PKH      OP_DUP OP_HASH160 <hash160(pubkey)> OP_EQUALVERIFY OP_CHECKSIG
//	P2SH       OP_HASH160 <hash160(redeem script)> OP_EQUAL
//	P2PK       <33-byte pubkey> OP_CHECKSIG
//	multisig   OP_m <pubkey>... OP_n OP_CHECKMULTISIG  (used as a P2SH redeem script)
//	null data  OP_RETURN <data>
//
// hash160(x) is RIPEMD-160(BLAKE-256(x)).
//
// # Stake-tagged outputs
//
// Tickets, votes and revocations pay to ordinary P2PKH or P2SH scripts with
// one extra opcode in front that marks what the output is for:
//
//	OP_SSTX       (0xba) ticket output 0: who may vote (and revoke) the ticket
//	OP_SSGEN      (0xbb) a vote's payout to a ticket contributor
//	OP_SSRTX      (0xbc) a revocation's payout to a ticket contributor
//	OP_SSTXCHANGE (0xbd) a ticket contributor's change
//
// A legacy stake pool's tickets have a 1-of-2 multisig P2SH voting address
// (pool key first, user key second, in exactly that order): either key can
// sign the vote, so the pool votes for the user, but the rewards go to the
// addresses committed in the ticket, never to the pool's key.
//
// # Ticket commitments and vote outputs
//
// A ticket's odd outputs are commitments: OP_RETURN pushing 30 bytes, the
// hash160 of the contributor's reward address, the amount contributed (8
// bytes, little-endian, with the top bit set when the hash is a script
// hash) and two fee-limit bytes (vote, revocation). A vote's first output
// names the block it votes on (OP_RETURN, block hash and height) and its
// second carries the vote bits and vote version.
//
// # Signatures
//
// Signatures are secp256k1 ECDSA over the Decred signature hash
// (SignatureHash): BLAKE-256 of the hash type, the hash of the transaction
// prefix and the hash of a "witness" listing only the script being signed.
// A signature is DER encoded followed by one hash-type byte; only SigHashAll
// is produced and accepted. Unlike Bitcoin, Decred's OP_CHECKMULTISIG has no
// extra dummy element, so a 1-of-2 P2SH spend is just <sig> <redeem script>.
package txscript

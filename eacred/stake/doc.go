// Package stake recognises, parses and builds Eacred's proof-of-stake
// transactions: tickets, votes and revocations.
//
// # Tickets (SStx)
//
// A ticket locks coins for a chance to vote. Its structure is fixed:
//
//	inputs:  1..64 ordinary inputs, one per contributor
//	out[0]:  OP_SSTX + P2PKH/P2SH — the voting address; value = ticket price
//	out[2k+1]: commitment of contributor k (OP_RETURN): hash160 of the
//	         contributor's reward address, P2SH flag, amount contributed
//	         (input value minus change) and fee limits
//	out[2k+2]: OP_SSTXCHANGE + P2PKH/P2SH — contributor k's change
//
// so there are exactly 2*inputs+1 outputs. Each commitment must be its
// input's value minus its change. The ticket fee is, as for any
// transaction, the sum of the input values (carried in the witness) minus
// the sum of all output values, change included (TxFee); by the commitment
// rule it is also the sum of the commitments minus the price.
//
// A legacy stake pool ticket has two contributors: the first commitment
// pays the pool fee to one of the pool's fee addresses, the second commits
// the rest to the user's own reward address, and out[0] is the 1-of-2
// multisig P2SH of the pool's and the user's keys, so either may vote.
//
// # Votes (SSGen)
//
// When a ticket is selected, its holder publishes a vote:
//
//	in[0]:  stakebase — a null outpoint whose witness value is the vote
//	        subsidy of the block voted ON (subsidy.Cache.VoteSubsidyOn of
//	        out[0]'s height, not of the including block's height); the
//	        signature script is the network's stakebase script
//	in[1]:  the ticket's out[0] (tree stake), signed by the voting key
//	out[0]: OP_RETURN block hash || height — the block voted on
//	out[1]: OP_RETURN vote bits (u16) || vote version (u32)
//	out[2..]: OP_SSGEN payouts, one per commitment, to the committed
//	        addresses; each gets its proportional share of price + subsidy
//	        (CalculateRewards)
//
// # Revocations (SSRtx)
//
// A ticket that missed its vote or expired is revoked: one input spending
// the ticket's out[0] and one OP_SSRTX payout per commitment returning the
// contributions (no subsidy). Before DCP0009 the ticket's voting key signs
// a version 1 revocation, which may pay a fee within the first
// commitment's limit (NewRevocation). With DCP0009 (automatic revocations,
// active on today's networks) the block producer must include, in the
// block that misses or expires a ticket, a version 2 revocation of it with
// an empty signature script and no fee, its left-over atoms distributed by
// the Hash256PRNG seeded with the parent block's header (NewAutoRevocation,
// CheckAutoRevocation, RevocationRewards).
//
// The pool never holds users' money: payouts always go to the addresses in
// the ticket's commitments, whoever signs the vote.
package stake

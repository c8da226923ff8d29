// Package node is the simulator's node: a stand-in for ecrd (the network's
// dcrd v1.5) that runs a private simnet chain in one process and answers
// ecrd's JSON-RPC methods and websocket notifications (see the project's
// rpc reference), so the stake pool can run unmodified against it.
//
// # Blocks
//
// There is no peer-to-peer network and no proof of work: the node mines a
// block when asked (generate N) or every --mineinterval. A block holds a
// coinbase paying --miningaddr, every valid mempool transaction in the
// regular tree, and in the stake tree up to TicketsPerBlock votes on the
// parent, up to MaxFreshStakePerBlock tickets priced at or above the stake
// difficulty, and the revocations, all within 1,000,000 bytes (what does
// not fit, with its mempool children, waits for the next block). Headers
// are real 180-byte headers (the
// merkle root field holds the combined regular/stake root, as on simnet),
// Bits is the simnet proof-of-work limit and the nonce a counter. The
// chain starts from the real simnet genesis block (so getblockhash 0 is
// chaincfg's SimNetParams().GenesisHash); as on the real network its
// coinbase creates no spendable output. Subsidy (eacred/subsidy, split in force per
// subsidy.VariantAt: DCP0012 on simnet): the miner gets the work share,
// scaled by voters/5 from stake validation height and zero without a
// majority of votes, plus all fees; each vote gets the per-vote stake
// share; the treasury share is not created. Unlike the real network a block
// needs no minimum number of votes, so the chain keeps moving when nobody
// votes.
//
// # Transactions
//
// sendrawtransaction decodes the transaction (-22 when it does not decode),
// answers -40 "already have transaction" for a copy of a mempool or chain
// transaction, and otherwise checks it against the tip and the mempool and
// answers -1 "rejected transaction <hash>: <reason>" when a rule fails:
// every input must spend a known unspent output (mined, or a regular
// output of an earlier mempool transaction) with a valid signature;
// coinbase, vote and revocation outputs mature after CoinbaseMaturity
// blocks, ticket change after SStxChangeMaturity; inputs must cover
// outputs. A ticket must have the ticket shape (voting output, one
// commitment and one change per input, each commitment equal to its input
// minus its change), pay at least the next block's stake difficulty and
// arrive no earlier than for block StakeEnabledHeight. A vote must be well
// formed, vote on the current tip (hash and height), spend a ticket called
// to vote on the tip, pay the ticket's commitments exactly their
// proportional share of ticket price plus vote subsidy, and be signed by a
// key of the ticket's voting script. A revocation must spend a missed or
// expired ticket, pay each commitment at most its share and be signed the
// same way. Mempool votes that no longer vote on the tip are dropped when a
// block arrives. There is no fee minimum. getrawmempool lists the mempool
// (optionally one txtype: regular, tickets, votes, revocations) as txids,
// or with verbose=true as ecrd's map txid -> {size, fee, time, height,
// startingpriority, currentpriority, depends}: fee is inputs minus outputs,
// time and height are when the transaction entered the pool, the
// priorities are coin-age priorities (value x confirmations per byte) at
// entry and for the next block, and depends lists mempool parents.
//
// Simplifications: a ticket may spend a regular output of the same block
// (a wallet's split transaction and its ticket are mined together); a
// majority of votes disapproving the parent sets the header's vote bit to
// 0 but does not undo the parent's regular transactions; there are no
// reorganizations, so blockdisconnected is never sent.
//
// # Tickets
//
// A ticket mined at height H joins the live pool when block H +
// TicketMaturity is connected (newtickets) and expires, if never called,
// when block H + TicketMaturity + TicketExpiry is connected. After each
// block B with B+1 >= StakeValidationHeight, TicketsPerBlock winners are
// drawn from the live pool, sorted by hash: draw k takes the first 8 bytes
// of BLAKE-256(hash(B) || "winners" || k as uint64 LE) as a little-endian
// integer modulo the pool size, skipping repeats; so the winners depend
// only on B and the pool. Winners leave the pool when the next block is
// connected: as voted if it holds their vote, else as missed. Missed and
// expired tickets may be revoked.
//
// Stake difficulty: MinimumStakeDiff at first; when a block's height + 1
// is a multiple of StakeDiffWindowSize, the next price is the current one
// times pool/target, where pool counts live and immature tickets and
// target is TicketPoolSize x TicketsPerBlock, the factor clamped to
// [1/2, 2], and never below MinimumStakeDiff.
//
// # Notifications
//
// For each connected block, subscribed websocket clients get, in order:
// blockconnected [header hex, subscribedTxs] (the block's transactions
// matching the client's loadtxfilter, stake tree first, or null),
// spentandmissedtickets and newtickets
// (from StakeEnabledHeight; stake difficulty of the next block, atoms),
// stakedifficulty at a new window, and winningtickets [hash, height,
// {"0":..}] when votes on the block are due. A client with a loadtxfilter
// also gets relevanttxaccepted [tx hex] for matching mempool transactions,
// and rescan answers from the same filter.
//
// # Persistence
//
// Blocks are appended to blocks.dat in the data directory and fsynced after
// each generate call or timed block; at start the node replays them to
// rebuild its state, cutting off a torn last record (a complete record that
// does not decode stops the start instead: corruption is never silently
// dropped). The mempool is not
// kept across restarts, like ecrd's.
//
// Parameter overrides (--ticketpoolsize, --ticketmaturity, ...) change the
// simnet parameters for load tests; wallets must be started with matching
// expectations.
package node

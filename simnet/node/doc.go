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
// proportional share of ticket price plus the vote subsidy of the block
// voted on (ecrd's rule: a vote on block 255 is paid block 255's subsidy,
// though it is mined in 256), and be signed by a key of the ticket's
// voting script. A revocation must spend a missed or
// expired ticket, pay each commitment at most its share and be signed the
// same way. Mempool votes that no longer vote on the tip are dropped when a
// block arrives. There is no fee minimum. getrawmempool lists the mempool
// (optionally one txtype: regular, tickets, votes, revocations) as txids,
// or with verbose=true as ecrd's map txid -> {size, fee, time, height,
// startingpriority, currentpriority, depends}: fee is inputs minus outputs,
// time and height are when the transaction entered the pool, the
// priorities are coin-age priorities (value x confirmations per byte) at
// entry and for the next block, and depends lists mempool parents.
// sendrawtransaction verifies signatures without the node's lock (the
// other checks run under it before and, authoritatively, after), so the
// votes of a block are verified in parallel and do not hold up the calls
// around them.
//
// Simplifications: a ticket may spend a regular output of the same block
// (a wallet's split transaction and its ticket are mined together); a
// majority of votes disapproving the parent sets the header's vote bit to
// 0 but does not undo the parent's regular transactions; the miner always
// builds on the best tip (ecrd may build on a sibling with more votes).
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
// # Forks
//
// The node keeps every block it accepted: the best chain and side chains.
// The best chain has the most work; every simulated block does the same
// work, so it is the highest, and on a tie the block seen first stays the
// tip, as in ecrd. The harness and tests make forks with three methods
// (like generate, not used by the pool):
//
//   - generateon PARENTHASH N mines N blocks, the first on PARENTHASH (the
//     tip, or any known block whose fork point is at most 63 blocks below
//     the tip), each next on the one before. generateon <tip's parent> 1
//     makes two tips at one height. A branch that ends higher than the tip
//     becomes the best chain (a reorganization).
//   - reorganize D (1..63) mines D+1 blocks on the block D below the tip:
//     D blocks are disconnected.
//   - getchaintips (ecrd's): the best tip ("active", branchlen 0) and every
//     side-chain tip ("valid-fork", branchlen = blocks above the fork).
//
// A side-chain block holds the votes on its parent (from the mempool, and
// those in the parent's other children, which a competing miner would have
// seen) and the automatic revocations; the rest of the mempool is checked
// against the best chain and waits. getblock and getblockheader answer for
// side-chain blocks with confirmations -1; getblockhash, getbestblock and
// every ticket query follow the best chain.
//
// The mempool accepts votes on the tip and on side-chain blocks that were
// never on the best chain, if a chain through them would reorganize fewer
// than 6 blocks (so stake pools can vote on every tip they are told of);
// a ticket called on two tips may vote on each, once. On a reorganization
// the node undoes the disconnected blocks (unspent outputs, tickets, live
// pool, winners, stake difficulty: a ticket that voted in an orphaned
// block is live again), connects the new branch, then rebuilds the mempool:
// the orphaned blocks' transactions (oldest block first, coinbases
// excepted) and the old mempool are offered again against the new tip and
// kept when still valid; votes on orphaned blocks are refused from then on.
//
// # Notifications
//
// What ecrd sends for each chain event, in this order, to the websocket
// clients registered for each kind (notifyblocks: blockconnected,
// blockdisconnected, reorganization; notifywinningtickets,
// notifyspentandmissedtickets, notifynewtickets, notifystakedifficulty):
//
// A block extending the tip:
//  1. blockconnected [header hex, subscribedTxs] (the block's transactions
//     matching the client's loadtxfilter, stake tree first, or null);
//  2. spentandmissedtickets [hash, height, next stake difficulty, {ticket:
//     "spent"|"missed"}] (votes in the block; winners that did not vote,
//     tickets that expired and tickets revoked in the block are "missed"),
//     from StakeEnabledHeight;
//  3. newtickets [hash, height, next stake difficulty, [matured tickets]],
//     from StakeEnabledHeight;
//  4. winningtickets [hash, height, {"0": ticket, ...}] once votes are due
//     (height >= StakeValidationHeight-1);
//  5. stakedifficulty [tip hash, tip height, next stake difficulty].
//
// A side-chain block that does not become the tip: only winningtickets for
// it, when the block is at or after StakeValidationHeight-1 and a chain
// through it would disconnect fewer than 6 best-chain blocks (ecrd's reorg
// depth: best height - (block height - blocks from the fork point)); so one
// height can get several winningtickets, one per tip.
//
// A block that makes its branch the best chain (a reorganization):
//  1. reorganization [old tip hash, old tip height, new tip hash, new tip
//     height], as the reorganization begins;
//  2. blockdisconnected [header hex] for each disconnected block, tip first;
//  3. for each connected block, fork point's child first: blockconnected,
//     spentandmissedtickets, newtickets (as for a block extending the tip);
//  4. winningtickets for the new tip;
//  5. stakedifficulty for the new tip.
//
// winningtickets is sent once per block; rebroadcastwinners sends it again
// for every known block at the tip's height (tip first, then side-chain
// tips within the 6-block depth, never an orphaned block), also after a
// restart. rebroadcastmissed sends one
// spentandmissedtickets listing every missed, unrevoked ticket, for the
// tip. n.mu is held while a block is processed, so the notifications of
// two events never interleave. A client with a loadtxfilter also gets
// relevanttxaccepted [tx hex] for matching mempool transactions, and rescan
// answers from the same filter.
//
// # Automatic revocations
//
// DCP0009 is active by default (getblockchaininfo lists the
// "autorevocations" deployment as active; --noautorevocations makes it
// "defined" and revocations wait for sendrawtransaction): every block
// holds a version 2 revocation of each ticket that becomes missed in it (a
// winner called on its parent whose vote it does not hold) and of each
// ticket that expires in it, with no signature and no fee, each commitment
// paid its share of the ticket price and the atoms left over distributed
// with the PRNG seeded by the parent's header (eacred/stake's
// NewAutoRevocation). spentandmissedtickets lists such a ticket once, as
// "missed". A revocation sent with sendrawtransaction must then be a valid
// automatic revocation for the next block. The wallet's revoketickets does
// nothing while the agenda is active.
//
// # Persistence
//
// Every accepted block, best chain or side chain, is appended to blocks.dat
// in the data directory and fsynced after each generate/generateon call or
// timed block (after the node's lock is released, so the votes the block's
// winningtickets calls for are not held up by the disk; the call answers
// after the fsync); at start the node replays them in the order they were
// accepted, reorganizations included, to rebuild its state and its side
// chains, cutting off a torn last record (a complete record that
// does not decode stops the start instead: corruption is never silently
// dropped). The mempool is not
// kept across restarts, like ecrd's.
//
// # Vote trace and profiles
//
// With --votetrace the node records, per websocket client, when it starts
// writing each block's winningtickets to that client, and for every vote
// that arrives with sendrawtransaction on a websocket when it decided on
// it (accepted, duplicate, rejected), with the ticket, the block and the
// latency from the winningtickets write to the same connection.
// getvotetrace [clear] (a harness method, like generate) returns the
// records {"sends": [...], "votes": [...]} and optionally forgets them;
// without --votetrace it answers -1. The vote latency benchmark
// (votelatency) is built on it. --profile host:port (every role) serves
// Go's pprof handlers with block and mutex profiling on.
//
// Parameter overrides (--ticketpoolsize, --ticketmaturity, ...) change the
// simnet parameters for load tests; wallets must be started with matching
// expectations.
package node

// Package wallet is the simulator's wallet: a stand-in for eacrwallet (the
// network's dcrwallet v1.5) that runs as its own process, follows a simulated
// node over the node's JSON-RPC websocket and answers the same JSON-RPC
// methods, with the same parameters, result shapes and error codes, that the
// stake pool and its harness use.
//
// # Keys and accounts
//
// All keys come from one hex seed (--seed) through hierarchical deterministic
// derivation, laid out as dcrwallet lays out its accounts:
// m/44'/coin'/account'/branch/index, where branch 0 is the external
// (receiving) branch and branch 1 the internal (change) branch. Account 0 is
// "default"; the reserved account number 2^31-1 is "imported" and holds the
// redeem scripts given with importscript (the stake pool's 1-of-2 multisig
// voting scripts). getmasterpubkey returns the account-level extended public
// key, so the same seed always yields the same pool keys; two voting wallets
// started from one seed therefore derive identical addresses and scripts.
//
// # Following the chain
//
// The wallet remembers the last block it processed. On start it fetches every
// block after that one from the node (getblockhash + getblock), then asks for
// blockconnected notifications and fetches each new block as it is announced.
// Every transaction of every block is examined: outputs paying the wallet's
// keys become spendable credits (coinbase and stake payouts only after their
// maturity), spends of those credits remove them, tickets the wallet bought
// or can vote are tracked, and votes and revocations spending tracked tickets
// close them (with DCP0009 the node revokes missed and expired tickets
// itself, and revoketickets does nothing).
//
// When the node's next block does not extend the wallet's chain (a
// reorganization), the wallet finds the last block both share and rolls
// back the blocks above it: their transactions are forgotten (the wallet's
// own go back to unmined), the credits they created go, the outputs they
// spent come back, tickets they voted or revoked are live again (also in
// stakepooluserinfo), tickets they mined are unmined or forgotten until
// mined again, and the wallet's votes on orphaned blocks are abandoned;
// then it processes the new branch. A voting wallet (--enablevoting) votes
// the tip's winners again once it has caught up, so a ticket a
// reorganization gave back is voted when called.
//
// # Persistence
//
// The state (sync height, address cursors, imported scripts, transactions,
// credits, tickets, stake pool records) is saved as keyed records: each
// save appends the records that changed as one CRC-checked frame to
// wallet.journal and fsyncs it before the RPC answer or the next block, so
// a wallet killed at any moment restarts with everything it acknowledged
// (a processed block's frame is fsynced after the wallet's lock is
// released, so generatevote does not wait for the disk when a block
// arrives; what a crash then loses is re-read from the node);
// a torn last frame is cut off, a damaged frame followed by good ones stops
// the start. When the journal passes 64 MB and twice the snapshot, every
// record is written to wallet.snap (temporary file, fsync, rename) and the
// journal emptied; a save costs what changed, not the wallet's size. A
// wallet.json of an earlier version is migrated at the first start.
// Transactions the wallet sent stay "unmined" until a block holds them;
// after every reconnection and reorganization they are sent again (the
// node forgets its mempool when it restarts), and one the node refuses for
// good is abandoned, giving its inputs back.
//
// # JSON-RPC
//
// The wallet serves eacrwallet's methods over HTTPS POST and websocket
// with basic auth and its own self-signed certificate (package
// simnet/internal/rpcserver). Methods it does not implement are passed to
// the node and the node's answer is returned verbatim, as eacrwallet does;
// that is how getrawtransaction or getvoteinfo work on a wallet connection.
//
// # Stake pool mode
//
// With --stakepoolcoldextkey=<xpub>:<N> and --poolfees=<percent> the wallet
// acts as a pool's voting wallet. Every mined ticket whose voting output pays
// one of its imported scripts is checked like the pool checks it: the first
// commitment must pay one of the N+1 fee addresses of the cold wallet's
// extended key, with at least the stake pool fee for the ticket's price, fee
// and mined height. Passing tickets are recorded for that user (immature,
// live, then voted or missed/expired); failing ones are listed as invalid by
// stakepooluserinfo until an operator accepts them with addticket. The wallet
// never votes by itself unless --enablevoting is given: a pool's stakepoold
// asks it for a signed vote with generatevote and broadcasts it to the node.
//
// # Buying tickets
//
// As a user's wallet it spends its coins with sendtoaddress and purchaseticket.
// A pool ticket (ticket address and pool address given) is built like
// dcrwallet builds one: a split transaction first creates an output worth the
// pool fee and one worth the rest of the price plus fee; the ticket spends
// both, gives its voting rights to the ticket address, commits the pool fee to
// the pool address as its first commitment and the rest to the wallet's own
// address as its second.
package wallet

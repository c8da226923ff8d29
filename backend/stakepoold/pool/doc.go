// Package pool is the heart of stakepoold: it knows which tickets belong to
// the pool, which of them may be voted, and how each user wants to vote, and
// it casts the votes when the network selects a pool ticket.
//
// # Concepts
//
// A pool ticket is a ticket whose voting rights (output 0) go to a user's
// 1-of-2 multisig P2SH address, one key of which belongs to the pool's
// voting wallet. The wallet tracks such tickets; this package learns them
// from the wallet at start-up (gettickets + gettransaction) and afterwards
// from the node's notifications (newtickets, spentandmissedtickets).
//
// Every ticket is fee-checked (TicketInspector): its first commitment must
// pay at least the pool fee to one of the cold wallet's fee addresses. Tickets
// that pass are "live"; the others are "ignored" (low fee) unless an admin
// "added" them through the front end. Added tickets are votable at once and
// stop being votable at once when the admin removes them.
//
// Users' voting preferences (vote bits per multisig address, for a vote
// version) and the added-ticket list are pushed by the front end. They are
// written atomically to the data directory (Store) before they take effect,
// so a restarted daemon votes with the right choices while the front end is
// down.
//
// When a block's winners are announced (winningtickets), each winner that is
// votable gets a vote: wallet generatevote with the owner's vote bits (the
// wallet's default when the user has none or set them for another vote
// version), relayed through the node's sendrawtransaction. Winners are voted
// concurrently. Every back end votes every ticket, so the node answering
// "already have transaction" is a duplicate, not an error. After each block
// the wallet is asked to revoke missed and expired tickets.
//
// The package knows nothing of protobuf or JSON-RPC: the node and wallet are
// interfaces (Node, Wallet) implemented over eacred/rpcclient by package
// chain, and faked in tests. Errors carry a Kind (invalid input, not found,
// unavailable, ...) that the gRPC edge maps to status codes in one place.
package pool

// Package stakepooldclient is the web front end's view of all its stakepoold
// back-ends (the voting servers).
//
// A pool runs several stakepoolds, one next to each voting wallet, and all of
// them must hold the same state: every user's 1-of-2 multisig script, every
// user's voting preferences and the admin-added low-fee tickets. The front end
// never reads a wallet itself; it asks the stakepoolds, through a Client.
//
// Concepts:
//
//   - Backend is one stakepoold, seen through domain types (Health, Ticket,
//     Multisig, ...). The gRPC implementation (Dial) is the only place where
//     protobuf types appear; tests plug in fakes or real servers over bufconn.
//   - Client fans each call out to every backend with a per-call timeout.
//     Reads take the first healthy backend that answers. Writes go to every
//     reachable backend; a backend that misses a write is marked "needs sync"
//     and receives the full state again before it counts as healthy.
//   - Answers that must agree (cold xpub, vote version, the pool key of a
//     user, a multisig redeem script) are compared. Different answers mean the
//     wallets do not share a seed or are out of sync, a safety fault: the
//     Client halts address creation and reports the reason (Health) until
//     Recheck passes or the process restarts. A backend that is merely
//     unreachable is not a fault: it is "down", and the others carry on.
//   - Source is what the client needs from the database to repair a backend:
//     every user's script and voting preferences, and the added low-fee
//     tickets. Start runs the start-up sync; Watch repairs backends that
//     come back.
package stakepooldclient

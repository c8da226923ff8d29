// Package votelatency measures how long the pool takes to vote: from the
// node sending winningtickets to each vote accepted into the node's
// mempool, with real processes (the simulator node, two voting wallets
// sharing a seed, two stakepoolds, and a user wallet that buys the
// tickets and is stopped before the measurement),
// and compares it with the physical floor, a program (cmd/votefloor) that
// makes the same calls over the same transports with no pool logic.
//
// Every live ticket is a pool ticket, so every block has five pool
// winners. A run alternates pool phases (both stakepoolds vote) and floor
// phases (the stakepoolds are stopped and one votefloor per wallet votes
// instead), mining one block per interval. Both ends of every latency are
// timestamped by the node itself (its --votetrace: when winningtickets was
// written to each connection, when each vote arriving on that connection
// was accepted or found to be a copy), so nothing of the benchmark's own
// work is measured.
//
// cmd/votelatency runs it and prints the table; docs/performance.md names
// the command and holds the figures.
package votelatency

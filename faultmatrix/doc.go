// Package faultmatrix runs the pool's harness topology as real processes
// (the simulator node mining on a timer, two voting wallets sharing a seed,
// a user wallet buying pool tickets, two stakepoolds, dcrstakepool on a
// throwaway MariaDB) and injects faults into it while a watcher connected
// to the node counts every winner of every block and every vote on chain.
//
// The fault matrix (TestFaultMatrix) kills, freezes and restarts each
// process in turn and deletes or corrupts a stakepoold's state.json; for
// each fault it reports expected, cast and missed votes, votes with the
// wrong vote bits, what /status answered, the recovery time and the
// acknowledged vote-choice writes the database lost. It fails on any
// missed vote or wrong bits while at least one backend could vote, on more
// missed votes than the winners of the blocks mined while none could, and
// on any lost acknowledged write. The soak command (cmd/soak) runs the same
// counting for a number of minutes and prints each process's memory.
//
// docs/faults.md describes the faults, the counting rules and how to run
// both.
package faultmatrix

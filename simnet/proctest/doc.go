// Package proctest is shared support for tests that run the simulator (and
// the other daemons of this repository) as real processes: the simnet node
// and wallet, stakepoold and the dcrstakepool web front end.
//
// It holds only the plumbing those tests would otherwise each write again:
//
//   - Build compiles daemon binaries, once per test binary (from TestMain or
//     a sync.Once), optionally with the race detector.
//   - FreeAddr picks a loopback address whose port was free a moment ago.
//   - Proc starts a daemon with a data directory and an output log, and
//     stops it (a signal and a grace period), kills it (a crash) and starts
//     it again with the same arguments, directory and port.
//   - WaitListen reads the address a simulator role logged when its RPC
//     server came up; Wait retries any readiness check until a deadline.
//   - Call makes one typed JSON-RPC call to a node or wallet through
//     simnet/ctl, the simulator's own command-line client.
//   - AccountXpub and AddrAt derive the keys a simulator wallet started with
//     --seed uses, so a test can name its addresses before it starts.
//
// What each test asserts stays in the test; nothing here fails a test on
// its own except the helpers that take a testing.TB.
package proctest

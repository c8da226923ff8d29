// Package simtest holds stakepoold's integration tests against the
// simulator: real `simnet node` and `simnet wallet` processes and a real
// `stakepoold` process, driven over JSON-RPC and the stakepoold gRPC API the
// way the front end drives them. The tests build both binaries once
// (TestMain) and use only loopback ports chosen by the OS.
package simtest

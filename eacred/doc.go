// Package eacred is the root of the Eacred protocol library used by the stake
// pool, its daemon and the simulator. Eacred's formats are Decred's: this tree
// holds network parameters, Base58Check and addresses, hierarchical
// deterministic keys, scripts, the transaction wire format, tickets, votes and
// revocations, subsidy and stake pool fee arithmetic, vote bits and signed
// messages. Every subpackage is pure Go with no I/O, and the whole library is
// checked against the published vectors in testdata/vectors.
package eacred

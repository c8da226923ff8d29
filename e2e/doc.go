// Package e2e holds the end-to-end tests of the whole stake pool: the real
// simnet node and wallets, two real stakepoold daemons and the real
// dcrstakepool web server, each a separate process speaking TLS JSON-RPC or
// gRPC to the others, driven through the web pages by headless Chromium.
//
// The topology is the one harness.sh starts: one node, two voting wallets in
// stake-pool mode (sharing a seed unless a scenario says otherwise), one user
// wallet that buys tickets, a stakepoold beside each voting wallet, and the web
// front end with an SQLite database and an in-process SMTP sink. Blocks are
// mined on demand so each scenario decides when the chain moves.
//
// Every scenario saves a screenshot of each page it visits under a folder it
// prints (E2E_SCREENSHOTS overrides the location).
package e2e

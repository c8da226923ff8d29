// Package webload measures the running front end under concurrent users:
// it starts the harness topology (the simulator node and wallets, two real
// stakepoolds, the real dcrstakepool binary on a throwaway MariaDB),
// seeds accounts, logs every load user in through the real login form, and
// drives the logged-in pages and the API with vegeta at a fixed number of
// concurrent workers, each request in one of many distinct sessions.
//
// Every answer that is not 2xx, and every 2xx answer whose body is not what
// that page or API command must return for that user, counts as an error.
// The command is ./webload/cmd/webload; docs/performance.md has its table.
package webload

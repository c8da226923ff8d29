//go:build race

package simtest

// When the tests run under the race detector, the stakepoold binary is
// built with it too, so races in the daemon's concurrent code fail the test
// (the race detector makes the process exit with status 66).
func init() { raceBuild = true }

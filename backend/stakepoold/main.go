// Command stakepoold runs next to each voting wallet of a stake pool: it
// follows the chain through ecrd's notifications, tracks the pool's tickets
// and checks their fees, votes every winning pool ticket through the wallet
// with its owner's choices, revokes missed tickets, and serves the front
// end (dcrstakepool) over gRPC.
//
// Configuration comes from ~/.stakepoold/stakepoold.conf and the command
// line (see sample-stakepoold.conf at the repository root and
// `stakepoold --help`). The packages below hold the parts: pool (the core),
// chain (ecrd and wallet over JSON-RPC), netrules (addresses and the fee
// check), store (durable preferences), rpcserver (the gRPC edge) and
// metrics (Prometheus).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	flags "github.com/jessevdk/go-flags"
)

// daemonVersion is stakepoold's own version (the API version is in
// package stakepoolrpc).
const daemonVersion = "1.0.0"

func main() {
	os.Exit(realMain(os.Args[1:]))
}

func realMain(args []string) int {
	cfg, err := loadConfig(args)
	if err != nil {
		var fe *flags.Error
		if errors.As(err, &fe) && fe.Type == flags.ErrHelp {
			fmt.Fprintln(os.Stdout, err)
			return 0
		}
		fmt.Fprintln(os.Stderr, "stakepoold:", err)
		return 1
	}
	if cfg.ShowVersion {
		fmt.Println("stakepoold version", daemonVersion)
		return 0
	}
	if cfg.CheckState != "" {
		return checkState(cfg.CheckState, os.Stdout, os.Stderr)
	}
	lg, err := newLogs(cfg.LogDir, cfg.DebugLevel)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stakepoold:", err)
		return 1
	}
	defer lg.close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, lg); err != nil {
		lg.get(subMain).Criticalf("%v", err)
		return 1
	}
	return 0
}

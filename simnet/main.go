// Command simnet is a protocol-faithful simulator of the network's node
// (ecrd) and wallet (eacrwallet) daemons, for the stake pool's tests, its
// harness and demos. One binary has three subcommands:
//
//	simnet node   [flags]                   the ecrd role (package simnet/node)
//	simnet wallet [flags]                   the eacrwallet role (package simnet/wallet)
//	simnet ctl [--wallet] METHOD ARGS...    a dcrctl-like client (package simnet/ctl)
//
// Each daemon runs as its own process with its own data directory, TLS
// certificate, credentials and log, and stops cleanly on SIGINT/SIGTERM.
// Run "simnet <subcommand> -h" for the flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/eacred/dcrstakepool/simnet/ctl"
	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
	"github.com/eacred/dcrstakepool/simnet/node"
	"github.com/eacred/dcrstakepool/simnet/wallet"
)

// role runs one subcommand and returns the exit status.
type role func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// daemonRole adapts a daemon's Main (which blocks until ctx ends) to role.
func daemonRole(main func(ctx context.Context, args []string) error) role {
	return func(ctx context.Context, args []string, _, stderr io.Writer) int {
		err := main(ctx, args)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0 // -h: the flag set already printed the usage
		}
		fmt.Fprintln(stderr, "simnet:", err)
		return 1
	}
}

func roles() map[string]role {
	return map[string]role{
		"ctl":    ctl.Main,
		"node":   daemonRole(node.Main),
		"wallet": daemonRole(wallet.Main),
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: simnet node|wallet|ctl [flags] ...")
}

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	r, ok := roles()[os.Args[1]]
	if !ok {
		usage(os.Stderr)
		os.Exit(2)
	}
	ctx, stop := daemon.SignalContext()
	code := r(ctx, os.Args[2:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

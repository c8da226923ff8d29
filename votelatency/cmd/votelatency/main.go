// Command votelatency runs the end-to-end vote latency benchmark (package
// votelatency) and prints its table: it builds simnet, stakepoold and
// votefloor, starts the simulator and two stakepoolds in a temporary
// directory, and alternates pool and floor phases.
//
//	go run ./votelatency/cmd/votelatency [-rounds 3] [-blocks 30] [-interval 200ms] [-profile DIR]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/eacred/dcrstakepool/votelatency"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "votelatency:", err)
		os.Exit(1)
	}
}

func run() error {
	opt := votelatency.Options{}
	flag.IntVar(&opt.Rounds, "rounds", 3, "rounds of one pool phase and one floor phase")
	flag.IntVar(&opt.Blocks, "blocks", 30, "measured blocks per phase")
	flag.IntVar(&opt.Warmup, "warmup", 2, "blocks mined before each phase's measurement")
	flag.DurationVar(&opt.Interval, "interval", 200*time.Millisecond, "time between blocks")
	flag.DurationVar(&opt.MaxWait, "maxwait", 3*time.Second, "how long a block's votes may take past the interval")
	flag.IntVar(&opt.Users, "users", 4, "pool users owning the tickets")
	flag.BoolVar(&opt.SerialFloor, "serialfloor", false, "the floor votes a block's winners one after another")
	flag.StringVar(&opt.ProfileDir, "profile", "", "save pprof profiles here: CPU of the first pool and the first floor phase, block and mutex before and after each, of the node, the voting wallets and the stakepoolds or votefloors (pool.NAME.KIND.pprof, floor.NAME.KIND.pprof)")
	keep := flag.String("dir", "", "keep the processes' data and logs in this directory (default: a temporary one, removed)")
	flag.Parse()
	opt.Logf = func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05.000 ")+format+"\n", args...)
	}
	root := *keep
	if root == "" {
		d, err := os.MkdirTemp("", "votelatency")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		root = d
	}
	opt.BinDir, opt.Dir = filepath.Join(root, "bin"), filepath.Join(root, "run")
	opt.Logf("building simnet, stakepoold and votefloor")
	if err := votelatency.Build(opt.BinDir); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := votelatency.Run(ctx, opt)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	if rep.Missed() > 0 {
		return fmt.Errorf("%d winners got no vote", rep.Missed())
	}
	return nil
}

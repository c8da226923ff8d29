// Command soak runs the pool's harness topology on the simulator (node
// mining on a timer, two voting wallets, a user wallet buying pool tickets
// so every block calls 5 pool tickets, two stakepoolds, dcrstakepool on a
// throwaway MariaDB) for a number of minutes while a watcher counts every
// winner and every vote on chain. It prints missed and wrong-bits votes
// and each process's memory over time, and exits with status 1 when a vote
// was missed or cast with the wrong bits.
//
// Run it from the repository root:
//
//	go run ./faultmatrix/cmd/soak -minutes 20
//
// docs/faults.md explains the output.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/eacred/dcrstakepool/faultmatrix"
)

func main() {
	minutes := flag.Float64("minutes", 10, "how long to count")
	interval := flag.Duration("interval", time.Second, "block interval of the simulated node")
	every := flag.Duration("report", 30*time.Second, "how often to print a line")
	keep := flag.Bool("keep", false, "keep the data folder (logs of every process) afterwards")
	flag.Parse()
	if err := run(*minutes, *interval, *every, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(minutes float64, interval, every time.Duration, keep bool) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("run it from the repository root (no go.mod in %s)", root)
	}
	dir, err := os.MkdirTemp("", "soak-")
	if err != nil {
		return err
	}
	fmt.Printf("data folder %s; building the daemons\n", dir)
	bin := filepath.Join(dir, "bin")
	if err := faultmatrix.Build(bin); err != nil {
		return err
	}
	logf := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	t0 := time.Now()
	c, err := faultmatrix.Start(faultmatrix.Options{BinDir: bin, Dir: dir, RepoRoot: root, MineInterval: interval,
		TicketUsers: 4, InitialTickets: 100, TicketsPerBlock: 5, Logf: logf})
	if err != nil {
		return fmt.Errorf("start the pool: %w (data in %s)", err, dir)
	}
	defer c.CloseOnSignal()()
	fmt.Printf("pool up in %v; counting for %.1f minutes\n", time.Since(t0).Round(time.Second), minutes)
	total := faultmatrix.Soak(c, time.Duration(minutes*float64(time.Minute)), every, os.Stdout)
	bought, failed, _ := c.Buyer.Counts()
	c.Close()
	fmt.Printf("blocks %d-%d: %d pool votes expected, %d cast, %d missed, %d wrong bits; %d tickets bought (%d purchases failed)\n",
		total.From, total.To, total.Expected, total.Cast, total.Missed, total.WrongBits, bought, failed)
	for _, m := range total.MissedAt {
		fmt.Println("missed:", m)
	}
	for _, m := range total.WrongAt {
		fmt.Println("wrong bits:", m)
	}
	if !keep && total.Missed == 0 && total.WrongBits == 0 {
		os.RemoveAll(dir)
	} else {
		fmt.Println("data kept in", dir)
	}
	if total.Missed > 0 || total.WrongBits > 0 || len(total.Gaps) > 0 {
		return fmt.Errorf("%d missed, %d wrong bits, %d uncounted heights", total.Missed, total.WrongBits, len(total.Gaps))
	}
	return nil
}

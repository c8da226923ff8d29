// Command votefloor is the physical floor of the vote latency benchmark:
// it makes the calls a vote needs and nothing else. It subscribes to a
// node's winningtickets over a TLS websocket and, for every winner of
// every notification, asks a wallet for the signed vote (generatevote,
// one signature, over a TLS websocket) and sends it to the node
// (sendrawtransaction), all winners at once (or one after another with
// -serial). It keeps no state about tickets, users or preferences: every
// winner is voted with the wallet's default vote bits.
//
// The benchmark (../votelatency) runs it in place of stakepoold against
// the same node and wallets; the node's vote trace times both the same way.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/internal/pprofserve"
)

// ready is printed once both connections are up and the subscription holds.
const ready = "votefloor is running"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "votefloor:", err)
		os.Exit(1)
	}
}

type floor struct {
	node, wallet *rpcclient.Client
	bits         uint16
	ext          string
	serial       bool
	cast, dup    atomic.Int64
	failed       atomic.Int64
}

func run() error {
	nodeHost := flag.String("node", "127.0.0.1:19556", "node RPC address")
	nodeCert := flag.String("nodecert", "", "node rpc.cert")
	walletHost := flag.String("wallet", "127.0.0.1:19557", "wallet RPC address")
	walletCert := flag.String("walletcert", "", "wallet rpc.cert")
	user := flag.String("user", "user", "RPC user (both daemons)")
	pass := flag.String("pass", "pass", "RPC password (both daemons)")
	serial := flag.Bool("serial", false, "vote the winners one after another instead of all at once")
	profile := flag.String("profile", "", "serve Go's pprof handlers on this host:port")
	flag.Parse()
	if *profile != "" {
		_, stopProfile, err := pprofserve.Start(*profile, func(err error) { fmt.Fprintln(os.Stderr, "votefloor: profile:", err) })
		if err != nil {
			return err
		}
		defer stopProfile()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := &floor{serial: *serial}
	var err error
	f.wallet, err = rpcclient.Dial(ctx, rpcclient.Config{Host: *walletHost, CertFile: *walletCert, User: *user, Pass: *pass})
	if err != nil {
		return fmt.Errorf("wallet: %w", err)
	}
	defer f.wallet.Close()
	wi, err := f.wallet.WalletInfo(ctx)
	if err != nil {
		return fmt.Errorf("wallet walletinfo: %w", err)
	}
	f.bits, f.ext = wi.VoteBits, wi.VoteBitsExtended
	f.node, err = rpcclient.Dial(ctx, rpcclient.Config{Host: *nodeHost, CertFile: *nodeCert, User: *user, Pass: *pass,
		Handlers: rpcclient.NotificationHandlers{OnWinningTickets: f.onWinners}})
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	defer f.node.Close()
	if err := f.node.NotifyWinningTickets(ctx); err != nil {
		return fmt.Errorf("node notifywinningtickets: %w", err)
	}
	fmt.Println(ready)
	<-ctx.Done()
	fmt.Printf("votefloor: %d votes cast, %d already there, %d failed\n", f.cast.Load(), f.dup.Load(), f.failed.Load())
	return nil
}

func (f *floor) onWinners(block chainhash.Hash, height int64, tickets []chainhash.Hash) {
	hash := block.String()
	if f.serial {
		go func() {
			for _, t := range tickets {
				f.vote(hash, height, t.String())
			}
		}()
		return
	}
	for _, t := range tickets {
		go f.vote(hash, height, t.String())
	}
}

func (f *floor) vote(block string, height int64, ticket string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var gv rpcjson.GenerateVoteResult
	if err := f.wallet.Call(ctx, rpcjson.MethodGenerateVote, &gv, block, height, ticket, f.bits, f.ext); err != nil {
		f.failed.Add(1)
		fmt.Fprintf(os.Stderr, "votefloor: ticket %s: %v\n", ticket, err)
		return
	}
	var txid string
	err := f.node.Call(ctx, rpcjson.MethodSendRawTransaction, &txid, gv.Hex, false)
	var rerr *rpcjson.RPCError
	switch {
	case err == nil:
		f.cast.Add(1)
	case errors.As(err, &rerr) && (rerr.Code == rpcjson.ErrCodeDuplicateTx || strings.Contains(rerr.Message, rpcjson.AlreadyHaveTx)):
		f.dup.Add(1)
	default:
		f.failed.Add(1)
		fmt.Fprintf(os.Stderr, "votefloor: ticket %s: %v\n", ticket, err)
	}
}

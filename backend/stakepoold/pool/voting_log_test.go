package pool_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decred/slog"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
)

// syncBuffer is a log sink the test reads while the pool writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEveryBlockWithPoolWinnersIsSummarised: stakepoold logs, at INFO or
// above, what it did for every block with pool winners, also when it
// voted none of them: a winner it could not look up (the wallet froze
// before the ticket's newtickets was handled), a low-fee pool ticket, a
// wallet whose settings are not checked. A block without pool winners is
// only a debug line.
func TestEveryBlockWithPoolWinnersIsSummarised(t *testing.T) {
	var logs syncBuffer
	log := slog.NewBackend(&logs).Logger("POOL")
	log.SetLevel(slog.LevelInfo)
	node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 200}), pooltest.NewWallet()
	node.Heights["b100"] = 100
	p, err := pool.New(pool.Config{PrefsWait: -1, Log: log, VoteTimeout: 200 * time.Millisecond,
		Node: node, Wallet: wallet, Inspector: pooltest.Inspector{}, Addresses: pooltest.Addresses{},
		Store: &pooltest.MemStore{}, Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	wallet.AddTicketTx(hash(2), "ScA", false, "b100") // low fee
	if _, err := p.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	waitLine := func(want ...string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			for _, line := range strings.Split(logs.String(), "\n") {
				ok := true
				for _, w := range want {
					ok = ok && strings.Contains(line, w)
				}
				if ok {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("no log line with %q in:\n%s", want, logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// A winner the pool does not know, the wallet down: not looked up.
	wallet.AddTicketTx(hash(1), "ScA", true, "b100")
	wallet.Down = true
	bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk201", Height: 201}, []string{hash(1), hash(7)}, time.Now())
	if len(bv.Unchecked) != 2 || bv.Cast != 0 {
		t.Fatalf("wallet down: %+v", bv)
	}
	waitLine("[INF]", "Block 201 blk201: 2 winners, 0 ours", "2 winners not looked up")
	waitLine("[WRN]", "Block 201 blk201: 2 winners not looked up, so not voted if they are pool tickets")

	// Only a low-fee pool ticket won.
	wallet.Down = false
	bv = p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk202", Height: 202}, []string{hash(2)}, time.Now())
	if bv.LowFee != 1 || len(bv.Results) != 0 {
		t.Fatalf("low fee: %+v", bv)
	}
	waitLine("[INF]", "Block 202 blk202: 1 winners, 0 ours", "1 low-fee pool tickets not voted")

	// No pool winner: nothing at INFO.
	p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk203", Height: 203}, []string{hash(8)}, time.Now())
	time.Sleep(100 * time.Millisecond)
	if strings.Contains(logs.String(), "Block 203") {
		t.Fatalf("a block without pool winners is logged at INFO:\n%s", logs.String())
	}
}

package pool_test

import (
	"context"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
)

// TestVoteDeadline: a frozen wallet never holds a block's votes past the
// vote timeout, the next block's votes are not queued behind the stuck
// ones, and an answer the wallet gives after the deadline is not relayed.
func TestVoteDeadline(t *testing.T) {
	node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300}), pooltest.NewWallet()
	node.Heights["b100"] = 100
	for i := 1; i <= 4; i++ {
		wallet.AddTicketTx(hash(i), "ScA", true, "b100")
	}
	m := &recMetrics{}
	const timeout = 300 * time.Millisecond
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: node, Wallet: wallet, Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, Metrics: m, VoteTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	freeze := make(chan struct{})
	wallet.SetVoteHang(freeze)
	// Two blocks arrive while the wallet is frozen.
	type res struct {
		bv   pool.BlockVotes
		took time.Duration
	}
	out := make(chan res, 2)
	for i, h := range []int64{301, 302} {
		go func(i int, h int64) {
			start := time.Now()
			bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk", Height: h}, []string{hash(2*i + 1), hash(2*i + 2)}, start)
			out <- res{bv, time.Since(start)}
		}(i, h)
		time.Sleep(50 * time.Millisecond)
	}
	for range 2 {
		r := <-out
		// Without the deadline the call would hang until the thaw below;
		// the margin is wide so a loaded machine does not fail it.
		if r.took > timeout+time.Second {
			t.Fatalf("block %d took %v with the wallet frozen; the vote timeout is %v", r.bv.Block.Height, r.took, timeout)
		}
		if r.bv.Errors != 2 || r.bv.Cast != 0 {
			t.Fatalf("block %d: %+v", r.bv.Block.Height, r.bv)
		}
	}
	close(freeze) // the wallet thaws; nothing late is sent
	time.Sleep(50 * time.Millisecond)
	if node.SendCalls != 0 {
		t.Fatalf("%d votes relayed after their deadline", node.SendCalls)
	}
	// The next block is voted normally.
	wallet.SetVoteHang(nil)
	if bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk303", Height: 303}, []string{hash(1)}, time.Now()); bv.Cast != 1 {
		t.Fatalf("after the thaw: %+v", bv)
	}
}

// TestConflictingVoteIsNoError: the node refusing a vote because another
// vote for the ticket (another back end's, other bits) is in its mempool
// is a conflict outcome, not an error.
func TestConflictingVoteIsNoError(t *testing.T) {
	m := &recMetrics{}
	p, node, _ := newTipsPool(t, 1, m)
	node.SendErr = pool.Errorf(pool.KindConflict, "rejected transaction x: output y:0 already spent by transaction z in the memory pool")
	bv := p.ProcessWinningTickets(context.Background(), pool.BlockRef{Hash: "blk", Height: 301}, []string{hash(1)}, time.Now())
	if bv.Conflicts != 1 || bv.Errors != 0 || bv.Results[0].Outcome != pool.VoteConflict {
		t.Fatalf("%+v", bv)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conflicts != 1 || m.errs != 0 {
		t.Fatalf("conflicts %d errors %d, want 1 and 0", m.conflicts, m.errs)
	}
}

// TestVoteWaitsForPushedPrefs: after a start without stored preferences,
// a winner of an unknown user waits (bounded) for the front end's push and
// is voted with the pushed bits; without a push it is voted with the
// wallet's default bits once the wait is over, never missed.
func TestVoteWaitsForPushedPrefs(t *testing.T) {
	for _, push := range []bool{true, false} {
		node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300}), pooltest.NewWallet()
		node.Heights["b100"] = 100
		wallet.AddTicketTx(hash(1), "ScA", true, "b100")
		m := &recMetrics{}
		const wait = time.Second // the push comes after 100 ms: a wide margin for a loaded machine
		p, err := pool.New(pool.Config{Node: node, Wallet: wallet, Inspector: pooltest.Inspector{},
			Addresses: pooltest.Addresses{}, Store: &pooltest.MemStore{}, Metrics: m, PrefsWait: wait,
			Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := p.CheckWallet(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := p.LoadTickets(ctx); err != nil {
			t.Fatal(err)
		}
		if push {
			go func() {
				time.Sleep(100 * time.Millisecond)
				if err := p.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8}}); err != nil {
					t.Error(err)
				}
			}()
		}
		start := time.Now()
		bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk", Height: 301}, []string{hash(1)}, start)
		took := time.Since(start)
		if bv.Cast != 1 {
			t.Fatalf("push %v: %+v", push, bv)
		}
		r := bv.Results[0]
		switch {
		case push && (r.VoteBits != 5 || r.Default || took >= wait):
			t.Fatalf("with a push: bits %#x default %v after %v; want the pushed bits 0x5 before the wait ends", r.VoteBits, r.Default, took)
		case !push && (r.VoteBits != 1 || !r.Default || took < wait || took > wait+time.Second):
			t.Fatalf("without a push: bits %#x default %v after %v; want the default bits after about %v", r.VoteBits, r.Default, took, wait)
		}
		// Once preferences were pushed nothing waits any more.
		if push {
			if err := p.SetUserPrefs(ctx, nil); err != nil {
				t.Fatal(err)
			}
			start = time.Now()
			bv = p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk2", Height: 302}, []string{hash(1)}, start)
			if time.Since(start) >= wait || !bv.Results[0].Default {
				t.Fatalf("after a push of no users the unknown user's vote waited %v: %+v", time.Since(start), bv)
			}
		}
	}
}

// TestVoteWaitsForFirstPushAfterStart: the stored preferences may be
// stale (changed while the daemon was down), so after start-up every vote
// waits (bounded) for the front end's first full push and uses the pushed
// bits; once a start-up grace passed without a push, votes use the stored
// bits at once.
func TestVoteWaitsForFirstPushAfterStart(t *testing.T) {
	stored := pool.State{Users: []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8}}}
	for _, push := range []bool{true, false} {
		node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300}), pooltest.NewWallet()
		node.Heights["b100"] = 100
		wallet.AddTicketTx(hash(1), "ScA", true, "b100")
		const wait, grace = time.Second, 1600 * time.Millisecond // wide margins for a loaded machine
		p, err := pool.New(pool.Config{Node: node, Wallet: wallet, Inspector: pooltest.Inspector{},
			Addresses: pooltest.Addresses{}, Store: &pooltest.MemStore{State: stored}, PrefsWait: wait, PrefsGrace: grace,
			Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := p.CheckWallet(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := p.LoadTickets(ctx); err != nil {
			t.Fatal(err)
		}
		if push {
			go func() {
				time.Sleep(100 * time.Millisecond)
				if err := p.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 3, VoteBitsVersion: 8}}); err != nil {
					t.Error(err)
				}
			}()
		}
		start := time.Now()
		bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk", Height: 301}, []string{hash(1)}, start)
		took := time.Since(start)
		r := bv.Results[0]
		switch {
		case bv.Cast != 1:
			t.Fatalf("push %v: %+v", push, bv)
		case push && (r.VoteBits != 3 || took >= wait):
			t.Fatalf("with a push: bits %#x after %v; want the pushed 0x3 as soon as it arrives", r.VoteBits, took)
		case !push && (r.VoteBits != 5 || took < wait):
			t.Fatalf("without a push: bits %#x after %v; want the stored 0x5 after waiting %v", r.VoteBits, took, wait)
		}
		if !push {
			time.Sleep(grace)
			start = time.Now()
			bv = p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk2", Height: 302}, []string{hash(1)}, start)
			if took := time.Since(start); took >= wait || bv.Results[0].VoteBits != 5 {
				t.Fatalf("after the start-up grace: waited %v, bits %#x", took, bv.Results[0].VoteBits)
			}
		}
	}
}

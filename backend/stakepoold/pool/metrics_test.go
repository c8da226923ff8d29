package pool_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
)

// recMetrics records what the pool reports to pool.Metrics.
type recMetrics struct {
	mu               sync.Mutex
	cast             []time.Duration
	duplicates, errs int
	conflicts, defs  int
	tips, sideTips   int
	blocks           []time.Duration
}

func (m *recMetrics) VoteConflict() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.conflicts++
}

func (m *recMetrics) VoteDefaultBits() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.defs++
}

func (m *recMetrics) TipProcessed(side bool, votes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if side {
		m.sideTips++
	} else {
		m.tips++
	}
}

func (m *recMetrics) VoteCast(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cast = append(m.cast, d)
}

func (m *recMetrics) VoteDuplicate() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.duplicates++
}

func (m *recMetrics) VoteError() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.errs++
}

func (m *recMetrics) BlockProcessed(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.blocks = append(m.blocks, d)
}

// TestVoteMetrics checks that every vote outcome reaches the metrics: a
// cast vote with its latency from the notification, a duplicate, an
// error, and one block timing per block with pool winners.
func TestVoteMetrics(t *testing.T) {
	ctx := context.Background()
	node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300}), pooltest.NewWallet()
	node.Heights["b100"] = 100
	for i := 1; i <= 3; i++ {
		wallet.AddTicketTx(hash(i), "ScA", true, "b100")
	}
	m := &recMetrics{}
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: node, Wallet: wallet, Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	// Ticket 2's vote is already on the network (another back end).
	if _, err := node.SendRawTransaction(ctx, "vote:"+hash(2)+":1"); err != nil {
		t.Fatal(err)
	}
	received := time.Now().Add(-20 * time.Millisecond)
	bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk301", Height: 301}, []string{hash(1), hash(2), hash(9)}, received)
	if bv.Cast != 1 || bv.Duplicates != 1 || bv.Errors != 0 {
		t.Fatalf("block 301: %+v", bv)
	}
	wallet.VoteErr = pool.Errorf(pool.KindInternal, "ticket is not live")
	if bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk302", Height: 302}, []string{hash(3)}, time.Now()); bv.Errors != 1 {
		t.Fatalf("block 302: %+v", bv)
	}
	// None of this block's winners is ours: no block timing.
	p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "blk303", Height: 303}, []string{hash(9)}, time.Now())

	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.cast) != 1 || m.cast[0] < 20*time.Millisecond || m.cast[0] > time.Minute {
		t.Errorf("cast latencies %v, want one of at least 20ms (measured from the notification)", m.cast)
	}
	if m.duplicates != 1 || m.errs != 1 {
		t.Errorf("duplicates %d errors %d, want 1 and 1", m.duplicates, m.errs)
	}
	if len(m.blocks) != 2 || m.blocks[0] < 20*time.Millisecond {
		t.Errorf("block timings %v, want 2, the first at least 20ms", m.blocks)
	}
}

package pool_test

import (
	"context"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
)

// newTipsPool is a pool with tickets 1..n of user ScA live.
func newTipsPool(t *testing.T, n int, m pool.Metrics) (*pool.Pool, *pooltest.Node, *pooltest.Wallet) {
	t.Helper()
	node, wallet := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300}), pooltest.NewWallet()
	node.Heights["b100"] = 100
	for i := 1; i <= n; i++ {
		wallet.AddTicketTx(hash(i), "ScA", true, "b100")
	}
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: node, Wallet: wallet, Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, Metrics: m})
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
	return p, node, wallet
}

// TestTwoTipsAtOneHeight: the node announces winners for two blocks at
// one height (a side chain within 6 blocks); each tip's pool winners are
// voted on that tip, and the second is counted as a side tip.
func TestTwoTipsAtOneHeight(t *testing.T) {
	m := &recMetrics{}
	p, _, wallet := newTipsPool(t, 4, m)
	ctx := context.Background()
	a := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "tipA", Height: 301}, []string{hash(1), hash(2)}, time.Now())
	b := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "tipB", Height: 301}, []string{hash(2), hash(3)}, time.Now())
	// (The fake node's vote transactions do not name the block, so the
	// second vote of ticket 2 looks like a duplicate to it.)
	if a.Cast != 2 || b.Cast+b.Duplicates != 2 || b.Errors != 0 || a.Tip != 1 || b.Tip != 2 {
		t.Fatalf("tip A %+v\ntip B %+v", a, b)
	}
	// Tip A announced again (rebroadcastwinners) is still the first tip.
	if again := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "tipA", Height: 301}, []string{hash(1)}, time.Now()); again.Tip != 1 {
		t.Fatalf("tip A again: tip %d, want 1", again.Tip)
	}
	on := map[string][]string{}
	for _, v := range wallet.VotesCast() {
		on[v.Block.Hash] = append(on[v.Block.Hash], v.Ticket)
	}
	if len(on["tipA"]) != 3 || len(on["tipB"]) != 2 {
		t.Fatalf("votes per tip %v", on)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tips != 2 || m.sideTips != 1 {
		t.Fatalf("tips %d side tips %d, want 2 (tip A twice) and 1", m.tips, m.sideTips)
	}
}

// TestReorgGivesTicketsBack: a ticket voted in a block that a
// reorganization disconnects is live again (and voted when selected
// again); one voted again in the new chain leaves the live set again.
func TestReorgGivesTicketsBack(t *testing.T) {
	p, _, wallet := newTipsPool(t, 3, nil)
	ctx := context.Background()
	p.HandleSpentAndMissed(pool.BlockRef{Hash: "old302", Height: 302}, map[string]string{hash(1): "spent", hash(2): "missed"})
	if live, _, _, _ := p.Counts(); live != 1 {
		t.Fatalf("%d live after block 302, want 1", live)
	}
	p.HandleBlockDisconnected(pool.BlockRef{Hash: "unrelated", Height: 303}) // nothing to give back
	p.HandleBlockDisconnected(pool.BlockRef{Hash: "old302", Height: 302})
	if live, _, _, _ := p.Counts(); live != 3 {
		t.Fatalf("%d live after the reorganization, want 3", live)
	}
	p.HandleSpentAndMissed(pool.BlockRef{Hash: "new302", Height: 302}, map[string]string{hash(2): "spent"})
	if live, _, _, _ := p.Counts(); live != 2 {
		t.Fatalf("%d live after the new block 302, want 2", live)
	}
	// Ticket 1 is picked again on the new chain: it is voted from the live
	// set, without the wallet being asked about it again.
	bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "new303", Height: 303}, []string{hash(1)}, time.Now())
	if bv.Cast != 1 {
		t.Fatalf("re-selected ticket not voted: %+v", bv)
	}
	votes := wallet.VotesCast()
	if v := votes[len(votes)-1]; v.Ticket != hash(1) || v.Block.Hash != "new303" {
		t.Fatalf("last vote %+v", v)
	}
	// Far older blocks are forgotten: disconnecting them gives nothing back.
	p.HandleSpentAndMissed(pool.BlockRef{Hash: "b400", Height: 400}, map[string]string{hash(1): "spent"})
	p.HandleSpentAndMissed(pool.BlockRef{Hash: "b500", Height: 500}, map[string]string{})
	p.HandleBlockDisconnected(pool.BlockRef{Hash: "b400", Height: 400})
	if live, _, _, _ := p.Counts(); live != 1 {
		t.Fatalf("%d live after disconnecting a forgotten block, want 1", live)
	}
}

// TestAutoRevocationsStopRevokeTickets: with DCP0009 active on the node
// the pool never calls the wallet's revoketickets; without it, it does
// after each block.
func TestAutoRevocationsStopRevokeTickets(t *testing.T) {
	p, node, wallet := newTipsPool(t, 1, nil)
	ctx := context.Background()
	node.AutoRevoke = true
	if auto, err := p.CheckRules(ctx); err != nil || !auto {
		t.Fatalf("CheckRules %v %v", auto, err)
	}
	for h := int64(301); h < 304; h++ {
		p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "x", Height: h}, []string{hash(9)}, time.Now())
	}
	time.Sleep(50 * time.Millisecond)
	if n := wallet.RevokeCount(); n != 0 {
		t.Fatalf("revoketickets called %d times with automatic revocations active", n)
	}
	node.AutoRevoke = false
	if auto, err := p.CheckRules(ctx); err != nil || auto {
		t.Fatalf("CheckRules %v %v", auto, err)
	}
	p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "y", Height: 305}, []string{hash(9)}, time.Now())
	deadline := time.Now().Add(5 * time.Second)
	for wallet.RevokeCount() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("revoketickets not called without automatic revocations")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A failed check keeps the last answer.
	node.SetDown(true)
	if auto, err := p.CheckRules(ctx); err == nil || auto {
		t.Fatalf("CheckRules with the node down: %v %v", auto, err)
	}
}

// TestLateNewTicketsDoNotReviveSpent: in a reorganization the node sends
// the new branch's notifications in a burst, so the wallet lookups of a
// block's newtickets can finish after a later block spent one of them; it
// must stay spent. A side-chain tip's winner that voted on the best chain
// is voted on that tip but not made live again; a block disconnected
// later does make it live.
func TestLateNewTicketsDoNotReviveSpent(t *testing.T) {
	p, node, wallet := newTipsPool(t, 0, nil)
	ctx := context.Background()
	wallet.AddTicketTx(hash(7), "ScA", true, "b100")
	wallet.AddTicketTx(hash(8), "ScA", true, "b100")
	node.Heights["b100"] = 100
	p.HandleSpentAndMissed(pool.BlockRef{Hash: "b302", Height: 302}, map[string]string{hash(7): "spent"})
	p.HandleNewTickets(ctx, pool.BlockRef{Hash: "b301", Height: 301}, []string{hash(7), hash(8)})
	live := p.LiveTickets()
	if len(live) != 1 || live[0].Hash != hash(8) {
		t.Fatalf("live after a late newtickets: %v, want only ticket 8", live)
	}
	// Ticket 7 wins on a side tip: voted there, still not live.
	if bv := p.ProcessWinningTickets(ctx, pool.BlockRef{Hash: "side302", Height: 302}, []string{hash(7)}, time.Now()); bv.Cast != 1 {
		t.Fatalf("side-tip winner not voted: %+v", bv)
	}
	if live := p.LiveTickets(); len(live) != 1 {
		t.Fatalf("live after voting a spent ticket on a side tip: %v", live)
	}
	// The block that spent it is orphaned: live again.
	p.HandleBlockDisconnected(pool.BlockRef{Hash: "b302", Height: 302})
	if live := p.LiveTickets(); len(live) != 1 || live[0].Hash != hash(7) && live[0].Hash != hash(8) {
		t.Fatalf("live after the reorganization: %v", live)
	}
	p.HandleNewTickets(ctx, pool.BlockRef{Hash: "b301", Height: 301}, []string{hash(7)})
	if live := p.LiveTickets(); len(live) != 2 {
		t.Fatalf("live after the reorganization and newtickets: %v, want tickets 7 and 8", live)
	}
}

// TestNoRevokeTicketsBeforeRulesChecked: a block handled before the
// start-up CheckRules (stakepoold asks for the tip's winners again at
// once) must not call revoketickets when the node revokes by itself.
func TestNoRevokeTicketsBeforeRulesChecked(t *testing.T) {
	p, node, wallet := newTipsPool(t, 1, nil)
	node.AutoRevoke = true
	p.ProcessWinningTickets(context.Background(), pool.BlockRef{Hash: "x", Height: 301}, []string{hash(9)}, time.Now())
	time.Sleep(100 * time.Millisecond)
	if n := wallet.RevokeCount(); n != 0 {
		t.Fatalf("revoketickets called %d times before the rules were checked, with automatic revocations active", n)
	}
	if !p.AutoRevocations() {
		t.Fatal("the pool did not learn that automatic revocations are active")
	}
}

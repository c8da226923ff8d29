package pool_test

import (
	"context"
	"github.com/eacred/dcrstakepool/backend/poolapi"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
)

func lowFeeState(p *pool.Pool, includeEnded bool) map[string]pool.LowFeeTicket {
	out := map[string]pool.LowFeeTicket{}
	for _, t := range p.LowFeeTickets(includeEnded) {
		out[t.Hash] = t
	}
	return out
}

// mine connects a block whose stake tree holds txs, as the daemon does on
// blockconnected.
func mine(h *harness, ref pool.BlockRef, txs ...pool.StakeTx) {
	h.node.MineStake(ref.Hash, ref.Height, txs...)
	h.pool.BlockConnected(ref)
	h.pool.ExamineMinedTickets(context.Background(), ref)
}

func ticketTx(i int, multisig string, feeOK bool) pool.StakeTx {
	return pool.StakeTx{Hash: hash(i), Hex: pooltest.TicketHex(multisig, feeOK)}
}

// TestLowFeeTicketIgnoredFromMining: a pool ticket with too low a fee is in
// the ignored set (immature, with its mined height) from the block that
// mines it; fee-paying tickets, other people's tickets and votes are not;
// at maturity it is live, and an admin can accept it before that.
func TestLowFeeTicketIgnoredFromMining(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	if err := h.pool.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScU", VoteBits: 5, VoteBitsVersion: 8}}); err != nil {
		t.Fatal(err)
	}
	// hash(4) pays its voting rights to a script the front end has not
	// pushed yet, but the wallet knows the ticket: still the pool's.
	h.wallet.Txs[hash(4)] = pool.WalletTx{Hex: pooltest.TicketHex("ScNew", false), BlockHash: "b210"}
	b210 := pool.BlockRef{Hash: "b210", Height: 210}
	mine(h, b210, ticketTx(1, "ScU", false), ticketTx(2, "ScU", true), ticketTx(3, "ScStranger", false),
		ticketTx(4, "ScNew", false), pool.StakeTx{Hash: hash(5), Hex: "vote:x:1"})
	got := lowFeeState(h.pool, false)
	if len(got) != 2 {
		t.Fatalf("ignored after the mining block: %+v", got)
	}
	for _, i := range []int{1, 4} {
		if g := got[hash(i)]; g.State != poolapi.LowFeeImmature || g.MinedHeight != 210 || g.StateHeight != 0 {
			t.Fatalf("ticket %d: %+v", i, g)
		}
	}
	if live, ignored, _, _ := h.pool.Counts(); live != 0 || ignored != 2 {
		t.Fatalf("counts: live %d ignored %d", live, ignored)
	}
	// Accepted before maturity: listed as added, not ignored.
	h.node.SetRaw(hash(1), pool.WalletTx{Hex: "tickethex"})
	if err := h.pool.SetAddedTickets(ctx, []pool.PoolTicketID{{Hash: hash(1), MultisigAddress: "ScU"}}); err != nil {
		t.Fatal(err)
	}
	if got := lowFeeState(h.pool, false); len(got) != 1 || got[hash(4)].State != poolapi.LowFeeImmature {
		t.Fatalf("ignored after accepting ticket 1: %+v", got)
	}
	// Maturity: both are in newtickets; ticket 4 is live and ignored.
	h.wallet.AddTicketTx(hash(1), "ScU", false, "b210")
	h.node.Heights["b210"] = 210
	h.pool.HandleNewTickets(ctx, pool.BlockRef{Hash: "b226", Height: 226}, []string{hash(1), hash(4)})
	if g := lowFeeState(h.pool, false)[hash(4)]; g.State != poolapi.LowFeeLive || g.MinedHeight != 210 || g.StateHeight != 226 {
		t.Fatalf("ticket 4 after maturity: %+v", g)
	}
	if _, got := h.vote(t, 230, hash(1), hash(4)); len(got) != 1 || got[hash(1)] != 5 {
		t.Fatalf("votes of the accepted and the ignored ticket: %v", got)
	}
}

// TestLowFeeTicketsEnd: a voted, a missed and an expired low-fee ticket
// leave the ignored set and are listed with their end when ended tickets
// are asked for; disconnecting the block that ended them undoes it.
func TestLowFeeTicketsEnd(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	if err := h.pool.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScU", VoteBits: 5, VoteBitsVersion: 8}}); err != nil {
		t.Fatal(err)
	}
	mine(h, pool.BlockRef{Hash: "b210", Height: 210}, ticketTx(1, "ScU", false), ticketTx(2, "ScU", false), ticketTx(3, "ScU", false))
	// Ticket 1 and 2 are called in block 240; 1 is voted (by the user's
	// own wallet), 2 is missed (and revoked by the node, DCP0009); 3 is
	// never called and expires in block 250.
	h.vote(t, 240, hash(1), hash(2))
	b241 := pool.BlockRef{Hash: "b241", Height: 241}
	h.pool.HandleSpentAndMissed(b241, map[string]string{hash(1): "spent", hash(2): "missed"})
	h.pool.HandleSpentAndMissed(pool.BlockRef{Hash: "b250", Height: 250}, map[string]string{hash(3): "missed"})
	if got := lowFeeState(h.pool, false); len(got) != 0 {
		t.Fatalf("ended tickets still ignored: %+v", got)
	}
	want := map[string]pool.LowFeeTicket{
		hash(1): {Hash: hash(1), MultisigAddress: "ScU", State: poolapi.LowFeeVoted, MinedHeight: 210, StateHeight: 241},
		hash(2): {Hash: hash(2), MultisigAddress: "ScU", State: poolapi.LowFeeMissed, MinedHeight: 210, StateHeight: 241},
		hash(3): {Hash: hash(3), MultisigAddress: "ScU", State: poolapi.LowFeeExpired, MinedHeight: 210, StateHeight: 250},
	}
	got := lowFeeState(h.pool, true)
	for k, w := range want {
		if got[k] != w {
			t.Fatalf("ended ticket: got %+v, want %+v", got[k], w)
		}
	}
	// Block 241 is orphaned: tickets 1 and 2 are back in the state they
	// had before it (immature: this test never matured them).
	h.pool.HandleBlockDisconnected(pool.BlockRef{Hash: "b250", Height: 250})
	h.pool.HandleBlockDisconnected(b241)
	got = lowFeeState(h.pool, false)
	if len(got) != 3 || got[hash(1)].State != poolapi.LowFeeImmature || got[hash(2)].State != poolapi.LowFeeImmature {
		t.Fatalf("after the reorganization: %+v", got)
	}
}

// TestLowFeeTicketOrphanedBlock: a low-fee ticket whose mining block is
// disconnected leaves the ignored set; mined again on the new branch, it
// comes back with the new height; a scan of a block that was orphaned
// before the scan finished adds nothing.
func TestLowFeeTicketOrphanedBlock(t *testing.T) {
	h := newHarness(t, pool.State{})
	ctx := context.Background()
	if err := h.pool.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScU", VoteBits: 5, VoteBitsVersion: 8}}); err != nil {
		t.Fatal(err)
	}
	old := pool.BlockRef{Hash: "old210", Height: 210}
	mine(h, old, ticketTx(1, "ScU", false), ticketTx(2, "ScU", false))
	h.pool.HandleBlockDisconnected(old)
	if got := lowFeeState(h.pool, true); len(got) != 0 {
		t.Fatalf("tickets of the orphaned block still listed: %+v", got)
	}
	if _, ignored, _, _ := h.pool.Counts(); ignored != 0 {
		t.Fatalf("%d ignored after the orphaned block", ignored)
	}
	// The new branch mines ticket 2 one block higher; ticket 1 is not mined
	// again.
	mine(h, pool.BlockRef{Hash: "new210", Height: 210})
	mine(h, pool.BlockRef{Hash: "new211", Height: 211}, ticketTx(2, "ScU", false))
	got := lowFeeState(h.pool, true)
	if len(got) != 1 || got[hash(2)].MinedHeight != 211 || got[hash(2)].State != poolapi.LowFeeImmature {
		t.Fatalf("after the new branch: %+v", got)
	}
	// A late scan of an orphaned block (the scan ran while it was
	// disconnected) adds nothing.
	late := pool.BlockRef{Hash: "late212", Height: 212}
	h.node.MineStake(late.Hash, late.Height, ticketTx(3, "ScU", false))
	h.pool.BlockConnected(late)
	h.pool.HandleBlockDisconnected(late)
	h.pool.ExamineMinedTickets(ctx, late)
	if _, ok := lowFeeState(h.pool, true)[hash(3)]; ok {
		t.Fatal("a ticket of an orphaned block was added by a late scan")
	}
	// Reconnected (a reorganization back), the block's tickets count again.
	mine(h, late, ticketTx(3, "ScU", false))
	if g := lowFeeState(h.pool, true)[hash(3)]; g.State != poolapi.LowFeeImmature || g.MinedHeight != 212 {
		t.Fatalf("ticket 3 after its block came back: %+v", g)
	}
}

// TestLoadTicketsFindsImmatureLowFee: after a restart the load lists the
// immature low-fee tickets (gettickets with includeimmature) as ignored,
// with their mined height, but not the immature fee-paying ones as live.
func TestLoadTicketsFindsImmatureLowFee(t *testing.T) {
	h := newHarness(t, pool.State{})
	h.node.Heights["b190"] = 190
	h.wallet.AddTicketTx(hash(1), "ScA", false, "b100")
	h.wallet.AddImmatureTicketTx(hash(2), "ScA", false, "b190")
	h.wallet.AddImmatureTicketTx(hash(3), "ScA", true, "b190")
	st, err := h.pool.LoadTickets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Live != 0 || st.Ignored != 2 {
		t.Fatalf("load: %+v", st)
	}
	got := lowFeeState(h.pool, false)
	if got[hash(1)].State != poolapi.LowFeeLive || got[hash(1)].MinedHeight != 100 ||
		got[hash(2)].State != poolapi.LowFeeImmature || got[hash(2)].MinedHeight != 190 {
		t.Fatalf("low-fee tickets after the load: %+v", got)
	}
	if l := h.pool.LiveTickets(); len(l) != 0 {
		t.Fatalf("immature fee-paying ticket listed live: %v", l)
	}
}

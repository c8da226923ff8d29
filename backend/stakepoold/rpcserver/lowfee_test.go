package rpcserver

import (
	"context"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
)

// TestLowFeeTicketFields: GetIgnoredLowFeeTickets carries each low-fee
// ticket's state and heights (API 1.2), and the ended ones only with
// include_ended.
func TestLowFeeTicketFields(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.pool.SetUserPrefs(ctx, []pool.UserPrefs{{UserID: 1, MultisigAddress: "ScA", VoteBits: 1, VoteBitsVersion: 8}}); err != nil {
		t.Fatal(err)
	}
	b := pool.BlockRef{Hash: "b301", Height: 301}
	e.node.MineStake(b.Hash, b.Height,
		pool.StakeTx{Hash: hash(1), Hex: pooltest.TicketHex("ScA", false)},
		pool.StakeTx{Hash: hash(2), Hex: pooltest.TicketHex("ScA", false)})
	e.pool.BlockConnected(b)
	e.pool.ExamineMinedTickets(ctx, b)
	e.pool.HandleSpentAndMissed(pool.BlockRef{Hash: "b330", Height: 330}, map[string]string{hash(2): "missed"})

	r, err := e.client.GetIgnoredLowFeeTickets(ctx, &pb.GetIgnoredLowFeeTicketsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tickets) != 1 {
		t.Fatalf("ignored: %v", r.Tickets)
	}
	if g := r.Tickets[0]; g.Hash != hash(1) || g.MultisigAddress != "ScA" || g.State != "immature" || g.MinedHeight != 301 || g.StateHeight != 0 {
		t.Fatalf("ignored ticket: %v", g)
	}
	r, err = e.client.GetIgnoredLowFeeTickets(ctx, &pb.GetIgnoredLowFeeTicketsRequest{IncludeEnded: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tickets) != 2 {
		t.Fatalf("with ended: %v", r.Tickets)
	}
	if g := r.Tickets[1]; g.Hash != hash(2) || g.State != "expired" || g.MinedHeight != 301 || g.StateHeight != 330 {
		t.Fatalf("ended ticket: %v", g)
	}
}

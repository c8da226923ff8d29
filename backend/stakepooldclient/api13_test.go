package stakepooldclient_test

import (
	"context"
	"testing"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/backend/stakepooldclient/fakebackend"
)

// TestAPI13BackendServed: a stakepoold of API 1.3 (before the wallet's
// best block in StakePoolUserInfo) passes the front end's start-up check
// (MinAPIVersion) next to a current one, and its users' tickets come
// without a label (TipHash ""), which the front end's ticket cache treats
// by its settle rule.
func TestAPI13BackendServed(t *testing.T) {
	if spc.APIVersion.Minor < 4 || spc.MinAPIVersion.Minor != 3 {
		t.Fatalf("versions %+v / %+v: this test is about a 1.4 client that still takes 1.3", spc.APIVersion, spc.MinAPIVersion)
	}
	f := fakebackend.New("old:1", "seed", coldXpub)
	f.Tickets["ScA"] = spc.UserTickets{Tickets: []spc.UserTicket{{Hash: "t1", Status: spc.StatusLive}},
		TipHeight: 31, TipHash: "b31"} // what a 1.3 server does not send
	f.VersionValue = spc.Version{Major: 1, Minor: 3, Text: "1.3.0"}
	old := serveGRPC(t, "old:1", &pbServer{f: f, version: &pb.VersionResponse{VersionString: "1.3.0", Major: 1, Minor: 3}})
	cur := fakebackend.New("new:1", "seed", coldXpub)
	cur.SetDown(true) // the reads below go to the 1.3 server
	c, err := spc.New([]spc.Backend{old, serveFake(t, cur)}, spc.Options{ColdWalletExtPub: coldXpub, Network: "simnet", PoolFees: 7.5})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx, &memSource{}, spc.MinAPIVersion); err != nil {
		t.Fatalf("Start with a 1.3 stakepoold: %v", err)
	}
	ut, from, err := c.UserTicketsFrom(ctx, "ScA")
	if err != nil || from != "old:1" || len(ut.Tickets) != 1 || ut.TipHash != "" || ut.TipHeight != 0 {
		t.Fatalf("UserTicketsFrom = %+v, %q, %v; want the list without a label", ut, from, err)
	}
}

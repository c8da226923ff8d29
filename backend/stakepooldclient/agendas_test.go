package stakepooldclient_test

import (
	"context"
	"net"
	"reflect"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/test/bufconn"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpcserver"
	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// TestOneVoteBitsRule: the agendas the front end receives over gRPC are
// chaincfg's, and for every one of the 65536 vote bits the front end's
// check (votebits.Validate on those agendas) and stakepoold's (SetUserPref)
// agree.
func TestOneVoteBitsRule(t *testing.T) {
	ctx := context.Background()
	params := chaincfg.SimNetParams()
	const version = 10
	defs, _ := params.Agendas(version)
	// ForcedChoiceID (test networks only) is not carried by the API.
	want := make([]chaincfg.Agenda, len(defs))
	for i, a := range defs {
		a.ForcedChoiceID = ""
		want[i] = a
	}
	node := pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300})
	node.Info = votebits.VoteInfo{VoteVersion: version, Status: map[string]string{want[0].ID: "started"}}
	wallet := pooltest.NewWallet()
	wallet.Info.VoteVersion = version
	p, err := pool.New(pool.Config{PrefsWait: -1, Node: node, Wallet: wallet, Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, Store: &pooltest.MemStore{}, Agendas: params, Network: "simnet"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	certFile, tcfg := testCert(t, t.TempDir())
	lis := bufconn.Listen(1 << 20)
	g := rpcserver.NewGRPCServer(rpcserver.New(rpcserver.Config{Pool: p, DaemonVersion: "test", ColdXPub: coldXpub,
		Network: "simnet", PoolFees: 7.5, FeeAddrCount: 10000}), grpc.Creds(credentials.NewTLS(tcfg)))
	go func() {
		_ = g.Serve(lis) // returns when the test stops the server
	}()
	t.Cleanup(g.Stop)
	b, err := spc.Dial(spc.DialConfig{Host: "rule:19560", CertFile: certFile,
		Dialer: func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})

	vi, err := b.Agendas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if vi.VoteVersion != version || !reflect.DeepEqual(vi.Agendas, want) {
		t.Fatalf("front end got v%d %+v, want chaincfg's %+v", vi.VoteVersion, vi.Agendas, want)
	}
	if vi.Status[want[0].ID] != "started" {
		t.Errorf("status %v", vi.Status)
	}
	valid := 0
	for bits := 0; bits <= 0xffff; bits++ {
		fe := votebits.Validate(uint16(bits), vi.Agendas)
		be := p.SetUserPref(ctx, pool.UserPrefs{UserID: 1, MultisigAddress: "ScUser1",
			VoteBits: uint16(bits), VoteBitsVersion: version})
		if (fe == nil) != (be == nil) {
			t.Fatalf("bits %#04x: front end says %v, stakepoold says %v", bits, fe, be)
		}
		if fe == nil {
			valid++
		}
	}
	// 4 agendas of 3 choices each.
	if valid != 81 {
		t.Errorf("%d valid vote bits, want 81", valid)
	}
}

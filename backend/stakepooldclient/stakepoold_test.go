package stakepooldclient_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/test/bufconn"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	"github.com/eacred/dcrstakepool/backend/stakepoold/rpcserver"
	spc "github.com/eacred/dcrstakepool/backend/stakepooldclient"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

// realDaemon is stakepoold's real core and gRPC server over fake
// ecrd/wallet, served with TLS over bufconn.
type realDaemon struct {
	wallet *pooltest.Wallet
	node   *pooltest.Node
	pool   *pool.Pool
	b      spc.Backend
	// closed is set by a test whose Client closed b (Client.Close closes
	// its backends): the cleanup then leaves b alone.
	closed bool
}

func startReal(t testing.TB, name string) *realDaemon {
	t.Helper()
	ctx := context.Background()
	d := &realDaemon{wallet: pooltest.NewWallet(), node: pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300})}
	d.node.Heights["b1"] = 100
	d.node.Info = votebits.VoteInfo{VoteVersion: 8}
	p, err := pool.New(pool.Config{Node: d.node, Wallet: d.wallet, Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, Store: &pooltest.MemStore{},
		Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckWallet(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	d.pool = p
	certFile, tcfg := testCert(t, t.TempDir())
	lis := bufconn.Listen(1 << 20)
	g := rpcserver.NewGRPCServer(rpcserver.New(rpcserver.Config{Pool: p, DaemonVersion: "test", ColdXPub: coldXpub,
		Network: "simnet", PoolFees: 7.5, FeeAddrCount: 10000}), grpc.Creds(credentials.NewTLS(tcfg)))
	go func() {
		_ = g.Serve(lis) // returns when the test stops the server
	}()
	t.Cleanup(g.Stop)
	d.b, err = spc.Dial(spc.DialConfig{Host: name, CertFile: certFile,
		Dialer: func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if d.closed {
			return
		}
		if err := d.b.Close(); err != nil {
			t.Error(err)
		}
	})
	return d
}

// ownPoolKey makes the wallet report addr as its own with pubkey pk.
func (d *realDaemon) ownPoolKey(addr, pk string) {
	// No call is in flight while tests set this up.
	d.wallet.Addrs[addr] = pool.AddressInfo{IsValid: true, IsMine: true, PubKeyAddr: pk}
}

func TestAgainstRealStakepoold(t *testing.T) {
	ctx := context.Background()
	ds := []*realDaemon{startReal(t, "real1:19560"), startReal(t, "real2:19560")}
	// Wallet 1 already tracks a ticket wallet 2 missed.
	old := fmt.Sprintf("%064x", 1)
	ds[0].wallet.AddTicketTx(old, "ScOld", true, "b1")
	ds[1].node.Raw[old] = pool.WalletTx{Hex: pooltest.TicketHex("ScOld", true), BlockHash: "b1"} // ecrd knows it
	c, err := spc.New([]spc.Backend{ds[0].b, ds[1].b}, spc.Options{ColdWalletExtPub: coldXpub, Network: "simnet", PoolFees: 7.5})
	if err != nil {
		t.Fatal(err)
	}
	src := &memSource{users: []spc.PoolUser{{Prefs: spc.VotingPrefs{UserID: 1, MultisigAddress: "ScSkP1+SkU1",
		VoteBits: 5, VoteBitsVersion: 8}, RedeemScript: fmt.Sprintf("%x", "SkP1+SkU1"), HeightRegistered: 90}}}
	if err := c.Start(ctx, src, spc.APIVersion); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if ok, why := c.Health(); !ok {
		t.Fatalf("Health: %s", why)
	}
	for _, st := range c.Statuses() { // the front end's ticket cache keys on the best block
		if st.Health.BestHeight != 300 || st.Health.BestHash != "best" {
			t.Errorf("%s: best block %d %q, want 300 \"best\"", st.Name, st.Health.BestHeight, st.Health.BestHash)
		}
	}
	for i, d := range ds {
		if u := d.pool.Users(); len(u) != 1 || u[0].VoteBits != 5 {
			t.Errorf("daemon %d users %v", i, u)
		}
		scripts, _ := d.wallet.ListScripts(ctx)
		if len(scripts) != 1 || string(scripts[0].RedeemScript) != "SkP1+SkU1" {
			t.Errorf("daemon %d scripts %v", i, scripts)
		}
	}
	if len(ds[1].wallet.Added) != 1 {
		t.Errorf("missing ticket not added to wallet 2: %v", ds[1].wallet.Added)
	}
	ag, err := c.Agendas(ctx)
	if err != nil || ag.VoteVersion != 8 || len(ag.Agendas) != 1 || ag.Agendas[0].Mask != 6 {
		t.Fatalf("Agendas = %+v, %v", ag, err)
	}

	// Address creation against the real daemons.
	for _, d := range ds {
		d.ownPoolKey("SsPool2", "SkPool2")
	}
	res, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 2, PoolAddress: "SsPool2", UserPubKeyAddr: "SkUser2"})
	if err != nil {
		t.Fatalf("CreateAddress: %v", err)
	}
	if res.PoolPubKeyAddr != "SkPool2" || res.Multisig.Address != "ScSkPool2+SkUser2" || res.HeightRegistered != 300 {
		t.Errorf("result %+v", res)
	}
	for i, d := range ds {
		if d.wallet.Synced["default/0"] != 2 {
			t.Errorf("daemon %d: address index not synced: %v", i, d.wallet.Synced)
		}
	}
	// A pool key the wallets do not own.
	if _, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 3, PoolAddress: "SsNotMine", UserPubKeyAddr: "SkU"}); !errors.Is(err, spc.ErrNotMine) {
		t.Errorf("not mine: %v", err)
	}
	// Wallets that disagree on the pool key halt creation.
	ds[0].ownPoolKey("SsPool4", "SkPool4")
	ds[1].ownPoolKey("SsPool4", "SkOther4")
	if _, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 4, PoolAddress: "SsPool4", UserPubKeyAddr: "SkU"}); !errors.Is(err, spc.ErrInconsistent) {
		t.Fatalf("inconsistent: %v", err)
	}
	if r, _ := c.Halted(); r == "" {
		t.Fatal("not halted")
	}
	// A bad address is a rejection by stakepoold's validation.
	ds[1].ownPoolKey("SsPool4", "SkPool4")
	if err := c.Recheck(ctx, nil); err != nil {
		t.Fatalf("Recheck: %v", err)
	}
	if _, err := c.CreateAddress(ctx, spc.AddressRequest{Index: 5, PoolAddress: "Xbad", UserPubKeyAddr: "SkU"}); !errors.Is(err, spc.ErrRejected) {
		t.Errorf("bad address: %v", err)
	}
	// Prefs and low-fee tickets reach the real cores.
	if err := c.PushUserPrefs(ctx, spc.VotingPrefs{UserID: 2, MultisigAddress: res.Multisig.Address, VoteBits: 3, VoteBitsVersion: 8}); err != nil {
		t.Fatal(err)
	}
	if err := c.PushAddedLowFeeTickets(ctx, []spc.Ticket{{Hash: fmt.Sprintf("%064x", 9), MultisigAddress: res.Multisig.Address}}); err != nil {
		t.Fatal(err)
	}
	added, err := c.AddedLowFeeTickets(ctx)
	if err != nil || len(added) != 1 {
		t.Fatalf("added %v %v", added, err)
	}
	// Invalid prefs are rejected by the real validation (bit 0 clear).
	if err := c.PushUserPrefs(ctx, spc.VotingPrefs{UserID: 2, MultisigAddress: res.Multisig.Address, VoteBits: 4, VoteBitsVersion: 8}); !errors.Is(err, spc.ErrRejected) {
		t.Errorf("invalid prefs: %v", err)
	}
	// A wallet going down makes its backend down (Unavailable), not inconsistent.
	ds[1].wallet.SetDown(true)
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, why := c.Health(); ok {
		t.Fatal("healthy with a wallet down")
	} else if r, _ := c.Halted(); r != "" {
		t.Fatalf("halted by a down wallet: %s (%s)", r, why)
	}
	si, err := c.StakeInfo(ctx)
	if err != nil {
		t.Fatalf("StakeInfo with one wallet down: %v", err)
	}
	_ = si
	ds[1].wallet.SetDown(false)
	if err := c.RepairAll(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, why := c.Health(); !ok {
		t.Fatalf("Health after wallet return: %s", why)
	}
}

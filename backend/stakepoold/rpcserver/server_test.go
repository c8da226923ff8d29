package rpcserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

func TestToStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want codes.Code
	}{
		{"nil", nil, codes.OK},
		{"invalid", pool.Errorf(pool.KindInvalid, "x"), codes.InvalidArgument},
		{"not found", pool.Errorf(pool.KindNotFound, "x"), codes.NotFound},
		{"unavailable", pool.Errorf(pool.KindUnavailable, "x"), codes.Unavailable},
		{"precondition", pool.Errorf(pool.KindPrecondition, "x"), codes.FailedPrecondition},
		{"duplicate", pool.Errorf(pool.KindDuplicate, "x"), codes.AlreadyExists},
		{"internal", pool.Errorf(pool.KindInternal, "x"), codes.Internal},
		{"plain error", errors.New("x"), codes.Internal},
		{"wrapped kind", fmt.Errorf("ctx: %w", pool.Errorf(pool.KindUnavailable, "x")), codes.Unavailable},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), codes.DeadlineExceeded},
		{"canceled", context.Canceled, codes.Canceled},
		{"status passes", status.Error(codes.PermissionDenied, "x"), codes.PermissionDenied},
	}
	for _, tc := range tests {
		if got := status.Code(toStatus(tc.err)); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	for k := pool.KindInternal; k <= pool.KindDuplicate; k++ {
		if _, ok := kindCodes[k]; !ok {
			t.Errorf("kind %v has no gRPC code", k)
		}
	}
}

type env struct {
	node   *pooltest.Node
	wallet *pooltest.Wallet
	pool   *pool.Pool
	client pb.StakepooldClient
}

func hash(i int) string { return fmt.Sprintf("%064x", i) }

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{node: pooltest.NewNode(pool.BlockRef{Hash: "best", Height: 300}), wallet: pooltest.NewWallet()}
	e.node.Heights["b1"] = 100
	e.node.Info = votebits.VoteInfo{VoteVersion: 8}
	p, err := pool.New(pool.Config{Node: e.node, Wallet: e.wallet, Inspector: pooltest.Inspector{},
		Addresses: pooltest.Addresses{}, Store: &pooltest.MemStore{},
		Agendas: pooltest.Agendas{8: {pooltest.YesNoAgenda}}, Network: "simnet"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckWallet(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.pool = p
	lis := bufconn.Listen(1 << 20)
	g := NewGRPCServer(New(Config{Pool: p, DaemonVersion: "0.1.0", ColdXPub: "spubX", Network: "simnet",
		PoolFees: 5, FeeAddrCount: 10000}))
	go func() {
		_ = g.Serve(lis) // returns when the test stops the server
	}()
	t.Cleanup(g.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := conn.Close(); err != nil {
			t.Error(err)
		}
	})
	e.client = pb.NewStakepooldClient(conn)
	return e
}

func TestRPCs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client

	v, err := c.Version(ctx, &pb.VersionRequest{})
	if err != nil || v.Major != pb.APIMajor || v.VersionString != fmt.Sprintf("%d.%d.%d", pb.APIMajor, pb.APIMinor, pb.APIPatch) || v.DaemonVersion != "0.1.0" {
		t.Fatalf("version: %v %v", v, err)
	}
	if _, err := c.SetUserVotingPrefs(ctx, &pb.SetUserVotingPrefsRequest{Users: []*pb.UserVotingPrefs{
		{UserId: 1, MultisigAddress: "ScA", VoteBits: 5, VoteBitsVersion: 8},
		{UserId: 2, MultisigAddress: "ScB", VoteBits: 1, VoteBitsVersion: 8},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetUserVotingPref(ctx, &pb.SetUserVotingPrefRequest{User: &pb.UserVotingPrefs{UserId: 2, MultisigAddress: "ScB", VoteBits: 3, VoteBitsVersion: 8}}); err != nil {
		t.Fatal(err)
	}
	if u := e.pool.Users(); len(u) != 2 || u[1].VoteBits != 3 {
		t.Fatalf("users: %v", u)
	}
	e.wallet.AddTicketTx(hash(1), "ScA", true, "b1")
	e.wallet.AddTicketTx(hash(2), "ScB", false, "b1")
	if _, err := e.pool.LoadTickets(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetAddedLowFeeTickets(ctx, &pb.SetAddedLowFeeTicketsRequest{Tickets: []*pb.Ticket{{Hash: hash(2), MultisigAddress: "ScB"}}}); err != nil {
		t.Fatal(err)
	}
	live, _ := c.GetLiveTickets(ctx, &pb.GetLiveTicketsRequest{})
	ign, _ := c.GetIgnoredLowFeeTickets(ctx, &pb.GetIgnoredLowFeeTicketsRequest{})
	add, _ := c.GetAddedLowFeeTickets(ctx, &pb.GetAddedLowFeeTicketsRequest{})
	if len(live.Tickets) != 2 || len(ign.Tickets) != 0 || len(add.Tickets) != 1 || add.Tickets[0].MultisigAddress != "ScB" {
		t.Fatalf("tickets: live %v ignored %v added %v", live, ign, add)
	}
	h, err := c.Health(ctx, &pb.HealthRequest{})
	if err != nil || !h.Ready || h.BestHeight != 300 || h.VoteVersion != 8 || h.LiveTickets != 2 || h.Users != 2 || h.Network != "simnet" {
		t.Fatalf("health: %v %v", h, err)
	}
	if want := e.pool.StateDigest().Digest(); h.StateDigest != want || len(want) != 64 {
		t.Fatalf("health: state digest %q, want %q", h.StateDigest, want)
	}
	e.wallet.Addrs["SsPool"] = pool.AddressInfo{IsValid: true, IsMine: true, PubKeyAddr: "SkPool"}
	va, err := c.ValidateAddress(ctx, &pb.ValidateAddressRequest{Address: "SsPool"})
	if err != nil || !va.IsMine || va.PubkeyAddr != "SkPool" {
		t.Fatalf("validateaddress: %v %v", va, err)
	}
	if _, err := c.AccountSyncAddressIndex(ctx, &pb.AccountSyncAddressIndexRequest{Account: "default", Index: 12000}); err != nil || e.wallet.Synced["default/0"] != 12000 {
		t.Fatalf("sync index: %v", err)
	}
	ms, err := c.CreateMultisig(ctx, &pb.CreateMultisigRequest{Addresses: []string{"SkPool", "SkUser"}})
	if err != nil || ms.Address != "ScSkPool+SkUser" || string(ms.RedeemScript) != "SkPool+SkUser" {
		t.Fatalf("createmultisig: %v %v", ms, err)
	}
	is, err := c.ImportScript(ctx, &pb.ImportScriptRequest{Script: ms.RedeemScript})
	if err != nil || is.HeightImported != 300 {
		t.Fatalf("importscript: %v %v", is, err)
	}
	if _, err := c.ImportScripts(ctx, &pb.ImportScriptsRequest{Scripts: [][]byte{ms.RedeemScript, []byte("x")}, RescanHeight: 5}); err != nil {
		t.Fatal(err)
	}
	ls, err := c.ListScripts(ctx, &pb.ListScriptsRequest{})
	if err != nil || len(ls.Scripts) != 2 {
		t.Fatalf("listscripts: %v %v", ls, err)
	}
	wt, err := c.GetWalletTickets(ctx, &pb.GetWalletTicketsRequest{IncludeImmature: true})
	if err != nil || len(wt.Hashes) != 2 {
		t.Fatalf("gettickets: %v %v", wt, err)
	}
	e.node.SetRaw(hash(9), pool.WalletTx{Hex: "rawticket"})
	if _, err := c.AddMissingTicket(ctx, &pb.AddMissingTicketRequest{Hash: hash(9)}); err != nil || e.wallet.AddedTxs()[0] != "rawticket" {
		t.Fatalf("addmissingticket: %v", err)
	}
	if _, err := c.AddMissingTicket(ctx, &pb.AddMissingTicketRequest{Hash: hash(8)}); status.Code(err) != codes.NotFound {
		t.Fatalf("addmissingticket unknown: %v", err)
	}
	e.wallet.UserInfo["ScA"] = pool.UserInfo{Tickets: []pool.UserTicket{{Hash: hash(1), Status: "live", TicketHeight: 100}}, Invalid: []string{hash(3)},
		TipHeight: 301, TipHash: hash(7)}
	ui, err := c.StakePoolUserInfo(ctx, &pb.StakePoolUserInfoRequest{MultisigAddress: "ScA"})
	if err != nil || len(ui.Tickets) != 1 || ui.Tickets[0].Status != "live" || ui.InvalidTickets[0] != hash(3) ||
		ui.WalletBestHeight != 301 || ui.WalletBestHash != hash(7) {
		t.Fatalf("userinfo: %v %v", ui, err)
	}
	e.wallet.Stake = pool.StakeInfo{BlockHeight: 300, Live: 7, ProportionLive: 0.5, DifficultyAtoms: 20000}
	si, err := c.GetStakeInfo(ctx, &pb.GetStakeInfoRequest{})
	if err != nil || si.Live != 7 || si.DifficultyAtoms != 20000 || si.ProportionLive != 0.5 {
		t.Fatalf("stakeinfo: %v %v", si, err)
	}
	cx, err := c.GetColdWalletExtPub(ctx, &pb.GetColdWalletExtPubRequest{})
	if err != nil || cx.ColdWalletExtPub != "spubX" || cx.PoolFees != 5 || cx.FeeAddressCount != 10000 {
		t.Fatalf("coldxpub: %v %v", cx, err)
	}
	ag, err := c.GetAgendas(ctx, &pb.GetAgendasRequest{})
	if err != nil || ag.VoteVersion != 8 || len(ag.Agendas) != 1 || ag.Agendas[0].Mask != 6 || len(ag.Agendas[0].Choices) != 3 {
		t.Fatalf("agendas: %v %v", ag, err)
	}

	e.wallet.SetDown(true)
	if _, err := c.GetStakeInfo(ctx, &pb.GetStakeInfoRequest{}); status.Code(err) != codes.Unavailable {
		t.Fatalf("wallet down: %v", err)
	}
	h, err = c.Health(ctx, &pb.HealthRequest{})
	if err != nil || h.Ready || h.WalletConnected {
		t.Fatalf("health with wallet down: %v %v", h, err)
	}
}

func TestInvalidArguments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	if _, err := c.SetUserVotingPrefs(ctx, &pb.SetUserVotingPrefsRequest{Users: []*pb.UserVotingPrefs{{UserId: 1, MultisigAddress: "ScA", VoteBits: 1, VoteBitsVersion: 8},
		{UserId: 2, MultisigAddress: "ScB", VoteBits: 1, VoteBitsVersion: 8}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"wrong network address", func() error {
			_, err := c.ValidateAddress(ctx, &pb.ValidateAddressRequest{Address: "DsWrongNet"})
			return err
		}, "not an address of simnet"},
		{"empty address", func() error { _, err := c.ValidateAddress(ctx, &pb.ValidateAddressRequest{}); return err }, "address"},
		{"empty script", func() error { _, err := c.ImportScript(ctx, &pb.ImportScriptRequest{}); return err }, "empty"},
		{"oversized script", func() error {
			_, err := c.ImportScript(ctx, &pb.ImportScriptRequest{Script: make([]byte, pool.MaxScriptSize+1)})
			return err
		}, "at most"},
		{"vote bits over 16 bits", func() error {
			_, err := c.SetUserVotingPref(ctx, &pb.SetUserVotingPrefRequest{User: &pb.UserVotingPrefs{UserId: 1, MultisigAddress: "ScA", VoteBits: 1 << 20, VoteBitsVersion: 8}})
			return err
		}, "16 bits"},
		{"absurd vote bits", func() error {
			_, err := c.SetUserVotingPrefs(ctx, &pb.SetUserVotingPrefsRequest{Users: []*pb.UserVotingPrefs{{UserId: 1, MultisigAddress: "ScA", VoteBits: 0xffff, VoteBitsVersion: 8}}})
			return err
		}, "vote bits"},
		{"missing user", func() error { _, err := c.SetUserVotingPref(ctx, &pb.SetUserVotingPrefRequest{}); return err }, "missing"},
		{"unknown user ticket", func() error {
			_, err := c.SetAddedLowFeeTickets(ctx, &pb.SetAddedLowFeeTicketsRequest{Tickets: []*pb.Ticket{{Hash: hash(1), MultisigAddress: "ScNobody"}}})
			return err
		}, "unknown user"},
		{"bad ticket hash", func() error {
			_, err := c.SetAddedLowFeeTickets(ctx, &pb.SetAddedLowFeeTicketsRequest{Tickets: []*pb.Ticket{{Hash: "zz", MultisigAddress: "ScA"}}})
			return err
		}, "64 hex"},
		{"p2pkh as multisig", func() error {
			_, err := c.StakePoolUserInfo(ctx, &pb.StakePoolUserInfoRequest{MultisigAddress: "SsUser"})
			return err
		}, "P2SH"},
		{"three multisig keys", func() error {
			_, err := c.CreateMultisig(ctx, &pb.CreateMultisigRequest{Addresses: []string{"SkA", "SkB", "SkC"}})
			return err
		}, "exactly 2"},
		{"bad branch", func() error {
			_, err := c.AccountSyncAddressIndex(ctx, &pb.AccountSyncAddressIndexRequest{Account: "default", Branch: 7})
			return err
		}, "branch"},
		{"negative rescan height", func() error {
			_, err := c.ImportScript(ctx, &pb.ImportScriptRequest{Script: []byte{0x51}, RescanHeight: -1})
			return err
		}, "negative"},
		{"no scripts", func() error { _, err := c.ImportScripts(ctx, &pb.ImportScriptsRequest{}); return err }, "no scripts"},
		{"empty script in a batch", func() error {
			_, err := c.ImportScripts(ctx, &pb.ImportScriptsRequest{Scripts: [][]byte{{0x51}, {}}})
			return err
		}, "script 1 is empty"},
		{"user id zero", func() error {
			_, err := c.SetUserVotingPref(ctx, &pb.SetUserVotingPrefRequest{User: &pb.UserVotingPrefs{MultisigAddress: "ScA", VoteBits: 1, VoteBitsVersion: 8}})
			return err
		}, "user id"},
		{"one ticket for two users", func() error {
			_, err := c.SetAddedLowFeeTickets(ctx, &pb.SetAddedLowFeeTicketsRequest{Tickets: []*pb.Ticket{
				{Hash: hash(1), MultisigAddress: "ScA"}, {Hash: hash(1), MultisigAddress: "ScB"}}})
			return err
		}, "listed twice"},
		{"empty account", func() error {
			_, err := c.AccountSyncAddressIndex(ctx, &pb.AccountSyncAddressIndexRequest{})
			return err
		}, "account"},
		{"hardened index", func() error {
			_, err := c.AccountSyncAddressIndex(ctx, &pb.AccountSyncAddressIndexRequest{Account: "default", Index: 1 << 31})
			return err
		}, "index"},
		{"bad missing ticket hash", func() error {
			_, err := c.AddMissingTicket(ctx, &pb.AddMissingTicketRequest{Hash: strings.Repeat("g", 64)})
			return err
		}, "not hexadecimal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), tc.want) {
				t.Fatalf("got %v, want InvalidArgument containing %q", err, tc.want)
			}
		})
	}
}

package rpcserver

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/eacred/dcrstakepool/backend/stakepoold/netrules"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/backend/stakepoold/pool/pooltest"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
)

// TestRealAddressRules runs the server with the daemon's real address rules
// (simnet) and checks that addresses of another network, of the wrong kind
// or malformed are refused with InvalidArgument before the wallet is asked.
func TestRealAddressRules(t *testing.T) {
	sim, main := chaincfg.SimNetParams(), chaincfg.MainNetParams()
	wallet := pooltest.NewWallet()
	p, err := pool.New(pool.Config{Node: pooltest.NewNode(pool.BlockRef{}), Wallet: wallet,
		Inspector: pooltest.Inspector{}, Addresses: netrules.Addresses{Params: sim}, Store: &pooltest.MemStore{}})
	if err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	g := NewGRPCServer(New(Config{Pool: p}))
	go func() {
		_ = g.Serve(lis) // returns when the test stops the server
	}()
	defer g.Stop()
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := conn.Close(); err != nil {
			t.Error(err)
		}
	}()
	c := pb.NewStakepooldClient(conn)
	ctx := context.Background()

	simP2SH, _ := address.NewScriptHashAddress([]byte{0x51}, sim)
	mainP2SH, _ := address.NewScriptHashAddress([]byte{0x51}, main)
	simPKH, _ := address.NewPubKeyHashAddress(make([]byte, 20), sim)
	tests := []struct {
		name, addr, want string
	}{
		{"mainnet multisig", mainP2SH.String(), "not an address of simnet"},
		{"p2pkh as multisig", simPKH.String(), "not a P2SH"},
		{"garbage", "Sc0OIl", "not a valid address"},
		{"empty", "", "empty"},
	}
	for _, tc := range tests {
		_, err := c.StakePoolUserInfo(ctx, &pb.StakePoolUserInfoRequest{MultisigAddress: tc.addr})
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), tc.want) {
			t.Errorf("%s: got %v, want InvalidArgument containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := c.ValidateAddress(ctx, &pb.ValidateAddressRequest{Address: mainP2SH.String()}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("validateaddress of a mainnet address: %v", err)
	}
	if _, err := c.SetUserVotingPrefs(ctx, &pb.SetUserVotingPrefsRequest{Users: []*pb.UserVotingPrefs{
		{UserId: 1, MultisigAddress: simP2SH.String(), VoteBits: 1, VoteBitsVersion: 8}}}); err != nil {
		t.Fatalf("valid simnet multisig refused: %v", err)
	}
}

// TestRealUserScript runs PrepareUserScript and ImportUserScript with the
// daemon's real address rules (simnet) and real keys: the script is the
// 1-of-2 multisig [pool key, user key] that eacred/stakepool defines, and a
// script with the keys swapped is refused before the wallet imports it.
func TestRealUserScript(t *testing.T) {
	sim := chaincfg.SimNetParams()
	wallet := pooltest.NewWallet()
	p, err := pool.New(pool.Config{Node: pooltest.NewNode(pool.BlockRef{Height: 77}), Wallet: wallet,
		Inspector: pooltest.Inspector{}, Addresses: netrules.Addresses{Params: sim}, Store: &pooltest.MemStore{}})
	if err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	g := NewGRPCServer(New(Config{Pool: p}))
	go func() {
		_ = g.Serve(lis) // returns when the test stops the server
	}()
	defer g.Stop()
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := conn.Close(); err != nil {
			t.Error(err)
		}
	}()
	c := pb.NewStakepooldClient(conn)
	ctx := context.Background()

	key := func(b byte) (*address.PubKeyAddress, []byte) {
		priv := secp256k1.PrivKeyFromBytes([]byte{31: b})
		pk := priv.PubKey().SerializeCompressed()
		a, err := address.NewPubKeyAddress(pk, sim)
		if err != nil {
			t.Fatal(err)
		}
		return a, pk
	}
	poolPK, poolKey := key(1)
	userPK, userKey := key(2)
	poolAddr := poolPK.AddressPubKeyHash().String()
	wallet.Addrs[poolAddr] = pool.AddressInfo{IsValid: true, IsMine: true, PubKeyAddr: poolPK.String()}

	r, err := c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 5, PoolAddress: poolAddr,
		UserPubkeyAddress: userPK.String()})
	if err != nil {
		t.Fatal(err)
	}
	want, wantAddr, err := stakepool.VotingScript(poolKey, userKey, sim)
	if err != nil {
		t.Fatal(err)
	}
	if !r.PoolKeyMine || r.PoolPubkeyAddress != poolPK.String() || !bytes.Equal(r.RedeemScript, want) || r.MultisigAddress != wantAddr {
		t.Fatalf("prepare: %x %s, want %x %s", r.RedeemScript, r.MultisigAddress, want, wantAddr)
	}
	if _, err := c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 5, PoolAddress: poolAddr,
		UserPubkeyAddress: userPK.AddressPubKeyHash().String()}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("a P2PKH address as the user key: %v", err)
	}

	swapped, swappedAddr, err := stakepool.VotingScript(userKey, poolKey, sim)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ImportUserScript(ctx, &pb.ImportUserScriptRequest{UserIndex: 5, RedeemScript: swapped,
		MultisigAddress: wantAddr}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("a script under another script's address: %v", err)
	}
	is, err := c.ImportUserScript(ctx, &pb.ImportUserScriptRequest{UserIndex: 5, RedeemScript: swapped,
		MultisigAddress: swappedAddr})
	if err != nil || is.HeightImported != 77 {
		t.Fatalf("import of a well-formed 1-of-2 script: %v %v", is, err)
	}
	is, err = c.ImportUserScript(ctx, &pb.ImportUserScriptRequest{UserIndex: 5, RedeemScript: r.RedeemScript,
		MultisigAddress: r.MultisigAddress})
	if err != nil || is.HeightImported != 77 || len(wallet.Scripts) != 2 {
		t.Fatalf("import: %v %v (%d scripts)", is, err, len(wallet.Scripts))
	}
}

package rpcserver

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
)

// TestUserScriptRPCs runs the 1.3 address flow over gRPC on the pool core
// with the fake wallet: PrepareUserScript syncs the wallet's address index,
// asks it about the pool key and builds the script itself; a pool key the
// wallet does not own is an answer; ImportUserScript checks the script
// before the wallet imports it.
func TestUserScriptRPCs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	e.wallet.Addrs["SsPool"] = pool.AddressInfo{IsValid: true, IsMine: true, PubKeyAddr: "SkPool"}

	r, err := c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 12000, PoolAddress: "SsPool",
		UserPubkeyAddress: "SkUser"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.PoolKeyMine || r.PoolPubkeyAddress != "SkPool" || string(r.RedeemScript) != "SkPool+SkUser" ||
		r.MultisigAddress != "ScSkPool+SkUser" {
		t.Fatalf("prepare: %v", r)
	}
	if got := e.wallet.Synced["default/0"]; got != 12000 {
		t.Fatalf("the wallet watches the default account's external branch to %d, want 12000", got)
	}
	if n := len(e.wallet.Scripts); n != 0 {
		t.Fatalf("prepare imported %d scripts", n)
	}

	// A wallet that does not own the pool key answers so.
	r, err = c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 3, PoolAddress: "SsOther",
		UserPubkeyAddress: "SkUser"})
	if err != nil || r.PoolKeyMine || r.PoolPubkeyAddress != "" || len(r.RedeemScript) != 0 || r.MultisigAddress != "" {
		t.Fatalf("foreign pool key: %v %v", r, err)
	}

	is, err := c.ImportUserScript(ctx, &pb.ImportUserScriptRequest{UserIndex: 12000,
		RedeemScript: []byte("SkPool+SkUser"), MultisigAddress: "ScSkPool+SkUser"})
	if err != nil || is.HeightImported != 300 {
		t.Fatalf("import: %v %v", is, err)
	}
	if len(e.wallet.Scripts) != 1 || string(e.wallet.Scripts[0].RedeemScript) != "SkPool+SkUser" {
		t.Fatalf("wallet scripts: %v", e.wallet.Scripts)
	}

	e.wallet.Addrs["SsBad"] = pool.AddressInfo{IsValid: false}
	for _, tc := range []struct {
		name string
		call func() error
		want string
	}{
		{"user key not a pubkey address", func() error {
			_, err := c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 1, PoolAddress: "SsPool", UserPubkeyAddress: "SsUser"})
			return err
		}, "user pubkey address"},
		{"pool address of another network", func() error {
			_, err := c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 1, PoolAddress: "DsPool", UserPubkeyAddress: "SkUser"})
			return err
		}, "pool address"},
		{"wallet says invalid", func() error {
			_, err := c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 1, PoolAddress: "SsBad", UserPubkeyAddress: "SkUser"})
			return err
		}, "not valid"},
		{"hardened index", func() error {
			_, err := c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 1 << 31, PoolAddress: "SsPool", UserPubkeyAddress: "SkUser"})
			return err
		}, "2^31"},
		{"import of a script that is not 1-of-2", func() error {
			_, err := c.ImportUserScript(ctx, &pb.ImportUserScriptRequest{UserIndex: 1, RedeemScript: []byte("SkA+SkB+SkC"), MultisigAddress: "ScSkA+SkB+SkC"})
			return err
		}, "1-of-2"},
		{"import under another address", func() error {
			_, err := c.ImportUserScript(ctx, &pb.ImportUserScriptRequest{UserIndex: 1, RedeemScript: []byte("SkA+SkB"), MultisigAddress: "ScX"})
			return err
		}, "does not match"},
		{"import of an empty script", func() error {
			_, err := c.ImportUserScript(ctx, &pb.ImportUserScriptRequest{UserIndex: 1})
			return err
		}, "empty"},
	} {
		if err := tc.call(); status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), tc.want) {
			t.Errorf("%s: got %v, want InvalidArgument containing %q", tc.name, err, tc.want)
		}
	}
	if len(e.wallet.Scripts) != 1 {
		t.Fatalf("a refused import reached the wallet: %v", e.wallet.Scripts)
	}

	e.wallet.SetDown(true)
	if _, err := c.PrepareUserScript(ctx, &pb.PrepareUserScriptRequest{UserIndex: 1, PoolAddress: "SsPool",
		UserPubkeyAddress: "SkUser"}); status.Code(err) != codes.Unavailable {
		t.Fatalf("wallet down: %v", err)
	}
}

var _ Core = (*pool.Pool)(nil)

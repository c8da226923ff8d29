package proctest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/simnet/ctl"
)

// TestForkHelpers runs a real simulator node and drives it through the
// fork helpers: two tips at one height, then a 2-block reorganization.
func TestForkHelpers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the simulator")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "simnet")
	if err := Build(bin, false, "github.com/eacred/dcrstakepool/simnet"); err != nil {
		t.Fatal(err)
	}
	addr := FreeAddr(t)
	miner := AddrAt(t, AccountXpub(t, "1111111111111111111111111111111111111111111111111111111111111111"), 0)
	p := &Proc{Name: "node", Bin: bin, Dir: filepath.Join(dir, "node"),
		Args: []string{"node", "--datadir", filepath.Join(dir, "node"), "--rpclisten", addr, "--rpcuser", "u", "--rpcpass", "p", "--miningaddr", miner}}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	o := ctl.Options{Server: addr, User: "u", Pass: "p", Cert: filepath.Join(dir, "node", "rpc.cert")}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Wait(20*time.Second, 50*time.Millisecond, func() error { _, _, err := BestBlock(ctx, o); return err }); err != nil {
		t.Fatal(err)
	}
	var hashes []string
	if err := Call(ctx, o, "generate", &hashes, 5); err != nil {
		t.Fatal(err)
	}
	parent, err := BlockHash(ctx, o, 4)
	if err != nil {
		t.Fatal(err)
	}
	side, err := GenerateOn(ctx, o, parent, 1)
	if err != nil || len(side) != 1 {
		t.Fatalf("GenerateOn: %v %v", side, err)
	}
	tips, err := ChainTips(ctx, o)
	if err != nil || len(tips) != 2 || tips[0].Hash != hashes[4] || tips[1].Hash != side[0] || tips[1].BranchLen != 1 {
		t.Fatalf("ChainTips after a second block at height 5: %+v %v", tips, err)
	}
	branch, err := Reorganize(ctx, o, 2)
	if err != nil || len(branch) != 3 {
		t.Fatalf("Reorganize: %v %v", branch, err)
	}
	best, height, err := BestBlock(ctx, o)
	if err != nil || best != branch[2] || height != 6 {
		t.Fatalf("best block %s at %d (%v), want %s at 6", best, height, err, branch[2])
	}
	if h4, _ := BlockHash(ctx, o, 4); h4 != branch[0] {
		t.Fatalf("block 4 is %s, want the new branch's %s", h4, branch[0])
	}
}

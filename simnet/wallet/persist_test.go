package wallet_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// TestKill9KeepsAcknowledged kills the wallet process (SIGKILL) right
// after each answer that changed its state: the tickets it bought and the
// addresses it handed out are all there after the restart.
func TestKill9KeepsAcknowledged(t *testing.T) {
	root := t.TempDir()
	miningAddr := addrAt(t, accountXpub(t, userSeed), 0)
	node := startProc(t, "node", filepath.Join(root, "node"),
		append(append([]string{"--miningaddr", miningAddr}, chainArgs...), nodeOnlyArgs...)...)
	user := startProc(t, "wallet", filepath.Join(root, "user"), append([]string{"--rpcconnect", node.addr,
		"--cafile", filepath.Join(node.dir, "rpc.cert"), "--seed", userSeed}, chainArgs...)...)
	generate(t, node, 20, user)
	var bought []string
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		var hashes []string
		user.must("purchaseticket", &hashes, "default", 1, 1, "", 4)
		bought = append(bought, hashes...)
		var addr string
		user.must("getnewaddress", &addr)
		seen[addr] = true
		user.kill()
		user.restart()
		// gettickets asks the node which are live: wait for the wallet's
		// node connection to come back.
		var gt rpcjson.GetTicketsResult
		if err := proctest.Wait(20*time.Second, 50*time.Millisecond, func() error { return user.call("gettickets", &gt, true) }); err != nil {
			t.Fatalf("round %d: gettickets after the restart: %v", i, err)
		}
		for _, h := range bought {
			if !slices.Contains(gt.Hashes, h) {
				t.Fatalf("round %d: ticket %s acknowledged before the kill is gone (have %v)", i, h, gt.Hashes)
			}
		}
		var next string
		user.must("getnewaddress", &next)
		if seen[next] {
			t.Fatalf("round %d: address %s handed out again after the kill", i, next)
		}
		seen[next] = true
		generate(t, node, 1, user)
	}
}

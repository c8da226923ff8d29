package wallet_test

import (
	"path/filepath"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// TestMissedAndExpired lets a stake pool's tickets go unvoted among many
// other tickets: the ones called become missed, the ones never called before
// expiry expire; the voting wallet revokes both after every block and
// stakepooluserinfo reports each kind.
func TestMissedAndExpired(t *testing.T) {
	root := t.TempDir()
	chain := []string{"--ticketmaturity", "4", "--coinbasematurity", "4", "--stakevalidationheight", "24", "--ticketexpiry", "12"}
	miningAddr := addrAt(t, accountXpub(t, userSeed), 0)
	node := startProc(t, "node", filepath.Join(root, "node"),
		append(append([]string{"--miningaddr", miningAddr}, chain...), nodeOnlyArgs...)...)
	walletArgs := func(extra ...string) []string {
		a := []string{"--rpcconnect", node.addr, "--cafile", filepath.Join(node.dir, "rpc.cert")}
		return append(append(a, chain...), extra...)
	}
	cold := accountXpub(t, coldSeed)
	user := startProc(t, "wallet", filepath.Join(root, "user"), walletArgs("--seed", userSeed)...)
	pool := startProc(t, "wallet", filepath.Join(root, "pool"),
		walletArgs("--seed", poolSeed, "--stakepoolcoldextkey="+cold.String()+":10", "--poolfees", "2")...)
	generate(t, node, 30, user, pool)

	var poolAddr, userAddr string
	pool.must("getnewaddress", &poolAddr)
	user.must("getnewaddress", &userAddr)
	var pva, uva rpcjson.ValidateAddressWalletResult
	pool.must("validateaddress", &pva, poolAddr)
	user.must("validateaddress", &uva, userAddr)
	var ms rpcjson.CreateMultisigResult
	pool.must("createmultisig", &ms, 1, []string{pva.PubKeyAddr, uva.PubKeyAddr})
	pool.must("importscript", nil, ms.RedeemScript)

	// 100 solo tickets nobody votes make the live pool large enough for
	// some pool tickets never to be called.
	for i := 0; i < 5; i++ {
		var solo []string
		user.must("purchaseticket", &solo, "default", 1, 1, "", 20)
		generate(t, node, 1, user, pool)
	}
	var hashes []string
	user.must("purchaseticket", &hashes, "default", 1, 1, ms.Address, 20, addrAt(t, cold, 3), 2)
	mined := generate(t, node, 1, user, pool)
	// Through maturity and expiry without any vote, revoking as we go.
	for i := 0; i < 4+12+2; i++ {
		generate(t, node, 1, user, pool)
		pool.must("revoketickets", nil)
	}
	generate(t, node, 1, user, pool)

	got := userInfo(t, pool, ms.Address)
	counts := map[string]int{}
	for _, h := range hashes {
		g := got[h]
		counts[g.Status]++
		if g.Status != "missed" && g.Status != "expired" {
			t.Fatalf("ticket %s: %+v, want missed or expired", h, g)
		}
		if int64(g.TicketHeight) != mined || g.SpentByHeight == 0 || g.SpentBy == rpcjson.ZeroHash {
			t.Fatalf("ticket %s: %+v, want mined at %d and revoked", h, g, mined)
		}
	}
	if counts["expired"] == 0 || counts["missed"] == 0 {
		t.Fatalf("statuses %v: want both missed and expired tickets", counts)
	}
	var si rpcjson.GetStakeInfoResult
	pool.must("getstakeinfo", &si)
	if si.Revoked != 20 || si.Missed+si.Expired != 20 {
		t.Fatalf("getstakeinfo %+v, statuses %v", si, counts)
	}
}

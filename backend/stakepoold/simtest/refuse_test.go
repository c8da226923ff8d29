package simtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRefusesVotingWallet starts stakepoold against a wallet that votes by
// itself: stakepoold must exit with an error saying so instead of voting
// every ticket a second time.
func TestRefusesVotingWallet(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test with simulator processes; run without -short")
	}
	root := t.TempDir()
	miningAddr := addrAt(t, accountXpub(t, userSeed), 0)
	node := startSim(t, "node", filepath.Join(root, "node"), "--miningaddr", miningAddr)
	cold := accountXpub(t, coldSeed)
	wallet := startSim(t, "wallet", filepath.Join(root, "voting"), "--rpcconnect", node.addr,
		"--cafile", filepath.Join(node.dir, "rpc.cert"), "--seed", poolSeed, "--enablevoting",
		"--stakepoolcoldextkey="+cold.String()+":100", "--poolfees", "5")
	dir := filepath.Join(root, "stakepoold")
	sp := startStakepoold(t, dir, "--simnet", "--appdata", dir, "--coldwalletextpub", cold.String(),
		"--ecrdhost", node.addr, "--ecrduser", "user", "--ecrdpassword", "pass", "--ecrdcert", filepath.Join(node.dir, "rpc.cert"),
		"--wallethost", wallet.addr, "--walletuser", "user", "--walletpassword", "pass", "--walletcert", filepath.Join(wallet.dir, "rpc.cert"),
		"--rpclisten", freePort(t), "--feeaddresses", "100")
	select {
	case <-sp.p.Exited():
		if sp.p.ExitErr() == nil {
			t.Fatal("stakepoold exited with status 0")
		}
	case <-time.After(120 * time.Second):
		t.Fatal("stakepoold kept running against a voting wallet")
	}
	out, _ := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	if !strings.Contains(string(out), "refusing to start") || !strings.Contains(string(out), "voting enabled") {
		t.Fatalf("output does not say why:\n%s", out)
	}
}

package wallet_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// TestAutoVotingAndSend runs a solo staker: a wallet started with
// --enablevoting votes its own winning tickets, and coins move between
// wallets with sendtoaddress. A wallet keeps its keys across a restart.
func TestAutoVotingAndSend(t *testing.T) {
	root := t.TempDir()
	// The solo wallet starts before the node exists (no certificate yet)
	// and connects once the node is up.
	nodeDir, nodeAddr := filepath.Join(root, "node"), freeAddr(t)
	args := func(seed string, extra ...string) []string {
		a := []string{"--rpcconnect", nodeAddr, "--cafile", filepath.Join(nodeDir, "rpc.cert"), "--seed", seed}
		return append(append(a, chainArgs...), extra...)
	}
	solo := startProc(t, "wallet", filepath.Join(root, "solo"), args(userSeed, "--enablevoting")...)
	miningAddr := addrAt(t, accountXpub(t, userSeed), 0)
	node := startProcAt(t, "node", nodeDir, nodeAddr,
		append(append([]string{"--miningaddr", miningAddr}, chainArgs...), nodeOnlyArgs...)...)
	other := startProc(t, "wallet", filepath.Join(root, "other"), args(poolSeed)...)

	var info rpcjson.WalletInfoResult
	solo.must("walletinfo", &info)
	if !info.Voting {
		t.Fatal("walletinfo does not report --enablevoting")
	}
	generate(t, node, 30, solo, other)

	// Send coins to the other wallet.
	var dest, txid string
	other.must("getnewaddress", &dest)
	solo.must("sendtoaddress", &txid, dest, 12.5)
	generate(t, node, 1, solo, other)
	var bal rpcjson.GetBalanceResult
	other.must("getbalance", &bal, "default", 1)
	if bal.Balances[0].Spendable != 12.5 {
		t.Fatalf("other wallet balance %+v, want 12.5 spendable", bal.Balances[0])
	}
	var tx rpcjson.GetTransactionResult
	other.must("gettransaction", &tx, txid)
	if tx.Confirmations != 1 || len(tx.Details) != 1 || tx.Details[0].Address != dest || tx.Amount != 12.5 ||
		tx.Details[0].Category != "receive" || tx.Fee != 0 {
		t.Fatalf("receiver's gettransaction %+v", tx)
	}
	var sent rpcjson.GetTransactionResult
	solo.must("gettransaction", &sent, txid)
	if sent.Amount != -12.5 || sent.Fee >= 0 || len(sent.Details) != 1 || sent.Details[0].Category != "send" ||
		sent.Details[0].Address != dest || sent.Details[0].Amount != -12.5 || sent.Details[0].Fee == nil {
		t.Fatalf("sender's gettransaction %+v", sent)
	}

	// addtransaction records a transaction of a block in the history.
	var bh string
	node.must("getbestblockhash", &bh)
	var blk struct {
		Tx []string `json:"tx"`
	}
	node.must("getblock", &blk, bh, true)
	var cbHex string
	node.must("getrawtransaction", &cbHex, blk.Tx[0], 0)
	_ = other.wantCode(-5, "gettransaction", blk.Tx[0]) // not the wallet's (wantCode checks the code itself)
	other.must("addtransaction", nil, bh, cbHex)
	var cb rpcjson.GetTransactionResult
	other.must("gettransaction", &cb, blk.Tx[0])
	if cb.Hex != cbHex || cb.BlockHash != bh {
		t.Fatalf("added transaction: %+v", cb)
	}

	// Solo tickets: voting rights and reward to the wallet itself.
	var tickets []string
	solo.must("purchaseticket", &tickets, "default", 10, 1, "", 6)
	if len(tickets) != 6 {
		t.Fatalf("bought %d tickets", len(tickets))
	}
	generate(t, node, 1, solo, other)
	var si rpcjson.GetStakeInfoResult
	solo.must("getstakeinfo", &si)
	if si.Immature != 6 {
		t.Fatalf("getstakeinfo %+v, want 6 immature", si)
	}

	// The wallet votes by itself once its tickets are called.
	for i := 0; i < 8 && si.Voted == 0; i++ {
		generate(t, node, 1, solo)
		solo.must("getstakeinfo", &si)
	}
	if si.Voted == 0 {
		t.Fatalf("no ticket voted by itself: %+v", si)
	}
	if si.TotalSubsidy <= 0 {
		t.Fatalf("getstakeinfo %+v: votes earned no subsidy", si)
	}

	// The node forgets its mempool when it restarts: the wallet sends its
	// unmined transaction again once it is reconnected.
	var pendingTx string
	solo.must("sendtoaddress", &pendingTx, dest, 1.25)
	node.kill()
	node.restart()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var mempool []string
		node.must("getrawmempool", &mempool)
		if slices.Contains(mempool, pendingTx) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("unmined transaction %s not sent again after the node restarted", pendingTx)
		}
		time.Sleep(100 * time.Millisecond)
	}
	generate(t, node, 1, solo, other)
	other.must("getbalance", &bal, "default", 1)
	if bal.Balances[0].Spendable != 12.5+1.25 {
		t.Fatalf("other wallet balance %+v, want 13.75 spendable", bal.Balances[0])
	}

	// Restarting keeps the address cursor: the next address is new.
	var before, after string
	other.must("getnewaddress", &before)
	other.stop()
	other.restart()
	other.must("getnewaddress", &after)
	if after == before || after == dest {
		t.Fatalf("address reissued after restart: %s", after)
	}
}

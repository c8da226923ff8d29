package rpcclient_test

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// waitWalletHeight polls the wallet's own view of the tip.
func waitWalletHeight(t *testing.T, w *rpcclient.Client, want int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, h, err := w.GetBestBlock(ctxT(t, 10*time.Second))
		if err == nil && h >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("wallet stuck at height %d (want %d): %v", h, want, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startNodeAndWallet runs a node and a wallet synced from it, the node
// mining to the wallet's first address. The wallet starts first (it waits
// for the node's certificate) so its address can be the node's mining
// address, as in the harness.
func startNodeAndWallet(t *testing.T, h rpcclient.NotificationHandlers) (n, w *rpcclient.Client, addr string) {
	t.Helper()
	node := newProc(t, "node")
	wallet := newProc(t, "wallet")
	wallet.run("--seed", strings.Repeat("5a", 32), "--rpcconnect", node.addr, "--cafile", node.cert(),
		"--nodeuser", "u", "--nodepass", "p")
	w = wallet.client(rpcclient.NotificationHandlers{})
	addr, err := w.GetNewAddress(ctxT(t, 10*time.Second), "")
	if err != nil || !strings.HasPrefix(addr, "Ss") {
		t.Fatalf("getnewaddress: %v %q", err, addr)
	}
	node.run("--miningaddr", addr)
	return node.client(h), w, addr
}

// TestSimnetWallet drives `simnet wallet` (synced from `simnet node`)
// through every wallet method the pool uses and decodes each result into
// its typed struct.
func TestSimnetWallet(t *testing.T) {
	n, w, addr := startNodeAndWallet(t, rpcclient.NotificationHandlers{})
	ctx := ctxT(t, 3*time.Minute)
	if _, err := n.Generate(ctx, 20); err != nil {
		t.Fatal(err)
	}
	waitWalletHeight(t, w, 20)

	info, err := w.WalletInfo(ctx)
	if err != nil || !info.DaemonConnected || !info.Unlocked || info.VoteBitsExtended == "" {
		t.Fatalf("walletinfo: %v %+v", err, info)
	}
	ver, err := w.Version(ctx)
	if err != nil || ver["eacrwalletjsonrpcapi"].Major != 6 || ver["ecrdjsonrpcapi"].Major != 6 {
		t.Fatalf("wallet version: %v %+v", err, ver)
	}
	xpub, err := w.GetMasterPubKey(ctx, "default")
	if err != nil || !strings.HasPrefix(xpub, "spub") {
		t.Fatalf("getmasterpubkey: %v %q", err, xpub)
	}
	va, err := w.ValidateAddress(ctx, addr)
	if err != nil || !va.IsValid || !va.IsMine || !strings.HasPrefix(va.PubKeyAddr, "Sk") || len(va.PubKey) != 66 {
		t.Fatalf("validateaddress: %v %+v", err, va)
	}
	if err := w.AccountSyncAddressIndex(ctx, "default", 0, 30); err != nil {
		t.Fatalf("accountsyncaddressindex: %v", err)
	}
	addr2, err := w.GetNewAddressGapPolicy(ctx, "default", rpcjson.GapPolicyIgnore)
	if err != nil {
		t.Fatal(err)
	}
	va2, err := w.ValidateAddress(ctx, addr2)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := w.CreateMultisig(ctx, 1, []string{va.PubKeyAddr, va2.PubKeyAddr})
	if err != nil || !strings.HasPrefix(ms.Address, "Sc") || !strings.HasPrefix(ms.RedeemScript, "5121") {
		t.Fatalf("createmultisig: %v %+v", err, ms)
	}
	script, err := hex.DecodeString(ms.RedeemScript)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.ImportScriptRescanFrom(ctx, script, false, 0); err != nil {
		t.Fatalf("importscript: %v", err)
	}
	if err := w.ImportScript(ctx, script); err != nil { // already imported: still fine
		t.Fatalf("importscript again: %v", err)
	}
	scripts, err := w.ListScripts(ctx)
	if err != nil || len(scripts) != 1 || scripts[0].Address != ms.Address || scripts[0].RedeemScript != ms.RedeemScript {
		t.Fatalf("listscripts: %v %+v", err, scripts)
	}
	vs, err := w.ValidateAddress(ctx, ms.Address)
	if err != nil || !vs.IsScript || vs.SigsRequired != 1 || len(vs.Addresses) != 2 || vs.Script != "multisig" {
		t.Fatalf("validateaddress p2sh: %v %+v", err, vs)
	}
	ui, err := w.StakePoolUserInfo(ctx, ms.Address)
	if err != nil || len(ui.Tickets) != 0 || len(ui.Invalid) != 0 {
		t.Fatalf("stakepooluserinfo: %v %+v", err, ui)
	}
	si, err := w.GetStakeInfo(ctx)
	if err != nil || si.BlockHeight != 20 {
		t.Fatalf("getstakeinfo: %v %+v", err, si)
	}
	bal, err := w.GetBalance(ctx, "*", 1)
	if err != nil || len(bal.Balances) == 0 || bal.CumulativeTotal <= 0 {
		t.Fatalf("getbalance: %v %+v", err, bal)
	}
	if tickets, err := w.GetTickets(ctx, true); err != nil || len(tickets) != 0 {
		t.Fatalf("gettickets: %v %v", err, tickets)
	}
	if addrs, err := w.GetAddressesByAccount(ctx, "default"); err != nil || len(addrs) < 2 {
		t.Fatalf("getaddressesbyaccount: %v %v", err, addrs)
	}

	// Spend matured coinbase: sendtoaddress, then gettransaction.
	txid, err := w.SendToAddress(ctx, addr2, 1.5)
	if err != nil {
		t.Fatalf("sendtoaddress: %v", err)
	}
	gt, err := w.GetTransaction(ctx, txid)
	if err != nil || gt.TxID != txid.String() || gt.Hex == "" {
		t.Fatalf("gettransaction: %v %+v", err, gt)
	}

	// Node methods pass through the wallet.
	if sd, err := w.GetStakeDifficulty(ctx); err != nil || sd.NextStakeDifficulty <= 0 {
		t.Fatalf("getstakedifficulty via wallet: %v %+v", err, sd)
	}
	if _, err := w.GetRawTransactionVerbose(ctx, txid); err != nil {
		t.Fatalf("getrawtransaction via wallet: %v", err)
	}

	// Typed wallet errors.
	errTests := []struct {
		name string
		call func() error
		code rpcjson.ErrorCode
	}{
		{"unknown account", func() error { _, err := w.GetNewAddress(ctx, "nosuchaccount"); return err }, rpcjson.ErrCodeWalletInvalidAccountName},
		{"unknown tx", func() error { _, err := w.GetTransaction(ctx, chainhash.Hash{9}); return err }, rpcjson.ErrCodeNoTxInfo},
		{"bad ticket hex", func() error { return w.AddTicket(ctx, []byte{1, 2, 3}) }, rpcjson.ErrCodeDeserialization},
		{"duplicate via passthrough", func() error {
			raw, err := w.GetRawTransaction(ctx, txid)
			if err != nil {
				return err
			}
			_, err = w.SendRawTransaction(ctx, raw, false)
			return err
		}, rpcjson.ErrCodeDuplicateTx},
	}
	for _, tc := range errTests {
		var rerr *rpcjson.RPCError
		if err := tc.call(); !errors.As(err, &rerr) || rerr.Code != tc.code {
			t.Errorf("%s: got %v, want code %d", tc.name, err, tc.code)
		}
	}
}

type winners struct {
	block   chainhash.Hash
	height  int64
	tickets []chainhash.Hash
}

type spentMissed struct {
	height        int64
	spent, missed []chainhash.Hash
}

// TestSimnetVoting is the pool's voting path through the client: buy
// tickets, receive winningtickets when they are called, generatevote on the
// wallet, sendrawtransaction on the node (a second copy is -40), and see
// them spent in spentandmissedtickets of the next block.
func TestSimnetVoting(t *testing.T) {
	winCh := make(chan winners, 10)
	smCh := make(chan spentMissed, 300)
	newCh := make(chan int, 300)
	n, w, _ := startNodeAndWallet(t, rpcclient.NotificationHandlers{
		OnWinningTickets: func(b chainhash.Hash, h int64, tickets []chainhash.Hash) {
			winCh <- winners{b, h, tickets}
		},
		OnSpentAndMissedTickets: func(_ chainhash.Hash, h, _ int64, spent, missed []chainhash.Hash) {
			smCh <- spentMissed{h, spent, missed}
		},
		OnNewTickets: func(_ chainhash.Hash, _, sd int64, tickets []chainhash.Hash) {
			if sd <= 0 {
				t.Errorf("newtickets stake difficulty %d", sd)
			}
			newCh <- len(tickets)
		},
	})
	ctx := ctxT(t, 4*time.Minute)
	for _, f := range []func(context.Context) error{n.NotifyWinningTickets, n.NotifySpentAndMissedTickets, n.NotifyNewTickets} {
		if err := f(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := n.Generate(ctx, 40); err != nil {
		t.Fatal(err)
	}
	waitWalletHeight(t, w, 40)
	bought, err := w.PurchaseTicket(ctx, "default", 100, rpcjson.PurchaseTicketOptions{NumTickets: 10})
	if err != nil || len(bought) != 10 {
		t.Fatalf("purchaseticket: %v %v", err, bought)
	}
	mine := map[chainhash.Hash]bool{}
	for _, h := range bought {
		mine[h] = true
	}
	// Mine up to the block before stake validation height (144): its
	// winners vote in block 144.
	if _, err := n.Generate(ctx, 143-40); err != nil {
		t.Fatal(err)
	}
	// Notifications are delivered asynchronously: wait for all of them.
	matured := 0
	for matured < 10 {
		select {
		case k := <-newCh:
			matured += k
		case <-time.After(30 * time.Second):
			t.Fatalf("newtickets reported %d matured tickets, want 10", matured)
		}
	}
	waitWalletHeight(t, w, 143)
	var win winners
	select {
	case win = <-winCh:
	case <-time.After(30 * time.Second):
		t.Fatal("no winningtickets notification")
	}
	best, height, err := n.GetBestBlock(ctx)
	if err != nil || win.block != best || win.height != height || height != 143 || len(win.tickets) != 5 {
		t.Fatalf("winningtickets %+v, tip %v %d (%v)", win, best, height, err)
	}
	live, err := n.ExistsLiveTickets(ctx, win.tickets)
	if err != nil {
		t.Fatal(err)
	}
	info, err := w.WalletInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, ticket := range win.tickets {
		if !mine[ticket] || !live[i] {
			t.Fatalf("winner %v: ours %v live %v", ticket, mine[ticket], live[i])
		}
		vote, err := w.GenerateVote(ctx, win.block, win.height, ticket, 1, info.VoteBitsExtended)
		if err != nil {
			t.Fatalf("generatevote: %v", err)
		}
		hash, err := n.SendRawTransaction(ctx, vote, false)
		if err != nil {
			t.Fatalf("sendrawtransaction vote: %v", err)
		}
		if inPool, err := n.ExistsMempoolTxs(ctx, []chainhash.Hash{hash}); err != nil || !inPool[0] {
			t.Fatalf("vote %v not in mempool: %v", hash, err)
		}
		if _, err := n.SendRawTransaction(ctx, vote, false); !rpcjson.IsDuplicateTx(err) {
			t.Fatalf("second copy of the vote: %v", err)
		}
	}
	if _, err := n.Generate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for done := false; !done; {
		select {
		case sm := <-smCh:
			if sm.height < 144 {
				continue // an earlier block's notification still being delivered
			}
			if sm.height != 144 || len(sm.spent) != 5 || len(sm.missed) != 0 {
				t.Fatalf("spentandmissedtickets: %+v", sm)
			}
			for _, h := range sm.spent {
				if !mine[h] {
					t.Fatalf("spent ticket %v is not ours", h)
				}
			}
			done = true
		case <-time.After(30 * time.Second):
			t.Fatal("no spentandmissedtickets notification for block 144")
		}
	}
	hdr, err := n.GetBlockHeaderVerbose(ctx, mustBest(t, n))
	if err != nil || hdr.Voters != 5 || hdr.Height != 144 {
		t.Fatalf("block 144 header: %v %+v", err, hdr)
	}
}

func mustBest(t *testing.T, c *rpcclient.Client) chainhash.Hash {
	t.Helper()
	h, _, err := c.GetBestBlock(ctxT(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

package wallet_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

const (
	userSeed = "1111111111111111111111111111111111111111111111111111111111111111"
	poolSeed = "2222222222222222222222222222222222222222222222222222222222222222"
	coldSeed = "3333333333333333333333333333333333333333333333333333333333333333"
	userID   = 7 // the pool user's id: index of the pool key and fee address
)

// accountXpub and addrAt derive the simulator wallets' keys from a seed.
var (
	accountXpub = proctest.AccountXpub
	addrAt      = proctest.AddrAt
)

// Small chain parameters so the scenario runs in seconds; node and wallets
// get the same overrides.
var chainArgs = []string{"--ticketmaturity", "4", "--coinbasematurity", "4", "--stakevalidationheight", "24",
	"--ticketexpiry", "40"}

var nodeOnlyArgs = []string{"--stakeenabledheight", "8"}

// waitSynced waits until each wallet has processed the node's tip.
func waitSynced(t *testing.T, node *proc, wallets ...*proc) int64 {
	t.Helper()
	var best rpcjson.GetBestBlockResult
	node.must("getbestblock", &best)
	for _, w := range wallets {
		deadline := time.Now().Add(20 * time.Second)
		for {
			var wb rpcjson.GetBestBlockResult
			if err := w.call("getbestblock", &wb); err == nil && wb.Hash == best.Hash {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("wallet %s did not sync to height %d (at %d)", w.dir, best.Height, wb.Height)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return best.Height
}

func generate(t *testing.T, node *proc, n int, wallets ...*proc) int64 {
	t.Helper()
	var hashes []string
	node.must("generate", &hashes, n)
	return waitSynced(t, node, wallets...)
}

func userInfo(t *testing.T, w *proc, addr string) map[string]rpcjson.PoolUserTicket {
	t.Helper()
	var info rpcjson.StakePoolUserInfoResult
	w.must("stakepooluserinfo", &info, addr)
	m := make(map[string]rpcjson.PoolUserTicket)
	for _, tk := range info.Tickets {
		m[tk.Ticket] = tk
	}
	for _, h := range info.Invalid {
		m[h] = rpcjson.PoolUserTicket{Status: "invalid", Ticket: h}
	}
	return m
}

// winners collects winningtickets notifications from the node.
type winners struct {
	ch chan rpcjson.WinningTicketsNtfn
}

func watchWinners(t *testing.T, node *proc) *winners {
	t.Helper()
	w := &winners{ch: make(chan rpcjson.WinningTicketsNtfn, 64)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rpcclient.Dial(ctx, rpcclient.Config{Host: node.addr, User: "user", Pass: "pass",
		CertFile: filepath.Join(node.dir, "rpc.cert"),
		Handlers: rpcclient.NotificationHandlers{OnWinningTickets: func(b chainhash.Hash, h int64, ts []chainhash.Hash) {
			n := rpcjson.WinningTicketsNtfn{BlockHash: b.String(), BlockHeight: h}
			for _, x := range ts {
				n.Tickets = append(n.Tickets, x.String())
			}
			w.ch <- n
		}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := c.NotifyWinningTickets(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *winners) next(t *testing.T, height int64) rpcjson.WinningTicketsNtfn {
	t.Helper()
	for {
		select {
		case n := <-w.ch:
			if n.BlockHeight == height {
				return n
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no winningtickets for height %d", height)
		}
	}
}

func TestStakePoolScenario(t *testing.T) {
	root := t.TempDir()
	walletArgs := func(node *proc, extra ...string) []string {
		a := []string{"--rpcconnect", node.addr, "--cafile", filepath.Join(node.dir, "rpc.cert")}
		return append(append(a, chainArgs...), extra...)
	}
	// The node mines to the user wallet's first address, which is known
	// from the seed alone.
	miningAddr := addrAt(t, accountXpub(t, userSeed), 0)
	node := startProc(t, "node", filepath.Join(root, "node"), append(append([]string{"--miningaddr", miningAddr}, chainArgs...), nodeOnlyArgs...)...)
	user := startProc(t, "wallet", filepath.Join(root, "user"), append(walletArgs(node), "--seed", userSeed)...)
	var first string
	user.must("getnewaddress", &first)
	if first != miningAddr {
		t.Fatalf("first address %s, want %s", first, miningAddr)
	}

	coldXpub := accountXpub(t, coldSeed)
	feeAddr := addrAt(t, coldXpub, userID)
	poolArgs := walletArgs(node, "--seed", poolSeed, "--stakepoolcoldextkey="+coldXpub.String()+":100", "--poolfees", "7.5")
	v1 := startProc(t, "wallet", filepath.Join(root, "voting1"), poolArgs...)
	v2 := startProc(t, "wallet", filepath.Join(root, "voting2"), poolArgs...)
	wallets := []*proc{user, v1, v2}

	generate(t, node, 30, wallets...)

	var info rpcjson.WalletInfoResult
	v1.must("walletinfo", &info)
	if info.Voting || !info.Unlocked || !info.DaemonConnected {
		t.Fatalf("voting wallet info %+v: want voting off, unlocked, connected", info)
	}

	// Address creation, as the pool does it on every voting wallet.
	var xpub string
	v1.must("getmasterpubkey", &xpub)
	if want := accountXpub(t, poolSeed).String(); xpub != want {
		t.Fatalf("getmasterpubkey %s, want %s", xpub, want)
	}
	poolKeyAddr := addrAt(t, accountXpub(t, poolSeed), userID)
	var scripts [2]rpcjson.CreateMultisigResult
	var userVA rpcjson.ValidateAddressWalletResult
	var userAddr string
	user.must("getnewaddress", &userAddr)
	user.must("validateaddress", &userVA, userAddr)
	for i, v := range []*proc{v1, v2} {
		v.must("accountsyncaddressindex", nil, "default", 0, userID)
		var va rpcjson.ValidateAddressWalletResult
		v.must("validateaddress", &va, poolKeyAddr)
		if !va.IsMine || va.PubKeyAddr == "" {
			t.Fatalf("pool key address %s not mine after accountsyncaddressindex: %+v", poolKeyAddr, va)
		}
		v.must("createmultisig", &scripts[i], 1, []string{va.PubKeyAddr, userVA.PubKeyAddr})
		v.must("importscript", nil, scripts[i].RedeemScript, false, 0)
		v.must("importscript", nil, scripts[i].RedeemScript, false) // idempotent
	}
	if scripts[0] != scripts[1] {
		t.Fatalf("wallets with one seed built different scripts: %+v", scripts)
	}
	ticketAddr := scripts[0].Address

	// The user buys 8 pool tickets with the right fee and one with too low a fee.
	var good, low []string
	user.must("purchaseticket", &good, "default", 10, 1, ticketAddr, 8, feeAddr, 7.5)
	user.must("purchaseticket", &low, "default", 10, 1, ticketAddr, 1, feeAddr, 1.0)
	if len(good) != 8 || len(low) != 1 {
		t.Fatalf("purchaseticket returned %d and %d hashes", len(good), len(low))
	}
	mined := generate(t, node, 1, wallets...)
	for _, v := range []*proc{v1, v2} {
		got := userInfo(t, v, ticketAddr)
		for _, h := range good {
			if got[h].Status != "immature" || int64(got[h].TicketHeight) != mined || got[h].SpentBy != rpcjson.ZeroHash {
				t.Fatalf("ticket %s: %+v, want immature at %d", h, got[h], mined)
			}
		}
		if got[low[0]].Status != "invalid" {
			t.Fatalf("low-fee ticket: %+v, want invalid", got[low[0]])
		}
	}
	for _, w := range []*proc{user, v1} { // the voting wallet lists the invalid one too
		var tickets rpcjson.GetTicketsResult
		w.must("gettickets", &tickets, true)
		if len(tickets.Hashes) != 9 || !slices.Contains(tickets.Hashes, low[0]) {
			t.Fatalf("%s gettickets: %v, want 9 including %s", w.dir, tickets.Hashes, low[0])
		}
	}

	// Until an operator adds it, the low-fee ticket cannot be voted.
	var tipHash string
	node.must("getbestblockhash", &tipHash)
	_ = v1.wantCode(-4, "generatevote", tipHash, mined, low[0], 1, "0c000000") // wantCode checks the code itself
	var lowHex string
	v1.must("getrawtransaction", &lowHex, low[0], 0) // passed through to the node
	for _, v := range []*proc{v1, v2} {
		v.must("addticket", nil, lowHex)
		if got := userInfo(t, v, ticketAddr)[low[0]]; got.Status != "live" || got.TicketHeight != 0 {
			t.Fatalf("added ticket: %+v, want valid with height 0", got)
		}
	}
	var lowVote rpcjson.GenerateVoteResult
	v1.must("generatevote", &lowVote, tipHash, mined, low[0], 1, "0c000000") // now signable

	win := watchWinners(t, node)
	tip := generate(t, node, 4, wallets...) // the tickets join the live pool
	ntfn := win.next(t, tip)
	all := append(append([]string{}, good...), low...)
	var ours []string
	for _, h := range ntfn.Tickets {
		if slices.Contains(all, h) {
			ours = append(ours, h)
		}
	}
	if len(ours) == 0 {
		t.Fatalf("no pool ticket among the winners %v", ntfn.Tickets)
	}
	voted := ours[0]
	for _, h := range ours {
		if h == low[0] {
			voted = h // prefer the added low-fee ticket
		}
	}
	var ext = info.VoteBitsExtended
	const voteBits = 0x0005
	var vote rpcjson.GenerateVoteResult
	v1.must("generatevote", &vote, ntfn.BlockHash, ntfn.BlockHeight, voted, voteBits, ext)
	var voteHash string
	node.must("sendrawtransaction", &voteHash, vote.Hex)
	var vote2 rpcjson.GenerateVoteResult
	v2.must("generatevote", &vote2, ntfn.BlockHash, ntfn.BlockHeight, voted, voteBits, ext)
	if re := node.wantCode(-40, "sendrawtransaction", vote2.Hex); !strings.Contains(re.Message, "already have transaction") {
		t.Fatalf("duplicate vote message %q", re.Message)
	}
	tip = generate(t, node, 1, wallets...)
	got := userInfo(t, v1, ticketAddr)
	if g := got[voted]; g.Status != "voted" || g.SpentBy != voteHash || int64(g.SpentByHeight) != tip {
		t.Fatalf("voted ticket %s: %+v, want voted by %s at %d", voted, g, voteHash, tip)
	}
	checkVotePayouts(t, node, voted, voteHash, voteBits, feeAddr)

	// The other pool winners did not vote: they are missed, and revoked by
	// the very block that missed them (DCP0009, the node's default), so
	// revoketickets has nothing left to do.
	var missed []string
	for _, h := range ours {
		if h != voted {
			missed = append(missed, h)
		}
	}
	missedAt := tip
	v1.must("revoketickets", nil)
	generate(t, node, 1, wallets...)
	got = userInfo(t, v1, ticketAddr)
	for _, h := range missed {
		if g := got[h]; g.Status != "missed" || g.SpentBy == rpcjson.ZeroHash || int64(g.SpentByHeight) != missedAt {
			t.Fatalf("missed ticket %s: %+v, want revoked at %d", h, g, missedAt)
		}
	}
	var si rpcjson.GetStakeInfoResult
	user.must("getstakeinfo", &si)
	if si.Voted != 1 || si.Missed < uint32(len(missed)) || si.Revoked != si.Missed || si.UnspentExpired != 0 {
		t.Fatalf("user getstakeinfo %+v: want 1 voted and every missed ticket (at least %d) revoked", si, len(missed))
	}
	var bal rpcjson.GetBalanceResult
	user.must("getbalance", &bal)
	if bal.TotalImmatureStakeGeneration <= 0 {
		t.Fatalf("user balance %+v: want the vote's immature payout", bal)
	}

	// A voting wallet set up late finds the user's tickets by rescanning
	// when the script is imported.
	v3 := startProc(t, "wallet", filepath.Join(root, "voting3"), poolArgs...)
	waitSynced(t, node, v3)
	v3.must("accountsyncaddressindex", nil, "default", 0, userID)
	v3.must("importscript", nil, scripts[0].RedeemScript, true, 0)
	want := userInfo(t, v1, ticketAddr)
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := userInfo(t, v3, ticketAddr)
		same := true
		for _, h := range good {
			same = same && got[h] == want[h]
		}
		if same && got[low[0]].Status == "invalid" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after rescan: %+v, want %+v", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
	wallets = append(wallets, v3)

	// A killed voting wallet restarts with its state and catches up; so
	// does everything after a node restart.
	before := userInfo(t, v2, ticketAddr)
	v2.kill()
	generate(t, node, 2, user, v1)
	v2.restart()
	waitSynced(t, node, v2)
	if after := userInfo(t, v2, ticketAddr); len(after) != len(before) || after[voted] != before[voted] {
		t.Fatalf("after restart: %+v, before %+v", after, before)
	}
	node.kill()
	node.restart()
	generate(t, node, 1, wallets...)
	for _, w := range wallets {
		w.stop()
	}
}

// checkVotePayouts checks the mined vote pays both commitments of the
// ticket in proportion to their amounts and carries the vote bits.
func checkVotePayouts(t *testing.T, node *proc, ticket, voteHash string, bits uint16, feeAddr string) {
	t.Helper()
	var ticketHex, voteHex string
	node.must("getrawtransaction", &ticketHex, ticket, 0)
	node.must("getrawtransaction", &voteHex, voteHash, 0)
	tk, err := wire.NewTxFromHex(ticketHex)
	if err != nil {
		t.Fatal(err)
	}
	vote, err := wire.NewTxFromHex(voteHex)
	if err != nil {
		t.Fatal(err)
	}
	gotBits, _, err := txscript.ParseVoteBitsScript(vote.TxOut[1].PkScript)
	if err != nil || gotBits != bits {
		t.Fatalf("vote bits %#x (%v), want %#x", gotBits, err, bits)
	}
	var cs []txscript.Commitment
	for i := 1; i < len(tk.TxOut); i += 2 {
		c, err := txscript.ParseCommitmentScript(tk.TxOut[i].PkScript)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	if len(cs) != 2 || len(vote.TxOut) != 4 {
		t.Fatalf("ticket has %d commitments, vote %d outputs", len(cs), len(vote.TxOut))
	}
	total := vote.TxOut[2].Value + vote.TxOut[3].Value
	for i, c := range cs {
		p, err := txscript.ParsePayScript(vote.TxOut[2+i].PkScript)
		if err != nil || p.Hash != c.Hash {
			t.Fatalf("vote output %d does not pay commitment %d", 2+i, i)
		}
		// Proportional within the rounding of the 64.32 fixed point rule.
		want := float64(c.Amount) / float64(cs[0].Amount+cs[1].Amount) * float64(total)
		if d := float64(vote.TxOut[2+i].Value) - want; d > 2 || d < -2 {
			t.Fatalf("payout %d = %d, want about %.0f", i, vote.TxOut[2+i].Value, want)
		}
	}
	fee, _ := txscript.ParsePayScript(vote.TxOut[2].PkScript)
	a, err := address.Decode(feeAddr, chaincfg.SimNetParams())
	if err != nil {
		t.Fatal(err)
	}
	if fee.Hash != *a.(address.HashAddress).Hash160() {
		t.Fatalf("first payout does not go to the pool fee address %s", feeAddr)
	}
}

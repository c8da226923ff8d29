package wallet_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// votingChain is a node, a voting user wallet (its own P2PKH tickets) and
// a voting stake-pool wallet (the user's pool tickets), every winner voted
// by one of them.
type votingChain struct {
	t          *testing.T
	root       string
	node       *proc
	user, pool *proc
	msAddr     string
	redeem     string
	walletArgs func(extra ...string) []string
	poolArgs   []string
}

func newVotingChain(t *testing.T) *votingChain {
	root := t.TempDir()
	c := &votingChain{t: t, root: root}
	miningAddr := addrAt(t, accountXpub(t, userSeed), 0)
	c.node = startProc(t, "node", filepath.Join(root, "node"),
		append(append([]string{"--miningaddr", miningAddr}, chainArgs...), nodeOnlyArgs...)...)
	c.walletArgs = func(extra ...string) []string {
		a := []string{"--rpcconnect", c.node.addr, "--cafile", filepath.Join(c.node.dir, "rpc.cert")}
		return append(append(a, chainArgs...), extra...)
	}
	cold := accountXpub(t, coldSeed)
	c.poolArgs = []string{"--seed", poolSeed, "--stakepoolcoldextkey=" + cold.String() + ":10", "--poolfees", "2", "--enablevoting"}
	c.user = startProc(t, "wallet", filepath.Join(root, "user"), c.walletArgs("--seed", userSeed, "--enablevoting")...)
	c.pool = startProc(t, "wallet", filepath.Join(root, "pool"), c.walletArgs(c.poolArgs...)...)
	generate(t, c.node, 22, c.user, c.pool) // pool fees need the vote subsidy (height >= 23)

	var poolAddr, userAddr string
	c.pool.must("getnewaddress", &poolAddr)
	c.user.must("getnewaddress", &userAddr)
	var pva, uva rpcjson.ValidateAddressWalletResult
	c.pool.must("validateaddress", &pva, poolAddr)
	c.user.must("validateaddress", &uva, userAddr)
	var ms rpcjson.CreateMultisigResult
	c.pool.must("createmultisig", &ms, 1, []string{pva.PubKeyAddr, uva.PubKeyAddr})
	c.pool.must("importscript", nil, ms.RedeemScript)
	c.msAddr, c.redeem = ms.Address, ms.RedeemScript
	// 80 tickets (20 a block): enough winners for every block of the test.
	var hashes []string
	c.user.must("purchaseticket", &hashes, "default", 1, 1, "", 20)
	generate(t, c.node, 1, c.user, c.pool)
	c.user.must("purchaseticket", &hashes, "default", 1, 1, ms.Address, 20, addrAt(t, cold, 3), 2)
	generate(t, c.node, 1, c.user, c.pool)
	c.user.must("purchaseticket", &hashes, "default", 1, 1, "", 20)
	generate(t, c.node, 1, c.user, c.pool)
	c.user.must("purchaseticket", &hashes, "default", 1, 1, ms.Address, 20, addrAt(t, cold, 3), 2)
	generate(t, c.node, 1, c.user, c.pool)
	return c
}

// voteBlock mines a block after waiting for the votes on the tip.
func (c *votingChain) voteBlock() {
	c.t.Helper()
	c.waitVotes()
	generate(c.t, c.node, 1, c.user, c.pool)
}

// waitVotes waits until the tip's 5 winners have voted.
func (c *votingChain) waitVotes() {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var votes []string
		c.node.must("getrawmempool", &votes, false, "votes")
		if len(votes) == 5 {
			break
		}
		if time.Now().After(deadline) {
			var live rpcjson.TicketsResult
			c.node.must("livetickets", &live)
			var best rpcjson.GetBestBlockResult
			c.node.must("getbestblock", &best)
			c.t.Fatalf("only %d votes on the tip %d (%d live tickets)\nuser:\n%s\npool:\n%s", len(votes), best.Height, len(live.Tickets), c.user.p.Tail(3000), c.pool.p.Tail(3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// votedTickets lists the tickets voted in the best-chain blocks
// from height from to the tip.
func (c *votingChain) votedTickets(from int64) []string {
	c.t.Helper()
	var best rpcjson.GetBestBlockResult
	c.node.must("getbestblock", &best)
	var out []string
	for h := from; h <= best.Height; h++ {
		var hash, raw string
		c.node.must("getblockhash", &hash, h)
		c.node.must("getblock", &raw, hash, false)
		blk, err := wire.NewBlockFromHex(raw)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, tx := range blk.STransactions {
			if v, err := stake.ParseVote(tx); err == nil {
				out = append(out, v.TicketHash.String())
			}
		}
	}
	return out
}

// walletView is what a wallet reports about its money and tickets.
type walletView struct {
	Balance rpcjson.GetBalanceResult
	Stake   rpcjson.GetStakeInfoResult
	Tickets []string
	Pool    []rpcjson.PoolUserTicket
}

func (c *votingChain) view(w *proc) walletView {
	c.t.Helper()
	var v walletView
	w.must("getbalance", &v.Balance)
	w.must("getstakeinfo", &v.Stake)
	var gt rpcjson.GetTicketsResult
	w.must("gettickets", &gt, true)
	v.Tickets = gt.Hashes
	slices.Sort(v.Tickets)
	var info rpcjson.StakePoolUserInfoResult
	if err := w.call("stakepooluserinfo", &info, c.msAddr); err == nil {
		v.Pool = info.Tickets
		slices.SortFunc(v.Pool, func(a, b rpcjson.PoolUserTicket) int {
			if a.Ticket < b.Ticket {
				return -1
			}
			return 1
		})
	}
	return v
}

func asJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

// TestWalletsFollowReorganization: a 3-block reorganization orphans blocks
// holding both wallets' votes; afterwards each wallet reports exactly what
// a wallet with the same seed that only ever saw the new chain reports
// (balance, stake info, unspent tickets, pool ticket states), tickets that
// voted in orphaned blocks are live again and vote again when called, and
// the same holds after both wallets are killed and restarted.
func TestWalletsFollowReorganization(t *testing.T) {
	c := newVotingChain(t)
	// Through maturity to stake validation, then blocks with votes.
	for i := 0; i < 4; i++ {
		generate(t, c.node, 1, c.user, c.pool)
	}
	for i := 0; i < 4; i++ {
		c.voteBlock()
	}
	tip := waitSynced(t, c.node, c.user, c.pool)
	orphanedVotes := c.votedTickets(tip - 1) // the blocks 3 deep hold votes too

	var branch []string
	c.node.must("reorganize", &branch, 3)
	waitSynced(t, c.node, c.user, c.pool)
	// Tickets whose votes were orphaned and that the new branch did not
	// call are live on the node, and so in both wallets.
	liveAgain := 0
	for _, th := range orphanedVotes {
		var live bool
		c.node.must("existsliveticket", &live, th)
		if !live {
			continue
		}
		liveAgain++
		userTickets, pool := c.view(c.user).Tickets, c.view(c.pool)
		inPool := false
		for _, pt := range pool.Pool {
			if pt.Ticket == th {
				inPool = true
				if pt.Status != "live" || pt.SpentBy != rpcjson.ZeroHash || pt.SpentByHeight != 0 {
					t.Fatalf("pool ticket %s voted in an orphaned block: %+v, want live", th, pt)
				}
			}
		}
		if !inPool && !slices.Contains(userTickets, th) {
			t.Fatalf("ticket %s voted in an orphaned block is live but not among the user's unspent tickets", th)
		}
	}
	if liveAgain == 0 {
		t.Fatalf("none of the %d orphaned votes' tickets is live again", len(orphanedVotes))
	}
	c.checkAutoRevocations(tip - 2)
	// Mine on with votes so every returned transaction is mined again,
	// then stop the wallets voting (locked) for a still comparison.
	for i := 0; i < 3; i++ {
		c.voteBlock()
	}
	c.waitVotes()
	c.user.must("walletlock", nil)
	c.pool.must("walletlock", nil)
	generate(t, c.node, 1, c.user, c.pool)
	// Fresh wallets from the same seeds, synced only to the final chain.
	// (A wide gap limit: a fresh wallet finds the many addresses the
	// first handed out.)
	freshUser := startProc(t, "wallet", filepath.Join(c.root, "fresh-user"), c.walletArgs("--seed", userSeed, "--gaplimit", "1000")...)
	freshPool := startProc(t, "wallet", filepath.Join(c.root, "fresh-pool"), c.walletArgs(append(c.poolArgs[:5:5], "--gaplimit", "1000")...)...)
	waitSynced(t, c.node, freshUser, freshPool)
	freshPool.must("importscript", nil, c.redeem, true, 0)
	deadline := time.Now().Add(15 * time.Second)
	for len(c.view(freshPool).Pool) != len(c.view(c.pool).Pool) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	compare := func(stage string) {
		t.Helper()
		waitSynced(t, c.node, c.user, c.pool, freshUser, freshPool)
		for _, w := range []*proc{c.user, c.pool, freshUser, freshPool} {
			// gettickets asks the node: wait for each wallet's node connection.
			var gt rpcjson.GetTicketsResult
			if err := proctest.Wait(20*time.Second, 50*time.Millisecond, func() error { return w.call("gettickets", &gt, true) }); err != nil {
				t.Fatalf("%s: gettickets: %v", w.dir, err)
			}
		}
		for _, pair := range [][2]*proc{{c.user, freshUser}, {c.pool, freshPool}} {
			got, want := c.view(pair[0]), c.view(pair[1])
			// Only the reorganized wallet cast votes for orphaned blocks;
			// those votes' fees and ids are gone, nothing else differs.
			if asJSON(got) != asJSON(want) {
				t.Fatalf("%s: wallet %s after the reorganization:\n%s\nwant (fresh wallet, same seed):\n%s",
					stage, pair[0].dir, asJSON(got), asJSON(want))
			}
		}
	}
	compare("after the reorganization")

	// Kill -9 both wallets: they come back with the same state.
	c.user.kill()
	c.pool.kill()
	c.user.restart()
	c.pool.restart()
	compare("after kill -9 and restart")
}

// checkAutoRevocations checks every revocation in the best-chain blocks
// from height from against DCP0009's rule, worked out here from the
// ticket's commitments: version 2, empty signature script, no fee (the
// payouts add up to the ticket price), payout k = floor(c_k * price /
// sum(c)) plus at most one of the left-over atoms. It wants at least one
// revocation of a two-commitment (pool) ticket with atoms left over.
func (c *votingChain) checkAutoRevocations(from int64) {
	c.t.Helper()
	var best rpcjson.GetBestBlockResult
	c.node.must("getbestblock", &best)
	withRemainder := 0
	for h := from; h <= best.Height; h++ {
		var hash, raw string
		c.node.must("getblockhash", &hash, h)
		c.node.must("getblock", &raw, hash, false)
		blk, err := wire.NewBlockFromHex(raw)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, tx := range blk.STransactions {
			r, err := stake.ParseRevocation(tx)
			if err != nil {
				continue
			}
			var ticketHex string
			c.node.must("getrawtransaction", &ticketHex, r.TicketHash.String(), 0)
			ttx, err := wire.NewTxFromHex(ticketHex)
			if err != nil {
				c.t.Fatal(err)
			}
			price := ttx.TxOut[0].Value
			var amounts []int64
			var sum int64
			for k := 1; k < len(ttx.TxOut); k += 2 {
				s := ttx.TxOut[k].PkScript // OP_RETURN push of hash160 || amount(8, top bit = P2SH)
				a := int64(binaryLE(s[22:30]) &^ (1 << 63))
				amounts = append(amounts, a)
				sum += a
			}
			if tx.Version != 2 || len(tx.TxIn[0].SignatureScript) != 0 || len(tx.TxOut) != len(amounts) {
				c.t.Fatalf("revocation %s: version %d, sigscript %x, %d outputs for %d commitments", r.Hash, tx.Version,
					tx.TxIn[0].SignatureScript, len(tx.TxOut), len(amounts))
			}
			var paid, floors int64
			for k, out := range tx.TxOut {
				floor := amounts[k] * price / sum
				floors += floor
				if out.Value != floor && out.Value != floor+1 {
					c.t.Fatalf("revocation %s payout %d = %d, want %d or %d", r.Hash, k, out.Value, floor, floor+1)
				}
				paid += out.Value
			}
			if paid != price {
				c.t.Fatalf("revocation %s pays %d of the ticket price %d (no fee allowed)", r.Hash, paid, price)
			}
			if len(amounts) == 2 && floors < price {
				withRemainder++
			}
		}
	}
	if withRemainder == 0 {
		c.t.Fatal("no automatic revocation of a pool ticket with atoms left over to check")
	}
}

func binaryLE(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

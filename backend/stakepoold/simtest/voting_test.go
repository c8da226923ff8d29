package simtest

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/proctest"
)

const (
	userSeed = "4444444444444444444444444444444444444444444444444444444444444444"
	poolSeed = "5555555555555555555555555555555555555555555555555555555555555555"
	coldSeed = "6666666666666666666666666666666666666666666666666666666666666666"
)

// accountXpub and addrAt derive the simulator wallets' keys from a seed.
var (
	accountXpub = proctest.AccountXpub
	addrAt      = proctest.AddrAt
)

// Smaller maturities than simnet's, the same for node and wallets. The
// stake validation height and the ticket pool size stay simnet's: the pool
// fee formula depends on them and stakepoold uses the network's parameters.
var chainArgs = []string{"--ticketmaturity", "4", "--coinbasematurity", "4", "--ticketexpiry", "80"}

// world is the running simulator plus stakepoold.
type world struct {
	t      *testing.T
	node   *proc
	user   *proc
	voting *proc
	sp     *proc
	spArgs []string
	spDir  string
	spAddr string
	c      pb.StakepooldClient
	// A second back end (wallet with the same seed + stakepoold) runs in
	// the first phase: both vote every ticket, one vote wins.
	voting2 *proc
	sp2     *proc
	c2      pb.StakepooldClient
	metrics [2]string
	wins    chan rpcjson.WinningTicketsNtfn
	watch   *rpcclient.Client // the test's own winningtickets subscription
	// tickets: hash -> owner user id; low marks low-fee tickets.
	owner map[string]int64
	low   map[string]bool
	added map[string]bool
	bits  map[int64]uint16
	done  map[string]bool // tickets that have been winners

	root string
	cold *hdkeychain.ExtendedKey // cold wallet account
	// frozen and frozen2 are wallets that are down or stopped on
	// purpose: waitSynced does not ask them.
	frozen, frozen2 *proc
	lastTip         int64    // the block the last step mined
	forked          []string // blocks mined with generateon (checkChain checks them)
	// requireWinners makes every step fail when its block has no pool
	// winner to vote (a scenario that ran out of tickets checks nothing).
	requireWinners bool
	seen           map[string]rpcjson.WinningTicketsNtfn // by block hash
	ms             map[int64]*pb.CreateMultisigResponse
	prefs          []*pb.UserVotingPrefs
	sp2Dir         string
	sp2Addr        string
	sp2Args        []string
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func (w *world) waitSynced() int64 {
	t := w.t
	t.Helper()
	var best rpcjson.GetBestBlockResult
	w.node.must("getbestblock", &best)
	for _, p := range []*proc{w.user, w.voting, w.voting2} {
		if p == nil || p == w.frozen || p == w.frozen2 {
			continue
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			var wb rpcjson.GetBestBlockResult
			if err := p.call("getbestblock", &wb); err == nil && wb.Hash == best.Hash {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("wallet %s did not sync to %d", p.dir, best.Height)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return best.Height
}

func (w *world) generate(n int) int64 {
	w.t.Helper()
	var hashes []string
	w.node.must("generate", &hashes, n)
	return w.waitSynced()
}

// waitReady waits until stakepoold reports itself ready at the node's tip.
func (w *world) waitReady() *pb.HealthResponse {
	t := w.t
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last *pb.HealthResponse
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case <-w.sp.p.Exited():
			t.Fatalf("stakepoold exited (%v) before it was ready:\n%s", w.sp.p.ExitErr(), w.sp.p.Tail(4000))
		default:
		}
		h, err := w.c.Health(ctx(t), &pb.HealthRequest{})
		if err == nil && h.Ready {
			return h
		}
		last, lastErr = h, err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("stakepoold not ready: %v (last error: %v); its output:\n%s", last, lastErr, w.sp.p.Tail(4000))
	return nil
}

func (w *world) startStakepoold() {
	w.sp = startStakepoold(w.t, w.spDir, w.spArgs...)
	w.c = dialStakepoold(w.t, filepath.Join(w.spDir, "rpc.cert"), w.spAddr)
	w.waitReady()
}

func (w *world) watchWinners() {
	t := w.t
	w.wins = make(chan rpcjson.WinningTicketsNtfn, 256)
	c, err := rpcclient.Dial(ctx(t), rpcclient.Config{Host: w.node.addr, User: "user", Pass: "pass",
		CertFile: filepath.Join(w.node.dir, "rpc.cert"),
		Handlers: rpcclient.NotificationHandlers{OnWinningTickets: func(b chainhash.Hash, h int64, ts []chainhash.Hash) {
			n := rpcjson.WinningTicketsNtfn{BlockHash: b.String(), BlockHeight: h}
			for _, x := range ts {
				n.Tickets = append(n.Tickets, x.String())
			}
			w.wins <- n
		}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w.watch = c
	if err := c.NotifyWinningTickets(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

func (w *world) winners(height int64) rpcjson.WinningTicketsNtfn {
	w.t.Helper()
	for {
		select {
		case n := <-w.wins:
			w.note(n)
			if n.BlockHeight == height {
				return n
			}
		case <-time.After(15 * time.Second):
			w.t.Fatalf("no winningtickets for height %d", height)
		}
	}
}

// winnersOf returns the winningtickets notification of one block (several
// blocks can be announced at one height).
func (w *world) winnersOf(hash string) rpcjson.WinningTicketsNtfn {
	w.t.Helper()
	for {
		if n, ok := w.seen[hash]; ok {
			return n
		}
		select {
		case n := <-w.wins:
			w.note(n)
		case <-time.After(15 * time.Second):
			w.t.Fatalf("no winningtickets for block %s", hash)
		}
	}
}

func (w *world) note(n rpcjson.WinningTicketsNtfn) {
	if w.seen == nil {
		w.seen = map[string]rpcjson.WinningTicketsNtfn{}
	}
	w.seen[n.BlockHash] = n
}

// mempoolVotes returns ticket -> vote bits of the mempool votes on block.
func (w *world) mempoolVotes(block string) map[string]uint16 {
	t := w.t
	var hashes []string
	w.node.must("getrawmempool", &hashes, false, "votes")
	out := map[string]uint16{}
	for _, h := range hashes {
		var txHex string
		if err := w.node.call("getrawtransaction", &txHex, h, 0); err != nil {
			continue // mined meanwhile
		}
		tx, err := wire.NewTxFromHex(txHex)
		if err != nil {
			t.Fatalf("vote %s: %v", h, err)
		}
		v, err := stake.ParseVote(tx)
		if err != nil {
			t.Fatalf("vote %s: %v", h, err)
		}
		if v.BlockHash.String() == block {
			out[v.TicketHash.String()] = v.VoteBits
		}
	}
	return out
}

// step mines one block and checks stakepoold's votes on its winners: every
// votable pool winner is voted with its owner's bits, and a low-fee winner
// that is not added is not voted. It returns the pool winners.
func (w *world) step() (voted, skipped []string) {
	w.t.Helper()
	return w.stepWith(func(ticket string, bits uint16) bool { return bits == w.bits[w.owner[ticket]] })
}

// stepWith is step with the vote bits judged by ok.
func (w *world) stepWith(ok func(ticket string, bits uint16) bool) (voted, skipped []string) {
	t := w.t
	t.Helper()
	tip := w.generate(1)
	w.lastTip = tip
	n := w.winners(tip)
	want, not := w.poolWinners(n)
	if w.requireWinners && len(want)+len(not) == 0 {
		t.Fatalf("block %d has no pool ticket among its winners (the scenario ran out of tickets)", tip)
	}
	got := w.waitVoted(n, want, 15*time.Second)
	for _, h := range want {
		if !ok(h, got[h]) {
			t.Fatalf("ticket %s of user %d voted with bits %#04x, want %#04x", h, w.owner[h], got[h], w.bits[w.owner[h]])
		}
	}
	if len(not) > 0 {
		time.Sleep(500 * time.Millisecond)
		got = w.mempoolVotes(n.BlockHash)
		for _, h := range not {
			if _, ok := got[h]; ok {
				t.Fatalf("low-fee ticket %s voted without being added", h)
			}
		}
	}
	return want, not
}

// poolWinners splits a block's winners into the pool tickets that must be
// voted and the low-fee ones that must not; it marks them as done.
func (w *world) poolWinners(n rpcjson.WinningTicketsNtfn) (want, not []string) {
	for _, h := range n.Tickets {
		if _, ok := w.owner[h]; !ok {
			continue
		}
		w.done[h] = true
		if w.low[h] && !w.added[h] {
			not = append(not, h)
		} else {
			want = append(want, h)
		}
	}
	return want, not
}

// waitVoted waits until the node's mempool holds a vote on n's block for
// every ticket in want and returns the votes' bits.
func (w *world) waitVoted(n rpcjson.WinningTicketsNtfn, want []string, timeout time.Duration) map[string]uint16 {
	t := w.t
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := w.mempoolVotes(n.BlockHash)
		missing := 0
		for _, h := range want {
			if _, ok := got[h]; !ok {
				missing++
			}
		}
		if missing == 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("height %d: pool winners %v not all voted within %v; mempool votes %v", n.BlockHeight, want, timeout, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (w *world) remainingLows() []string {
	var out []string
	for h := range w.low {
		if !w.done[h] {
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out
}

func TestVotingWithSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test with simulator processes; run without -short")
	}
	w := newWorld(t)
	c, ms := w.c, w.ms
	// Both back ends voted every pool winner; the node kept one vote each
	// and answered the other "already have transaction": a duplicate.
	cast, dups, errs := 0.0, 0.0, 0.0
	for _, m := range w.metrics {
		cast += scrape(t, m, "stakepoold_votes_cast_total")
		dups += scrape(t, m, "stakepoold_votes_duplicate_total")
		errs += scrape(t, m, "stakepoold_vote_errors_total")
	}
	if cast == 0 || dups == 0 || errs != 0 || cast != dups {
		t.Fatalf("two back ends: %v votes cast, %v duplicates, %v errors; want as many duplicates as votes and no errors", cast, dups, errs)
	}
	w.sp2.stop()
	w.voting2.stop()
	w.voting2 = nil

	lows := w.remainingLows()
	if len(lows) < 3 {
		t.Fatalf("only %d low-fee tickets left to test adding and removing", len(lows))
	}
	ign, err := c.GetIgnoredLowFeeTickets(ctx(t), &pb.GetIgnoredLowFeeTicketsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ignored := map[string]bool{}
	for _, tk := range ign.Tickets {
		ignored[tk.Hash] = true
		if tk.MultisigAddress != ms[1].Address {
			t.Errorf("ignored ticket %s owned by %s, want %s", tk.Hash, tk.MultisigAddress, ms[1].Address)
		}
	}
	for _, h := range lows {
		if !ignored[h] {
			t.Fatalf("low-fee ticket %s is not in the ignored list %v", h, ign.Tickets)
		}
	}

	// A wallet restart: stakepoold reconnects and keeps voting.
	w.voting.kill()
	w.voting.start()
	w.waitSynced()
	w.waitReady()
	w.step()

	// An ecrd restart: stakepoold reconnects, re-subscribes and re-syncs.
	reconnects := w.logCount("Reconnected to ecrd")
	w.node.stop()
	w.node.start()
	if err := w.watch.WaitConnected(ctx(t)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); w.logCount("Reconnected to ecrd") == reconnects; {
		if time.Now().After(deadline) {
			t.Fatal("stakepoold did not reconnect to ecrd")
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.waitSynced()
	w.waitReady()
	w.step()

	// A stakepoold restart with no front end: it votes with the stored
	// preferences.
	w.sp.stop()
	w.startStakepoold()
	c = w.c
	// The restarted daemon rebuilt its ignored list from the wallet.
	ign, err = c.GetIgnoredLowFeeTickets(ctx(t), &pb.GetIgnoredLowFeeTicketsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ignored = map[string]bool{}
	for _, tk := range ign.Tickets {
		ignored[tk.Hash] = true
	}
	for _, h := range w.remainingLows() {
		if !ignored[h] {
			t.Fatalf("after restart, low-fee ticket %s is not in the ignored list %v", h, ign.Tickets)
		}
	}
	w.step()

	// The admin adds the remaining low-fee tickets: they are voted.
	lows = w.remainingLows()
	if len(lows) < 2 {
		t.Fatalf("only %d low-fee tickets left to test adding and removing", len(lows))
	}
	var add []*pb.Ticket
	for _, h := range lows {
		add = append(add, &pb.Ticket{Hash: h, MultisigAddress: ms[1].Address})
		w.added[h] = true
	}
	if _, err := c.SetAddedLowFeeTickets(ctx(t), &pb.SetAddedLowFeeTicketsRequest{Tickets: add}); err != nil {
		t.Fatal(err)
	}
	// stakepoold gives the tickets to the wallet (addticket) in the
	// background; wait for that before mining.
	for deadline := time.Now().Add(30 * time.Second); w.logCount("given to the wallet") < len(add); {
		if time.Now().After(deadline) {
			t.Fatal("stakepoold did not give the added tickets to the wallet")
		}
		time.Sleep(50 * time.Millisecond)
	}
	addedVoted := 0
	for i := 0; i < 10 && addedVoted == 0; i++ {
		voted, _ := w.step()
		for _, h := range voted {
			if w.low[h] {
				addedVoted++
			}
		}
	}
	if addedVoted == 0 {
		t.Fatal("no added low-fee ticket won in 10 blocks")
	}
	// Removing them stops voting at once.
	if _, err := c.SetAddedLowFeeTickets(ctx(t), &pb.SetAddedLowFeeTicketsRequest{}); err != nil {
		t.Fatal(err)
	}
	for h := range w.added {
		delete(w.added, h)
	}
	removedSkipped := 0
	for i := 0; i < 10 && removedSkipped == 0 && len(w.remainingLows()) > 0; i++ {
		_, skipped := w.step()
		removedSkipped += len(skipped)
	}
	if removedSkipped == 0 {
		t.Logf("no removed low-fee ticket won after the removal (lottery); removal checked by unit tests only")
	}
	live, _ := c.GetLiveTickets(ctx(t), &pb.GetLiveTicketsRequest{})
	for _, tk := range live.Tickets {
		if w.low[tk.Hash] {
			t.Fatalf("removed low-fee ticket %s still live", tk.Hash)
		}
	}
	w.checkReads(ms)
	if h := w.waitReady(); !strings.Contains(h.Network, "simnet") {
		t.Fatalf("health network %q", h.Network)
	}
	w.sp.stop()
}

// checkReads exercises the read RPCs the front end's pages use against the
// simulated wallet.
func (w *world) checkReads(ms map[int64]*pb.CreateMultisigResponse) {
	t, c := w.t, w.c
	t.Helper()
	ls, err := c.ListScripts(ctx(t), &pb.ListScriptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, s := range ls.Scripts {
		have[s.Address] = true
	}
	for id, m := range ms {
		if !have[m.Address] {
			t.Fatalf("listscripts lacks user %d's script %s", id, m.Address)
		}
	}
	scripts := [][]byte{ms[1].RedeemScript, ms[2].RedeemScript}
	if _, err := c.ImportScripts(ctx(t), &pb.ImportScriptsRequest{Scripts: scripts, RescanHeight: 150}); err != nil {
		t.Fatalf("re-importing known scripts: %v", err)
	}
	// Nothing is mined meanwhile: every list is labelled with the voting
	// wallet's best block (API 1.4).
	var tip rpcjson.GetBestBlockResult
	w.voting.must("getbestblock", &tip)
	voted := 0
	for id, m := range ms {
		ui, err := c.StakePoolUserInfo(ctx(t), &pb.StakePoolUserInfoRequest{MultisigAddress: m.Address})
		if err != nil {
			t.Fatal(err)
		}
		if ui.WalletBestHeight != tip.Height || ui.WalletBestHash != tip.Hash {
			t.Fatalf("user %d's tickets labelled %d %s, want the wallet's best block %d %s",
				id, ui.WalletBestHeight, ui.WalletBestHash, tip.Height, tip.Hash)
		}
		for _, tk := range ui.Tickets {
			if w.owner[tk.Hash] != id {
				t.Fatalf("user %d: ticket %s is not theirs", id, tk.Hash)
			}
			switch tk.Status {
			case "voted":
				voted++
				if tk.SpentBy == "" || tk.SpentByHeight == 0 {
					t.Fatalf("voted ticket without its vote: %v", tk)
				}
			case "live", "immature":
				if tk.SpentBy != "" {
					t.Fatalf("unspent ticket with spent_by: %v", tk)
				}
			}
		}
		if id == 1 && len(ui.InvalidTickets) == 0 {
			t.Fatalf("user 1 has low-fee tickets but no invalid ones: %v", ui)
		}
	}
	if voted == 0 {
		t.Fatal("stakepooluserinfo shows no voted ticket")
	}
	si, err := c.GetStakeInfo(ctx(t), &pb.GetStakeInfoRequest{})
	if err != nil || si.BlockHeight < 150 || si.DifficultyAtoms <= 0 {
		t.Fatalf("stake info %v %v", si, err)
	}
	wt, err := c.GetWalletTickets(ctx(t), &pb.GetWalletTicketsRequest{IncludeImmature: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range wt.Hashes {
		if _, ok := w.owner[h]; !ok {
			t.Fatalf("wallet ticket %s was never bought", h)
		}
	}
}

// logCount counts the lines of stakepoold's output that contain s.
func (w *world) logCount(s string) int { return logCount(w.spDir, s) }

// logCount counts the lines of a process's output that contain s.
func logCount(dir, s string) int {
	b, _ := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	return strings.Count(string(b), s)
}

// scrape reads one counter from a stakepoold metrics endpoint.
func scrape(t *testing.T, addr, name string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("%s not in the metrics of %s", name, addr)
	return 0
}

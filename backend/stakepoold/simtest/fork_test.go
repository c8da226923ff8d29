package simtest

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// TestForksAndReorganizations runs the chain as the real network does,
// with two back ends, through the node's fork API (generateon, the
// harness's way to mine on a chosen parent):
//
//  1. two tips at one height, each with pool winners: both back ends vote
//     both tips, and when the side tip wins no pool ticket is missed;
//  2. a 3-block reorganization whose orphaned blocks hold pool votes, the
//     new branch mined block by block as competing miners would: every
//     block of it holds the votes of every pool winner of its parent,
//     tickets that voted only in orphaned blocks are live again, and both
//     back ends' live tickets equal the node's afterwards;
//  3. the same with one voting wallet down: the other back end votes
//     every winner, and the returning one follows the new chain.
func TestForksAndReorganizations(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test with simulator processes; run without -short")
	}
	w := newWorld(t)
	w.buyGood(2)
	if !w.hasMethod("generateon") {
		t.Skip("the simulated node has no fork API (generateon) yet")
	}

	// 1. Two tips at one height.
	w.step()
	var best rpcjson.GetBestBlockResult
	w.node.must("getbestblock", &best)
	var hdr rpcjson.GetBlockHeaderVerboseResult
	w.node.must("getblockheader", &hdr, best.Hash, true)
	marks := [2]int64{logLen(w.spDir), logLen(w.sp2Dir)}
	side := w.generateOn(hdr.PreviousHash, 1)[0]
	tipA, tipB := w.winnersOf(best.Hash), w.winnersOf(side)
	for _, n := range []rpcjson.WinningTicketsNtfn{tipA, tipB} {
		want, _ := w.poolWinners(n)
		w.waitVoted(n, want, 15*time.Second)
	}
	for i, dir := range []string{w.spDir, w.sp2Dir} {
		out := w.waitLog(dir, marks[i], "Block "+itoa(tipB.BlockHeight)+" "+side+" (tip 2 at this height)")
		if !strings.Contains(out, " 0 errors") {
			t.Fatalf("back end %d on the side tip: %s", i+1, out)
		}
	}
	if v := scrape(t, w.metrics[0], `stakepoold_tips_total{tip="side"}`); v < 1 {
		t.Fatalf("side tips counted: %v", v)
	}
	// The side tip wins: a block on it reorganizes one block and holds
	// the votes of all its pool winners.
	next := w.generateOn(side, 1)[0]
	w.checkBlockVotes(next, tipB)
	w.waitSynced()
	w.checkLiveTickets()
	w.step()

	// 2. A 3-block reorganization orphaning blocks with pool votes.
	w.reorg3()
	w.step()
	w.step()

	// 3. The same with one voting wallet down.
	w.voting2.kill()
	w.frozen = w.voting2
	w.reorg3()
	w.voting2.start()
	w.frozen = nil
	w.waitSynced()
	w.checkLiveTickets()
	w.step()
}

// reorg3 mines three blocks (with pool votes) on the best chain, then a
// competing branch of four blocks from the same fork point, one block at a
// time with the winners of each voted before the next is mined, so the
// fourth reorganizes three blocks. It checks every branch block's votes,
// that the tickets whose votes were orphaned are live again, and that
// the back ends' live tickets equal the node's.
func (w *world) reorg3() {
	t := w.t
	t.Helper()
	var fork rpcjson.GetBestBlockResult
	w.node.must("getbestblock", &fork)
	forkWinners := w.winnersOf(fork.Hash)
	orphanedVoters := map[string]bool{}
	for i := 0; i < 3; i++ {
		voted, _ := w.step()
		for _, h := range voted {
			orphanedVoters[h] = true
		}
	}
	parent, parentWinners := fork.Hash, forkWinners
	called := map[string]bool{}
	for i := 0; i < 4; i++ {
		b := w.generateOn(parent, 1)[0]
		w.checkBlockVotes(b, parentWinners)
		n := w.winnersOf(b)
		want, _ := w.poolWinners(n)
		w.waitVoted(n, want, 15*time.Second)
		for _, h := range n.Tickets {
			called[h] = true
		}
		parent, parentWinners = b, n
	}
	var best rpcjson.GetBestBlockResult
	w.node.must("getbestblock", &best)
	if best.Hash != parent {
		t.Fatalf("the 4-block branch did not become the best chain: tip %d %s", best.Height, best.Hash)
	}
	for _, h := range forkWinners.Tickets {
		delete(orphanedVoters, h) // voted on the fork point, mined again in the branch
	}
	liveAgain := 0
	for h := range orphanedVoters {
		if !called[h] && !w.low[h] {
			liveAgain++
		}
	}
	if liveAgain == 0 {
		t.Logf("every ticket voted in the orphaned blocks was called again in the branch")
	}
	w.waitSynced()
	w.checkLiveTickets()
}

// checkBlockVotes checks that block holds a vote on its parent for every
// votable pool winner of the parent (n).
func (w *world) checkBlockVotes(block string, n rpcjson.WinningTicketsNtfn) {
	t := w.t
	t.Helper()
	var blockHex string
	w.node.must("getblock", &blockHex, block, false)
	b, err := wire.NewBlockFromHex(blockHex)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, tx := range b.STransactions {
		if v, err := stake.ParseVote(tx); err == nil && v.BlockHash.String() == n.BlockHash {
			in[v.TicketHash.String()] = true
		}
	}
	want, _ := w.poolWinners(n)
	for _, h := range want {
		if !in[h] {
			t.Fatalf("block %s lacks the vote of pool winner %s on %d %s (missed)", block, h, n.BlockHeight, n.BlockHash)
		}
	}
}

// checkLiveTickets waits until every running back end's live tickets are
// exactly the node's live tickets that the pool may vote (all tickets in
// this world are pool tickets; low-fee ones not added are not votable).
func (w *world) checkLiveTickets() {
	t := w.t
	t.Helper()
	var nodeLive rpcjson.TicketsResult
	w.node.must("livetickets", &nodeLive)
	var want []string
	for _, h := range nodeLive.Tickets {
		if _, ours := w.owner[h]; ours && (!w.low[h] || w.added[h]) {
			want = append(want, h)
		}
	}
	sort.Strings(want)
	for i, c := range []pb.StakepooldClient{w.c, w.c2} {
		if c == nil || (i == 1 && w.frozen == w.voting2) {
			continue
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			lt, err := c.GetLiveTickets(ctx(t), &pb.GetLiveTicketsRequest{})
			var got []string
			if err == nil {
				for _, tk := range lt.Tickets {
					got = append(got, tk.Hash)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") == strings.Join(want, ",") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("back end %d's live tickets differ from the node's:\n got %v\nwant %v (%v)", i+1, got, want, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// generateOn mines n blocks, the first on parent (the fork API).
func (w *world) generateOn(parent string, n int) []string {
	w.t.Helper()
	var hashes []string
	w.node.must("generateon", &hashes, parent, n)
	return hashes
}

// hasMethod reports whether the node knows method (an unknown method is
// -32601).
func (w *world) hasMethod(method string) bool {
	err := w.node.call(method, nil)
	return err == nil || !strings.Contains(err.Error(), "-32601") && !strings.Contains(err.Error(), "Method not found")
}

// waitLog waits until the output of the process in dir, past offset, has
// a line containing s, and returns that line.
func (w *world) waitLog(dir string, offset int64, s string) string {
	w.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, line := range strings.Split(logFrom(dir, offset), "\n") {
			if strings.Contains(line, s) {
				return line
			}
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("no line with %q in %s", s, dir)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

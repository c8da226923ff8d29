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

// TestTwoTipsAtOneHeight: the node announces two blocks at one height
// (a side chain within 6 blocks, mined with the fork API generateon), each
// with pool winners. Both back ends vote both tips at once; when the side
// tip wins (a block on it reorganizes one block) that block holds the
// votes of all its pool winners, so no pool ticket is missed, and both back
// ends' live tickets equal the node's afterwards.
func TestTwoTipsAtOneHeight(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test with simulator processes; run without -short")
	}
	w := newWorld(t)
	w.ensureLive(30)
	w.requireWinners = true
	// Two tips at one height, each with a votable pool winner (a tip whose
	// winners are all low-fee tickets would check nothing: try again).
	var side string
	var tipB rpcjson.WinningTicketsNtfn
	var marks [2]int64
	for attempt := 0; ; attempt++ {
		w.step()
		var best rpcjson.GetBestBlockResult
		w.node.must("getbestblock", &best)
		var hdr rpcjson.GetBlockHeaderVerboseResult
		w.node.must("getblockheader", &hdr, best.Hash, true)
		marks = [2]int64{logLen(w.spDir), logLen(w.sp2Dir)}
		side = w.generateOn(hdr.PreviousHash, 1)[0]
		tipA := w.winnersOf(best.Hash)
		tipB = w.winnersOf(side)
		wantA, _ := w.poolWinners(tipA)
		wantB, _ := w.poolWinners(tipB)
		if len(wantA) > 0 && len(wantB) > 0 {
			w.waitVoted(tipA, wantA, 15*time.Second)
			w.waitVoted(tipB, wantB, 15*time.Second)
			break
		}
		if attempt == 4 {
			t.Fatal("no two tips with pool winners in 5 attempts")
		}
		w.waitVoted(tipA, wantA, 15*time.Second)
	}
	for i, dir := range []string{w.spDir, w.sp2Dir} {
		out := w.waitLog(dir, marks[i], "Block "+itoa(tipB.BlockHeight)+" "+side+" (tip 2 at this height)")
		if !strings.Contains(out, " 0 errors") {
			t.Fatalf("back end %d on the side tip: %s", i+1, out)
		}
	}
	for i, m := range w.metrics {
		if v := scrape(t, m, `stakepoold_tips_total{tip="side"}`); v < 1 {
			t.Fatalf("back end %d counted %v side tips", i+1, v)
		}
	}
	next := w.generateOn(side, 1)[0]
	w.checkBlockVotes(next, tipB)
	w.waitSynced()
	w.checkLiveTickets()
	w.step()
	w.checkChain()
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
	w.forked = append(w.forked, hashes...)
	return hashes
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

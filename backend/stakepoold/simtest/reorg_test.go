package simtest

import (
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// TestReorganizations runs 3-block reorganizations through the node's
// fork API (generateon, as competing miners would: each branch block's
// winners are voted before the next is mined), with two back ends:
//
//  1. the orphaned blocks hold pool votes: every block of the new branch
//     holds the votes of every pool winner of its parent, tickets that
//     voted only in orphaned blocks are live again (and are voted when
//     selected), and both back ends' live tickets equal the node's;
//  2. the same with one voting wallet down: the other back end votes every
//     winner, and the returning one follows the new chain;
//  3. the same with a stakepoold killed and restarted while the side
//     branch grows, and ecrd killed and restarted (losing its mempool)
//     right after the reorganization: the new tip's winners are voted
//     again and the live tickets still match.
func TestReorganizations(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test with simulator processes; run without -short")
	}
	w := newWorld(t)
	w.ensureLive(40)
	w.requireWinners = true

	// 1. Orphaned pool votes.
	w.reorg3(nil)
	w.step()
	w.step()

	// 2. One voting wallet down.
	w.ensureLive(40)
	w.voting2.kill()
	w.frozen = w.voting2
	w.reorg3(nil)
	w.voting2.start()
	w.frozen = nil
	w.waitSynced()
	w.checkLiveTickets()
	w.step()

	// 3. A stakepoold restarted while the side branch grows, then ecrd
	// restarted (losing its mempool) right after the reorganization: the
	// new tip's winners are voted again.
	w.ensureLive(40)
	w.reorg3(func(i int) {
		if i == 1 {
			w.sp.kill()
			w.sp.start()
		}
	})
	var best rpcjson.GetBestBlockResult
	w.node.must("getbestblock", &best)
	n := w.winnersOf(best.Hash)
	w.node.kill()
	w.node.start()
	want, _ := w.poolWinners(n)
	w.waitVoted(n, want, 15*time.Second)
	if err := w.watch.WaitConnected(ctx(t)); err != nil {
		t.Fatal(err)
	}
	w.waitSynced()
	w.waitReady()
	w.checkLiveTickets()
	w.step()
	w.checkChain()
}

// reorg3 mines three blocks (with pool votes) on the best chain, then a
// competing branch of four blocks from the same fork point, one block at a
// time with the winners of each voted before the next is mined, so the
// fourth reorganizes three blocks. It checks every branch block's votes,
// that the tickets whose votes were orphaned are live again, and that
// the back ends' live tickets equal the node's.
//
// between, when set, runs before branch block i (0..3) is mined.
func (w *world) reorg3(between func(i int)) {
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
	branchWinners := 0
	for i := 0; i < 4; i++ {
		if between != nil {
			between(i)
			if i > 0 {
				want, _ := w.poolWinners(parentWinners)
				w.waitVoted(parentWinners, want, 15*time.Second)
			}
		}
		b := w.generateOn(parent, 1)[0]
		w.checkBlockVotes(b, parentWinners)
		n := w.winnersOf(b)
		want, _ := w.poolWinners(n)
		branchWinners += len(want)
		w.waitVoted(n, want, 15*time.Second)
		for _, h := range n.Tickets {
			called[h] = true
		}
		parent, parentWinners = b, n
	}
	if branchWinners == 0 {
		t.Fatal("the branch had no pool winner to vote")
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

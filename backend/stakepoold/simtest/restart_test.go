package simtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	pb "github.com/eacred/dcrstakepool/backend/stakepoold/rpc/stakepoolrpc"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// TestNoMissedVoteThroughRestarts kills, freezes and restarts the
// processes around the voting path while blocks are mined, with two back
// ends, and checks after each fault that every pool winner is voted:
//
//  1. both stakepoolds killed while a block is mined: once they are back
//     they vote that tip at once, without waiting for another block
//     (rebroadcastwinners after subscribing);
//  2. ecrd killed and restarted (its mempool, with the tip's votes, is
//     gone): the stakepoolds reconnect within a second or two and vote the
//     tip again;
//  3. one voting wallet frozen (SIGSTOP) for 5 s: the other back end votes
//     every block; the frozen one gives each block up at its vote timeout
//     instead of queueing and sending late votes, and votes the first
//     block after the thaw at once;
//  4. the back ends hold different bits for a user: the node refuses the
//     second vote as a mempool double spend, which is counted as a
//     conflict, not an error;
//  5. both voting wallets killed while a block is mined: when they are
//     back the tip is voted without waiting for another block;
//  6. a damaged state.json (damagedState).
func TestNoMissedVoteThroughRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test with simulator processes; run without -short")
	}
	w := newWorld(t)
	w.ensureLive(25)

	// 1. Both stakepoolds down while a block is mined.
	w.sp.kill()
	w.sp2.kill()
	var n rpcjson.WinningTicketsNtfn
	var want []string
	for i := 0; i < 5 && len(want) == 0; i++ { // all winners low-fee: mine again
		n = w.winners(w.generate(1))
		want, _ = w.poolWinners(n)
	}
	if len(want) == 0 {
		t.Fatalf("block %d has no pool winner to vote", n.BlockHeight)
	}
	w.requireWinners = true
	w.sp.start()
	w.sp2.start()
	w.waitVoted(n, want, 20*time.Second)
	w.waitReady()
	w.pushPrefs() // as the front end does when a back end returns

	// 2. ecrd killed and restarted.
	marks := [2]int64{logLen(w.spDir), logLen(w.sp2Dir)}
	w.node.kill()
	w.node.start()
	back := time.Now()
	var best rpcjson.GetBestBlockResult
	w.node.must("getbestblock", &best)
	if best.Hash != n.BlockHash {
		t.Fatalf("the restarted node's tip is %d %s, not %d %s", best.Height, best.Hash, n.BlockHeight, n.BlockHash)
	}
	w.waitVoted(n, want, 15*time.Second)
	if took := time.Since(back); took > 5*time.Second {
		t.Fatalf("the tip was voted %v after ecrd came back; want a second or two", took)
	}
	// The votes in the mempool are new ones (the node keeps no mempool
	// across a restart): the back ends relayed them again. A back end logs
	// a block's votes once all of them are done, so the lines can follow
	// the votes into the mempool by a moment.
	revoted := 0
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		revoted = 0
		for i, dir := range []string{w.spDir, w.sp2Dir} {
			revoted += strings.Count(logFrom(dir, marks[i]), fmt.Sprintf("on block %d %s with bits", n.BlockHeight, n.BlockHash))
		}
		if revoted >= len(want) || time.Now().After(deadline) {
			break
		}
	}
	if revoted < len(want) {
		t.Fatalf("after the ecrd restart the back ends relayed %d votes on the tip, want %d", revoted, len(want))
	}
	if err := w.watch.WaitConnected(ctx(t)); err != nil {
		t.Fatal(err)
	}
	w.waitSynced()
	w.waitReady()

	// 3. A voting wallet frozen for 4 s.
	w.ensureLive(40)
	mark := logLen(w.spDir)
	if err := syscall.Kill(w.voting.p.Pid(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	thaw := func() {
		_ = syscall.Kill(w.voting.p.Pid(), syscall.SIGCONT) // at cleanup the wallet may have exited already
	}
	t.Cleanup(thaw)
	w.frozen = w.voting
	frozenAt := time.Now()
	var frozenBlocks []int64
	for time.Since(frozenAt) < 4*time.Second {
		w.step() // the other back end votes every winner
		frozenBlocks = append(frozenBlocks, w.lastTip)
		time.Sleep(500 * time.Millisecond)
	}
	thaw()
	w.frozen = nil
	w.waitSynced()
	w.step()
	thawed := w.lastTip
	const voteTimeout = 2 * time.Second // simnet's default
	sums := w.blockSummaries(w.spDir, mark, 10*time.Second, append(frozenBlocks, thawed)...)
	for _, h := range frozenBlocks {
		if s := sums[h]; s.took > voteTimeout+time.Second {
			t.Errorf("frozen wallet: block %d was given up only after %v (vote timeout %v): %s", h, s.took, voteTimeout, s.line)
		}
	}
	if s := sums[thawed]; s.errors != 0 || s.took > voteTimeout {
		t.Errorf("first block after the thaw: %s", s.line)
	}
	if t.Failed() {
		t.FailNow()
	}

	// 4. The back ends disagree on user 1's bits: conflicts, not errors.
	w.ensureLive(25)
	errs0 := scrape(t, w.metrics[0], "stakepoold_vote_errors_total") + scrape(t, w.metrics[1], "stakepoold_vote_errors_total")
	conf0 := scrape(t, w.metrics[0], "stakepoold_votes_conflict_total") + scrape(t, w.metrics[1], "stakepoold_votes_conflict_total")
	other := make([]*pb.UserVotingPrefs, len(w.prefs))
	for i, u := range w.prefs {
		bits := u.VoteBits
		if u.UserId == 1 {
			bits = uint32(w.bits[2])
		}
		other[i] = &pb.UserVotingPrefs{UserId: u.UserId, MultisigAddress: u.MultisigAddress, VoteBits: bits,
			VoteBitsVersion: u.VoteBitsVersion}
	}
	if _, err := w.c2.SetUserVotingPrefs(ctx(t), &pb.SetUserVotingPrefsRequest{Users: other}); err != nil {
		t.Fatal(err)
	}
	either := func(h string, bits uint16) bool {
		return bits == w.bits[w.owner[h]] || w.owner[h] == 1 && bits == w.bits[2]
	}
	user1Winners := 0
	for i := 0; i < 8 && user1Winners < 1; i++ {
		voted, _ := w.stepWith(either)
		for _, h := range voted {
			if w.owner[h] == 1 {
				user1Winners++
			}
		}
	}
	if user1Winners == 0 {
		t.Fatal("no ticket of user 1 won in 8 blocks")
	}
	time.Sleep(300 * time.Millisecond) // the losing back end's answer
	errs := scrape(t, w.metrics[0], "stakepoold_vote_errors_total") + scrape(t, w.metrics[1], "stakepoold_vote_errors_total") - errs0
	conf := scrape(t, w.metrics[0], "stakepoold_votes_conflict_total") + scrape(t, w.metrics[1], "stakepoold_votes_conflict_total") - conf0
	if errs != 0 || conf == 0 {
		t.Fatalf("back ends with different bits for user 1 (%d of their tickets won): %v vote errors, %v conflicts; want 0 errors and some conflicts",
			user1Winners, errs, conf)
	}
	if n := logCount(w.spDir, "[ERR]") + logCount(w.sp2Dir, "[ERR]"); n != 0 {
		t.Logf("stakepoold error lines (from the faults above): %d", n)
	}
	if _, err := w.c2.SetUserVotingPrefs(ctx(t), &pb.SetUserVotingPrefsRequest{Users: w.prefs}); err != nil {
		t.Fatal(err)
	}

	// 5. Both voting wallets down while a block is mined.
	w.ensureLive(25)
	w.voting.kill()
	w.voting2.kill()
	w.frozen, w.frozen2 = w.voting, w.voting2
	tip := w.generate(1)
	n = w.winners(tip)
	want, _ = w.poolWinners(n)
	w.voting.start()
	w.voting2.start()
	w.frozen, w.frozen2 = nil, nil
	w.waitVoted(n, want, 15*time.Second)
	w.waitSynced()
	w.step()

	// 6. A damaged state.json.
	w.ensureLive(25)
	w.damagedState()
	w.checkChain() // the node was restarted too: its replayed chain
}

// damagedState damages stakepoold's state.json: it must refuse to start
// and say what to do; done as told, it starts without preferences, votes
// winners with the wallet's default bits after a bounded wait (never
// missing them), and with each user's bits once the front end has pushed
// them again.
func (w *world) damagedState() {
	t := w.t
	t.Helper()
	w.sp.stop()
	state := filepath.Join(w.spDir, "data", "simnet", "state.json")
	f, err := os.OpenFile(state, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`,"users":[]}`); err != nil { // an editor's slip after the object
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	mark := logLen(w.spDir)
	w.sp.start()
	select {
	case <-w.sp.p.Exited():
		if w.sp.p.ExitErr() == nil {
			t.Fatal("stakepoold exited with status 0 on a damaged state file")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("stakepoold started with a damaged state file")
	}
	if out := logFrom(w.spDir, mark); !strings.Contains(out, "mv "+state+" "+state+".damaged") {
		t.Fatalf("stakepoold's message does not say what to do:\n%s", out)
	}
	if err := os.Rename(state, state+".damaged"); err != nil {
		t.Fatal(err)
	}
	w.sp2.stop() // only this back end votes now: the bits seen are its own
	w.sp.start()
	w.waitReady()
	var wi rpcjson.WalletInfoResult
	w.voting.must("walletinfo", &wi)
	if voted, _ := w.stepWith(func(_ string, bits uint16) bool { return bits == wi.VoteBits }); len(voted) == 0 {
		t.Fatal("no pool winner to vote without preferences")
	}
	if logCount(w.spDir, "for the front end's preferences") == 0 {
		t.Fatal("no vote waited for the front end's preferences")
	}
	// The front end pushes the whole state again.
	if _, err := w.c.SetUserVotingPrefs(ctx(t), &pb.SetUserVotingPrefsRequest{Users: w.prefs}); err != nil {
		t.Fatal(err)
	}
	w.step()
	w.sp2.start()
}

// pushPrefs sends every user's preferences to both back ends, as the
// front end does as soon as a back end answers again (it ends the
// back ends' start-up wait for them).
func (w *world) pushPrefs() {
	t := w.t
	t.Helper()
	for _, c := range []pb.StakepooldClient{w.c, w.c2} {
		if _, err := c.SetUserVotingPrefs(ctx(t), &pb.SetUserVotingPrefsRequest{Users: w.prefs}); err != nil {
			t.Fatal(err)
		}
	}
}

// buyRound buys 10 good tickets for each user.
func (w *world) buyRound() {
	t := w.t
	t.Helper()
	for _, id := range []int64{1, 2} {
		var hs []string
		w.user.must("purchaseticket", &hs, "default", 10, 1, w.ms[id].Address, 10, addrAt(t, w.cold, uint32(id)), 5)
		for _, h := range hs {
			w.owner[h] = id
		}
	}
}

// ensureLive buys tickets, mining one block per round, until at least n
// votable pool tickets are live, so that every phase has winners to vote.
func (w *world) ensureLive(n int) {
	t := w.t
	t.Helper()
	for i := 0; i < 30; i++ {
		var live rpcjson.TicketsResult
		w.node.must("livetickets", &live)
		votable := 0
		for _, h := range live.Tickets {
			if _, ours := w.owner[h]; ours && (!w.low[h] || w.added[h]) {
				votable++
			}
		}
		if votable >= n {
			return
		}
		w.buyRound()
		w.step()
	}
	t.Fatalf("fewer than %d pool tickets live after 30 rounds of purchases", n)
}

// blockSummary is stakepoold's log line for one block's votes.
type blockSummary struct {
	line   string
	errors int
	took   time.Duration
}

var summaryRE = regexp.MustCompile(`Block (\d+) \w+(?: \(tip \d+ at this height\))?: \d+ winners, \d+ ours: \d+ voted, \d+ duplicates, \d+ conflicts, (\d+) errors in (\S+)`)

// blockSummaries waits until the log of the stakepoold in dir holds, past
// offset, the summary of every block in heights, and returns them.
func (w *world) blockSummaries(dir string, offset int64, timeout time.Duration, heights ...int64) map[int64]blockSummary {
	t := w.t
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(filepath.Join(dir, "stdout.txt"))
		out := map[int64]blockSummary{}
		if int64(len(b)) > offset {
			for _, line := range strings.Split(string(b[offset:]), "\n") {
				m := summaryRE.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				h, _ := strconv.ParseInt(m[1], 10, 64)
				e, _ := strconv.Atoi(m[2])
				d, err := time.ParseDuration(m[3])
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				out[h] = blockSummary{line: line, errors: e, took: d}
			}
		}
		missing := []int64{}
		for _, h := range heights {
			if _, ok := out[h]; !ok {
				missing = append(missing, h)
			}
		}
		if len(missing) == 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("no vote summary in %s for blocks %v; its lines about them:\n%s", dir, missing, blockLines(string(b), missing))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// blockLines picks from a stakepoold log the lines naming one of the
// heights (for a failure message).
func blockLines(log string, heights []int64) string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		for _, h := range heights {
			if strings.Contains(line, fmt.Sprintf("Block %d ", h)) || strings.Contains(line, fmt.Sprintf("block %d ", h)) {
				out = append(out, line)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// logFrom returns a process's output past offset.
func logFrom(dir string, offset int64) string {
	b, _ := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	if int64(len(b)) <= offset {
		return ""
	}
	return string(b[offset:])
}

// logLen is the current size of a process's output file.
func logLen(dir string) int64 {
	st, err := os.Stat(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		return 0
	}
	return st.Size()
}

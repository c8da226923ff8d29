package node

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// forkChain is a node with 28 live P2PKH tickets of one voter and stake
// validation at height 40, so winners are drawn from block 39 on.
type forkChain struct {
	t       *testing.T
	p       *nodeProc
	v       voting
	miner   *testKey
	tickets map[chainhash.Hash]*wire.MsgTx
	ws      *wsClient
	sub     *subsidies // with the overridden stake validation height
}

func newForkChain(t *testing.T, args ...string) *forkChain {
	miner, voter := newTestKey("miner"), newTestKey("voter")
	args = append([]string{"--miningaddr", miner.addr(), "--ticketmaturity", "2", "--coinbasematurity", "2",
		"--stakevalidationheight", "40"}, args...)
	p := startNode(t, "", args...)
	params := simParams.Copy()
	params.StakeValidationHeight = 40
	f := &forkChain{t: t, p: p, v: voting{key: voter}, miner: miner, tickets: map[chainhash.Hash]*wire.MsgTx{},
		sub: newSubsidies(params)}
	p.generate(31)
	for h := int64(2); h <= 29; h++ {
		tk := buildTicket(t, coinbaseCoin(p.block(h), miner), f.v, simParams.MinimumStakeDiff, 1e4)
		if _, err := p.send(tk); err != nil {
			t.Fatalf("ticket from block %d: %v", h, err)
		}
		f.tickets[tk.TxHash()] = tk
	}
	p.generate(38 - 31) // tip 38; tickets live since 34
	f.ws = p.dialWS()
	for _, m := range []string{"notifyblocks", "notifywinningtickets", "notifyspentandmissedtickets", "notifynewtickets", "notifystakedifficulty"} {
		if r := f.ws.request(m); r.Error != nil {
			t.Fatalf("%s: %v", m, r.Error)
		}
	}
	return f
}

// winners reads a winningtickets notification and checks its block.
func (f *forkChain) winners(hash string, height int64) []chainhash.Hash {
	f.t.Helper()
	m := f.ws.next()
	if m.Method != "winningtickets" {
		f.t.Fatalf("got %s (%s), want winningtickets for %s", m.Method, paramsString(m.Params), hash)
	}
	wt, err := rpcjson.ParseWinningTickets(m.Params)
	// 5 winners, fewer once the 28 tickets run low.
	if err != nil || wt.BlockHash != hash || wt.BlockHeight != height || len(wt.Tickets) == 0 || len(wt.Tickets) > int(simParams.TicketsPerBlock) {
		f.t.Fatalf("winningtickets %+v %v, want up to 5 for %s at %d", wt, err, hash, height)
	}
	return hashesFromStrings(f.t, wt.Tickets)
}

// vote sends a vote of each ticket on the block.
func (f *forkChain) vote(ts []chainhash.Hash, block chainhash.Hash, height int64) {
	f.t.Helper()
	for _, th := range ts {
		if _, err := f.p.send(buildVoteSubsidy(f.t, f.tickets[th], f.v, block, height, 1, f.sub.vote(height))); err != nil {
			f.t.Fatalf("vote of %s on %s: %v", th, block, err)
		}
	}
}

// connected reads the three notifications of a connected block.
func (f *forkChain) connected(hash string) {
	f.t.Helper()
	m := f.ws.next()
	if m.Method != "blockconnected" {
		f.t.Fatalf("got %s (%s), want blockconnected %s", m.Method, paramsString(m.Params), hash)
	}
	bc, err := rpcjson.ParseBlockConnected(m.Params)
	if err != nil || headerHash(f.t, bc.Header) != hash {
		f.t.Fatalf("blockconnected %v, want %s", err, hash)
	}
	for _, want := range []string{"spentandmissedtickets", "newtickets"} {
		m := f.ws.next()
		if m.Method != want || string(m.Params[0]) != `"`+hash+`"` {
			f.t.Fatalf("got %s (%s), want %s for %s", m.Method, paramsString(m.Params), want, hash)
		}
	}
}

func (f *forkChain) stakeDiff(hash string) {
	f.t.Helper()
	m := f.ws.next()
	if m.Method != "stakedifficulty" || string(m.Params[0]) != `"`+hash+`"` {
		f.t.Fatalf("got %s (%s), want stakedifficulty for %s", m.Method, paramsString(m.Params), hash)
	}
}

func headerHash(t testing.TB, raw []byte) string {
	h, err := wire.NewBlockHeaderFromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return h.BlockHash().String()
}

func (f *forkChain) votesIn(b *wire.MsgBlock) (on map[chainhash.Hash]chainhash.Hash) {
	on = map[chainhash.Hash]chainhash.Hash{}
	for _, tx := range b.STransactions {
		if v, err := stake.ParseVote(tx); err == nil {
			on[v.TicketHash] = v.BlockHash
		}
	}
	return on
}

func (f *forkChain) blockByHash(hash string) *wire.MsgBlock {
	f.t.Helper()
	var hexBlock string
	f.p.must(&hexBlock, "getblock", hash, false)
	b, err := wire.NewBlockFromHex(hexBlock)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// TestTwoTipsAndReorganizations drives the fork API over real RPC: two
// tips at one height with winners on each (both voted, both kept in the
// mempool), rebroadcastwinners for both, a 1-block reorganization to the
// side tip, a 3-block reorganization orphaning blocks that hold votes and
// a ticket purchase (the votes' tickets live again, the purchase back in
// the mempool), DCP0009 revocations of the tickets the new branch missed,
// and all of it again after a kill -9 and restart. Every notification is
// checked in ecrd's order.
func TestTwoTipsAndReorganizations(t *testing.T) {
	f := newForkChain(t)
	p, ws := f.p, f.ws
	t39 := p.generate(1)[0]
	f.connected(t39)
	wT := f.winners(t39, 39)
	f.stakeDiff(t39)

	// A second block at height 39: a side tip, announced only by its
	// winningtickets (a chain on it would reorganize 1 block).
	var side []string
	p.must(&side, "generateon", p.block(38).BlockHash().String(), 1)
	s39 := side[0]
	wS := f.winners(s39, 39)
	if tip, _ := p.tip(); tip.String() != t39 {
		t.Fatalf("tip %s moved to the side block (ties keep the first block)", tip)
	}
	var tips []chainTip
	p.must(&tips, "getchaintips")
	if len(tips) != 2 || tips[0].Hash != t39 || tips[0].Status != "active" || tips[1].Hash != s39 || tips[1].BranchLen != 1 || tips[1].Status != "valid-fork" {
		t.Fatalf("getchaintips %+v", tips)
	}
	var hdr rpcjson.GetBlockHeaderVerboseResult
	p.must(&hdr, "getblockheader", s39, true)
	if hdr.Confirmations != -1 || hdr.Height != 39 {
		t.Fatalf("side block header %+v", hdr)
	}

	// Votes on both tips are accepted; a second vote of one ticket on
	// one block conflicts.
	t39h, s39h := hashesFromStrings(t, []string{t39, s39})[0], hashesFromStrings(t, []string{t39, s39})[1]
	f.vote(wT, t39h, 39)
	f.vote(wS, s39h, 39)
	_, err := p.send(buildVoteSubsidy(t, f.tickets[wT[0]], f.v, t39h, 39, 0, f.sub.vote(39)))
	wantReject(t, err, "already spent by transaction")
	var pool []string
	p.must(&pool, "getrawmempool", false, "votes")
	if len(pool) != 10 {
		t.Fatalf("mempool holds %d votes, want 5 on each tip", len(pool))
	}

	// rebroadcastwinners: both blocks of the tip's generation, tip first.
	if r := ws.request("rebroadcastwinners"); r.Error != nil {
		t.Fatal(r.Error)
	}
	f.winners(t39, 39)
	f.winners(s39, 39)

	// A block on the side tip wins: reorganization, blockdisconnected of
	// the old tip, then the side branch connected, its winners, the stake
	// difficulty.
	p.must(&side, "generateon", s39, 1)
	s40 := side[0]
	m := ws.next()
	if m.Method != "reorganization" || paramsString(m.Params) != `["`+t39+`",39,"`+s40+`",40]` {
		t.Fatalf("got %s %s, want reorganization %s -> %s", m.Method, paramsString(m.Params), t39, s40)
	}
	if m = ws.next(); m.Method != "blockdisconnected" {
		t.Fatalf("got %s, want blockdisconnected", m.Method)
	} else if bd, err := rpcjson.ParseBlockDisconnected(m.Params); err != nil || headerHash(t, bd.Header) != t39 {
		t.Fatalf("blockdisconnected %v, want %s", err, t39)
	}
	f.connected(s39)
	f.connected(s40)
	w40 := f.winners(s40, 40)
	f.stakeDiff(s40)
	if got := f.votesIn(f.blockByHash(s40)); len(got) != 5 {
		t.Fatalf("block %s holds %d votes, want the 5 on the side tip", s40, len(got))
	}
	p.must(&pool, "getrawmempool", false, "votes")
	if len(pool) != 0 {
		t.Fatalf("votes on the orphaned tip stay in the mempool: %v", pool)
	}

	// Two more blocks holding votes, the second also a ticket purchase.
	f.vote(w40, hashesFromStrings(t, []string{s40})[0], 40)
	b41 := p.generate(1)[0]
	f.connected(b41)
	w41 := f.winners(b41, 41)
	f.stakeDiff(b41)
	f.vote(w41, hashesFromStrings(t, []string{b41})[0], 41)
	purchase := buildTicket(t, coinbaseCoin(p.block(30), f.miner), f.v, simParams.MinimumStakeDiff, 1e4)
	if _, err := p.send(purchase); err != nil {
		t.Fatal(err)
	}
	b42 := p.generate(1)[0]
	f.connected(b42)
	f.winners(b42, 42)
	f.stakeDiff(b42)
	if len(f.blockByHash(b42).STransactions) != 6 {
		t.Fatalf("block 42 should hold 5 votes and the purchase")
	}

	// Reorganize 3 blocks: fork at 39, four new blocks. Each side block
	// gets its winningtickets when accepted; the fourth reorganizes.
	var branch []string
	p.must(&branch, "reorganize", 3)
	if len(branch) != 4 {
		t.Fatalf("reorganize 3 gave %d blocks", len(branch))
	}
	var wR [][]chainhash.Hash
	for i, h := range branch[:3] {
		wR = append(wR, f.winners(h, int64(40+i)))
	}
	m = ws.next()
	if m.Method != "reorganization" || paramsString(m.Params) != `["`+b42+`",42,"`+branch[3]+`",43]` {
		t.Fatalf("got %s %s, want reorganization", m.Method, paramsString(m.Params))
	}
	for _, want := range []string{b42, b41, s40} {
		m := ws.next()
		bd, err := rpcjson.ParseBlockDisconnected(m.Params)
		if m.Method != "blockdisconnected" || err != nil || headerHash(t, bd.Header) != want {
			t.Fatalf("got %s (%v), want blockdisconnected %s", m.Method, err, want)
		}
	}
	for _, h := range branch {
		f.connected(h)
	}
	f.winners(branch[3], 43)
	f.stakeDiff(branch[3])

	// The fork point's votes were mined again (a competing miner saw
	// them); the tickets that voted in the orphaned 41 and 42 are live
	// again unless the new branch called them.
	r40 := f.blockByHash(branch[0])
	if got := f.votesIn(r40); len(got) != 5 {
		t.Fatalf("new block 40 holds %d votes on the fork point, want 5", len(got))
	}
	called := map[chainhash.Hash]bool{}
	for _, ws := range wR {
		for _, w := range ws {
			called[w] = true
		}
	}
	liveAgain := 0
	for _, th := range append(append([]chainhash.Hash(nil), w40...), w41...) {
		if called[th] {
			continue
		}
		if !p.isLive(th) {
			t.Fatalf("ticket %s voted only in orphaned blocks but is not live", th)
		}
		liveAgain++
	}
	if liveAgain == 0 {
		t.Fatal("no ticket to check: every orphaned vote's ticket was called again")
	}
	// Orphaned votes are gone; the purchase is back in the mempool.
	p.must(&pool, "getrawmempool", false)
	if len(pool) != 1 || pool[0] != purchase.TxHash().String() {
		t.Fatalf("mempool after the reorganization %v, want only the orphaned ticket purchase", pool)
	}

	// DCP0009: each block of the new branch revokes the winners of its
	// parent it holds no vote of (all of them: nobody voted): version 2,
	// no signature, the full price back.
	for i, h := range branch[1:] {
		revoked := map[chainhash.Hash]bool{}
		for _, tx := range f.blockByHash(h).STransactions {
			r, err := stake.ParseRevocation(tx)
			if err != nil {
				continue
			}
			if tx.Version != stake.RevocationVersionAuto || len(tx.TxIn[0].SignatureScript) != 0 || tx.TxOut[0].Value != simParams.MinimumStakeDiff {
				t.Fatalf("revocation %s: version %d, sigscript %x, pays %d", r.Hash, tx.Version, tx.TxIn[0].SignatureScript, tx.TxOut[0].Value)
			}
			revoked[r.TicketHash] = true
		}
		for _, w := range wR[i] {
			if !revoked[w] {
				t.Fatalf("block %d does not revoke ticket %s it makes missed", 41+i, w)
			}
			var missed string
			p.must(&missed, "existsmissedtickets", []string{w.String()})
			if missed != "00" || p.isLive(w) {
				t.Fatalf("revoked ticket %s still missed (%s) or live", w, missed)
			}
		}
		if len(revoked) != len(wR[i]) {
			t.Fatalf("block %d revokes %d tickets, want %d", 41+i, len(revoked), len(wR[i]))
		}
	}
	if got := len(f.blockByHash(branch[0]).STransactions); got != 5 {
		t.Fatalf("block 40 of the new branch holds %d stake transactions, want its 5 votes and no revocation", got)
	}

	// The purchase is mined again on the new chain.
	b44 := p.generate(1)[0]
	f.connected(b44)
	f.winners(b44, 44)
	f.stakeDiff(b44)
	found := false
	for _, tx := range p.block(44).STransactions {
		found = found || tx.TxHash() == purchase.TxHash()
	}
	if !found {
		t.Fatal("the orphaned ticket purchase was not mined on the new chain")
	}

	// A side tip at the tip's height whose parent is not the tip's
	// (a longer side branch off the orphaned 42), and a sibling of the tip.
	var sideTip, sibling []string
	p.must(&sideTip, "generateon", b42, 2)
	f.winners(sideTip[0], 43)
	f.winners(sideTip[1], 44)
	p.must(&sibling, "generateon", p.block(43).BlockHash().String(), 1)
	f.winners(sibling[0], 44)

	// Kill -9 and restart: same best chain, side chains kept, and
	// rebroadcastwinners names every block at the tip's height again.
	best, _ := p.tip()
	p.kill()
	p.start()
	f.ws = p.dialWS()
	if r := f.ws.request("notifywinningtickets"); r.Error != nil {
		t.Fatal(r.Error)
	}
	if r := f.ws.request("rebroadcastwinners"); r.Error != nil {
		t.Fatal(r.Error)
	}
	f.winners(best.String(), 44)
	f.winners(sideTip[1], 44)
	f.winners(sibling[0], 44)
	if tip, h := p.tip(); tip != best || h != 44 {
		t.Fatalf("after restart tip %s at %d, want %s at 44", tip, h, best)
	}
	p.must(&tips, "getchaintips")
	want := map[string]int64{best.String(): 0, sideTip[1]: 5, sibling[0]: 1, t39: 1}
	if len(tips) != 4 {
		t.Fatalf("getchaintips after restart %+v", tips)
	}
	for _, tip := range tips {
		if bl, ok := want[tip.Hash]; !ok || bl != tip.BranchLen {
			t.Fatalf("getchaintips after restart %+v", tips)
		}
	}
	p.must(&hdr, "getblockheader", b41, true)
	if hdr.Confirmations != -1 {
		t.Fatalf("orphaned block 41 after restart: %+v", hdr)
	}
	// And the chain can still reorganize back to the old branch.
	p.must(&side, "generateon", sideTip[1], 1)
	if tip, h := p.tip(); tip.String() != side[0] || h != 45 {
		t.Fatalf("tip %s at %d, want %s: the old branch is longer now", tip, h, side[0])
	}
}

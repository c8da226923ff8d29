package node

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// TestStakeLifecycle (DCP0009 off) drives one node through the whole ticket life over
// real RPC: mining, ticket maturity, deterministic winners, vote
// acceptance and rejection, missed tickets, revocation and restart.
func TestStakeLifecycle(t *testing.T) {
	miner := newTestKey("miner")
	voter := newTestKey("voter")
	other := newTestKey("other")
	redeem, err := txscript.MultiSigScript(1, [][]byte{voter.priv.PubKey().SerializeCompressed(), other.priv.PubKey().SerializeCompressed()})
	if err != nil {
		t.Fatal(err)
	}
	p := startNode(t, "", "--noautorevocations", "--miningaddr", miner.addr())

	// Blocks 1..31: coinbases mature after 16 blocks.
	p.generate(31)

	// A regular spend: immature coinbase refused, mature accepted, chain
	// of mempool spends accepted, double spend and bad signature refused.
	young := coinbaseCoin(p.block(17), miner)
	_, err = p.send(buildSpend(t, young, other.p2pkh(), 1e8, 1e4, miner))
	wantReject(t, err, "before required maturity")
	spend := buildSpend(t, coinbaseCoin(p.block(15), miner), other.p2pkh(), 1e8, 1e4, miner)
	if _, err := p.send(spend); err != nil {
		t.Fatalf("mature spend: %v", err)
	}
	child := buildSpend(t, coin{op: wire.OutPoint{Hash: spend.TxHash(), Index: 0}, value: 1e8, script: other.p2pkh(), key: other}, miner.p2pkh(), 5e7, 1e4, other)
	if _, err := p.send(child); err != nil {
		t.Fatalf("spend of a mempool output: %v", err)
	}
	_, err = p.send(buildSpend(t, coinbaseCoin(p.block(15), miner), voter.p2pkh(), 2e8, 1e4, miner))
	wantReject(t, err, "already spent by transaction")
	forged := buildSpend(t, coinbaseCoin(p.block(14), miner), other.p2pkh(), 1e8, 1e4, miner)
	forgeSig(t, forged, 0, forged.TxIn[0].SignatureScript, other)
	_, err = p.send(forged)
	wantReject(t, err, "signature check failed")
	corrupted := buildSpend(t, coinbaseCoin(p.block(14), miner), other.p2pkh(), 1e8, 1e4, miner)
	corruptSig(corrupted, 0)
	_, err = p.send(corrupted)
	wantReject(t, err, "signature check failed")

	// Tickets for block 32 (StakeEnabledHeight): 10 P2PKH-voted and 4
	// 1-of-2 multisig-voted (the stake pool's kind), from the coinbases of
	// blocks 2..14 and 16 (block 1 pays nothing on simnet).
	var sd rpcjson.GetStakeDifficultyResult
	p.must(&sd, "getstakedifficulty")
	price := int64(sd.NextStakeDifficulty*1e8 + 0.5)
	if price != simParams.MinimumStakeDiff {
		t.Fatalf("first stake difficulty %d, want the minimum %d", price, simParams.MinimumStakeDiff)
	}
	tickets := map[chainhash.Hash]*wire.MsgTx{}
	voters := map[chainhash.Hash]voting{}
	for i, h := range []int64{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16} {
		v := voting{key: voter}
		if i >= 10 {
			v.redeem = redeem
		}
		tk := buildTicket(t, coinbaseCoin(p.block(h), miner), v, price, 1e5)
		if _, err := p.send(tk); err != nil {
			t.Fatalf("ticket %d: %v", i, err)
		}
		tickets[tk.TxHash()], voters[tk.TxHash()] = tk, v
	}
	var low *wire.MsgTx = buildTicket(t, coinbaseCoin(p.block(12), miner), voting{key: voter}, price-1, 1e5)
	_, err = p.send(low)
	wantReject(t, err, "below the stake difficulty")

	ws := p.dialWS()
	for _, m := range []string{"notifyblocks", "notifywinningtickets", "notifyspentandmissedtickets", "notifynewtickets"} {
		if r := ws.request(m); r.Error != nil {
			t.Fatalf("%s: %v", m, r.Error)
		}
	}
	p.generate(1) // block 32 mines the tickets and the regular txs
	b32 := p.block(32)
	if len(b32.STransactions) != 14 || len(b32.Transactions) != 3 || b32.Header.FreshStake != 14 {
		t.Fatalf("block 32 has %d stake and %d regular txs", len(b32.STransactions), len(b32.Transactions))
	}
	// Order per block: blockconnected, spentandmissedtickets, newtickets.
	wantNtfns(t, ws, "blockconnected", "spentandmissedtickets", "newtickets")

	someTicket := b32.STransactions[0].TxHash().String()
	var live bool
	p.generate(15) // tip 47: tickets still immature
	drain(ws, 15*3)
	p.must(&live, "existsliveticket", someTicket)
	if live {
		t.Fatal("ticket live before maturity")
	}
	p.generate(1) // block 48 = 32 + TicketMaturity
	wantNtfns(t, ws, "blockconnected", "spentandmissedtickets")
	nt := ws.next()
	if nt.Method != "newtickets" {
		t.Fatalf("got %s, want newtickets", nt.Method)
	}
	parsed, err := rpcjson.ParseNewTickets(nt.Params)
	if err != nil || len(parsed.Tickets) != 14 || parsed.BlockHeight != 48 || parsed.StakeDiff != price {
		t.Fatalf("newtickets %+v %v", parsed, err)
	}
	p.must(&live, "existsliveticket", someTicket)
	if !live {
		t.Fatal("ticket not live at maturity")
	}
	var bitset string
	p.must(&bitset, "existslivetickets", []string{someTicket, strings.Repeat("0", 64), someTicket})
	if bitset != "05" {
		t.Fatalf("existslivetickets = %q, want 05", bitset)
	}

	// Up to SVH-1 = 143: winners for block 144 are announced.
	p.generate(143 - 48 - 1)
	drain(ws, (143-48-1)*3)
	p.generate(1)
	wantNtfns(t, ws, "blockconnected", "spentandmissedtickets", "newtickets")
	wn := ws.next()
	if wn.Method != "winningtickets" {
		t.Fatalf("got %s, want winningtickets", wn.Method)
	}
	win, err := rpcjson.ParseWinningTickets(wn.Params)
	if err != nil || len(win.Tickets) != 5 || win.BlockHeight != 143 {
		t.Fatalf("winningtickets %+v %v", win, err)
	}
	tipHash, tipHeight := p.tip()
	if win.BlockHash != tipHash.String() {
		t.Fatal("winners not for the tip")
	}
	// Deterministic: the node's rule recomputed here gives the same list.
	var lt rpcjson.TicketsResult
	p.must(&lt, "livetickets")
	pool := hashesFromStrings(t, lt.Tickets)
	sort.Slice(pool, func(i, j int) bool { return compareHash(&pool[i], &pool[j]) < 0 })
	if got := hashStrings(selectWinners(tipHash, pool, 5)); strings.Join(got, ",") != strings.Join(win.Tickets, ",") {
		t.Fatalf("winners %v, rule gives %v", win.Tickets, got)
	}
	winners := hashesFromStrings(t, win.Tickets)
	var nonWinner chainhash.Hash
	for h := range tickets {
		if !containsHash(winners, h) {
			nonWinner = h
		}
	}
	// Pick a P2SH-voted winner if any, to exercise the pool's script.
	first := winners[0]
	for _, w := range winners {
		if voters[w].redeem != nil {
			first = w
		}
	}

	// Vote acceptance and rejection.
	vote := buildVote(t, tickets[first], voters[first], tipHash, tipHeight, 0x0005)
	txid, err := p.send(vote)
	if err != nil || txid != vote.TxHash().String() {
		t.Fatalf("valid vote: %v %s", err, txid)
	}
	p.wantErr(-40, "rejected transaction "+txid+": already have transaction "+txid, "sendrawtransaction", vote.Hex())
	voteOut := int64(0)
	for _, o := range vote.TxOut {
		voteOut += o.Value
	}
	checkVerboseEntry(t, p, vote, "votes", voteOut) // a vote pays exactly what it gets: fee 0
	second := otherThan(winners, first)
	prev := p.block(tipHeight - 1)
	_, err = p.send(buildVote(t, tickets[second], voters[second], prev.BlockHash(), tipHeight-1, 1))
	wantReject(t, err, "not on the tip")
	_, err = p.send(buildVote(t, tickets[nonWinner], voters[nonWinner], tipHash, tipHeight, 1))
	wantReject(t, err, "not eligible to vote")
	forgedVote := buildVote(t, tickets[second], voters[second], tipHash, tipHeight, 1)
	forgeSig(t, forgedVote, 1, tickets[second].TxOut[0].PkScript, newTestKey("stranger"))
	_, err = p.send(forgedVote)
	wantReject(t, err, "signature check failed")
	bad := buildVote(t, tickets[second], voters[second], tipHash, tipHeight, 1)
	bad.TxOut[2].Value++
	voters[second].sign(t, bad, 1, tickets[second].TxOut[0].PkScript)
	_, err = p.send(bad)
	wantReject(t, err, "invalid vote payouts")

	// The vote is visible verbosely in the mempool.
	var raw rpcjson.TxRawResult
	p.must(&raw, "getrawtransaction", txid, 1)
	if !raw.Vin[0].IsStakebase() || raw.Vout[2].ScriptPubKey.Type != "stakegen" || raw.BlockHash != "" {
		t.Fatalf("verbose mempool vote %+v", raw)
	}
	p.wantErr(-8, "Failed to parse request: parameter #2 'verbose' must be type int (got bool)", "getrawtransaction", txid, true)

	// Block 144: the vote is mined; the other four winners are missed.
	p.generate(1)
	b144 := p.block(144)
	if b144.Header.Voters != 1 || b144.Header.VoteBits != 1 {
		t.Fatalf("block 144 voters %d votebits %d", b144.Header.Voters, b144.Header.VoteBits)
	}
	wantNtfns(t, ws, "blockconnected")
	sm := ws.next()
	smn, err := rpcjson.ParseSpentAndMissedTickets(sm.Params)
	if err != nil || len(smn.Spent()) != 1 || smn.Spent()[0] != first.String() || len(smn.Missed()) != 4 {
		t.Fatalf("spentandmissedtickets %+v %v", smn, err)
	}
	wantNtfns(t, ws, "newtickets", "winningtickets")
	p.must(&raw, "getrawtransaction", txid, 1)
	if raw.BlockHeight != 144 || raw.Confirmations != 1 {
		t.Fatalf("mined vote %+v", raw)
	}
	var missed rpcjson.TicketsResult
	p.must(&missed, "missedtickets")
	if len(missed.Tickets) != 4 || containsHash(hashesFromStrings(t, missed.Tickets), first) {
		t.Fatalf("missedtickets %v", missed.Tickets)
	}

	// Revocation of a missed ticket; a live ticket cannot be revoked.
	_, err = p.send(buildRevocation(t, tickets[nonWinner], voters[nonWinner]))
	if !p.isLive(nonWinner) {
		t.Fatalf("non-winner should still be live")
	}
	wantReject(t, err, "cannot be revoked")
	rev := buildRevocation(t, tickets[second], voters[second])
	if _, err := p.send(rev); err != nil {
		t.Fatalf("revocation: %v", err)
	}
	checkVerboseEntry(t, p, rev, "revocations", tickets[second].TxOut[0].Value)
	p.generate(1)
	wantNtfns(t, ws, "blockconnected")
	smn, _ = rpcjson.ParseSpentAndMissedTickets(ws.next().Params)
	if smn.Tickets[second.String()] != "missed" {
		t.Fatalf("revoked ticket not listed as missed: %+v", smn)
	}
	wantNtfns(t, ws, "newtickets")
	winBefore, err := rpcjson.ParseWinningTickets(ws.next().Params)
	if err != nil {
		t.Fatal(err)
	}
	// 4 missed at 144, one of them revoked, and the 5 winners of block 145
	// that did not vote.
	p.must(&missed, "missedtickets")
	if len(missed.Tickets) != 8 || containsHash(hashesFromStrings(t, missed.Tickets), second) {
		t.Fatalf("missed after revocation: %v", missed.Tickets)
	}

	// Restart after a crash: same tip, same pool, same winners.
	tipBefore, heightBefore := p.tip()
	var liveBefore rpcjson.TicketsResult
	p.must(&liveBefore, "livetickets")
	p.kill()
	p.start()
	tipAfter, heightAfter := p.tip()
	var liveAfter rpcjson.TicketsResult
	p.must(&liveAfter, "livetickets")
	if tipAfter != tipBefore || heightAfter != heightBefore || strings.Join(liveAfter.Tickets, ",") != strings.Join(liveBefore.Tickets, ",") {
		t.Fatalf("restart changed the chain: %v/%d -> %v/%d", tipBefore, heightBefore, tipAfter, heightAfter)
	}
	ws2 := p.dialWS()
	ws2.request("notifywinningtickets")
	ws2.request("rebroadcastwinners")
	again, err := rpcjson.ParseWinningTickets(ws2.next().Params)
	if err != nil || again.BlockHash != tipAfter.String() || len(again.Tickets) != 4 ||
		strings.Join(again.Tickets, ",") != strings.Join(winBefore.Tickets, ",") {
		t.Fatalf("rebroadcastwinners after restart: %+v %v", again, err)
	}
	// The chain continues after the restart.
	p.generate(2)
	if _, h := p.tip(); h != heightBefore+2 {
		t.Fatalf("height %d after restart+2", h)
	}
}

func (p *nodeProc) isLive(h chainhash.Hash) bool {
	var live bool
	p.must(&live, "existsliveticket", h.String())
	return live
}

func wantReject(t *testing.T, err error, contains string) {
	t.Helper()
	re, ok := err.(interface{ Error() string })
	if !ok || err == nil {
		t.Fatalf("want rejection containing %q, got success", contains)
	}
	if !strings.HasPrefix(re.Error(), "-1: rejected transaction ") || !strings.Contains(re.Error(), contains) {
		t.Fatalf("want -1 rejection containing %q, got %v", contains, err)
	}
}

func wantNtfns(t *testing.T, ws *wsClient, methods ...string) {
	t.Helper()
	for _, m := range methods {
		if got := ws.next(); got.Method != m {
			t.Fatalf("got notification %s (%s), want %s", got.Method, paramsString(got.Params), m)
		}
	}
}

func paramsString(ps []json.RawMessage) string {
	b, _ := json.Marshal(ps)
	return string(b)
}

func drain(ws *wsClient, n int) {
	for i := 0; i < n; i++ {
		ws.next()
	}
}

func hashesFromStrings(t testing.TB, ss []string) []chainhash.Hash {
	t.Helper()
	out := make([]chainhash.Hash, len(ss))
	for i, s := range ss {
		h, err := chainhash.NewHashFromStr(s)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = *h
	}
	return out
}

func containsHash(hs []chainhash.Hash, h chainhash.Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

func otherThan(hs []chainhash.Hash, h chainhash.Hash) chainhash.Hash {
	for _, x := range hs {
		if x != h {
			return x
		}
	}
	return h
}

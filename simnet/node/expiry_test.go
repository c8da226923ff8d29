package node

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// TestExpiryAndRevocation (DCP0009 off: the revocation is sent by hand) uses parameter overrides so a ticket expires
// quickly without ever being called, then revokes it.
func TestExpiryAndRevocation(t *testing.T) {
	miner := newTestKey("miner")
	voter := newTestKey("voter")
	p := startNode(t, "", "--noautorevocations", "--miningaddr", miner.addr(), "--ticketmaturity", "2", "--ticketexpiry", "5",
		"--stakevalidationheight", "1000", "--coinbasematurity", "2")
	p.generate(31) // next block is StakeEnabledHeight
	ticket := buildTicket(t, coinbaseCoin(p.block(3), miner), voting{key: voter}, simParams.MinimumStakeDiff, 1e4)
	th := ticket.TxHash().String()
	if _, err := p.send(ticket); err != nil {
		t.Fatal(err)
	}
	ws := p.dialWS()
	ws.request("notifyspentandmissedtickets")
	p.generate(1) // mined at 32, live at 34, expires at 32+2+5 = 39
	drain(ws, 1)
	spend := buildSpend(t, coinbaseCoin(p.block(2), miner), voter.p2pkh(), 1e8, 1e4, miner)
	if _, err := p.send(spend); err != nil {
		t.Fatal(err)
	}
	p.generate(1)
	drain(ws, 1)
	// A mined transaction sent again is a duplicate too.
	p.wantErr(-40, "rejected transaction "+spend.TxHash().String()+": already have transaction", "sendrawtransaction", spend.Hex())
	p.generate(4) // tip 37
	drain(ws, 4)
	if !p.isLive(ticket.TxHash()) {
		t.Fatal("ticket should be live")
	}
	p.generate(1) // 38: still live
	drain(ws, 1)
	var bits string
	p.must(&bits, "existsexpiredtickets", []string{th})
	if bits != "00" || !p.isLive(ticket.TxHash()) {
		t.Fatalf("expired too early: %s", bits)
	}
	p.generate(1) // 39: expires
	smn, err := rpcjson.ParseSpentAndMissedTickets(ws.next().Params)
	if err != nil || smn.Tickets[th] != "missed" || smn.BlockHeight != 39 {
		t.Fatalf("expiry notification %+v %v", smn, err)
	}
	p.must(&bits, "existsexpiredtickets", []string{th})
	if bits != "01" || p.isLive(ticket.TxHash()) {
		t.Fatalf("not expired: %s", bits)
	}
	rev := buildRevocation(t, ticket, voting{key: voter})
	if _, err := p.send(rev); err != nil {
		t.Fatalf("revoke expired: %v", err)
	}
	p.generate(1)
	smn, _ = rpcjson.ParseSpentAndMissedTickets(ws.next().Params)
	if smn.Tickets[th] != "missed" {
		t.Fatalf("revocation not notified: %+v", smn)
	}
	p.must(&bits, "existsexpiredtickets", []string{th})
	if bits != "00" {
		t.Fatal("revoked ticket still listed as expired")
	}
	// Revocation outputs are spendable after CoinbaseMaturity (2 here).
	var raw rpcjson.TxRawResult
	p.must(&raw, "getrawtransaction", rev.TxHash().String(), 1)
	if raw.Vout[0].ScriptPubKey.Type != "stakerevoke" || raw.BlockHeight != 40 {
		t.Fatalf("revocation %+v", raw)
	}
}

func TestGetVoteInfo(t *testing.T) {
	p := startNode(t, "", "--miningaddr", newTestKey("m").addr())
	var vi rpcjson.GetVoteInfoResult
	p.must(&vi, "getvoteinfo", 8)
	agendas, _ := simParams.Agendas(8)
	if vi.VoteVersion != 8 || vi.Quorum != 160 || vi.EndHeight != 319 || len(vi.Agendas) != len(agendas) {
		t.Fatalf("getvoteinfo %+v", vi)
	}
	for i, a := range vi.Agendas {
		if a.ID != agendas[i].ID || len(a.Choices) != len(agendas[i].Choices) || a.Status == "" {
			t.Fatalf("agenda %d: %+v", i, a)
		}
	}
	p.wantErr(-8, "Failed to parse request: wrong number of params (expected 1, received 0)", "getvoteinfo")
}

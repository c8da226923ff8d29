package node

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
)

// TestTxFilter checks loadtxfilter, the subscribedTxs of blockconnected,
// relevanttxaccepted, rescan, ticketsforaddress and ping.
func TestTxFilter(t *testing.T) {
	miner := newTestKey("miner")
	watched := newTestKey("watched")
	p := startNode(t, "", "--miningaddr", miner.addr())
	p.generate(31)
	p.must(nil, "ping")
	ws := p.dialWS()
	ws.request("notifyblocks")
	if r := ws.request("loadtxfilter", false, []string{watched.addr()}, []rpcjson.OutPoint{}); r.Error != nil {
		t.Fatal(r.Error)
	}
	if r := ws.request("loadtxfilter", false, []string{"notanaddress"}, []rpcjson.OutPoint{}); r.Error == nil || r.Error.Code != -5 {
		t.Fatalf("bad address: %+v", r.Error)
	}
	var va struct {
		IsValid bool   `json:"isvalid"`
		Address string `json:"address"`
	}
	p.must(&va, "validateaddress", watched.addr())
	if !va.IsValid || va.Address != watched.addr() {
		t.Fatalf("validateaddress %+v", va)
	}
	p.must(&va, "validateaddress", "Dsnotanaddress")
	if va.IsValid {
		t.Fatal("invalid address validated")
	}
	txws := p.dialWS()
	txws.request("notifynewtransactions")
	txwsV := p.dialWS()
	txwsV.request("notifynewtransactions", true)
	pay := buildSpend(t, coinbaseCoin(p.block(2), miner), watched.p2pkh(), 1e8, 1e4, miner)
	unrelated := buildSpend(t, coinbaseCoin(p.block(3), miner), miner.p2pkh(), 1e8, 1e4, miner)
	if _, err := p.send(unrelated); err != nil {
		t.Fatal(err)
	}
	if _, err := p.send(pay); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{unrelated.TxHash().String(), pay.TxHash().String()} {
		m := txws.next()
		if m.Method != "txaccepted" || string(m.Params[0]) != `"`+want+`"` {
			t.Fatalf("txaccepted %d: %s %s", i, m.Method, paramsString(m.Params))
		}
		mv := txwsV.next()
		var raw rpcjson.TxRawResult
		if mv.Method != "txacceptedverbose" || json.Unmarshal(mv.Params[0], &raw) != nil || raw.Txid != want {
			t.Fatalf("txacceptedverbose %d: %s", i, paramsString(mv.Params))
		}
	}
	m := ws.next()
	if m.Method != "relevanttxaccepted" || string(m.Params[0]) != `"`+pay.Hex()+`"` {
		t.Fatalf("relevanttxaccepted: %s %s", m.Method, paramsString(m.Params))
	}
	// The filter now also holds pay's output, so its spend matches.
	ticket := buildTicket(t, coin{op: outPointOf(pay, 0), value: 1e8, script: watched.p2pkh(), key: watched}, voting{key: watched},
		simParams.MinimumStakeDiff, 1e4)
	if _, err := p.send(ticket); err != nil {
		t.Fatal(err)
	}
	if m := ws.next(); m.Method != "relevanttxaccepted" {
		t.Fatalf("ticket spending a watched output: %s", m.Method)
	}
	// Verbose shapes of a ticket: voting output, commitment, change.
	var raw rpcjson.TxRawResult
	p.must(&raw, "getrawtransaction", ticket.TxHash().String(), 1)
	spk := func(i int) rpcjson.ScriptPubKeyResult { return raw.Vout[i].ScriptPubKey }
	if spk(0).Type != "stakesubmission" || spk(0).Addresses[0] != watched.addr() || spk(0).ReqSigs != 1 ||
		spk(1).Type != "sstxcommitment" || spk(1).CommitAmt == nil || *spk(1).CommitAmt != float64(simParams.MinimumStakeDiff+1e4)/1e8 ||
		spk(2).Type != "sstxchange" || raw.Vin[0].Txid != pay.TxHash().String() || raw.Vin[0].ScriptSig == nil ||
		!strings.HasPrefix(spk(0).Asm, "OP_SSTX OP_DUP OP_HASH160 ") {
		t.Fatalf("verbose ticket %+v", raw)
	}
	hashes := p.generate(1)
	var cb rpcjson.TxRawResult
	p.must(&cb, "getrawtransaction", p.block(32).Transactions[0].TxHash().String(), 1)
	if !cb.Vin[0].IsCoinbase() || cb.Vout[0].ScriptPubKey.Type != "nulldata" || cb.Vout[1].ScriptPubKey.Type != "pubkeyhash" ||
		cb.BlockHeight != 32 || cb.Confirmations != 1 {
		t.Fatalf("verbose coinbase %+v", cb)
	}
	bc, err := rpcjson.ParseBlockConnected(ws.next().Params)
	if err != nil {
		t.Fatal(err)
	}
	if len(bc.SubscribedTxs) != 2 || !bytes.Equal(bc.SubscribedTxs[0], ticket.Bytes()) || !bytes.Equal(bc.SubscribedTxs[1], pay.Bytes()) {
		t.Fatalf("subscribedTxs (stake tree first) = %d txs", len(bc.SubscribedTxs))
	}
	r := ws.request("rescan", hashes)
	var res struct {
		DiscoveredData []struct {
			Hash         string   `json:"hash"`
			Transactions []string `json:"transactions"`
		} `json:"discovereddata"`
	}
	if r.Error != nil || json.Unmarshal(r.Result, &res) != nil || len(res.DiscoveredData) != 1 || len(res.DiscoveredData[0].Transactions) != 2 {
		t.Fatalf("rescan: %s %v", r.Result, r.Error)
	}
	// ticketsforaddress: live tickets voting to the address.
	p.generate(int(simParams.TicketMaturity))
	var tfa rpcjson.TicketsResult
	p.must(&tfa, "ticketsforaddress", watched.addr())
	if len(tfa.Tickets) != 1 || tfa.Tickets[0] != ticket.TxHash().String() {
		t.Fatalf("ticketsforaddress %v", tfa.Tickets)
	}
	p.must(&tfa, "ticketsforaddress", miner.addr())
	if len(tfa.Tickets) != 0 {
		t.Fatalf("ticketsforaddress (none) %v", tfa.Tickets)
	}
}

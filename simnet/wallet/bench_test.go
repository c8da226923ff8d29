package wallet

import (
	"encoding/hex"
	"os"
	"strconv"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// BenchmarkProcessBlock measures a stake-pool wallet's work for one block
// of the node's load profile: 20 new pool tickets (each fee-checked) and 5
// votes, plus the split transaction funding the tickets.
func BenchmarkProcessBlock(b *testing.B) {
	seed, _ := hex.DecodeString(testSeed)
	p := openTestWallet(&testing.T{}).cfg.Params
	master, _ := hdkeychain.NewMaster(seed, p)
	cold, _ := master.DerivePath(hdkeychain.HardenedKeyStart+44, hdkeychain.HardenedKeyStart+1, hdkeychain.HardenedKeyStart+5)
	coldXpub := cold.Neuter()
	w, err := Open(Config{DataDir: b.TempDir(), Seed: seed, Params: p, ColdExtKey: coldXpub.String(), ColdCount: 100,
		PoolFees: 7.5}, offlineNode{})
	if err != nil {
		b.Fatal(err)
	}
	w.st.SyncHeight = 200
	// A 1-of-2 script with a wallet key, imported; coins to spend.
	other := w.keys.key(branchExternal, 50).pub
	script, _ := txscript.MultiSigScript(1, [][]byte{w.keys.key(branchExternal, 0).pub, other})
	w.addScriptBytesLocked(script)
	w.processTxLocked(payTx(w, chainhash.Hash{9}, 1, 1000e8), blockInfo{hash: "f", height: 100})
	feeAddr, _ := hdkeychain.AddressAt(coldXpub, 0, 3, p)
	req := &ticketRequest{minconf: 1, num: 20, ticketAddr: &decodedAddr{kind: addrP2SH, hash: hash160(script)},
		poolAddr: &decodedAddr{kind: addrP2PKH, hash: *feeAddr.Hash160()}, poolFees: 7.5, feeRate: 10000}
	tickets, split, chosen, err := w.makeTicketsLocked(req, 2e8, 6000)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.signCreditsLocked(split, chosen); err != nil {
		b.Fatal(err)
	}
	blk := &wire.MsgBlock{Header: wire.BlockHeader{Height: 201}, Transactions: []*wire.MsgTx{split}, STransactions: tickets}
	w.processBlockLocked(blk, 201)
	var votes []*wire.MsgTx
	for _, t := range tickets[:5] {
		h := t.TxHash()
		v, err := w.buildVote(chainhash.Hash{7}, 220, h.String(), 1, []byte{12, 0, 0, 0})
		if err != nil {
			b.Fatal(err)
		}
		votes = append(votes, v)
	}
	blk.STransactions = append(blk.STransactions, votes...)
	if u := w.st.PoolUsers[hex.EncodeToString(req.ticketAddr.hash[:])]; u == nil || len(u.Tickets) != 20 {
		b.Fatalf("pool user record %+v: want 20 valid tickets", u)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.processBlockLocked(blk, 201)
	}
}

// BenchmarkWalletLarge measures the cost of the wallet's work plus its
// durable save at a large wallet size: a stake-pool wallet that already
// holds SIMNET_WALLET_ROUNDS x 20 pool tickets (default 500 rounds: 10,000
// tickets, 2,500 of them voted, with their split transactions) buys 20
// tickets (the split and the tickets, unmined, saved as purchaseticket
// saves them) or processes one block of 20 tickets and 5 votes and saves.
// "fullsave" is the cost of writing the whole state once (what every save
// cost before the journal, and what a compaction costs now). Metrics:
// ns/op, and journal bytes written per operation.
//
//	go test ./simnet/wallet -run '^$' -bench WalletLarge -benchtime 20x
func BenchmarkWalletLarge(b *testing.B) {
	rounds := 500
	if s := os.Getenv("SIMNET_WALLET_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("bad SIMNET_WALLET_ROUNDS %q", s)
		}
		rounds = n
	}
	p := newPoolTestWallet(b)
	w := p.w
	height := int64(201)
	var live []*wire.MsgTx
	step := func() (*wire.MsgBlock, error) {
		tickets, split := p.buy(b)
		var votes []*wire.MsgTx
		for _, tk := range live[:min(5, len(live))] {
			v, err := w.buildVote(chainhash.Hash{byte(height), byte(height >> 8)}, height-1, tk.TxHash().String(), 1, []byte{8, 0, 0, 0})
			if err != nil {
				return nil, err
			}
			votes = append(votes, v)
		}
		live = append(live[len(votes):], tickets...)
		blk := p.mine(height, []*wire.MsgTx{split}, append(tickets, votes...))
		height++
		return blk, nil
	}
	for i := 0; i < rounds; i++ {
		p.fund(b, byte(i), height-100)
		if _, err := step(); err != nil {
			b.Fatal(err)
		}
	}
	w.st.rewrite()
	if err := w.saveLocked(); err != nil {
		b.Fatal(err)
	}
	b.Logf("wallet: %d transactions, %d tickets, snapshot %d bytes", len(w.st.Txs), len(w.st.Tickets), w.db.snapSize)
	journalBytes := func() int64 { return w.db.size }
	run := func(b *testing.B, op func()) {
		compactions := w.db.gen
		start := journalBytes()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			op()
			if err := w.saveLocked(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if w.db.gen == compactions {
			b.ReportMetric(float64(journalBytes()-start)/float64(b.N), "journalB/op")
		}
	}
	b.Run("buy20", func(b *testing.B) {
		run(b, func() {
			p.fund(b, 0xfe, height-100)
			p.buy(b) // unmined: never voted here
		})
	})
	b.Run("block", func(b *testing.B) {
		run(b, func() {
			p.fund(b, 0xfd, height-100)
			if _, err := step(); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("fullsave", func(b *testing.B) {
		run(b, func() { w.st.rewrite() })
	})
}

// BenchmarkBuildVote measures generatevote's work for one pool ticket:
// load the ticket, build the vote and sign it with the wallet's key of the
// ticket's 1-of-2 script.
func BenchmarkBuildVote(b *testing.B) {
	seed, _ := hex.DecodeString(testSeed)
	p := openTestWallet(&testing.T{}).cfg.Params
	w, err := Open(Config{DataDir: b.TempDir(), Seed: seed, Params: p}, offlineNode{})
	if err != nil {
		b.Fatal(err)
	}
	w.st.SyncHeight = 200
	script, _ := txscript.MultiSigScript(1, [][]byte{w.keys.key(branchExternal, 0).pub, w.keys.key(branchExternal, 50).pub})
	w.addScriptBytesLocked(script)
	w.processTxLocked(payTx(w, chainhash.Hash{9}, 1, 1000e8), blockInfo{hash: "f", height: 100})
	req := &ticketRequest{minconf: 1, num: 1, ticketAddr: &decodedAddr{kind: addrP2SH, hash: hash160(script)},
		poolAddr: &decodedAddr{kind: addrP2PKH, hash: [20]byte{1}}, poolFees: 7.5, feeRate: 10000}
	tickets, split, chosen, err := w.makeTicketsLocked(req, 2e8, 6000)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.signCreditsLocked(split, chosen); err != nil {
		b.Fatal(err)
	}
	w.processBlockLocked(&wire.MsgBlock{Header: wire.BlockHeader{Height: 201}, Transactions: []*wire.MsgTx{split},
		STransactions: tickets}, 201)
	h := tickets[0].TxHash()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.buildVote(chainhash.Hash{7}, 220, h.String(), 1, []byte{12, 0, 0, 0}); err != nil {
			b.Fatal(err)
		}
	}
}

package wallet

import (
	"encoding/hex"
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

package wallet

import (
	"encoding/hex"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

func openTestWallet(t *testing.T) *Wallet {
	t.Helper()
	seed, _ := hex.DecodeString(testSeed)
	w, err := Open(Config{DataDir: t.TempDir(), Seed: seed, Params: chaincfg.SimNetParams()}, offlineNode{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// payTx is a transaction spending prev:0 and paying amount to the wallet's
// external key idx.
func payTx(w *Wallet, prev chainhash.Hash, idx uint32, amount int64) *wire.MsgTx {
	tx := wire.NewMsgTx(wire.TxVersion)
	tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&prev, 0, wire.TxTreeRegular), amount+1000, nil))
	h := w.keys.key(branchExternal, idx).hash
	script, _ := txscript.PayToPubKeyHashScript(h[:])
	tx.AddTxOut(wire.NewTxOut(amount, script))
	return tx
}

func TestLedgerSpendMineAbandon(t *testing.T) {
	w := openTestWallet(t)
	w.st.SyncHeight = 100
	// A mined credit X.
	fund := payTx(w, chainhash.Hash{1}, 0, 5e8)
	w.processTxLocked(fund, blockInfo{hash: "b", height: 50})
	x := outpointKey(fund.TxHash().String(), 0)
	if c := w.st.Credits[x]; c == nil || c.Amount != 5e8 || c.Height != 50 {
		t.Fatalf("credit X: %+v", c)
	}
	spend := func() *wire.MsgTx { return payTx(w, fund.TxHash(), 1, 4e8) }

	tests := []struct {
		name string
		run  func()
		// wantX: X offered for spending; wantY: the change credit exists.
		wantX, wantY bool
	}{
		{"unmined spend hides X", func() { w.processTxLocked(spend(), blockInfo{}) }, false, true},
		{"abandon gives X back", func() { w.abandonLocked(spend().TxHash().String()) }, true, false},
		{"spend again", func() { w.processTxLocked(spend(), blockInfo{}) }, false, true},
		{"mined spend removes X", func() { w.processTxLocked(spend(), blockInfo{hash: "c", height: 60}) }, false, true},
		{"abandon of a mined tx does nothing", func() { w.abandonLocked(spend().TxHash().String()) }, false, true},
		{"processing the block again is harmless", func() { w.processTxLocked(fund, blockInfo{hash: "b", height: 50}) }, true, true},
		{"and so is the spend", func() { w.processTxLocked(spend(), blockInfo{hash: "c", height: 60}) }, false, true},
	}
	y := outpointKey(spend().TxHash().String(), 0)
	for _, tc := range tests {
		tc.run()
		chosen, _, _, _ := w.selectCreditsLocked(1, 1, 0) // nil when nothing is spendable
		offered := false
		for _, c := range chosen {
			offered = offered || outpointKey(c.TxID, c.Index) == x
		}
		_, hasY := w.st.Credits[y]
		if offered != tc.wantX || hasY != tc.wantY {
			t.Fatalf("%s: X offered %v (want %v), Y exists %v (want %v)", tc.name, offered, tc.wantX, hasY, tc.wantY)
		}
	}
}

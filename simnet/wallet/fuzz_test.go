package wallet

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// FuzzProcessTx feeds arbitrary transactions to a stake-pool wallet's block
// processing: whatever a block holds, the wallet must not panic.
func FuzzProcessTx(f *testing.F) {
	w := openTestWallet(&testing.T{})
	other := w.keys.key(branchExternal, 9).pub
	script, _ := txscript.MultiSigScript(1, [][]byte{w.keys.key(branchExternal, 0).pub, other})
	w.addScriptBytesLocked(script)
	w.processTxLocked(payTx(w, chainhash.Hash{9}, 1, 100e8), blockInfo{hash: "f", height: 100})
	w.st.SyncHeight = 200
	req := &ticketRequest{minconf: 1, num: 1, ticketAddr: &decodedAddr{kind: addrP2SH, hash: hash160(script)},
		poolAddr: &decodedAddr{kind: addrP2PKH, hash: w.keys.key(branchExternal, 3).hash}, poolFees: 7.5, feeRate: 10000}
	tickets, split, _, err := w.makeTicketsLocked(req, 2e8, 6000)
	if err != nil {
		f.Fatal(err)
	}
	w.processTxLocked(tickets[0], blockInfo{hash: "t", height: 201})
	h := tickets[0].TxHash()
	vote, err := w.buildVote(chainhash.Hash{1}, 210, h.String(), 1, []byte{12, 0, 0, 0})
	if err != nil {
		f.Fatal(err)
	}
	rev, err := w.buildRevocation(h.String())
	if err != nil {
		f.Fatal(err)
	}
	for _, tx := range []*wire.MsgTx{split, tickets[0], vote, rev} {
		f.Add(tx.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := wire.NewTxFromBytes(b)
		if err != nil {
			return
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		w.processTxLocked(tx, blockInfo{})
		w.processTxLocked(tx, blockInfo{hash: "x", height: 202})
	})
}

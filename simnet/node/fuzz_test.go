package node

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/wire"
)

// FuzzStakeForms runs the node's transaction classification and stake
// shape checks on arbitrary decodable transactions: they must never panic.
func FuzzStakeForms(f *testing.F) {
	k := newTestKey("fuzz")
	tk := buildTicket(&testing.T{}, coin{op: wire.OutPoint{Index: 1}, value: 1e8, script: k.p2pkh(), key: k}, voting{key: k}, 20000, 1000)
	f.Add(tk.Bytes())
	f.Add(buildRevocation(&testing.T{}, tk, voting{key: k}).Bytes())
	f.Add(buildVote(&testing.T{}, tk, voting{key: k}, hashN(1), 200, 1).Bytes())
	f.Fuzz(func(t *testing.T, raw []byte) {
		tx, err := wire.NewTxFromBytes(raw)
		if err != nil {
			return
		}
		_ = classify(tx)
		if form, err := checkTicketForm(tx); err == nil {
			stakePayouts(form.commitments, form.price)
		}
		_, _ = checkVoteForm(tx)       // any input: only that it does not panic
		_, _ = checkRevocationForm(tx) // likewise
		for _, out := range tx.TxOut {
			outputPays(out.PkScript)
		}
	})
}

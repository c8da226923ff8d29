package stake_test

import (
	"bytes"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// FuzzParseTicket decodes arbitrary bytes as a transaction and parses it as
// a ticket: never a panic, and every accepted ticket is self-consistent and
// rebuilds (from its parsed parts) to the same outputs when its scripts are
// in the standard 32-byte commitment form; with input values its fee is
// TxFee's.
func FuzzParseTicket(f *testing.F) {
	f.Add(mustHex(f, loadVectors(f).Ticket.Hex))
	f.Add(mustHex(f, loadVectors(f).RawSStx.Hex))
	f.Fuzz(func(t *testing.T, in []byte) {
		tx, err := wire.NewTxFromBytes(in)
		if err != nil {
			return
		}
		tk, err := stake.ParseTicket(tx)
		if err != nil {
			return
		}
		if len(tk.Contributions) != len(tx.TxIn) || tk.Fee < 0 || tk.Price != tx.TxOut[0].Value {
			t.Fatalf("inconsistent ticket %+v", tk)
		}
		// With input values the fee is the network's, inputs minus
		// all outputs, and equals the commitments minus the price.
		if tk.InputsKnown {
			if fee, err := stake.TxFee(tx); err != nil || fee != tk.Fee || tk.Fee != tk.TotalCommitted()-tk.Price {
				t.Fatalf("fee %d, TxFee %d, %v, committed %d", tk.Fee, fee, err, tk.TotalCommitted())
			}
		}
		inputs := make([]stake.TicketInput, len(tk.Contributions))
		for k, c := range tk.Contributions {
			if len(tx.TxOut[2*k+1].PkScript) != 32 {
				return // valid but non-standard commitment encoding
			}
			change := c.Change
			inputs[k] = stake.TicketInput{
				PrevOut: tx.TxIn[k].PreviousOutPoint, Value: c.Amount + c.ChangeValue,
				Reward: c.PayScript(), Limits: c.Limits, ChangeValue: c.ChangeValue, Change: &change,
			}
			if c.ChangeValue > stake.MaxAtoms-c.Amount {
				return
			}
		}
		voting := tk.Voting
		voting.Tag = txscript.OP_SSTX
		built, err := stake.NewTicket(stake.TicketSpec{Price: tk.Price, Voting: voting, Inputs: inputs, Expiry: tx.Expiry})
		if err != nil {
			if tk.Price == 0 {
				return // a zero-price ticket parses but is not built
			}
			t.Fatalf("rebuild: %v", err)
		}
		built.LockTime = tx.LockTime
		for i := range built.TxIn {
			built.TxIn[i].Sequence = tx.TxIn[i].Sequence
		}
		built.Version = tx.Version
		if !bytes.Equal(built.BytesPrefix(), tx.BytesPrefix()) {
			t.Fatalf("rebuilt prefix differs\n%x\n%x", built.BytesPrefix(), tx.BytesPrefix())
		}
	})
}

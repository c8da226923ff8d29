package stake_test

import (
	"errors"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// changeTicket builds a 2-contributor ticket of price 1000 whose
// contributors spend 300 and 900 and take 0 and 150 back as change: fee =
// (300+900) - (1000+0+150) = 50.
func changeTicket(t *testing.T) *wire.MsgTx {
	t.Helper()
	prev := chainhash.HashH([]byte("split"))
	ch := pkh(key(3))
	tx, err := stake.NewTicket(stake.TicketSpec{
		Price: 1000, Voting: pkh(key(1)),
		Inputs: []stake.TicketInput{
			{PrevOut: wire.OutPoint{Hash: prev, Index: 0}, Value: 300, Reward: pkh(key(2))},
			{PrevOut: wire.OutPoint{Hash: prev, Index: 1}, Value: 900, Reward: pkh(key(4)), ChangeValue: 150, Change: &ch},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// TestTxFee: the network's fee is inputs minus all outputs, change
// included, from the witness input values.
func TestTxFee(t *testing.T) {
	v := loadVectors(t)
	published := mustTx(t, v.Ticket.Hex)
	regular := wire.NewMsgTx(1)
	regular.AddTxIn(wire.NewTxIn(&wire.OutPoint{}, 5000, nil))
	regular.AddTxIn(wire.NewTxIn(&wire.OutPoint{Index: 1}, 700, nil))
	regular.AddTxOut(wire.NewTxOut(4000, nil))
	regular.AddTxOut(wire.NewTxOut(1500, nil)) // change

	prefixOnly := changeTicket(t)
	prefixOnly.SerType = wire.TxSerializeNoWitness
	nullValue := changeTicket(t)
	nullValue.TxIn[1].ValueIn = wire.NullValueIn
	overspend := changeTicket(t)
	overspend.TxIn[0].ValueIn = 100
	tests := []struct {
		name string
		tx   *wire.MsgTx
		want int64
		err  bool
	}{
		// simnet_ticket_signed: input_value 22980 - price 20000.
		{"published simnet ticket", published, v.Ticket.Parsed.InputValue - v.Ticket.Parsed.Price, false},
		{"ticket with change", changeTicket(t), 50, false},
		{"regular transaction with change", regular, 200, false},
		{"prefix only", prefixOnly, 0, true},
		{"unknown input value", nullValue, 0, true},
		{"outputs exceed inputs", overspend, 0, true},
	}
	for _, tc := range tests {
		got, err := stake.TxFee(tc.tx)
		if tc.err {
			if !errors.Is(err, stake.ErrBadAmount) {
				t.Errorf("%s: TxFee = %d, %v; want ErrBadAmount", tc.name, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: TxFee = %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
}

// TestParseTicketFeeFromInputs: ParseTicket's Fee is inputs minus all
// outputs; a commitment that is not its input minus its change (the
// network's rule) is refused instead of inflating the fee; without input
// values the commitments give the fee.
func TestParseTicketFeeFromInputs(t *testing.T) {
	tk, err := stake.ParseTicket(changeTicket(t))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Fee != 50 || !tk.InputsKnown || tk.TotalCommitted() != 300+750 {
		t.Fatalf("fee %d inputs known %v committed %d", tk.Fee, tk.InputsKnown, tk.TotalCommitted())
	}

	// The second commitment claims the whole input (900) although 150
	// returns as change: commitments minus price would say fee 200.
	bad := changeTicket(t)
	c, err := txscript.ParseCommitmentScript(bad.TxOut[3].PkScript)
	if err != nil {
		t.Fatal(err)
	}
	c.Amount = 900
	if bad.TxOut[3].PkScript, err = txscript.CommitmentScript(c); err != nil {
		t.Fatal(err)
	}
	if got, err := stake.ParseTicket(bad); !errors.Is(err, stake.ErrNotTicket) {
		t.Errorf("commitment including its change: %+v, %v; want ErrNotTicket", got, err)
	}

	// Prefix only: no input values, the fee comes from the commitments.
	prefix := changeTicket(t)
	prefix.SerType = wire.TxSerializeNoWitness
	tk, err = stake.ParseTicket(prefix)
	if err != nil || tk.InputsKnown || tk.Fee != 50 {
		t.Errorf("prefix-only ticket: %+v, %v", tk, err)
	}
}

package stake_test

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
)

// BenchmarkParseTicket parses a 2-contributor stake pool ticket (P2SH
// voting output, pool fee + user commitments), including its hash.
func BenchmarkParseTicket(b *testing.B) {
	const price, fee, txFee = 5_000_000_000, 30_000_000, 6000
	tx, err := stake.NewTicket(stake.TicketSpec{
		Price:  price,
		Voting: txscript.PayScript{ScriptHash: true, Hash: [20]byte{1, 2, 3}},
		Inputs: []stake.TicketInput{
			{Value: fee, Reward: txscript.PayScript{Hash: [20]byte{4, 5, 6}}},
			{Value: price - fee + txFee, Reward: txscript.PayScript{Hash: [20]byte{7, 8, 9}}},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := stake.ParseTicket(tx); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseTicketContributionCount checks the contributions slice for
// tickets of 1 to MaxInputsPerSStx inputs (one allocation holds up to two).
func TestParseTicketContributionCount(t *testing.T) {
	for n := 1; n <= stake.MaxInputsPerSStx; n++ {
		spec := stake.TicketSpec{Price: 1e8, Voting: txscript.PayScript{Hash: [20]byte{9}}}
		for k := 0; k < n; k++ {
			spec.Inputs = append(spec.Inputs, stake.TicketInput{
				Value:  1e8/int64(n) + 1000 + int64(k),
				Reward: txscript.PayScript{Hash: [20]byte{byte(k)}},
			})
		}
		tx, err := stake.NewTicket(spec)
		if err != nil {
			t.Fatal(err)
		}
		tk, err := stake.ParseTicket(tx)
		if err != nil {
			t.Fatalf("%d inputs: %v", n, err)
		}
		if len(tk.Contributions) != n || cap(tk.Contributions) != n {
			t.Fatalf("%d inputs: len %d cap %d", n, len(tk.Contributions), cap(tk.Contributions))
		}
		for k, c := range tk.Contributions {
			if c.Hash != [20]byte{byte(k)} || c.Amount != spec.Inputs[k].Value {
				t.Fatalf("%d inputs: contribution %d = %+v", n, k, c)
			}
		}
		if tk.Hash != tx.TxHash() || tk.Price != 1e8 {
			t.Fatalf("%d inputs: %+v", n, tk)
		}
	}
}

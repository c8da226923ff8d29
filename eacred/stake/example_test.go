package stake_test

import (
	"fmt"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// A stake pool ticket: the pool fee is committed first, the user's stake
// second, and the voting rights go to the 1-of-2 multisig P2SH. The vote
// pays each commitment its share of price + subsidy.
func ExampleNewTicket() {
	var poolFeeAddr, userReward, multisig [20]byte
	poolFeeAddr[0], userReward[0], multisig[0] = 1, 2, 3
	split := chainhash.HashH([]byte("split transaction"))

	const price, poolFee, ticketFee = 1000000000, 4429575, 10000
	ticket, err := stake.NewTicket(stake.TicketSpec{
		Price:  price,
		Voting: txscript.PayScript{ScriptHash: true, Hash: multisig},
		Inputs: []stake.TicketInput{
			{PrevOut: wire.OutPoint{Hash: split, Index: 0}, Value: poolFee,
				Reward: txscript.PayScript{Hash: poolFeeAddr}, Limits: txscript.FeeLimitsWalletV1},
			{PrevOut: wire.OutPoint{Hash: split, Index: 1}, Value: price + ticketFee - poolFee,
				Reward: txscript.PayScript{Hash: userReward}, Limits: txscript.FeeLimitsWalletV1},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, out := range ticket.TxOut {
		fmt.Printf("out[%d] %-15s %d\n", i, txscript.GetScriptClass(out.Version, out.PkScript), out.Value)
	}
	t, _ := stake.ParseTicket(ticket)
	fmt.Println("pool commitment:", t.Contributions[0].Amount, "user commitment:", t.Contributions[1].Amount, "fee:", t.Fee)

	vote, _ := stake.NewVote(stake.VoteSpec{Ticket: ticket, VoteBits: 1, VoteVersion: 12, Subsidy: 100000000})
	v, _ := stake.ParseVote(vote)
	for _, p := range v.Payouts {
		fmt.Println("vote pays", p.Value)
	}
	// Output:
	// out[0] stakesubmission 1000000000
	// out[1] nulldata        0
	// out[2] sstxchange      0
	// out[3] nulldata        0
	// out[4] sstxchange      0
	// pool commitment: 4429575 user commitment: 995580425 fee: 10000
	// vote pays 4872483
	// vote pays 1095127516
}

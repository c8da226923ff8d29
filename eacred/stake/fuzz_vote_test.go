package stake_test

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// FuzzParseVote decodes arbitrary bytes as a transaction and parses it as
// a vote and a revocation: never a panic, and parsed fields agree with the
// transaction.
func FuzzParseVote(f *testing.F) {
	ticket, err := wire.NewTxFromHex(loadVectors(f).Ticket.Hex)
	if err != nil {
		f.Fatal(err)
	}
	vote, err := stake.NewVote(stake.VoteSpec{Ticket: ticket, BlockHash: chainhash.HashH([]byte("b")),
		BlockHeight: 99, VoteBits: 1, VoteVersion: 8, Subsidy: 1e8, StakeBaseSigScript: []byte{0, 0}})
	if err != nil {
		f.Fatal(err)
	}
	rev, err := stake.NewRevocation(ticket, 0, stake.RevocationVersionSigned)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(vote.Bytes())
	f.Add(rev.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		tx, err := wire.NewTxFromBytes(in)
		if err != nil {
			return
		}
		if v, err := stake.ParseVote(tx); err == nil {
			if len(v.Payouts) == 0 || v.TicketHash != tx.TxIn[1].PreviousOutPoint.Hash || v.Subsidy != tx.TxIn[0].ValueIn {
				t.Fatalf("inconsistent vote %+v", v)
			}
		}
		if r, err := stake.ParseRevocation(tx); err == nil && len(r.Payouts) != len(tx.TxOut) {
			t.Fatalf("inconsistent revocation %+v", r)
		}
		_ = stake.DetermineTxType(tx)
	})
}

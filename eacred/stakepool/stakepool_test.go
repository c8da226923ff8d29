package stakepool_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

type feeVectors struct {
	Vectors []struct {
		Price   int64   `json:"ticket_price"`
		Fee     int64   `json:"ticket_fee"`
		Height  int64   `json:"height"`
		Percent float64 `json:"pool_fee_percent"`
		DCP0010 bool    `json:"dcp0010"`
		DCP0012 bool    `json:"dcp0012"`
		Want    int64   `json:"expected_pool_fee"`
	} `json:"vectors"`
	Computed struct {
		Vectors []struct {
			Network     string  `json:"network"`
			Price       int64   `json:"ticket_price"`
			Fee         int64   `json:"ticket_fee"`
			Height      int64   `json:"height"`
			Percent     float64 `json:"pool_fee_percent"`
			Variant     int     `json:"subsidy_variant"`
			VoteSubsidy int64   `json:"vote_subsidy_at_height"`
			Want        int64   `json:"expected_pool_fee"`
		} `json:"vectors"`
	} `json:"computed_examples"`
}

func loadFeeVectors(t testing.TB) *feeVectors {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "vectors", "stakepool_fee.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v feeVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func TestFeeVectors(t *testing.T) {
	v := loadFeeVectors(t)
	main := subsidy.NewCache(chaincfg.MainNetParams())
	for i, tc := range v.Vectors {
		variant := subsidy.Original
		switch {
		case tc.DCP0012:
			variant = subsidy.DCP0012
		case tc.DCP0010:
			variant = subsidy.DCP0010
		}
		got := stakepool.TicketFee(main, tc.Price, tc.Fee, tc.Height, stakepool.FeeBasisPoints(tc.Percent), variant)
		if got != tc.Want {
			t.Errorf("vector %d: %d want %d", i, got, tc.Want)
		}
	}
	if len(v.Computed.Vectors) == 0 {
		t.Fatal("no computed examples")
	}
	for i, tc := range v.Computed.Vectors {
		p, err := chaincfg.ByName(tc.Network)
		if err != nil {
			t.Fatal(err)
		}
		c := subsidy.NewCache(p)
		variant := subsidy.Variant(tc.Variant)
		if s := c.VoteSubsidy(tc.Height, variant); s != tc.VoteSubsidy {
			t.Errorf("computed %d: vote subsidy %d want %d", i, s, tc.VoteSubsidy)
		}
		got := stakepool.TicketFee(c, tc.Price, tc.Fee, tc.Height, stakepool.FeeBasisPoints(tc.Percent), variant)
		if got != tc.Want {
			t.Errorf("computed %d: %d want %d", i, got, tc.Want)
		}
	}
}

func TestFeeBasisPoints(t *testing.T) {
	tests := []struct {
		pct  float64
		want int64
	}{{7.5, 750}, {2.59, 259}, {1, 100}, {0.01, 1}, {0, 0}, {-3, 0}}
	for _, tc := range tests {
		if got := stakepool.FeeBasisPoints(tc.pct); got != tc.want {
			t.Errorf("%v: %d want %d", tc.pct, got, tc.want)
		}
	}
}

func TestValidPoolFeeRate(t *testing.T) {
	for pct, want := range map[float64]bool{0: false, 0.009: false, 0.01: true, 7.5: true, 100: true, 100.01: false, -1: false} {
		if got := stakepool.ValidPoolFeeRate(pct); got != want {
			t.Errorf("%v: %v", pct, got)
		}
	}
}

func hashOf(b byte) [20]byte {
	var h [20]byte
	h[0], h[19] = 0xfe, b
	return h
}

// poolTicket builds a 2-contributor ticket: pool fee commitment first.
func poolTicket(t testing.TB, feeHash [20]byte, feeIsP2SH bool, poolFee, price, txFee int64) *wire.MsgTx {
	prev := chainhash.HashH([]byte("split"))
	tx, err := stake.NewTicket(stake.TicketSpec{
		Price:  price,
		Voting: txscript.PayScript{ScriptHash: true, Hash: hashOf(1)},
		Inputs: []stake.TicketInput{
			{PrevOut: wire.OutPoint{Hash: prev, Index: 0}, Value: poolFee,
				Reward: txscript.PayScript{Hash: feeHash, ScriptHash: feeIsP2SH}, Limits: txscript.FeeLimitsWalletV1},
			{PrevOut: wire.OutPoint{Hash: prev, Index: 1}, Value: price + txFee - poolFee,
				Reward: txscript.PayScript{Hash: hashOf(2)}, Limits: txscript.FeeLimitsWalletV1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func TestCheckTicketFee(t *testing.T) {
	c := subsidy.NewCache(chaincfg.MainNetParams())
	fees := stakepool.NewFeeAddressSet(3)
	for i := uint32(0); i < 3; i++ {
		fees.Add(hashOf(byte(100+i)), i)
	}
	// The real mainnet pool ticket's numbers (protocol.md 6.4): price
	// 41.26629682, ticket fee 0.451, height 135375, 5% -> 7194193.
	const price, txFee, height, pct = 4126629682, 45100000, 135375, 5.0
	if got := stakepool.TicketFeeAt(c, price, txFee, height, pct); got != 7194193 {
		t.Fatalf("required fee %d", got)
	}
	ok, err := stakepool.CheckTicketFee(poolTicket(t, hashOf(102), false, 7194193, price, txFee), height, pct, fees, c)
	if err != nil {
		t.Fatal(err)
	}
	if ok.FeeAddressIndex != 2 || ok.Paid != 7194193 || ok.Required != 7194193 || ok.Ticket.Fee != txFee {
		t.Fatalf("check %+v", ok)
	}
	// Checked at a later height the requirement can only fall.
	if _, err := stakepool.CheckTicketFee(poolTicket(t, hashOf(102), false, 7194193, price, txFee), height+20000, pct, fees, c); err != nil {
		t.Fatalf("later height: %v", err)
	}

	tests := []struct {
		name string
		tx   *wire.MsgTx
		want stakepool.FeeReason
	}{
		{"one atom short", poolTicket(t, hashOf(100), false, 7194192, price, txFee), stakepool.ReasonTooLow},
		{"unknown address", poolTicket(t, hashOf(99), false, 9e6, price, txFee), stakepool.ReasonNotFeeAddress},
		{"P2SH with a fee hash", poolTicket(t, hashOf(100), true, 9e6, price, txFee), stakepool.ReasonNotFeeAddress},
		{"not a ticket", wire.NewMsgTx(1), stakepool.ReasonMalformed},
	}
	for _, tc := range tests {
		_, err := stakepool.CheckTicketFee(tc.tx, height, pct, fees, c)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v want %v", tc.name, err, tc.want)
		}
		var fe *stakepool.FeeError
		if !errors.As(err, &fe) {
			t.Errorf("%s: %T is not a *FeeError", tc.name, err)
		}
	}
	_, err = stakepool.CheckTicketFee(wire.NewMsgTx(1), height, pct, fees, c)
	if !errors.Is(err, stake.ErrNotTicket) {
		t.Errorf("malformed does not wrap the parse error: %v", err)
	}
}

// poolTicketWithChange is poolTicket where the user's contribution comes
// from a larger output and change goes back to the user; the network's
// ticket fee (inputs minus all outputs) stays txFee.
func poolTicketWithChange(t testing.TB, feeHash [20]byte, poolFee, price, txFee, change int64) *wire.MsgTx {
	prev := chainhash.HashH([]byte("split"))
	userChange := txscript.PayScript{Hash: hashOf(3)}
	tx, err := stake.NewTicket(stake.TicketSpec{
		Price:  price,
		Voting: txscript.PayScript{ScriptHash: true, Hash: hashOf(1)},
		Inputs: []stake.TicketInput{
			{PrevOut: wire.OutPoint{Hash: prev, Index: 0}, Value: poolFee,
				Reward: txscript.PayScript{Hash: feeHash}, Limits: txscript.FeeLimitsWalletV1},
			{PrevOut: wire.OutPoint{Hash: prev, Index: 1}, Value: price + txFee - poolFee + change,
				Reward: txscript.PayScript{Hash: hashOf(2)}, Limits: txscript.FeeLimitsWalletV1,
				ChangeValue: change, Change: &userChange},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// TestCheckTicketFeeWithChange: the fee the formula is fed is the
// network's ticket fee, inputs minus all outputs with change included,
// so change does not raise the pool fee. Expected pool fees are the
// published dcrwallet vectors (stakepool_fee.json, TestStakePoolTicketFee,
// mainnet): price 10 DCR, ticket fee 0.01 DCR, height 25000, 1% ->
// 1500463; price 20 DCR, same -> 1621221.
func TestCheckTicketFeeWithChange(t *testing.T) {
	c := subsidy.NewCache(chaincfg.MainNetParams())
	fees := stakepool.NewFeeAddressSet(1)
	fees.Add(hashOf(100), 0)
	const height, pct, txFee = 25000, 1.0, 1000000
	fee := hashOf(100)
	commitInflated := func(tx *wire.MsgTx, by int64) *wire.MsgTx {
		cm, err := txscript.ParseCommitmentScript(tx.TxOut[3].PkScript)
		if err != nil {
			t.Fatal(err)
		}
		cm.Amount += by
		if tx.TxOut[3].PkScript, err = txscript.CommitmentScript(cm); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	prefixOnly := poolTicketWithChange(t, fee, 1500463, 1e9, txFee, 3e8)
	prefixOnly.SerType = wire.TxSerializeNoWitness
	tests := []struct {
		name     string
		tx       *wire.MsgTx
		want     error // nil: accepted
		required int64
	}{
		{"10 DCR, no change, exact fee", poolTicketWithChange(t, fee, 1500463, 1e9, txFee, 0), nil, 1500463},
		{"10 DCR, 3 DCR change, exact fee", poolTicketWithChange(t, fee, 1500463, 1e9, txFee, 3e8), nil, 1500463},
		{"10 DCR, 3 DCR change, one atom short", poolTicketWithChange(t, fee, 1500462, 1e9, txFee, 3e8), stakepool.ReasonTooLow, 1500463},
		{"20 DCR, 1 atom change, exact fee", poolTicketWithChange(t, fee, 1621221, 2e9, txFee, 1), nil, 1621221},
		{"20 DCR, 50 DCR change, exact fee", poolTicketWithChange(t, fee, 1621221, 2e9, txFee, 5e9), nil, 1621221},
		// A commitment that counts its own change is invalid on the
		// network; it is refused, not asked for a fee on 3 DCR more.
		{"commitment includes its change", commitInflated(poolTicketWithChange(t, fee, 1500463, 1e9, txFee, 3e8), 3e8), stakepool.ReasonMalformed, 0},
		{"no input values", prefixOnly, stakepool.ReasonMalformed, 0},
	}
	for _, tc := range tests {
		chk, err := stakepool.CheckTicketFee(tc.tx, height, pct, fees, c)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if chk.Required != tc.required || chk.Ticket.Fee != txFee {
				t.Errorf("%s: required %d (want %d), ticket fee %d (want %d)", tc.name, chk.Required, tc.required, chk.Ticket.Fee, txFee)
			}
			if nf, err := stake.TxFee(tc.tx); err != nil || nf != txFee {
				t.Errorf("%s: stake.TxFee = %d, %v", tc.name, nf, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			continue
		}
		var fe *stakepool.FeeError
		if errors.As(err, &fe) && tc.required != 0 && fe.Required != tc.required {
			t.Errorf("%s: required %d, want %d", tc.name, fe.Required, tc.required)
		}
	}
}

// TestTicketFeeBeforeStakeValidation: the pool fee formula takes the per-vote
// share of the block subsidy even where votes have not begun yet, as the
// wallets that buy pool tickets do. Heights 130 (before simnet's stake
// validation height 144) and 150 lie in the same subsidy reduction interval
// (128-255), so they owe the same fee; a zero fee before stake validation
// made a ticket bought at SVH-2 carry a 0-atom pool fee that the pool then
// refused one block later.
func TestTicketFeeBeforeStakeValidation(t *testing.T) {
	p := chaincfg.SimNetParams()
	c := subsidy.NewCache(p)
	v := subsidy.VariantAt(p, 150)
	before := stakepool.AdjustedVoteSubsidy(c, 130, v)
	after := stakepool.AdjustedVoteSubsidy(c, 150, v)
	if before <= 0 || before != after {
		t.Fatalf("adjusted vote subsidy at 130 = %d, at 150 = %d; want equal and > 0", before, after)
	}
	const price, txFee, bp = 20000_0000, 2980, 200
	if f1, f2 := stakepool.TicketFee(c, price, txFee, 130, bp, v), stakepool.TicketFee(c, price, txFee, 150, bp, v); f1 != f2 || f1 <= 0 {
		t.Fatalf("pool fee at 130 = %d, at 150 = %d; want equal and > 0", f1, f2)
	}
	if got := c.VoteSubsidy(130, v); got != 0 {
		t.Fatalf("a vote on block 130 pays %d; votes begin at SVH-1 = 143", got)
	}
}

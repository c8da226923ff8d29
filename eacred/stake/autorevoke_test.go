package stake_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// Published facts used below (data only), from decred/dcrd's test suite:
//
//   - blockchain/stake/lottery_test.go TestBasicPRNG: a generator seeded
//     with the 32 bytes BLAKE256(0x01) is, after 100,000 draws, in state
//     24f1cd72aefbfc85a9d3e21e2eb732615688d3634bf94499af5a81e0eb45c4e4.
//   - blockchain/stake/staketx_test.go TestCalculateRevocationRewards and
//     blockchain/validate_test.go TestCalcTicketReturnAmounts: the
//     previous-header bytes dcrdTestHeader and the payouts of automatic
//     revocations of two tickets under it.
//   - blockchain/stake/staketx_test.go TestCreateRevocationFromTicket: the
//     outputs of mainnet ticket dad48ac8…a695 (bought in block 135375,
//     revoked in 140709; the legacy stake pool ticket of protocol.md 4.4)
//     and the txid of its automatic revocation under dcrdTestHeader.
const dcrdTestHeader = "07000000dc02335daa073d293e1b150648f0444a60b9" +
	"c97604abd01e00000000000000003c449b2321c4bd0d1fa76ed59f80ebaf46f16cfb2d17" +
	"ba46948f09f21861095566482410a463ed49473c27278cd7a2a3712a3b19ff1f6225717d" +
	"3eb71cc2b5590100012c7312a3c30500050095a100000cf42418f1820a870300000020a1" +
	"0700091600005b32a55f5bcce31078832100007469943958002e00000000000000000000" +
	"0000000000000000000007000000"

func TestHash256PRNGPublished(t *testing.T) {
	seed := chainhash.HashH([]byte{0x01})
	p := stake.NewHash256PRNG(seed[:])
	for range 100000 {
		p.Hash256Rand()
	}
	const want = "24f1cd72aefbfc85a9d3e21e2eb732615688d3634bf94499af5a81e0eb45c4e4"
	if got := p.StateHash().String(); got != want {
		t.Fatalf("state after 100000 draws = %s, want %s", got, want)
	}
}

func TestUniformRandomRange(t *testing.T) {
	p := stake.NewHash256PRNG([]byte("range"))
	for _, n := range []uint32{0, 1, 2, 3, 7, 8, 1 << 31, 1<<31 + 1, 0xffffffff} {
		for range 50 {
			if r := p.UniformRandom(n); (n < 2 && r != 0) || (n >= 2 && r >= n) {
				t.Fatalf("UniformRandom(%d) = %d", n, r)
			}
		}
	}
}

func TestRevocationRewardsPublished(t *testing.T) {
	header := mustHex(t, dcrdTestHeader)
	tests := []struct {
		name    string
		amounts []int64
		price   int64
		want    []int64
	}{
		{"evenly divisible", []int64{2500000000, 2500000000, 5000000000, 10000000000}, 20000000000,
			[]int64{2500000000, 2500000000, 5000000000, 10000000000}},
		// floor gives 99999999 each (4 atoms short); the four atoms go
		// to outputs 1, 6, 6 and 7.
		{"remainder of 4", slices.Repeat([]int64{100000000}, 8), 799999996,
			[]int64{99999999, 100000000, 99999999, 99999999, 99999999, 99999999, 100000001, 100000000}},
	}
	for _, tc := range tests {
		got := stake.RevocationRewards(tc.amounts, tc.price, header)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		// Without the distribution (signed revocations) the atoms stay fee.
		if tc.name == "remainder of 4" {
			if plain := stake.CalculateRewards(tc.amounts, tc.price, 0); !slices.Equal(plain, slices.Repeat([]int64{99999999}, 8)) {
				t.Errorf("%s: CalculateRewards %v", tc.name, plain)
			}
		}
	}
}

// realPoolTicket is the parsed mainnet ticket dad48ac8…a695 from the
// published outputs: voting P2PKH, a P2SH pool fee commitment of 7194193
// atoms and a user commitment of 4164535489 atoms, price 4126629682.
func realPoolTicket(t *testing.T) *stake.Ticket {
	t.Helper()
	h, err := chainhash.NewHashFromStr("dad48ac8c59ee97d1a6fd04ad4f1c8392357a6ee78d39ffc00fb467a0cdba695")
	if err != nil {
		t.Fatal(err)
	}
	voting, err := txscript.ParsePayScript(mustHex(t, "ba76a914097e847d49c6806f6933e806a350f43b97ac70d088ac"))
	if err != nil {
		t.Fatal(err)
	}
	tk := &stake.Ticket{Hash: *h, Price: 4126629682, Voting: voting}
	for _, s := range []string{
		"6a1e86c6da62556f5e21fbce3564b7374724d65f0cbb51c66d00000000800058",
		"6a1e7e8efe653b374ba7ad950c873e483fc53c5bafa9c1c439f8000000000058",
	} {
		c, err := txscript.ParseCommitmentScript(mustHex(t, s))
		if err != nil {
			t.Fatal(err)
		}
		tk.Contributions = append(tk.Contributions, stake.Contribution{Commitment: c})
	}
	if tk.Contributions[0].Amount != 7194193 || !tk.Contributions[0].ScriptHash || tk.Contributions[1].Amount != 4164535489 {
		t.Fatalf("commitments %+v", tk.Contributions)
	}
	return tk
}

func TestAutoRevocationPublishedTxid(t *testing.T) {
	tk := realPoolTicket(t)
	header, err := wire.NewBlockHeaderFromHex(dcrdTestHeader)
	if err != nil {
		t.Fatal(err)
	}
	if header.Hex() != dcrdTestHeader {
		t.Fatal("header does not round-trip")
	}
	rev, err := stake.NewAutoRevocation(tk, header)
	if err != nil {
		t.Fatal(err)
	}
	const want = "c8999b6e2544f339419cc5416f15e9b942cfd6481246012d2da82f4594310e65"
	if got := rev.TxHash().String(); got != want {
		t.Errorf("automatic revocation txid %s, want %s (outputs %d, %d)", got, want, rev.TxOut[0].Value, rev.TxOut[1].Value)
	}
	if fee, err := stake.TxFee(rev); err != nil || fee != 0 {
		t.Errorf("fee %d, %v; want 0", fee, err)
	}
	if err := stake.CheckAutoRevocation(rev, tk, header); err != nil {
		t.Errorf("CheckAutoRevocation: %v", err)
	}

	// What this library built before DCP0009's distribution was
	// implemented: the same revocation leaving the left-over atoms as
	// fee. Its txid is not the network's.
	plain := rev.Copy()
	for k, v := range stake.CalculateRewards([]int64{7194193, 4164535489}, tk.Price, 0) {
		plain.TxOut[k].Value = v
	}
	if plain.TxHash() == rev.TxHash() {
		t.Error("undistributed revocation has the network's txid: the vector does not test the distribution")
	}
	if err := stake.CheckAutoRevocation(plain, tk, header); !errors.Is(err, stake.ErrAutoRevocation) {
		t.Errorf("undistributed revocation accepted: %v", err)
	}
}

func TestCheckAutoRevocationRejects(t *testing.T) {
	tk := realPoolTicket(t)
	header, err := wire.NewBlockHeaderFromHex(dcrdTestHeader)
	if err != nil {
		t.Fatal(err)
	}
	good, err := stake.NewAutoRevocation(tk, header)
	if err != nil {
		t.Fatal(err)
	}
	mutate := map[string]func(tx *wire.MsgTx){
		"version 1":         func(tx *wire.MsgTx) { tx.Version = 1 },
		"signature script":  func(tx *wire.MsgTx) { tx.TxIn[0].SignatureScript = []byte{0x00} },
		"other ticket":      func(tx *wire.MsgTx) { tx.TxIn[0].PreviousOutPoint.Hash[0] ^= 1 },
		"ticket output 1":   func(tx *wire.MsgTx) { tx.TxIn[0].PreviousOutPoint.Index = 1 },
		"regular tree":      func(tx *wire.MsgTx) { tx.TxIn[0].PreviousOutPoint.Tree = wire.TxTreeRegular },
		"a fee of one atom": func(tx *wire.MsgTx) { tx.TxOut[1].Value-- },
		"atom moved":        func(tx *wire.MsgTx) { tx.TxOut[0].Value++; tx.TxOut[1].Value-- },
		"payouts swapped":   func(tx *wire.MsgTx) { tx.TxOut[0], tx.TxOut[1] = tx.TxOut[1], tx.TxOut[0] },
		"extra output":      func(tx *wire.MsgTx) { tx.AddTxOut(wire.NewTxOut(0, tx.TxOut[0].PkScript)) },
		"script version 1":  func(tx *wire.MsgTx) { tx.TxOut[0].Version = 1 },
		"two inputs":        func(tx *wire.MsgTx) { tx.AddTxIn(wire.NewTxIn(&wire.OutPoint{}, 0, nil)) },
	}
	for name, m := range mutate {
		tx := good.Copy()
		m(tx)
		if err := stake.CheckAutoRevocation(tx, tk, header); !errors.Is(err, stake.ErrAutoRevocation) {
			t.Errorf("%s: %v, want ErrAutoRevocation", name, err)
		}
	}
	if _, err := stake.NewAutoRevocation(tk, nil); !errors.Is(err, stake.ErrAutoRevocation) {
		t.Errorf("no header: %v", err)
	}
}

package stake_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

type txVectors struct {
	Ticket struct {
		Hex    string `json:"ticket_hex"`
		TxID   string `json:"ticket_txid_computed"`
		Parsed struct {
			Price      int64  `json:"price"`
			Hash       string `json:"commitment_hash160"`
			Amount     int64  `json:"commitment_amount"`
			Limits     string `json:"fee_limits"`
			InputValue int64  `json:"input_value"`
			Expiry     uint32 `json:"expiry"`
			Height     uint32 `json:"input_block_height"`
			Index      uint32 `json:"input_block_index"`
		} `json:"ticket_parsed"`
	} `json:"simnet_ticket_signed"`
	RawSStx struct {
		Hex    string           `json:"expected_hex"`
		TxID   string           `json:"txid_computed"`
		Amount map[string]int64 `json:"amount"`
		COuts  []struct {
			Addr       string `json:"addr"`
			CommitAmt  int64  `json:"commitamt"`
			ChangeAddr string `json:"changeaddr"`
			ChangeAmt  int64  `json:"changeamt"`
		} `json:"couts"`
	} `json:"createrawsstx_unsigned_ticket"`
	Rewards struct {
		Vectors []struct {
			Contrib []int64 `json:"contrib_amounts"`
			Price   int64   `json:"ticket_purchase_amount"`
			Subsidy int64   `json:"vote_subsidy"`
			Want    []int64 `json:"want"`
		} `json:"vectors"`
	} `json:"calculate_rewards"`
}

func loadVectors(t testing.TB) *txVectors {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "vectors", "transactions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v txVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustTx(t testing.TB, s string) *wire.MsgTx {
	t.Helper()
	tx, err := wire.NewTxFromHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func TestParsePublishedTicket(t *testing.T) {
	v := loadVectors(t)
	tx := mustTx(t, v.Ticket.Hex)
	if stake.DetermineTxType(tx) != stake.TxTypeSStx {
		t.Fatal("not classified as a ticket")
	}
	tk, err := stake.ParseTicket(tx)
	if err != nil {
		t.Fatal(err)
	}
	p := v.Ticket.Parsed
	c := tk.Contributions[0]
	if tk.Price != p.Price || tk.Expiry != p.Expiry || tk.Hash.String() != v.Ticket.TxID ||
		hex.EncodeToString(c.Hash[:]) != p.Hash || c.Amount != p.Amount || c.ScriptHash ||
		tk.Fee != p.InputValue-p.Price || tk.Voting.ScriptHash || len(tk.Contributions) != 1 {
		t.Fatalf("parsed %+v", tk)
	}
	limits := mustHex(t, p.Limits)
	if c.Limits != txscript.NewFeeLimits(limits[0], limits[1]) || c.ChangeValue != 0 {
		t.Fatalf("limits %#x change %d", c.Limits, c.ChangeValue)
	}
	in := tx.TxIn[0]
	if in.ValueIn != p.InputValue || in.BlockHeight != p.Height || in.BlockIndex != p.Index {
		t.Fatalf("witness %+v", in)
	}

	// Rebuilding the ticket from its parts gives the same prefix (txid).
	built, err := stake.NewTicket(stake.TicketSpec{
		Price: tk.Price, Voting: tk.Voting, Expiry: tk.Expiry,
		Inputs: []stake.TicketInput{{
			PrevOut: in.PreviousOutPoint, Value: in.ValueIn,
			Reward: c.PayScript(), Limits: c.Limits,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(built.BytesPrefix(), tx.BytesPrefix()) {
		t.Fatalf("rebuilt prefix\n%x\n%x", built.BytesPrefix(), tx.BytesPrefix())
	}
}

func TestRawSStxTicket(t *testing.T) {
	v := loadVectors(t)
	tx := mustTx(t, v.RawSStx.Hex)
	tk, err := stake.ParseTicket(tx)
	if err != nil {
		t.Fatal(err)
	}
	c := tk.Contributions[0]
	if !tk.Voting.ScriptHash || tk.Price != 1e8 || c.Amount != 1e8 || c.Limits != 0 || tk.Fee != 0 {
		t.Fatalf("parsed %+v", tk)
	}
	// Addresses as createrawsstx was given them (mainnet).
	p := chaincfg.MainNetParams()
	voting, err := tk.VotingAddress(p)
	if err != nil || v.RawSStx.Amount[voting.String()] != tk.Price {
		t.Fatalf("voting address %v %v", voting, err)
	}
	reward, err := c.RewardAddress(p)
	cout := v.RawSStx.COuts[0]
	if err != nil || reward.String() != cout.Addr || c.Amount != cout.CommitAmt {
		t.Fatalf("reward address %v %v", reward, err)
	}
	changeAddr, err := txscript.PayScriptAddress(c.Change, p)
	if err != nil || changeAddr.String() != cout.ChangeAddr || c.ChangeValue != cout.ChangeAmt {
		t.Fatalf("change address %v %v", changeAddr, err)
	}
	change := c.Change
	built, err := stake.NewTicket(stake.TicketSpec{
		Price: tk.Price, Voting: tk.Voting,
		Inputs: []stake.TicketInput{{
			PrevOut: tx.TxIn[0].PreviousOutPoint, Value: 1e8,
			Reward: c.PayScript(), Change: &change,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if built.Hex() != v.RawSStx.Hex || built.TxHash().String() != v.RawSStx.TxID {
		t.Fatalf("rebuilt\n%s\n%s", built.Hex(), v.RawSStx.Hex)
	}
}

func TestCalculateRewards(t *testing.T) {
	for i, tc := range loadVectors(t).Rewards.Vectors {
		got := stake.CalculateRewards(tc.Contrib, tc.Price, tc.Subsidy)
		for k := range tc.Want {
			if got[k] != tc.Want[k] {
				t.Errorf("vector %d: got %v want %v", i, got, tc.Want)
				break
			}
		}
	}
	// Large values do not overflow: 21M coins in two parts.
	got := stake.CalculateRewards([]int64{1, stake.MaxAtoms - 1}, stake.MaxAtoms, 1e10)
	if got[0] != 1 || got[1] != stake.MaxAtoms-1+1e10-1 {
		t.Errorf("large: %v", got)
	}
}

func key(b byte) *secp256k1.PrivateKey {
	k := make([]byte, 32)
	k[0], k[31] = 1, b
	return secp256k1.PrivKeyFromBytes(k)
}

func pkh(priv *secp256k1.PrivateKey) txscript.PayScript {
	var ps txscript.PayScript
	copy(ps.Hash[:], txscript.Hash160(priv.PubKey().SerializeCompressed()))
	return ps
}

// poolTicket builds and signs a 2-contributor stake pool ticket whose
// voting address is the 1-of-2 of poolKey and userKey.
func poolTicket(t *testing.T, poolKey, userKey, fundKey *secp256k1.PrivateKey) (*wire.MsgTx, []byte) {
	t.Helper()
	redeem, err := txscript.MultiSigScript(1, [][]byte{poolKey.PubKey().SerializeCompressed(), userKey.PubKey().SerializeCompressed()})
	if err != nil {
		t.Fatal(err)
	}
	voting := txscript.PayScript{ScriptHash: true}
	copy(voting.Hash[:], txscript.Hash160(redeem))
	feeAddr := pkh(key(200))
	reward := pkh(userKey)
	split := chainhash.HashH([]byte("split"))
	const price, poolFee, ticketFee = 4126629682, 7194193, 2980
	tx, err := stake.NewTicket(stake.TicketSpec{
		Price: price, Voting: voting, Expiry: 0,
		Inputs: []stake.TicketInput{
			{PrevOut: wire.OutPoint{Hash: split, Index: 0}, Value: poolFee, Reward: feeAddr, Limits: txscript.FeeLimitsWalletV1},
			{PrevOut: wire.OutPoint{Hash: split, Index: 1}, Value: price + ticketFee - poolFee, Reward: reward, Limits: txscript.FeeLimitsWalletV1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	fundScript := pkh(fundKey).Script()
	for i := range tx.TxIn {
		s, err := txscript.SignP2PKH(tx, i, fundScript, fundKey)
		if err != nil {
			t.Fatal(err)
		}
		tx.TxIn[i].SignatureScript = s
	}
	for i := range tx.TxIn {
		if err := txscript.VerifyInput(tx, i, fundScript); err != nil {
			t.Fatalf("ticket input %d: %v", i, err)
		}
	}
	return tx, redeem
}

func TestStakePoolTicketVoteRevoke(t *testing.T) {
	poolKey, userKey, fundKey := key(1), key(2), key(3)
	ticket, redeem := poolTicket(t, poolKey, userKey, fundKey)
	tk, err := stake.ParseTicket(ticket)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Contributions) != 2 || tk.Contributions[0].Amount != 7194193 || tk.Fee != 2980 ||
		tk.Contributions[1].Amount != 4126629682+2980-7194193 || !tk.Voting.ScriptHash {
		t.Fatalf("ticket %+v", tk)
	}

	block := chainhash.HashH([]byte("parent"))
	const subsidy = 150375652
	vote, err := stake.NewVote(stake.VoteSpec{
		Ticket: ticket, BlockHash: block, BlockHeight: 135374, VoteBits: 0x0005, VoteVersion: 11,
		Subsidy: subsidy, StakeBaseSigScript: []byte{0, 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Either key of the 1-of-2 may sign the vote.
	for _, signer := range []*secp256k1.PrivateKey{poolKey, userKey} {
		if err := stake.SignTicketSpend(vote, 1, ticket.TxOut[0].PkScript, redeem, signer); err != nil {
			t.Fatal(err)
		}
		if err := txscript.VerifyInput(vote, 1, ticket.TxOut[0].PkScript); err != nil {
			t.Fatalf("vote signature: %v", err)
		}
	}
	if err := stake.SignTicketSpend(vote, 1, ticket.TxOut[0].PkScript, redeem, fundKey); !errors.Is(err, txscript.ErrKeyMismatch) {
		t.Fatalf("stranger signing: %v", err)
	}
	if err := stake.SignTicketSpend(vote, 1, ticket.TxOut[0].PkScript, nil, poolKey); !errors.Is(err, stake.ErrNoRedeemScript) {
		t.Fatalf("no redeem: %v", err)
	}
	if stake.DetermineTxType(vote) != stake.TxTypeSSGen {
		t.Fatal("vote not classified")
	}
	pv, err := stake.ParseVote(vote)
	if err != nil {
		t.Fatal(err)
	}
	want := stake.CalculateRewards([]int64{tk.Contributions[0].Amount, tk.Contributions[1].Amount}, tk.Price, subsidy)
	if pv.BlockHash != block || pv.BlockHeight != 135374 || pv.VoteBits != 5 || pv.VoteVersion != 11 ||
		pv.TicketHash != ticket.TxHash() || pv.Subsidy != subsidy || len(pv.Payouts) != 2 {
		t.Fatalf("vote %+v", pv)
	}
	for k, p := range pv.Payouts {
		c := tk.Contributions[k]
		if p.Value != want[k] || p.Script.Hash != c.Hash || p.Script.ScriptHash != c.ScriptHash || p.Script.Tag != txscript.OP_SSGEN {
			t.Fatalf("payout %d %+v", k, p)
		}
	}
	// Rewards never exceed price + subsidy.
	if want[0]+want[1] > tk.Price+subsidy {
		t.Fatal("payouts exceed input")
	}

	// Signed revocation with a fee inside the 2^24 limit, and one above.
	rev, err := stake.NewRevocation(ticket, 10000, stake.RevocationVersionSigned)
	if err != nil {
		t.Fatal(err)
	}
	if err := stake.SignTicketSpend(rev, 0, ticket.TxOut[0].PkScript, redeem, poolKey); err != nil {
		t.Fatal(err)
	}
	if err := txscript.VerifyInput(rev, 0, ticket.TxOut[0].PkScript); err != nil {
		t.Fatalf("revocation signature: %v", err)
	}
	pr, err := stake.ParseRevocation(rev)
	if err != nil || stake.DetermineTxType(rev) != stake.TxTypeSSRtx {
		t.Fatalf("revocation: %v", err)
	}
	back := stake.CalculateRewards([]int64{tk.Contributions[0].Amount, tk.Contributions[1].Amount}, tk.Price, 0)
	if pr.TicketHash != ticket.TxHash() || pr.Payouts[0].Value != back[0]-10000 || pr.Payouts[1].Value != back[1] {
		t.Fatalf("revocation payouts %+v", pr.Payouts)
	}
	if _, err := stake.NewRevocation(ticket, 1<<24+1, stake.RevocationVersionSigned); !errors.Is(err, stake.ErrFeeLimit) {
		t.Fatalf("fee over limit: %v", err)
	}
	// Version 2 needs the previous header: NewAutoRevocation, not this.
	if _, err := stake.NewRevocation(ticket, 0, stake.RevocationVersionAuto); !errors.Is(err, stake.ErrAutoRevocation) {
		t.Fatalf("NewRevocation version 2: %v", err)
	}
	auto, err := stake.NewAutoRevocation(tk, &wire.BlockHeader{Height: 7})
	if err != nil || auto.Version != 2 || len(auto.TxIn[0].SignatureScript) != 0 || stake.DetermineTxType(auto) != stake.TxTypeSSRtx {
		t.Fatalf("auto revocation: %v", err)
	}
	if fee, err := stake.TxFee(auto); err != nil || fee != 0 {
		t.Fatalf("auto revocation fee %d, %v", fee, err)
	}
}

func TestMalformedStakeTxs(t *testing.T) {
	ticket := mustTx(t, loadVectors(t).Ticket.Hex)
	mutate := func(f func(tx *wire.MsgTx)) *wire.MsgTx {
		c := ticket.Copy()
		f(c)
		return c
	}
	tickets := []struct {
		name string
		tx   *wire.MsgTx
	}{
		{"extra output", mutate(func(tx *wire.MsgTx) { tx.AddTxOut(wire.NewTxOut(0, nil)) })},
		{"no inputs", mutate(func(tx *wire.MsgTx) { tx.TxIn = nil })},
		{"untagged voting", mutate(func(tx *wire.MsgTx) { tx.TxOut[0].PkScript = tx.TxOut[0].PkScript[1:] })},
		{"script version", mutate(func(tx *wire.MsgTx) { tx.TxOut[2].Version = 1 })},
		{"bad commitment", mutate(func(tx *wire.MsgTx) { tx.TxOut[1].PkScript = tx.TxOut[1].PkScript[:20] })},
		{"change not tagged", mutate(func(tx *wire.MsgTx) { tx.TxOut[2].PkScript[0] = txscript.OP_SSGEN })},
		{"negative fee", mutate(func(tx *wire.MsgTx) { tx.TxOut[0].Value = 1e9 })},
		{"negative value", mutate(func(tx *wire.MsgTx) { tx.TxOut[2].Value = -1 })},
		{"valued commitment", mutate(func(tx *wire.MsgTx) { tx.TxOut[1].Value = 1 })},
	}
	for _, tc := range tickets {
		if _, err := stake.ParseTicket(tc.tx); !errors.Is(err, stake.ErrNotTicket) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if stake.DetermineTxType(tc.tx) != stake.TxTypeRegular {
			t.Errorf("%s: classified as stake", tc.name)
		}
	}
	vote, err := stake.NewVote(stake.VoteSpec{Ticket: ticket, Subsidy: 100})
	if err != nil {
		t.Fatal(err)
	}
	mutV := func(f func(tx *wire.MsgTx)) *wire.MsgTx {
		c := vote.Copy()
		f(c)
		return c
	}
	votes := []struct {
		name string
		tx   *wire.MsgTx
	}{
		{"one input", mutV(func(tx *wire.MsgTx) { tx.TxIn = tx.TxIn[:1] })},
		{"no stakebase", mutV(func(tx *wire.MsgTx) { tx.TxIn[0].PreviousOutPoint.Index = 0 })},
		{"ticket in regular tree", mutV(func(tx *wire.MsgTx) { tx.TxIn[1].PreviousOutPoint.Tree = 0 })},
		{"no payouts", mutV(func(tx *wire.MsgTx) { tx.TxOut = tx.TxOut[:2] })},
		{"bad block ref", mutV(func(tx *wire.MsgTx) { tx.TxOut[0].PkScript = tx.TxOut[0].PkScript[:37] })},
		{"bad vote bits", mutV(func(tx *wire.MsgTx) { tx.TxOut[1].PkScript = []byte{txscript.OP_RETURN} })},
		{"payout tag", mutV(func(tx *wire.MsgTx) { tx.TxOut[2].PkScript[0] = txscript.OP_SSRTX })},
	}
	for _, tc := range votes {
		if _, err := stake.ParseVote(tc.tx); !errors.Is(err, stake.ErrNotVote) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	rev, err := stake.NewRevocation(ticket, 0, stake.RevocationVersionSigned)
	if err != nil {
		t.Fatal(err)
	}
	badRev := rev.Copy()
	badRev.TxOut[0].PkScript[0] = txscript.OP_SSGEN
	if _, err := stake.ParseRevocation(badRev); !errors.Is(err, stake.ErrNotRevocation) {
		t.Errorf("revocation with vote tag: %v", err)
	}
	if _, err := stake.NewVote(stake.VoteSpec{Ticket: vote}); !errors.Is(err, stake.ErrNotTicket) {
		t.Errorf("vote of a non-ticket: %v", err)
	}
	if _, err := stake.NewTicket(stake.TicketSpec{Price: 100, Inputs: []stake.TicketInput{{Value: 50}}}); !errors.Is(err, stake.ErrBadAmount) {
		t.Errorf("underfunded ticket: %v", err)
	}
}

// A ticket whose contributor takes change: the commitment is the input
// less the change and the fee is inputs minus outputs.
func TestTicketWithChange(t *testing.T) {
	prev := chainhash.HashH([]byte("funding"))
	change := pkh(key(9))
	tx, err := stake.NewTicket(stake.TicketSpec{
		Price: 45, Voting: pkh(key(8)),
		Inputs: []stake.TicketInput{{PrevOut: wire.OutPoint{Hash: prev}, Value: 100,
			Reward: pkh(key(7)), ChangeValue: 50, Change: &change}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := stake.ParseTicket(tx)
	if err != nil {
		t.Fatal(err)
	}
	c := tk.Contributions[0]
	if c.Amount != 50 || c.ChangeValue != 50 || tk.Fee != 5 || c.Change.Hash != change.Hash {
		t.Fatalf("ticket %+v", tk)
	}
	var in, out int64 = 100, 0
	for _, o := range tx.TxOut {
		out += o.Value
	}
	if tk.Fee != in-out {
		t.Fatalf("fee %d, inputs-outputs %d", tk.Fee, in-out)
	}
}

func TestExtendedVoteBits(t *testing.T) {
	ticket := mustTx(t, loadVectors(t).Ticket.Hex)
	vote, err := stake.NewVote(stake.VoteSpec{Ticket: ticket, VoteBits: 0x0003, Subsidy: 5,
		ExtendedVoteBits: []byte{8, 0, 0, 0, 0xaa}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := stake.ParseVote(vote)
	if err != nil || v.VoteBits != 3 || v.VoteVersion != 8 || len(vote.TxOut[1].PkScript) != 2+7 {
		t.Fatalf("vote %+v %v", v, err)
	}
	if _, err := stake.NewVote(stake.VoteSpec{Ticket: ticket, ExtendedVoteBits: make([]byte, 74)}); !errors.Is(err, txscript.ErrInvalidVoteScript) {
		t.Fatalf("long extension: %v", err)
	}
}

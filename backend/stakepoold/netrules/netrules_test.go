package netrules

import (
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// coldKey returns a simnet account xpub derived from a fixed seed.
func coldKey(t testing.TB, p *chaincfg.Params) *hdkeychain.ExtendedKey {
	t.Helper()
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = byte(i + 1)
	}
	m, err := hdkeychain.NewMaster(seed, p)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := m.DerivePath(44+hdkeychain.HardenedKeyStart, 1+hdkeychain.HardenedKeyStart, hdkeychain.HardenedKeyStart)
	if err != nil {
		t.Fatal(err)
	}
	return acct.Neuter()
}

func TestAddresses(t *testing.T) {
	sim, main := chaincfg.SimNetParams(), chaincfg.MainNetParams()
	xpub := coldKey(t, sim)
	pkh, err := hdkeychain.AddressAt(xpub, 0, 0, sim)
	if err != nil {
		t.Fatal(err)
	}
	p2sh, _ := address.NewScriptHashAddress([]byte{0x51}, sim)
	p2shMain, _ := address.NewScriptHashAddress([]byte{0x51}, main)
	a := Addresses{Params: sim}
	tests := []struct {
		addr      string
		anyErr    string
		p2shError string
	}{
		{pkh.String(), "", "not a P2SH"},
		{p2sh.String(), "", ""},
		{p2shMain.String(), "not an address of simnet", "not an address of simnet"},
		{"", "empty", "empty"},
		{"notbase58!!", "not a valid address", "not a valid address"},
		{strings.Repeat("S", 101), "characters long", "characters long"},
	}
	for _, tc := range tests {
		check(t, "CheckAddress "+tc.addr, a.CheckAddress(tc.addr), tc.anyErr)
		check(t, "CheckP2SH "+tc.addr, a.CheckP2SH(tc.addr), tc.p2shError)
	}
}

func check(t *testing.T, what string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: got %v, want error containing %q", what, err, want)
	}
}

func TestDeriveFeeAddresses(t *testing.T) {
	sim := chaincfg.SimNetParams()
	xpub := coldKey(t, sim)
	set, err := FeeAddresses(xpub.String(), 20, sim)
	if err != nil || set.Len() != 20 {
		t.Fatalf("%v", err)
	}
	a19, _ := hdkeychain.AddressAt(xpub, 0, 19, sim)
	if i, ok := set.Index(*a19.Hash160()); !ok || i != 19 {
		t.Fatal("index 19 missing")
	}
	if _, err := FeeAddresses(xpub.String(), 20, chaincfg.MainNetParams()); err == nil ||
		!strings.Contains(err.Error(), "not a valid extended public key for mainnet") {
		t.Fatalf("wrong network accepted: %v", err)
	}
	if _, err := FeeAddresses("garbage", 1, sim); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestInspect(t *testing.T) {
	sim := chaincfg.SimNetParams()
	xpub := coldKey(t, sim)
	set, err := FeeAddresses(xpub.String(), 10, sim)
	if err != nil {
		t.Fatal(err)
	}
	feeAddr, _ := hdkeychain.AddressAt(xpub, 0, 3, sim)
	other, _ := hdkeychain.AddressAt(xpub, 0, 50, sim) // outside the derived set
	user, _ := hdkeychain.AddressAt(xpub, 1, 0, sim)
	multisig, _ := address.NewScriptHashAddress([]byte{0x51, 0x52}, sim)
	const price, txFee = 2_000_000_000, 5000
	build := func(feeTo *address.PubKeyHashAddress, fee, change int64) *wire.MsgTx {
		tx, err := stake.NewTicket(stake.TicketSpec{
			Price:  price,
			Voting: txscript.PayScript{ScriptHash: true, Hash: *multisig.Hash160()},
			Inputs: []stake.TicketInput{
				{Value: fee, Reward: txscript.PayScript{Hash: *feeTo.Hash160()}},
				{Value: price - fee + txFee + change, ChangeValue: change, Reward: txscript.PayScript{Hash: *user.Hash160()}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
	ticket := func(feeTo *address.PubKeyHashAddress, fee int64) string { return build(feeTo, fee, 0).Hex() }
	const height = 200
	in := NewInspector(sim, set, 5)
	required := stakepool.TicketFeeAt(in.Subsidy, price, txFee, height, 5)
	if required <= 0 {
		t.Fatalf("required fee %d", required)
	}
	tests := []struct {
		name   string
		hex    string
		ok     bool
		reason string
	}{
		{"more than required", ticket(feeAddr, required+1), true, ""},
		{"exactly required", ticket(feeAddr, required), true, ""},
		{"one atom short", ticket(feeAddr, required-1), false, "too low"},
		{"unknown fee address", ticket(other, 10*required), false, "does not pay a pool fee address"},
	}
	// The ticket fee is the network's, inputs minus all outputs: a user's
	// change does not raise the pool fee asked for.
	withChange := build(feeAddr, required, 50e8)
	tests = append(tests, struct {
		name   string
		hex    string
		ok     bool
		reason string
	}{"exactly required, with change", withChange.Hex(), true, ""})
	// Without input values the fee is unknown: refused, not guessed.
	noValues := build(feeAddr, 10*required, 0)
	for _, in := range noValues.TxIn {
		in.ValueIn = wire.NullValueIn
	}
	tests = append(tests, struct {
		name   string
		hex    string
		ok     bool
		reason string
	}{"no input values", noValues.Hex(), false, "malformed"})
	for _, tc := range tests {
		chk, err := in.Inspect(tc.hex, height)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if chk.VotingAddress != multisig.String() || chk.FeeOK != tc.ok || !strings.Contains(chk.Reason, tc.reason) {
			t.Errorf("%s: got %+v", tc.name, chk)
		}
	}
	if _, err := in.Inspect("00", 1); err == nil {
		t.Error("garbage accepted")
	}
}

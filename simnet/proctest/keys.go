package proctest

import (
	"encoding/hex"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
)

// AccountXpub derives the simnet account-0 extended public key
// (m/44'/coin'/0') of a hex seed, the key a simulator wallet started with
// --seed reports from getmasterpubkey.
func AccountXpub(t testing.TB, seedHex string) *hdkeychain.ExtendedKey {
	t.Helper()
	seed, err := hex.DecodeString(seedHex)
	if err != nil {
		t.Fatalf("seed %q: %v", seedHex, err)
	}
	p := chaincfg.SimNetParams()
	m, err := hdkeychain.NewMaster(seed, p)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := m.DerivePath(hdkeychain.HardenedKeyStart+44, hdkeychain.HardenedKeyStart+p.SLIP0044CoinType, hdkeychain.HardenedKeyStart)
	if err != nil {
		t.Fatal(err)
	}
	return acct.Neuter()
}

// AddrAt is the simnet pay-to-pubkey-hash address of the external branch's
// key at index under an account extended public key.
func AddrAt(t testing.TB, xpub *hdkeychain.ExtendedKey, index uint32) string {
	t.Helper()
	a, err := hdkeychain.AddressAt(xpub, 0, index, chaincfg.SimNetParams())
	if err != nil {
		t.Fatal(err)
	}
	return a.String()
}

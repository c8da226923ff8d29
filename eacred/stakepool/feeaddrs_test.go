package stakepool_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/stakepool"
)

type xpubVector struct {
	Network   string   `json:"network"`
	Xpub      string   `json:"account_xpub"`
	Branch    uint32   `json:"branch"`
	Addresses []string `json:"addresses_index_0_to_9"`
}

func loadXpubVectors(t testing.TB) []xpubVector {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "vectors", "hdkeychain.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		X []xpubVector `json:"xpub_to_addresses"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.X) == 0 {
		t.Fatal("no xpub vectors")
	}
	return v.X
}

func TestFeeAddresses(t *testing.T) {
	for _, v := range loadXpubVectors(t) {
		p, err := chaincfg.ByName(v.Network)
		if err != nil {
			t.Fatal(err)
		}
		set, err := stakepool.FeeAddresses(v.Xpub, uint32(len(v.Addresses)), p)
		if err != nil {
			t.Fatal(err)
		}
		if set.Len() != len(v.Addresses) {
			t.Fatalf("%s: %d addresses", v.Network, set.Len())
		}
		for i, s := range v.Addresses {
			a, err := address.Decode(s, p)
			if err != nil {
				t.Fatal(err)
			}
			idx, ok := set.Index(*a.(address.HashAddress).Hash160())
			if !ok || idx != uint32(i) {
				t.Errorf("%s: address %d (%s) -> %d %v", v.Network, i, s, idx, ok)
			}
		}
		// Only the first n are in the set.
		small, _ := stakepool.FeeAddresses(v.Xpub, 3, p)
		last, _ := address.Decode(v.Addresses[9], p)
		if _, ok := small.Index(*last.(address.HashAddress).Hash160()); ok || small.Len() != 3 {
			t.Errorf("%s: set of 3 holds index 9", v.Network)
		}
		// The xpub of another network is refused.
		other := chaincfg.MainNetParams()
		if p.Name == other.Name {
			other = chaincfg.TestNet3Params()
		}
		if _, err := stakepool.FeeAddresses(v.Xpub, 1, other); err == nil {
			t.Errorf("%s xpub accepted on %s", v.Network, other.Name)
		}
	}
}

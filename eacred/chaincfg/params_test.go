package chaincfg

import (
	"errors"
	"testing"
)

func TestByName(t *testing.T) {
	tests := []struct {
		in   string
		want *Params
	}{
		{"mainnet", MainNetParams()},
		{"testnet3", TestNet3Params()},
		{"testnet", TestNet3Params()},
		{"SimNet", SimNetParams()},
		{"regnet", RegNetParams()},
	}
	for _, tc := range tests {
		got, err := ByName(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ByName(%q) = %v, %v", tc.in, got, err)
		}
	}
	for _, bad := range []string{"", "main", "testnet2", "bitcoin"} {
		if _, err := ByName(bad); !errors.Is(err, ErrUnknownNetwork) {
			t.Errorf("ByName(%q) error = %v, want ErrUnknownNetwork", bad, err)
		}
	}
}

// TestAgendasWellFormed checks the invariants vote bits validation relies
// on: masks never include bit 0, agendas of a version do not overlap, and
// every choice's bits lie inside its agenda's mask.
func TestAgendasWellFormed(t *testing.T) {
	for _, p := range All() {
		if p.LatestVoteVersion() == 0 {
			t.Errorf("%s: no vote versions", p.Name)
		}
		for _, v := range p.VoteVersions() {
			ags, ok := p.Agendas(v)
			if !ok || len(ags) == 0 {
				t.Fatalf("%s v%d: no agendas", p.Name, v)
			}
			var used uint16
			for _, a := range ags {
				if a.Mask&1 != 0 || a.Mask&used != 0 {
					t.Errorf("%s v%d %s: bad mask %#04x", p.Name, v, a.ID, a.Mask)
				}
				used |= a.Mask
				abstains := 0
				for _, c := range a.Choices {
					if c.Bits&^a.Mask != 0 {
						t.Errorf("%s v%d %s/%s: bits %#x outside mask", p.Name, v, a.ID, c.ID, c.Bits)
					}
					if c.IsAbstain {
						abstains++
						if c.Bits != 0 {
							t.Errorf("%s v%d %s: abstain bits %#x", p.Name, v, a.ID, c.Bits)
						}
					}
				}
				if abstains != 1 {
					t.Errorf("%s v%d %s: %d abstain choices", p.Name, v, a.ID, abstains)
				}
			}
		}
		if _, ok := p.Agendas(1000); ok {
			t.Errorf("%s: version 1000 has agendas", p.Name)
		}
	}
}

func TestCopyIsDeep(t *testing.T) {
	orig := MainNetParams()
	c := orig.Copy()
	c.Name = "x"
	c.StakeBaseSigScript[0] = 9
	ags, _ := c.Agendas(11)
	ags[0].Choices[0].ID = "changed"
	if orig.Name != "mainnet" || orig.StakeBaseSigScript[0] != 0 {
		t.Fatal("Copy shares scalar or script data")
	}
	oags, _ := orig.Agendas(11)
	if oags[0].Choices[0].ID != "abstain" {
		t.Fatal("Copy shares agenda choices")
	}
}

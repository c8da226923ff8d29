package netrules

import (
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// FuzzInspect feeds arbitrary "transactions" (hex from the wallet) to the
// ticket inspector: it must return an error or a verdict, never panic.
func FuzzInspect(f *testing.F) {
	sim := chaincfg.SimNetParams()
	xpub := coldKey(f, sim)
	set, err := FeeAddresses(xpub.String(), 4, sim)
	if err != nil {
		f.Fatal(err)
	}
	in := NewInspector(sim, set, 5)
	f.Add("", int64(0))
	f.Add("00", int64(1))
	f.Add("0100000001", int64(200))
	f.Fuzz(func(t *testing.T, txHex string, height int64) {
		chk, err := in.Inspect(txHex, height)
		if err == nil && chk.VotingAddress == "" {
			t.Fatal("a ticket without a voting address")
		}
	})
}

package netrules

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/address"
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/hdkeychain"
	"github.com/eacred/dcrstakepool/eacred/stake"
	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// testTicket builds a pool ticket paying fee to fee address index feeIdx,
// voting to a multisig made from tag.
func testTicket(t *testing.T, xpub *hdkeychain.ExtendedKey, feeIdx uint32, tag byte, fee int64) (string, string) {
	t.Helper()
	sim := chaincfg.SimNetParams()
	feeAddr, _ := hdkeychain.AddressAt(xpub, 0, feeIdx, sim)
	user, _ := hdkeychain.AddressAt(xpub, 1, 0, sim)
	ms, _ := address.NewScriptHashAddress([]byte{0x51, tag}, sim)
	const price, txFee = 2_000_000_000, 5000
	tx, err := stake.NewTicket(stake.TicketSpec{
		Price:  price,
		Voting: txscript.PayScript{ScriptHash: true, Hash: *ms.Hash160()},
		Inputs: []stake.TicketInput{
			{Value: fee, Reward: txscript.PayScript{Hash: *feeAddr.Hash160()}},
			{Value: price - fee + txFee, Reward: txscript.PayScript{Hash: *user.Hash160()}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tx.Hex(), ms.String()
}

// TestDecodeTxMatchesWire checks that the buffer-reusing decoder accepts
// and refuses exactly what wire.NewTxFromHex does, with the same errors.
func TestDecodeTxMatchesWire(t *testing.T) {
	xpub := coldKey(t, chaincfg.SimNetParams())
	tk, _ := testTicket(t, xpub, 1, 1, 1e6)
	tests := []struct {
		name string
		hex  string
	}{
		{"ticket", tk},
		{"upper case", strings.ToUpper(tk)},
		{"empty", ""},
		{"odd length", tk[:len(tk)-1]},
		{"bad first char", "x" + tk[1:]},
		{"bad last char", tk[:len(tk)-1] + "g"},
		{"trailing byte", tk + "00"},
		{"truncated", tk[:len(tk)-2]},
		{"larger than the pooled size", strings.Repeat("00", maxPooledTx+1)},
	}
	for _, tc := range tests {
		want, wantErr := wire.NewTxFromHex(tc.hex)
		got, buf, err := decodeTx(tc.hex)
		if buf != nil {
			txBufs.Put(buf)
		}
		switch {
		case (err == nil) != (wantErr == nil):
			t.Errorf("%s: error %v, wire says %v", tc.name, err, wantErr)
		case err != nil && err.Error() != wantErr.Error():
			t.Errorf("%s: error %q, wire says %q", tc.name, err, wantErr)
		case err == nil && !bytes.Equal(got.Bytes(), want.Bytes()):
			t.Errorf("%s: decoded differently", tc.name)
		}
	}
}

// TestInspectConcurrent inspects different tickets from many goroutines:
// reused decode buffers must never mix them up (run with -race).
func TestInspectConcurrent(t *testing.T) {
	sim := chaincfg.SimNetParams()
	xpub := coldKey(t, sim)
	set, err := FeeAddresses(xpub.String(), 10, sim)
	if err != nil {
		t.Fatal(err)
	}
	in := NewInspector(sim, set, 5)
	type want struct {
		hex, multisig string
		ok            bool
	}
	var tickets []want
	for i := 0; i < 8; i++ {
		feeIdx := uint32(i)
		if i%2 == 1 {
			feeIdx = 100 + uint32(i) // not a fee address: low fee
		}
		h, ms := testTicket(t, xpub, feeIdx, byte(i), 1e8)
		tickets = append(tickets, want{h, ms, i%2 == 0})
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 200; r++ {
				w := tickets[(g+r)%len(tickets)]
				chk, err := in.Inspect(w.hex, 200)
				if err != nil || chk.VotingAddress != w.multisig || chk.FeeOK != w.ok {
					t.Errorf("got %+v %v, want %s fee ok %v", chk, err, w.multisig, w.ok)
					return
				}
			}
		}()
	}
	wg.Wait()
}

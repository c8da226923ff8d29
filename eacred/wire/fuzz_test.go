package wire_test

import (
	"bytes"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// FuzzTxDecode checks that decoding never panics and that any accepted
// input re-encodes to exactly the same bytes.
func FuzzTxDecode(f *testing.F) {
	v := loadVectors(f)
	for _, h := range []string{v.SimnetTicket.TicketHex, v.SimnetTicket.RegularTxHex, v.RawSStx.ExpectedHex} {
		b := mustHex(f, h)
		f.Add(b)
		tx, err := wire.NewTxFromBytes(b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tx.BytesPrefix())
		f.Add(tx.BytesWitness())
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		tx, err := wire.NewTxFromBytes(in)
		if err != nil {
			return
		}
		out := tx.Bytes()
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip differs:\n in %x\nout %x", in, out)
		}
		if tx.SerializeSize() != len(in) {
			t.Fatalf("SerializeSize %d, len %d", tx.SerializeSize(), len(in))
		}
		if got, want := tx.TxHash(), chainhash.HashH(tx.BytesPrefix()); got != want {
			t.Fatalf("TxHash %s, hash of the prefix bytes %s", got, want)
		}
		if got, want := tx.TxHashWitness(), chainhash.HashH(tx.BytesWitness()); got != want {
			t.Fatalf("TxHashWitness %s, hash of the witness bytes %s", got, want)
		}
		_ = tx.TxHashFull()
	})
}

// FuzzBlockDecode does the same for whole blocks.
func FuzzBlockDecode(f *testing.F) {
	for _, h := range loadVectors(f).Genesis.BlockHex {
		f.Add(mustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		blk, err := wire.NewBlockFromBytes(in)
		if err != nil {
			return
		}
		if out := blk.Bytes(); !bytes.Equal(out, in) {
			t.Fatalf("round trip differs:\n in %x\nout %x", in, out)
		}
	})
}

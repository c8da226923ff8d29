package wire_test

import (
	"bytes"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// benchTicket returns a signed-size 2-input, 5-output transaction shaped
// like a stake pool ticket (P2SH voting output, two commitments, two
// change outputs, two P2PKH signature scripts).
func benchTicket() *wire.MsgTx {
	tx := wire.NewMsgTx(wire.TxVersion)
	for i := 0; i < 2; i++ {
		var op wire.OutPoint
		op.Hash[0], op.Index = byte(i+1), uint32(i)
		tx.AddTxIn(wire.NewTxIn(&op, 1e9, bytes.Repeat([]byte{0x47}, 107)))
	}
	tx.AddTxOut(wire.NewTxOut(5e9, bytes.Repeat([]byte{0xba}, 24)))
	for i := 0; i < 2; i++ {
		tx.AddTxOut(wire.NewTxOut(0, bytes.Repeat([]byte{0x6a}, 32)))
		tx.AddTxOut(wire.NewTxOut(0, bytes.Repeat([]byte{0xbd}, 26)))
	}
	return tx
}

// BenchmarkNewTxFromBytes decodes a full ticket-shaped transaction.
func BenchmarkNewTxFromBytes(b *testing.B) {
	raw := benchTicket().Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wire.NewTxFromBytes(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTxHash hashes a ticket-shaped transaction's prefix.
func BenchmarkTxHash(b *testing.B) {
	tx := benchTicket()
	b.ReportAllocs()
	for b.Loop() {
		_ = tx.TxHash()
	}
}

// TestStreamedHashes checks that the streamed TxHash and TxHashWitness
// hash exactly the bytes BytesPrefix and BytesWitness build, including
// multi-byte CompactSize counts and script lengths.
func TestStreamedHashes(t *testing.T) {
	many := func(nIn, nOut, scriptLen int) *wire.MsgTx {
		tx := wire.NewMsgTx(wire.TxVersion)
		tx.LockTime, tx.Expiry = 0x01020304, 0x0a0b0c0d
		for i := 0; i < nIn; i++ {
			var op wire.OutPoint
			op.Hash[31], op.Index, op.Tree = byte(i), uint32(i)*7, int8(i%2)
			tx.AddTxIn(wire.NewTxIn(&op, int64(i)*1e6, bytes.Repeat([]byte{byte(i)}, scriptLen)))
		}
		for i := 0; i < nOut; i++ {
			o := wire.NewTxOut(-int64(i), bytes.Repeat([]byte{byte(i + 1)}, scriptLen+i%3))
			o.Version = uint16(i)
			tx.AddTxOut(o)
		}
		return tx
	}
	for _, tc := range []struct {
		name string
		tx   *wire.MsgTx
	}{
		{"empty", wire.NewMsgTx(wire.TxVersion)},
		{"ticket", benchTicket()},
		{"253 inputs and outputs", many(253, 253, 1)},
		{"scripts of 253 bytes", many(2, 3, 253)},
		{"scripts of 70000 bytes", many(1, 1, 70000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := tc.tx.TxHash(), chainhash.HashH(tc.tx.BytesPrefix()); got != want {
				t.Errorf("TxHash %s, want %s", got, want)
			}
			if got, want := tc.tx.TxHashWitness(), chainhash.HashH(tc.tx.BytesWitness()); got != want {
				t.Errorf("TxHashWitness %s, want %s", got, want)
			}
		})
	}
}

// TestDecodedScriptsIndependent checks that decoded scripts share neither
// the input buffer nor room with each other: appending to one script or
// changing the input leaves the others unchanged.
func TestDecodedScriptsIndependent(t *testing.T) {
	raw := benchTicket().Bytes()
	tx, err := wire.NewTxFromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := benchTicket()
	for i := range raw {
		raw[i] ^= 0xff
	}
	for i, o := range tx.TxOut {
		_ = append(o.PkScript, 0x00, 0x00, 0x00)
		if cap(o.PkScript) != len(o.PkScript) {
			t.Errorf("output %d script cap %d, len %d", i, cap(o.PkScript), len(o.PkScript))
		}
	}
	for i, in := range tx.TxIn {
		_ = append(in.SignatureScript, 0x00)
		if !bytes.Equal(in.SignatureScript, want.TxIn[i].SignatureScript) {
			t.Errorf("input %d script changed", i)
		}
	}
	for i, o := range tx.TxOut {
		if !bytes.Equal(o.PkScript, want.TxOut[i].PkScript) {
			t.Errorf("output %d script changed", i)
		}
	}
}

// TestDecodeShapes round-trips transactions of 0..3 inputs and 0..6
// outputs in every serialization type (small ones are decoded into one
// block, larger ones not) and checks that the decoded slices are
// capacity-limited, so appending an input or output cannot overwrite a
// neighbour.
func TestDecodeShapes(t *testing.T) {
	for nIn := 0; nIn <= 3; nIn++ {
		for nOut := 0; nOut <= 6; nOut++ {
			tx := wire.NewMsgTx(wire.TxVersion)
			for i := 0; i < nIn; i++ {
				var op wire.OutPoint
				op.Hash[0], op.Index = byte(i), uint32(i)
				tx.AddTxIn(wire.NewTxIn(&op, int64(i), bytes.Repeat([]byte{byte(i)}, i)))
			}
			for i := 0; i < nOut; i++ {
				tx.AddTxOut(wire.NewTxOut(int64(i), bytes.Repeat([]byte{byte(i)}, i+1)))
			}
			for _, st := range []wire.TxSerializeType{wire.TxSerializeFull, wire.TxSerializeNoWitness, wire.TxSerializeOnlyWitness} {
				raw := tx.BytesAs(st)
				got, err := wire.NewTxFromBytes(raw)
				if err != nil {
					t.Fatalf("%d in %d out %v: %v", nIn, nOut, st, err)
				}
				if !bytes.Equal(got.Bytes(), raw) {
					t.Fatalf("%d in %d out %v: round trip differs", nIn, nOut, st)
				}
				if cap(got.TxIn) != len(got.TxIn) || cap(got.TxOut) != len(got.TxOut) {
					t.Fatalf("%d in %d out %v: caps %d/%d %d/%d", nIn, nOut, st,
						len(got.TxIn), cap(got.TxIn), len(got.TxOut), cap(got.TxOut))
				}
				if st != wire.TxSerializeOnlyWitness && got.TxHash() != tx.TxHash() {
					t.Fatalf("%d in %d out %v: hash differs", nIn, nOut, st)
				}
			}
		}
	}
}

package wire_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// txVectors mirrors the parts of testdata/vectors/transactions.json this
// package checks.
type txVectors struct {
	WireTxHash struct {
		Fields struct {
			Version uint16 `json:"version"`
			Inputs  []struct {
				PrevHash    string `json:"prev_hash"`
				PrevIndex   uint32 `json:"prev_index"`
				PrevTree    int8   `json:"prev_tree"`
				Sequence    uint32 `json:"sequence"`
				ValueIn     int64  `json:"value_in"`
				BlockHeight uint32 `json:"block_height"`
				BlockIndex  uint32 `json:"block_index"`
				SigScript   string `json:"sig_script"`
			} `json:"inputs"`
			Outputs []struct {
				Value         int64  `json:"value"`
				ScriptVersion uint16 `json:"script_version"`
				PkScript      string `json:"pk_script"`
			} `json:"outputs"`
			LockTime uint32 `json:"locktime"`
			Expiry   uint32 `json:"expiry"`
		} `json:"fields"`
		PrefixHex    string `json:"prefix_serialization_hex_computed"`
		ExpectedTxID string `json:"expected_txid"`
	} `json:"wire_txhash"`
	SimnetTicket struct {
		RegularTxHex string `json:"regular_tx_hex"`
		TicketHex    string `json:"ticket_hex"`
		MerkleRoot   string `json:"expected_combined_merkle_root"`
		TxID         string `json:"ticket_txid_computed"`
		FullHash     string `json:"ticket_full_hash_computed"`
	} `json:"simnet_ticket_signed"`
	RawSStx struct {
		ExpectedHex string `json:"expected_hex"`
		TxID        string `json:"txid_computed"`
	} `json:"createrawsstx_unsigned_ticket"`
	Genesis struct {
		Hashes   map[string]string `json:"hashes"`
		BlockHex map[string]string `json:"block_hex"`
	} `json:"genesis"`
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

func TestTxHashFromFields(t *testing.T) {
	v := loadVectors(t).WireTxHash
	tx := wire.NewMsgTx(v.Fields.Version)
	for _, in := range v.Fields.Inputs {
		h, err := chainhash.NewHashFromStr(in.PrevHash)
		if err != nil {
			t.Fatal(err)
		}
		tx.AddTxIn(&wire.TxIn{
			PreviousOutPoint: *wire.NewOutPoint(h, in.PrevIndex, in.PrevTree),
			Sequence:         in.Sequence, ValueIn: in.ValueIn,
			BlockHeight: in.BlockHeight, BlockIndex: in.BlockIndex,
			SignatureScript: mustHex(t, in.SigScript),
		})
	}
	for _, o := range v.Fields.Outputs {
		tx.AddTxOut(&wire.TxOut{Value: o.Value, Version: o.ScriptVersion, PkScript: mustHex(t, o.PkScript)})
	}
	tx.LockTime, tx.Expiry = v.Fields.LockTime, v.Fields.Expiry
	if got := hex.EncodeToString(tx.BytesPrefix()); got != v.PrefixHex {
		t.Fatalf("prefix\n got %s\nwant %s", got, v.PrefixHex)
	}
	if got := tx.TxHash().String(); got != v.ExpectedTxID {
		t.Fatalf("txid %s want %s", got, v.ExpectedTxID)
	}
	// The prefix serialization decodes back to the same prefix.
	p, err := wire.NewTxFromBytes(tx.BytesPrefix())
	if err != nil {
		t.Fatal(err)
	}
	if p.SerType != wire.TxSerializeNoWitness || p.TxHash() != tx.TxHash() {
		t.Fatalf("prefix decode: sertype %v hash %v", p.SerType, p.TxHash())
	}
}

func TestVectorTransactions(t *testing.T) {
	v := loadVectors(t)
	tests := []struct {
		name, hex, txid, full string
	}{
		{"simnet ticket", v.SimnetTicket.TicketHex, v.SimnetTicket.TxID, v.SimnetTicket.FullHash},
		{"createrawsstx", v.RawSStx.ExpectedHex, v.RawSStx.TxID, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := wire.NewTxFromHex(tc.hex)
			if err != nil {
				t.Fatal(err)
			}
			if tx.Hex() != tc.hex {
				t.Fatalf("round trip differs")
			}
			if tx.SerializeSize() != len(tc.hex)/2 {
				t.Fatalf("SerializeSize %d want %d", tx.SerializeSize(), len(tc.hex)/2)
			}
			if got := tx.TxHash().String(); got != tc.txid {
				t.Fatalf("txid %s want %s", got, tc.txid)
			}
			if tc.full != "" {
				if got := tx.TxHashFull().String(); got != tc.full {
					t.Fatalf("full hash %s want %s", got, tc.full)
				}
			}
			// Prefix and witness halves decode separately and
			// their hashes agree with the full transaction's.
			p, err := wire.NewTxFromBytes(tx.BytesPrefix())
			if err != nil {
				t.Fatal(err)
			}
			w, err := wire.NewTxFromBytes(tx.BytesWitness())
			if err != nil {
				t.Fatal(err)
			}
			if p.TxHash() != tx.TxHash() || w.TxHashWitness() != tx.TxHashWitness() {
				t.Fatal("half hashes differ")
			}
			if !bytes.Equal(w.BytesWitness(), tx.BytesWitness()) || w.SerType != wire.TxSerializeOnlyWitness {
				t.Fatal("witness round trip differs")
			}
		})
	}
}

func TestCombinedMerkleRoot(t *testing.T) {
	v := loadVectors(t).SimnetTicket
	reg, err := wire.NewTxFromHex(v.RegularTxHex)
	if err != nil {
		t.Fatal(err)
	}
	tkt, err := wire.NewTxFromHex(v.TicketHex)
	if err != nil {
		t.Fatal(err)
	}
	blk := &wire.MsgBlock{Transactions: []*wire.MsgTx{reg}, STransactions: []*wire.MsgTx{tkt}}
	if got := blk.CombinedMerkleRoot().String(); got != v.MerkleRoot {
		t.Fatalf("combined root %s want %s", got, v.MerkleRoot)
	}
	empty := (&wire.MsgBlock{}).CombinedMerkleRoot()
	if want := chainhash.HashH(make([]byte, 64)); empty != want {
		t.Fatalf("empty combined root %s want %s", empty, want)
	}
}

func TestGenesisBlocks(t *testing.T) {
	v := loadVectors(t).Genesis
	if len(v.BlockHex) == 0 {
		t.Fatal("no genesis blocks in vectors")
	}
	for net, bh := range v.BlockHex {
		t.Run(net, func(t *testing.T) {
			blk, err := wire.NewBlockFromHex(bh)
			if err != nil {
				t.Fatal(err)
			}
			if got := blk.BlockHash().String(); got != v.Hashes[net] {
				t.Fatalf("hash %s want %s", got, v.Hashes[net])
			}
			if blk.Hex() != bh {
				t.Fatal("block round trip differs")
			}
			if blk.SerializeSize() != len(bh)/2 {
				t.Fatal("SerializeSize differs")
			}
			hdr, err := wire.NewBlockHeaderFromBytes(mustHex(t, bh)[:wire.BlockHeaderSize])
			if err != nil {
				t.Fatal(err)
			}
			if hdr.BlockHash() != blk.BlockHash() || hdr.Hex() != bh[:2*wire.BlockHeaderSize] {
				t.Fatal("header decode differs")
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	v := loadVectors(t)
	full := mustHex(t, v.SimnetTicket.TicketHex)
	// Every strict prefix of a valid transaction is truncated.
	for n := 0; n < len(full); n++ {
		_, err := wire.NewTxFromBytes(full[:n])
		if !errors.Is(err, wire.ErrTruncated) {
			t.Fatalf("len %d: err %v, want truncated", n, err)
		}
	}
	withTrailer := append(append([]byte(nil), full...), 0)
	blkBytes := mustHex(t, v.Genesis.BlockHex["simnet"])

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"trailing byte", withTrailer, wire.ErrTrailingBytes},
		{"sertype 3", []byte{1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, wire.ErrBadSerType},
		{"non-canonical input count", []byte{1, 0, 0, 0, 0xfd, 1, 0}, wire.ErrNonCanonicalVarInt},
		{"huge input count", []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, wire.ErrTooLarge},
		{"count beyond input", []byte{1, 0, 0, 0, 0xfd, 0x00, 0x10, 0}, wire.ErrTruncated},
		{"witness count mismatch", witnessMismatch(t, full), wire.ErrWitnessCount},
		{"huge script", []byte{1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff}, wire.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := wire.NewTxFromBytes(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			var we *wire.Error
			if !errors.As(err, &we) {
				t.Fatalf("error %T is not *wire.Error", err)
			}
		})
	}
	if _, err := wire.NewTxFromHex("zz"); !errors.Is(err, wire.ErrBadHex) {
		t.Fatalf("bad hex: %v", err)
	}
	for n := 0; n < len(blkBytes); n++ {
		if _, err := wire.NewBlockFromBytes(blkBytes[:n]); !errors.Is(err, wire.ErrTruncated) {
			t.Fatalf("block len %d: err %v", n, err)
		}
	}
	if _, err := wire.NewBlockHeaderFromBytes(make([]byte, 181)); !errors.Is(err, wire.ErrTrailingBytes) {
		t.Fatalf("long header: %v", err)
	}
	// A prefix-only transaction inside a block is refused.
	blk, err := wire.NewBlockFromBytes(blkBytes)
	if err != nil {
		t.Fatal(err)
	}
	blk.Transactions[0].SerType = wire.TxSerializeNoWitness
	if _, err := wire.NewBlockFromBytes(blk.Bytes()); !errors.Is(err, wire.ErrBadSerType) {
		t.Fatalf("prefix tx in block: %v", err)
	}
}

// witnessMismatch rewrites a one-input full transaction's witness count
// from 1 to 2.
func witnessMismatch(t *testing.T, full []byte) []byte {
	tx, err := wire.NewTxFromBytes(full)
	if err != nil {
		t.Fatal(err)
	}
	if len(tx.TxIn) != 1 {
		t.Fatal("vector changed: want one input")
	}
	b := append([]byte(nil), full...)
	off := 4 + len(tx.BytesPrefix()) - 4
	if b[off] != 1 {
		t.Fatalf("witness count byte %d", b[off])
	}
	b[off] = 2
	return b
}

func TestCopyIsDeep(t *testing.T) {
	tx, err := wire.NewTxFromHex(loadVectors(t).SimnetTicket.TicketHex)
	if err != nil {
		t.Fatal(err)
	}
	c := tx.Copy()
	c.TxOut[0].PkScript[0] ^= 0xff
	c.TxIn[0].SignatureScript[0] ^= 0xff
	if c.TxHash() == tx.TxHash() || c.TxHashWitness() == tx.TxHashWitness() {
		t.Fatal("copy shares memory with the original")
	}
}

func TestVarInt(t *testing.T) {
	tests := []struct {
		v   uint64
		hex string
	}{
		{0, "00"}, {0xfc, "fc"}, {0xfd, "fdfd00"}, {0xffff, "fdffff"},
		{0x10000, "fe00000100"}, {0xffffffff, "feffffffff"},
		{0x100000000, "ff0000000001000000"},
	}
	for _, tc := range tests {
		b := wire.AppendVarInt(nil, tc.v)
		if hex.EncodeToString(b) != tc.hex || wire.VarIntSize(tc.v) != len(b) {
			t.Errorf("%d: got %x", tc.v, b)
		}
	}
}

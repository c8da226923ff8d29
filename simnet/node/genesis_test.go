package node

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
)

func TestGenesisBlockMatchesParams(t *testing.T) {
	tests := []struct {
		name    string
		params  *chaincfg.Params
		wantErr bool
	}{
		{"simnet", chaincfg.SimNetParams(), false},
		{"mainnet hash", chaincfg.MainNetParams(), true},
	}
	for _, tc := range tests {
		b, err := genesisBlock(tc.params)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err = %v, want error %v", tc.name, err, tc.wantErr)
			continue
		}
		if err == nil && (b.BlockHash() != tc.params.GenesisHash || b.Header.Height != 0 || len(b.Transactions) != 1) {
			t.Errorf("%s: block %s height %d with %d txs", tc.name, b.BlockHash(), b.Header.Height, len(b.Transactions))
		}
	}
}

// TestNodeStartsFromSimnetGenesis checks over RPC that block 0 is the real
// simnet genesis block, that its coinbase creates no spendable output, and
// that mining and a restart (replay from blocks.dat) build on it.
func TestNodeStartsFromSimnetGenesis(t *testing.T) {
	key := newTestKey("genesis")
	dir := t.TempDir()
	p := startNode(t, dir, "--miningaddr", key.addr())
	want := simParams.GenesisHash.String()

	var hash string
	p.must(&hash, "getblockhash", 0)
	if hash != want {
		t.Fatalf("getblockhash 0 = %s, want %s", hash, want)
	}
	var raw string
	p.must(&raw, "getblock", hash, false)
	if raw != simnetGenesisHex {
		t.Errorf("getblock %s is not the simnet genesis block:\n%s", hash, raw)
	}
	g, err := wire.NewBlockFromHex(raw)
	if err != nil {
		t.Fatalf("getblock 0 does not decode: %v", err)
	}
	if g.BlockHash().String() != want {
		t.Fatalf("decoded genesis hashes to %s", g.BlockHash())
	}
	var out any
	p.must(&out, "gettxout", g.Transactions[0].TxHash().String(), 0, true)
	if out != nil {
		t.Errorf("gettxout of the genesis coinbase = %v, want null", out)
	}

	hashes := p.generate(2)
	if b1 := p.block(1); b1.Header.PrevBlock.String() != want || b1.BlockHash().String() != hashes[0] {
		t.Fatalf("block 1 builds on %s (hash %s, generate said %s)", b1.Header.PrevBlock, b1.BlockHash(), hashes[0])
	}

	p.stop()
	p.start()
	p.must(&hash, "getblockhash", 0)
	if hash != want {
		t.Fatalf("after restart getblockhash 0 = %s", hash)
	}
	if _, h := p.tip(); h != 2 {
		t.Fatalf("after restart tip height %d, want 2", h)
	}
	p.generate(1)
}

// TestLegacyGenesisDataDir: a data directory made when the simulator had
// its own genesis block still replays and mines on, with a warning.
func TestLegacyGenesisDataDir(t *testing.T) {
	dir := t.TempDir()
	s, _, err := openBlockStore(filepath.Join(dir, "blocks.dat"))
	if err != nil {
		t.Fatal(err)
	}
	cb := wire.NewMsgTx(wire.TxVersion)
	cb.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&chainhash.Hash{}, wire.MaxPrevOutIndex, wire.TxTreeRegular), 0, []byte{0x04, 's', 'i', 'm', '0'}))
	cb.AddTxOut(wire.NewTxOut(0, []byte{opReturn, 0x03, 'o', 'l', 'd'}))
	old := &wire.MsgBlock{Transactions: []*wire.MsgTx{cb}}
	old.Header = wire.BlockHeader{Version: 1, Bits: powLimitBits, Timestamp: 1700000000, VoteBits: 1}
	old.Header.MerkleRoot = old.CombinedMerkleRoot()
	if err := s.append(old); err != nil {
		t.Fatal(err)
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	var cfg Config
	cfg.Common = daemon.Common{DataDir: dir, Listen: "127.0.0.1:0"}
	cfg.MiningAddr = newTestKey("legacy").addr()
	n, err := New(cfg, slog.New(slog.NewTextHandler(&logs, nil)), defaultVerify)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := n.store.close(); err != nil {
			t.Error(err)
		}
	}()
	if g := n.chain.blocks[0].hash; g != old.BlockHash() || g == simParams.GenesisHash {
		t.Fatalf("genesis %s, want the stored %s", g, old.BlockHash())
	}
	if !strings.Contains(logs.String(), "old simulator genesis") {
		t.Errorf("no warning logged:\n%s", logs.String())
	}
	if _, err := n.generate(2); err != nil {
		t.Fatal(err)
	}
	if n.chain.height() != 2 || n.chain.blocks[1].msg.Header.PrevBlock != old.BlockHash() {
		t.Fatalf("height %d after mining on the legacy chain", n.chain.height())
	}
}

package node

import (
	"io"
	"log/slog"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/txscript"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
)

// fanOut spends c into n equal outputs to key.
func fanOut(t *testing.T, c coin, n int, key *testKey) *wire.MsgTx {
	t.Helper()
	tx := wire.NewMsgTx(wire.TxVersion)
	tx.AddTxIn(wire.NewTxIn(&c.op, c.value, nil))
	each := (c.value - 1e6) / int64(n)
	for i := 0; i < n; i++ {
		tx.AddTxOut(wire.NewTxOut(each, key.p2pkh()))
	}
	sig, err := txscript.SignP2PKH(tx, 0, c.script, c.key.priv)
	if err != nil {
		t.Fatal(err)
	}
	tx.TxIn[0].SignatureScript = sig
	return tx
}

// TestBlockSizeLimit runs a node in process: transactions that do not fit
// in a block wait for the next one, and a child never goes without its
// mempool parent.
func TestBlockSizeLimit(t *testing.T) {
	miner := newTestKey("miner")
	var cfg Config
	cfg.Common = daemon.Common{DataDir: t.TempDir(), Listen: "127.0.0.1:0"}
	cfg.MiningAddr = miner.addr()
	n, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), defaultVerify)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := n.store.close(); err != nil {
			t.Error(err)
		}
	}()
	if _, err := n.generate(20); err != nil {
		t.Fatal(err)
	}
	cb := func(h int64) coin { return coinbaseCoin(n.chain.blocks[h].msg, miner) }
	big := fanOut(t, cb(2), 20000, miner)   // ~720 kB
	other := fanOut(t, cb(3), 10000, miner) // ~360 kB: does not fit with big
	child := buildSpend(t, coin{op: outPointOf(big, 0), value: big.TxOut[0].Value, script: miner.p2pkh(), key: miner}, miner.p2pkh(), 1000, 1000, miner)
	huge := fanOut(t, cb(4), 20000, miner)
	grandchild := buildSpend(t, coin{op: outPointOf(huge, 0), value: huge.TxOut[0].Value, script: miner.p2pkh(), key: miner}, miner.p2pkh(), 1000, 1000, miner)
	n.mu.Lock()
	for _, tx := range []*wire.MsgTx{big, other, child, huge, grandchild} {
		if _, err := n.acceptTx(tx); err != nil {
			n.mu.Unlock()
			t.Fatal(err)
		}
	}
	n.mu.Unlock()
	want := [][]*wire.MsgTx{{big, child}, {other}, {huge, grandchild}}
	for i, txs := range want {
		if _, err := n.generate(1); err != nil {
			t.Fatal(err)
		}
		b := n.chain.tip().msg
		if b.SerializeSize() > maxBlockSize {
			t.Fatalf("block %d is %d bytes", i, b.SerializeSize())
		}
		if len(b.Transactions) != len(txs)+1 {
			t.Fatalf("block %d has %d regular txs, want %d", i, len(b.Transactions)-1, len(txs))
		}
		for j, tx := range txs {
			if b.Transactions[j+1].TxHash() != tx.TxHash() {
				t.Fatalf("block %d tx %d is not the expected one", i, j)
			}
		}
	}
	if len(n.pool.txs) != 0 {
		t.Fatalf("%d txs left in the mempool", len(n.pool.txs))
	}
}

// TestExpiredParentDropsChild: a mempool transaction that expires before it
// fits in a block takes its mempool children with it.
func TestExpiredParentDropsChild(t *testing.T) {
	miner := newTestKey("miner")
	var cfg Config
	cfg.Common = daemon.Common{DataDir: t.TempDir(), Listen: "127.0.0.1:0"}
	cfg.MiningAddr = miner.addr()
	n, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), defaultVerify)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := n.store.close(); err != nil {
			t.Error(err)
		}
	}()
	if _, err := n.generate(20); err != nil {
		t.Fatal(err)
	}
	cb := func(h int64) coin { return coinbaseCoin(n.chain.blocks[h].msg, miner) }
	big := fanOut(t, cb(2), 20000, miner)
	parent := fanOut(t, cb(3), 10000, miner)
	parent.Expiry = uint32(n.chain.height() + 2) // valid for the next block only
	sig, err := txscript.SignP2PKH(parent, 0, cb(3).script, miner.priv)
	if err != nil {
		t.Fatal(err)
	}
	parent.TxIn[0].SignatureScript = sig
	child := buildSpend(t, coin{op: outPointOf(parent, 0), value: parent.TxOut[0].Value, script: miner.p2pkh(), key: miner}, miner.p2pkh(), 1000, 1000, miner)
	n.mu.Lock()
	for _, tx := range []*wire.MsgTx{big, parent, child} {
		if _, err := n.acceptTx(tx); err != nil {
			n.mu.Unlock()
			t.Fatal(err)
		}
	}
	n.mu.Unlock()
	if _, err := n.generate(1); err != nil {
		t.Fatal(err)
	}
	if len(n.chain.tip().msg.Transactions) != 2 {
		t.Fatalf("block has %d regular txs, want the big one only", len(n.chain.tip().msg.Transactions)-1)
	}
	if len(n.pool.txs) != 0 {
		t.Fatalf("expired parent or its child still in the mempool (%d txs)", len(n.pool.txs))
	}
}

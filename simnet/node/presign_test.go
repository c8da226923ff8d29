package node

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
)

// TestSendTxVerifiesWithoutLock: sendrawtransaction checks signatures
// without the node's lock (a vote's verification does not hold up the
// other votes and calls of the same block), each signature once, and a bad
// signature is refused as before.
func TestSendTxVerifiesWithoutLock(t *testing.T) {
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
	good := buildSpend(t, cb(2), miner.p2pkh(), 1e8, 1000, miner)

	var calls atomic.Int32
	inVerify, release := make(chan struct{}), make(chan struct{})
	n.verify = func(tx *wire.MsgTx, idx int, pk []byte) error {
		calls.Add(1)
		inVerify <- struct{}{}
		<-release
		return defaultVerify(tx, idx, pk)
	}
	done := make(chan error, 1)
	go func() {
		_, err := n.sendTx(nil, good)
		done <- err
	}()
	<-inVerify
	locked := n.mu.TryLock()
	if locked {
		n.mu.Unlock()
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !locked {
		t.Fatal("the node's lock was held while a signature was verified")
	}
	if c := calls.Load(); c != 1 {
		t.Fatalf("%d signature checks for a one-input transaction, want 1", c)
	}
	if _, ok := n.pool.txs[good.TxHash()]; !ok {
		t.Fatal("the transaction is not in the mempool")
	}

	// A bad signature: refused, with the same reason as a locked check.
	n.verify = defaultVerify
	bad := buildSpend(t, cb(3), miner.p2pkh(), 1e8, 1000, miner)
	corruptSig(bad, 0)
	_, err = n.sendTx(nil, bad)
	var rej *rejectError
	if !errors.As(err, &rej) || !strings.Contains(rej.reason, "input 0 signature check failed") {
		t.Fatalf("bad signature: %v", err)
	}
	// The same transaction again: a duplicate, found before any signature
	// check.
	n.verify = func(*wire.MsgTx, int, []byte) error { t.Error("signature checked for a duplicate"); return nil }
	if _, err := n.sendTx(nil, good); !errors.As(err, new(*duplicateError)) {
		t.Fatalf("second send: %v", err)
	}
}

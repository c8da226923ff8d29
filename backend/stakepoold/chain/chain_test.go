package chain

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/eacred/dcrstakepool/backend/stakepoold/pool"
	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/rpcclient"
	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want pool.Kind
	}{
		{"not connected", rpcclient.ErrNotConnected, pool.KindUnavailable},
		{"connection lost", fmt.Errorf("x: %w", rpcclient.ErrConnectionLost), pool.KindUnavailable},
		{"deadline", context.DeadlineExceeded, pool.KindUnavailable},
		{"duplicate code", rpcjson.ErrDuplicateTx("ab"), pool.KindDuplicate},
		{"duplicate message, other code", rpcjson.NewError(rpcjson.ErrCodeInternal, "rejected: already have transaction ab"), pool.KindDuplicate},
		{"conflicting vote (mempool double spend)", rpcjson.ErrRejectedTx("ab",
			"output 1234:0 already spent by transaction cd in the memory pool"), pool.KindConflict},
		{"conflicting vote, ticket form", rpcjson.ErrRejectedTx("ab",
			"ticket 12 is already spent by transaction cd in the memory pool"), pool.KindConflict},
		{"spent on chain is no conflict", rpcjson.ErrRejectedTx("ab", "output 12:0 has already been spent"), pool.KindInternal},
		{"no tx info", rpcjson.NewError(rpcjson.ErrCodeNoTxInfo, "No information for transaction"), pool.KindNotFound},
		{"wallet not connected to node", rpcjson.NewError(rpcjson.ErrCodeClientNotConnected, "disconnected"), pool.KindUnavailable},
		{"locked", rpcjson.NewError(rpcjson.ErrCodeWalletUnlockNeeded, "unlock"), pool.KindPrecondition},
		{"bad param", rpcjson.NewError(rpcjson.ErrCodeInvalidParameter, "bad"), pool.KindInvalid},
		{"deserialization", rpcjson.NewError(rpcjson.ErrCodeDeserialization, "bad hex"), pool.KindInvalid},
		{"internal", rpcjson.NewError(rpcjson.ErrCodeInternal, "boom"), pool.KindInternal},
		{"plain", errors.New("boom"), pool.KindInternal},
	}
	for _, tc := range tests {
		err := Classify(tc.err, "call")
		if got := pool.KindOf(err); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: cause lost", tc.name)
		}
		// The pool names the call ("wallet generatevote: ..."): Classify
		// adds no words, so the name is not said twice.
		if got := err.Error(); got != tc.err.Error() {
			t.Errorf("%s: message %q, want the cause's %q", tc.name, got, tc.err.Error())
		}
	}
	if Classify(nil, "x") != nil {
		t.Error("nil not kept")
	}
}

func TestAtoms(t *testing.T) {
	for _, tc := range []struct {
		coins float64
		want  int64
	}{{0, 0}, {1, 1e8}, {0.0002, 20000}, {123.45678901, 12345678901}} {
		if got := atoms(tc.coins); got != tc.want {
			t.Errorf("atoms(%v) = %d, want %d", tc.coins, got, tc.want)
		}
	}
}

// TestStakeTxsOf: the stake tree of a serialized block, each transaction
// with its hash and full serialization; a block that does not decode is an
// error.
func TestStakeTxsOf(t *testing.T) {
	var b wire.MsgBlock
	b.Header.Height = 7
	cb := wire.NewMsgTx(wire.TxVersion)
	cb.AddTxIn(wire.NewTxIn(&wire.OutPoint{Index: wire.MaxPrevOutIndex}, 5, []byte{1, 2}))
	cb.AddTxOut(wire.NewTxOut(5, []byte{0x51}))
	b.Transactions = []*wire.MsgTx{cb}
	for i := 0; i < 3; i++ {
		tx := wire.NewMsgTx(wire.TxVersion)
		tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&chainhash.Hash{byte(i + 1)}, uint32(i), wire.TxTreeStake), int64(i+1)*1e8, []byte{byte(i)}))
		tx.AddTxOut(wire.NewTxOut(int64(i)*1e8, []byte{0xba, byte(i)}))
		b.STransactions = append(b.STransactions, tx)
	}
	raw := b.Bytes()
	got, err := stakeTxsOf(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d stake transactions, want 3", len(got))
	}
	for i, tx := range b.STransactions {
		if h := tx.TxHash(); got[i].Hash != h.String() || got[i].Hex != tx.Hex() {
			t.Fatalf("stake tx %d: %+v, want %s %s", i, got[i], h, tx.Hex())
		}
	}
	if _, err := stakeTxsOf(raw[:len(raw)-3]); pool.KindOf(err) != pool.KindInternal {
		t.Fatalf("truncated block: %v", err)
	}
}

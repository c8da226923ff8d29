package node

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/rpcjson"
	"github.com/eacred/dcrstakepool/eacred/wire"
)

// wantPriority is the coin-age priority of a transaction whose inputs
// (values, ages in blocks) are given: Σ value·age over the size less 41
// bytes plus up to 110 bytes of signature script per input.
func wantPriority(tx *wire.MsgTx, values, ages []int64) float64 {
	size := tx.SerializeSize()
	for _, in := range tx.TxIn {
		size -= 41 + min(len(in.SignatureScript), 110)
	}
	var sum float64
	for i := range values {
		sum += float64(values[i]) * float64(ages[i])
	}
	return sum / float64(size)
}

func TestGetRawMempoolVerbose(t *testing.T) {
	miner, other := newTestKey("mempool miner"), newTestKey("mempool other")
	p := startNode(t, "", "--miningaddr", miner.addr(), "--coinbasematurity", "2")
	p.generate(5)

	before := time.Now().Unix()
	c := coinbaseCoin(p.block(2), miner)
	parent := buildSpend(t, c, other.p2pkh(), 1e8, 5000, miner)
	if _, err := p.send(parent); err != nil {
		t.Fatal(err)
	}
	child := buildSpend(t, coin{op: outPointOf(parent, 0), value: 1e8, script: other.p2pkh(), key: other}, miner.p2pkh(), 5e7, 3000, other)
	if _, err := p.send(child); err != nil {
		t.Fatal(err)
	}
	after := time.Now().Unix()

	var ids []string
	p.must(&ids, "getrawmempool")
	if want := []string{parent.TxHash().String(), child.TxHash().String()}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("getrawmempool = %v, want %v", ids, want)
	}

	var got map[string]rpcjson.GetRawMempoolVerboseResult
	p.must(&got, "getrawmempool", true)
	// Block 2's coinbase is 4 blocks old for block 6; the child spends an
	// unmined output, so its priority is 0.
	tests := []struct {
		name     string
		tx       *wire.MsgTx
		fee      float64
		priority float64
		depends  []string
	}{
		{"parent", parent, 0.00005, wantPriority(parent, []int64{c.value}, []int64{4}), []string{}},
		{"child", child, 0.00003, 0, []string{parent.TxHash().String()}},
	}
	if len(got) != len(tests) {
		t.Fatalf("verbose getrawmempool has %d entries: %v", len(got), got)
	}
	for _, tc := range tests {
		r, ok := got[tc.tx.TxHash().String()]
		if !ok {
			t.Errorf("%s: missing from verbose getrawmempool", tc.name)
			continue
		}
		want := rpcjson.GetRawMempoolVerboseResult{Size: int32(tc.tx.SerializeSize()), Fee: tc.fee, Time: r.Time, Height: 5,
			StartingPriority: tc.priority, CurrentPriority: tc.priority, Depends: tc.depends}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, r, want)
		}
		if r.Time < before || r.Time > after {
			t.Errorf("%s: time %d outside [%d, %d]", tc.name, r.Time, before, after)
		}
	}
	if tests[0].priority <= 0 {
		t.Fatalf("test setup: parent priority %v", tests[0].priority)
	}

	// The txtype filter applies to the verbose form too; an empty answer
	// is {} (not null or []).
	for _, txType := range []string{"tickets", "votes", "revocations"} {
		raw, err := p.call("getrawmempool", true, txType)
		if err != nil || string(raw) != "{}" {
			t.Errorf("getrawmempool true %s = %s, %v; want {}", txType, raw, err)
		}
	}
	var regular map[string]json.RawMessage
	p.must(&regular, "getrawmempool", true, "regular")
	if len(regular) != 2 {
		t.Errorf("getrawmempool true regular has %d entries", len(regular))
	}
	p.wantErr(-8, "Invalid transaction type", "getrawmempool", true, "bogus")

	p.generate(1)
	if raw, err := p.call("getrawmempool", true); err != nil || string(raw) != "{}" {
		t.Errorf("after mining: %s, %v", raw, err)
	}
}

// checkVerboseEntry checks tx's entry in verbose getrawmempool filtered
// by txType: size, fee (what the inputs bring minus what the outputs pay,
// inValue being the inputs' total) and no mempool parents.
func checkVerboseEntry(t *testing.T, p *nodeProc, tx *wire.MsgTx, txType string, inValue int64) {
	t.Helper()
	var got map[string]rpcjson.GetRawMempoolVerboseResult
	p.must(&got, "getrawmempool", true, txType)
	r, ok := got[tx.TxHash().String()]
	if !ok {
		t.Fatalf("%s %s missing from verbose getrawmempool: %v", txType, tx.TxHash(), got)
	}
	fee := inValue
	for _, o := range tx.TxOut {
		fee -= o.Value
	}
	if r.Size != int32(tx.SerializeSize()) || r.Fee != coins(fee) || r.Depends == nil || len(r.Depends) != 0 {
		t.Fatalf("%s entry %+v, want size %d fee %v no depends", txType, r, tx.SerializeSize(), coins(fee))
	}
}

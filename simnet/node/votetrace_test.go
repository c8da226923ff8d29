package node

import (
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/daemon"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// TestVoteTrace: a vote's latency is measured from the first
// winningtickets write of its block to the connection it arrived on; a
// rebroadcast does not move that time, a connection that was not sent the
// block gets -1, other transactions and POST calls are not traced, and
// take(true) empties the records.
func TestVoteTrace(t *testing.T) {
	miner := newTestKey("miner")
	voter := voting{key: newTestKey("voter")}
	c := coin{op: wire.OutPoint{Hash: chainhash.Hash{1}}, value: 1e8, script: miner.p2pkh(), key: miner}
	ticket := buildTicket(t, c, voter, 20000, 1000)
	block := chainhash.Hash{9}
	vote := buildVote(t, ticket, voter, block, 200, 1)

	tr := newVoteTrace()
	a, b := &rpcserver.Client{ID: 3, Remote: "127.0.0.1:1"}, &rpcserver.Client{ID: 4, Remote: "127.0.0.1:2"}
	t0 := time.Now()
	tr.written(a, block, 200, t0)
	tr.written(a, block, 200, t0.Add(time.Second)) // rebroadcastwinners
	tr.vote(a, vote, traceAccepted, t0.Add(5*time.Millisecond))
	tr.vote(b, vote, traceDuplicate, t0.Add(7*time.Millisecond))
	tr.vote(a, ticket, traceAccepted, t0)  // not a vote
	tr.vote(nil, vote, traceDuplicate, t0) // POST

	got := tr.take(true)
	if len(got.Sends) != 1 || got.Sends[0].Client != 3 || got.Sends[0].Block != block.String() || got.Sends[0].AtNs != t0.UnixNano() {
		t.Fatalf("sends %+v", got.Sends)
	}
	if len(got.Votes) != 2 {
		t.Fatalf("votes %+v", got.Votes)
	}
	va, vb := got.Votes[0], got.Votes[1]
	th := ticket.TxHash()
	if va.Client != 3 || va.Remote != "127.0.0.1:1" || va.Ticket != th.String() || va.Block != block.String() || va.Height != 200 ||
		va.Outcome != traceAccepted || va.LatencyNs != int64(5*time.Millisecond) {
		t.Fatalf("first vote %+v", va)
	}
	if vb.Client != 4 || vb.Outcome != traceDuplicate || vb.LatencyNs != -1 {
		t.Fatalf("second vote %+v", vb)
	}
	if again := tr.take(false); len(again.Sends)+len(again.Votes) != 0 {
		t.Fatalf("records after clear: %+v", again)
	}
	// The send time is kept across a clear: a late vote is still timed.
	tr.vote(a, vote, traceDuplicate, t0.Add(9*time.Millisecond))
	if v := tr.take(false).Votes; len(v) != 1 || v[0].LatencyNs != int64(9*time.Millisecond) {
		t.Fatalf("vote after clear %+v", v)
	}
}

// TestGenerateFsyncsWithoutLock: generate writes the blocks' notifications
// and then fsyncs the block store without the node's lock, so the votes
// those notifications call for are not held up by the disk; generate
// itself returns only after the fsync.
func TestGenerateFsyncsWithoutLock(t *testing.T) {
	var cfg Config
	cfg.Common = daemon.Common{DataDir: t.TempDir(), Listen: "127.0.0.1:0"}
	cfg.MiningAddr = newTestKey("miner").addr()
	n, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), defaultVerify)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := n.store.close(); err != nil {
			t.Error(err)
		}
	}()
	inSync, release := make(chan struct{}), make(chan struct{})
	old := syncFile
	syncFile = func(f *os.File) error {
		inSync <- struct{}{}
		<-release
		return old(f)
	}
	defer func() { syncFile = old }()
	done := make(chan error, 1)
	go func() {
		_, err := n.generate(1)
		done <- err
	}()
	<-inSync
	locked := n.mu.TryLock()
	if locked {
		n.mu.Unlock()
	}
	select {
	case err := <-done:
		t.Fatalf("generate returned before its fsync: %v", err)
	default:
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !locked {
		t.Fatal("the node's lock was held during the block store's fsync")
	}
}

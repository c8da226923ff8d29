package node

import (
	"context"
	"sync"
	"time"

	"github.com/eacred/dcrstakepool/eacred/chainhash"
	"github.com/eacred/dcrstakepool/eacred/wire"
	"github.com/eacred/dcrstakepool/simnet/internal/rpcserver"
)

// The vote trace (--votetrace) is the node's own measurement of vote
// latency for benchmarks: for every websocket client it records when the
// node started writing each winningtickets notification to the client's
// socket, and for
// every vote sent with sendrawtransaction when the node had decided on it
// (accepted into the mempool, or refused as a copy or a conflict), on which
// connection, for which ticket and block. A vote's latency is the time
// from the winningtickets write of its block to the connection the vote
// arrived on, to that decision: both ends are timestamped by the node's
// clock, so nothing of the benchmark's own work is in it. getvotetrace (a
// harness method like generate; no pool calls it) returns and optionally
// clears the records. Without --votetrace nothing is recorded.

// maxTraceVotes bounds the records kept (a benchmark reads them between
// phases); older ones are dropped first.
const maxTraceVotes = 1 << 16

// Vote outcomes in the trace.
const (
	traceAccepted  = "accepted"
	traceDuplicate = "duplicate"
	traceRejected  = "rejected"
)

type traceSendKey struct {
	block  chainhash.Hash
	client uint64
}

// TraceSend is one winningtickets notification written to one client.
type TraceSend struct {
	Client uint64 `json:"client"`
	Remote string `json:"remote"`
	Block  string `json:"block"`
	Height int64  `json:"height"`
	AtNs   int64  `json:"atns"` // Unix nanoseconds, the node's clock
}

// TraceVote is one vote the node decided on.
type TraceVote struct {
	Client  uint64 `json:"client"`
	Remote  string `json:"remote"`
	Ticket  string `json:"ticket"`
	Block   string `json:"block"`
	Height  int64  `json:"height"`
	Outcome string `json:"outcome"` // accepted, duplicate, rejected
	AtNs    int64  `json:"atns"`
	// LatencyNs is AtNs minus the time the block's winningtickets was
	// written to this client, measured on the node's monotonic clock;
	// -1 when this client was not sent it.
	LatencyNs int64 `json:"latencyns"`
}

// VoteTraceResult is getvotetrace's answer.
type VoteTraceResult struct {
	Sends []TraceSend `json:"sends"`
	Votes []TraceVote `json:"votes"`
}

type voteTrace struct {
	mu    sync.Mutex
	sent  map[traceSendKey]time.Time
	sends []TraceSend
	votes []TraceVote
}

func newVoteTrace() *voteTrace { return &voteTrace{sent: map[traceSendKey]time.Time{}} }

// written records a winningtickets write (called on the client's writer
// goroutine).
func (t *voteTrace) written(c *rpcserver.Client, block chainhash.Hash, height int64, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := traceSendKey{block, c.ID}
	if _, ok := t.sent[k]; ok {
		return // a rebroadcast: the first write is when the client knew
	}
	t.sent[k] = at
	t.sends = append(t.sends, TraceSend{Client: c.ID, Remote: c.Remote, Block: block.String(), Height: height, AtNs: at.UnixNano()})
	if len(t.sends) > maxTraceVotes {
		old := t.sends[0]
		t.sends = t.sends[1:]
		if h, err := chainhash.NewHashFromStr(old.Block); err == nil {
			delete(t.sent, traceSendKey{*h, old.Client})
		}
	}
}

// vote records the node's decision on a vote that arrived on c.
func (t *voteTrace) vote(c *rpcserver.Client, tx *wire.MsgTx, outcome string, at time.Time) {
	if c == nil || classify(tx) != kindVote {
		return
	}
	f, err := checkVoteForm(tx)
	if err != nil {
		return
	}
	block := chainhash.Hash(f.block)
	t.mu.Lock()
	defer t.mu.Unlock()
	lat := int64(-1)
	if s, ok := t.sent[traceSendKey{block, c.ID}]; ok {
		lat = int64(at.Sub(s))
	}
	t.votes = append(t.votes, TraceVote{Client: c.ID, Remote: c.Remote, Ticket: f.ticket.String(), Block: block.String(),
		Height: int64(f.height), Outcome: outcome, AtNs: at.UnixNano(), LatencyNs: lat})
	if len(t.votes) > maxTraceVotes {
		t.votes = t.votes[1:]
	}
}

// take returns the records and, when clear is set, forgets them (the
// notification times stay, so a vote after the clear still finds its
// block's write).
func (t *voteTrace) take(clear bool) VoteTraceResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := VoteTraceResult{Sends: append([]TraceSend{}, t.sends...), Votes: append([]TraceVote{}, t.votes...)}
	if clear {
		t.sends, t.votes = nil, nil
	}
	return r
}

// rpcGetVoteTrace answers getvotetrace [clear]: the trace so far, or -1
// when the node runs without --votetrace.
func (n *Node) rpcGetVoteTrace(_ context.Context, c *rpcserver.Call) (any, error) {
	clear := c.Params.OptBool(0, false)
	if err := c.Params.Err(); err != nil {
		return nil, err
	}
	if n.trace == nil {
		return nil, rpcserver.NewError(rpcserver.ErrCodeMisc, "the node runs without --votetrace")
	}
	return n.trace.take(clear), nil
}

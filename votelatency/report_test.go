package votelatency

import (
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	s := Summarize(ds)
	if s.N != 100 || s.P50 != 50*time.Millisecond || s.P99 != 99*time.Millisecond || s.Max != 100*time.Millisecond {
		t.Fatalf("%+v", s)
	}
	if one := Summarize([]time.Duration{3}); one.P50 != 3 || one.P99 != 3 || one.Max != 3 {
		t.Fatalf("%+v", one)
	}
	if (Summarize(nil) != Stats{}) {
		t.Fatal("empty")
	}
}

// TestReportAdd: votes are grouped by connection in connection order,
// copies count for their back end only, votes on blocks outside the
// measurement are left out, and a winner without an accepted vote is
// missed.
func TestReportAdd(t *testing.T) {
	ph := &Phase{Blocks: []string{"b1", "b2"}, Votes: []traceVote{
		{Client: 9, Block: "b1", Outcome: "accepted", LatencyNs: 2e6},
		{Client: 5, Block: "b1", Outcome: "duplicate", LatencyNs: 3e6},
		{Client: 5, Block: "b0", Outcome: "accepted", LatencyNs: 1e9}, // warm-up block
		{Client: 5, Block: "b2", Outcome: "accepted", LatencyNs: 1e6},
		{Client: 9, Block: "b2", Outcome: "rejected", LatencyNs: 4e6},
		{Client: 9, Block: "b2", Outcome: "accepted", LatencyNs: -1},
	}}
	var r Report
	r.add(ph)
	p := r.Pool
	if len(p.backends[0]) != 2 || len(p.backends[1]) != 2 || p.backends[0][0] != 3e6 || p.backends[1][0] != 2e6 {
		t.Fatalf("backends %v", p.backends)
	}
	if len(p.first) != 2 || p.untimed != 1 || p.rejected != 1 || p.missed != 10-3 || p.blocks != 2 {
		t.Fatalf("%+v", p)
	}
}

// TestReportCPUPerBlock: the CPU each role used over a side's phases is
// printed per measured block.
func TestReportCPUPerBlock(t *testing.T) {
	var r Report
	for i := 0; i < 2; i++ {
		r.add(&Phase{Floor: true, Blocks: []string{"a", "b"}, CPU: CPUUse{Node: 40 * time.Millisecond,
			VotingWallets: 20 * time.Millisecond, Voters: 2 * time.Millisecond}})
	}
	var b strings.Builder
	r.Print(&b)
	if want := "floor: node 20.0, voting wallets 10.0, 2 votefloors 1.0"; !strings.Contains(b.String(), want) {
		t.Fatalf("no %q in\n%s", want, b.String())
	}
}

package votelatency

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"time"

	"github.com/eacred/dcrstakepool/machineinfo"
)

func loadAvg() string { return machineinfo.LoadAverage() }

// Stats summarises latencies.
type Stats struct {
	N             int
	P50, P99, Max time.Duration
}

// Summarize computes nearest-rank percentiles.
func Summarize(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return s[max(i, 0)]
	}
	return Stats{N: len(s), P50: rank(0.50), P99: rank(0.99), Max: s[len(s)-1]}
}

// side gathers one kind of phase (pool or floor) over every round.
type side struct {
	blocks   int
	slow     int
	backends [2][]time.Duration // every vote of each connection, any outcome
	first    []time.Duration    // the accepted vote of each ticket
	missed   int                // winners of measured blocks without an accepted vote
	rejected int                // votes refused for another reason than a copy
	untimed  int                // votes on a connection that was not sent the block
	cpu      CPUUse             // over the measured blocks
}

// Report is the result of a run.
type Report struct {
	Options     Options
	Tickets     int
	Pool, Floor side
	Machine     string // machineinfo.Line() as the measurement starts
	LoadStart   string
	LoadEnd     string
}

func (r *Report) add(ph *Phase) {
	s := &r.Pool
	if ph.Floor {
		s = &r.Floor
	}
	s.blocks += len(ph.Blocks)
	s.slow += ph.Slow
	s.cpu = s.cpu.add(ph.CPU)
	measured := map[string]bool{}
	for _, b := range ph.Blocks {
		measured[b] = true
	}
	clients := ph.clients()
	index := map[uint64]int{}
	for i, c := range clients {
		index[c] = i
	}
	accepted := 0
	for _, v := range ph.Votes {
		if !measured[v.Block] {
			continue
		}
		switch v.Outcome {
		case "accepted":
			accepted++
		case "rejected":
			s.rejected++
		}
		if v.LatencyNs < 0 {
			s.untimed++
			continue
		}
		d := time.Duration(v.LatencyNs)
		if i := index[v.Client]; i < len(s.backends) {
			s.backends[i] = append(s.backends[i], d)
		}
		if v.Outcome == "accepted" {
			s.first = append(s.first, d)
		}
	}
	s.missed += 5*len(ph.Blocks) - accepted
}

// Missed is the number of measured winners that got no accepted vote, pool
// and floor phases together.
func (r *Report) Missed() int { return r.Pool.missed + r.Floor.missed }

// VotesTimed is the number of pool votes timed (both back ends).
func (r *Report) VotesTimed() (pool, floor int) {
	return len(r.Pool.backends[0]) + len(r.Pool.backends[1]), len(r.Floor.backends[0]) + len(r.Floor.backends[1])
}

// FirstVote returns the pool's and the floor's first-vote statistics.
func (r *Report) FirstVote() (pool, floor Stats) {
	return Summarize(r.Pool.first), Summarize(r.Floor.first)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// Print writes the table.
func (r *Report) Print(w io.Writer) {
	o := r.Options
	fmt.Fprintf(w, "vote latency: node writes winningtickets to a connection -> the vote from that connection is decided\n")
	fmt.Fprintf(w, "(accepted, or found to be a copy) by the node; both ends timed by the node (--votetrace)\n")
	fmt.Fprintln(w, r.Machine)
	fmt.Fprintf(w, "load average %s at the start of the measurement, %s at the end (GOMAXPROCS %d)\n",
		r.LoadStart, r.LoadEnd, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "run: %d rounds of %d pool + %d floor blocks (after %d warm-up blocks each), one block per %v, %d pool tickets of %d users, 5 pool winners per block\n",
		o.Rounds, o.Blocks, o.Blocks, o.Warmup, o.Interval, r.Tickets, o.Users)
	floorMode := "all winners at once"
	if o.SerialFloor {
		floorMode = "winners one after another"
	}
	fmt.Fprintf(w, "floor: cmd/votefloor per wallet, generatevote + sendrawtransaction, %s\n\n", floorMode)
	fmt.Fprintf(w, "%-22s %6s %10s %10s %10s\n", "", "votes", "p50", "p99", "max")
	row := func(name string, ds []time.Duration) {
		s := Summarize(ds)
		fmt.Fprintf(w, "%-22s %6d %10s %10s %10s\n", name, s.N, ms(s.P50), ms(s.P99), ms(s.Max))
	}
	for _, x := range []struct {
		name string
		s    *side
	}{{"pool", &r.Pool}, {"floor", &r.Floor}} {
		row(x.name+" backend 1", x.s.backends[0])
		row(x.name+" backend 2", x.s.backends[1])
		row(x.name+" first vote", x.s.first)
	}
	p, f := r.FirstVote()
	ratio := func(a, b time.Duration) string {
		if b <= 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", float64(a)/float64(b))
	}
	fmt.Fprintf(w, "\nratio pool/floor, first vote: p50 %s, p99 %s, max %s (target: p99 <= 3)\n",
		ratio(p.P50, f.P50), ratio(p.P99, f.P99), ratio(p.Max, f.Max))
	for _, x := range []struct {
		name string
		s    *side
	}{{"pool", &r.Pool}, {"floor", &r.Floor}} {
		fmt.Fprintf(w, "%s: %d blocks, %d winners without an accepted vote, %d votes refused, %d votes untimed, %d blocks slower than the interval\n",
			x.name, x.s.blocks, x.s.missed, x.s.rejected, x.s.untimed, x.s.slow)
	}
	perBlock := func(s *side, d time.Duration) string {
		if s.blocks == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)/float64(s.blocks))
	}
	fmt.Fprintf(w, "\nCPU per measured block (ms, /proc, 10 ms ticks summed over the phases): node, 2 voting wallets, voters\n")
	for _, x := range []struct {
		name, voters string
		s            *side
	}{{"pool", "2 stakepoolds", &r.Pool}, {"floor", "2 votefloors", &r.Floor}} {
		c := x.s.cpu
		fmt.Fprintf(w, "%-6s node %s, voting wallets %s, %s %s\n", x.name+":", perBlock(x.s, c.Node),
			perBlock(x.s, c.VotingWallets), x.voters, perBlock(x.s, c.Voters))
	}
}

package webload

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// CPUTime is the CPU time (user + system) process pid has used, read from
// /proc (Linux); 0 when unknown.
func CPUTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	// After the command name: utime and stime are the 12th and 13th
	// fields, in clock ticks of 100 Hz.
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// CPUSample is the CPU time used so far by the processes that serve the
// web requests: the front end, the database, the two stakepoolds, and the
// simulator (node, voting wallets and the user wallet, which also mines,
// buys tickets and votes meanwhile).
type CPUSample struct{ Web, DB, Stakepoolds, Simulator time.Duration }

// SampleCPU reads the processes' CPU times now.
func (p *Pool) SampleCPU() CPUSample {
	c := p.Cluster
	return CPUSample{Web: CPUTime(c.Web.Pid()), DB: CPUTime(c.DB.Pid()),
		Stakepoolds: CPUTime(c.Stakepoolds[0].Pid()) + CPUTime(c.Stakepoolds[1].Pid()),
		Simulator: CPUTime(c.Node.Pid()) + CPUTime(c.Wallets[0].Pid()) + CPUTime(c.Wallets[1].Pid()) +
			CPUTime(c.UserWallet.Pid())}
}

// Sub is the CPU used between o and s.
func (s CPUSample) Sub(o CPUSample) CPUSample {
	return CPUSample{Web: s.Web - o.Web, DB: s.DB - o.DB, Stakepoolds: s.Stakepoolds - o.Stakepoolds,
		Simulator: s.Simulator - o.Simulator}
}

package webload

import (
	"time"

	"github.com/eacred/dcrstakepool/internal/proccpu"
)

// CPUTime is the CPU time (user + system) process pid has used; 0 when
// unknown.
func CPUTime(pid int) time.Duration { return proccpu.Of(pid) }

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

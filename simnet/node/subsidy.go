package node

import (
	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
)

// subsidies computes block rewards with eacred/subsidy, in the split the
// parameters say is in force at each height (subsidy.VariantAt; DCP0012 on
// simnet: work 1%, stake 89%, treasury 10%). The miner gets the work share
// (scaled by voters/TicketsPerBlock from stake validation height, and zero
// with fewer than a majority of votes) plus all fees; each vote gets the
// per-vote stake share. The treasury share is not created: the simulator
// has no treasury. Block 1 pays simnet's BlockOneSubsidy (zero).
type subsidies struct {
	lib *subsidy.Cache
}

func newSubsidies(p *chaincfg.Params) *subsidies {
	return &subsidies{lib: subsidy.NewCache(p)}
}

// block is the full block subsidy at height h.
func (s *subsidies) block(h int64) int64 { return s.lib.BlockSubsidy(h) }

// work is the miner's share for a block with the given number of votes.
func (s *subsidies) work(h int64, voters int) int64 { return s.lib.WorkSubsidyAt(h, uint16(voters)) }

// vote is the stakebase value of a vote on the block at height h (the
// vote is included at h+1; ecrd takes the subsidy at the voted-on height).
func (s *subsidies) vote(h int64) int64 { return s.lib.VoteSubsidyOn(h) }

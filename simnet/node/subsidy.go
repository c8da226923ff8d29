package node

import (
	"sync"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/subsidy"
)

// subsidies computes block rewards with the original 6/3/1 split: the
// block subsidy starts at BaseSubsidy and is multiplied by Mul/Div once per
// completed SubsidyReductionInterval; the miner gets 6/10 (scaled by
// voters/TicketsPerBlock from stake validation height; the tax tenth is
// not created: the simulator has no treasury) and each vote 3/(10*5), as
// eacred/subsidy's Original variant computes it. Block 1 pays the normal
// subsidy (simnet has no premine).
type subsidies struct {
	params *chaincfg.Params
	lib    *subsidy.Cache
	mu     sync.Mutex
	cache  map[int64]int64 // reduction interval -> block subsidy
}

func newSubsidies(p *chaincfg.Params) *subsidies {
	return &subsidies{params: p, lib: subsidy.NewCache(p), cache: make(map[int64]int64)}
}

func (s *subsidies) block(h int64) int64 {
	if h <= 0 {
		return 0
	}
	p := s.params
	iv := h / p.SubsidyReductionInterval
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.cache[iv]; ok {
		return v
	}
	v := p.BaseSubsidy
	for i := int64(0); i < iv; i++ {
		v = v * p.MulSubsidy / p.DivSubsidy
	}
	s.cache[iv] = v
	return v
}

func (s *subsidies) totalProportions() int64 {
	p := s.params
	return int64(p.WorkRewardProportion) + int64(p.StakeRewardProportion) + int64(p.BlockTaxProportion)
}

// work is the miner's share for a block with the given number of votes.
func (s *subsidies) work(h int64, voters int) int64 {
	p := s.params
	w := s.block(h) * int64(p.WorkRewardProportion) / s.totalProportions()
	if h >= p.StakeValidationHeight {
		w = w * int64(voters) / int64(p.TicketsPerBlock)
	}
	return w
}

// vote is one vote's subsidy in a block at height h.
func (s *subsidies) vote(h int64) int64 {
	return s.lib.VoteSubsidy(h, subsidy.Original)
}

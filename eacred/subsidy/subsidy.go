// Package subsidy computes how many new atoms each Eacred block creates and
// how they are split between the miner (work), the voters (stake) and the
// treasury.
//
// # Block subsidy
//
// Block 1 pays a fixed premine (BlockOneSubsidy); the genesis block and
// negative heights pay nothing. From block 2 on, the subsidy starts at
// BaseSubsidy and is multiplied by MulSubsidy/DivSubsidy (100/101, integer
// arithmetic) once per completed SubsidyReductionInterval, so it decays
// slowly until it reaches zero.
//
// # The split and its three variants
//
// The block subsidy is shared by proportions:
//
//	variant   work  stake  treasury  (out of)
//	Original     6      3         1      10
//	DCP0010      1      8         1      10
//	DCP0012      1     89        10     100
//
// The stake share is divided among TicketsPerBlock (5) votes; each vote gets
// the same amount however many votes the block has. The work and treasury
// shares are scaled by votes/5 once voting has started, and are zero when
// fewer than a majority (3) of the votes are present.
//
// # Which height a vote's subsidy is taken at
//
// A vote is included in the block after the one it votes on, but consensus
// takes its subsidy (the stakebase input's value) at the height of the block
// voted ON: a vote on block H, mined in block H+1, is worth
// VoteSubsidy(H, v). The split variant v is the one in force for the block
// that includes the vote (H+1). VoteSubsidyOn applies both rules. So a vote
// on the last block of a reduction interval (k*SubsidyReductionInterval-1;
// 255 on simnet, 6143 on mainnet) still gets the larger, pre-reduction
// amount although it is mined in the first block of the next interval, and
// the first votes (on block StakeValidationHeight-1) are paid.
//
// DCP0010 and DCP0012 are consensus changes voted in by stakeholders; which
// variant applies depends on the height (VariantAt). A Cache remembers the
// subsidy of each reduction interval so repeated calls are cheap.
package subsidy

import (
	"sync"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
)

// Variant selects the subsidy split.
type Variant int

// Subsidy split variants.
const (
	Original Variant = iota
	DCP0010
	DCP0012
)

// String names the variant.
func (v Variant) String() string {
	switch v {
	case DCP0010:
		return "dcp0010"
	case DCP0012:
		return "dcp0012"
	}
	return "original"
}

// VariantAt returns the variant in force at height h on network p. On
// networks where both changes apply from the start (simnet) that is
// DCP0012. Networks whose activation heights are unknown (zero; regnet)
// use Original: ask the node for its deployment state there.
func VariantAt(p *chaincfg.Params, h int64) Variant {
	switch {
	case p.DCPAlwaysActive:
		return DCP0012
	case p.DCP0012Height > 0 && h >= p.DCP0012Height:
		return DCP0012
	case p.DCP0010Height > 0 && h >= p.DCP0010Height:
		return DCP0010
	}
	return Original
}

// Cache computes subsidies for one network, remembering the subsidy of each
// reduction interval. It is safe for concurrent use.
type Cache struct {
	p *chaincfg.Params

	mu sync.Mutex
	// intervals[i] is the block subsidy during reduction interval i;
	// the slice grows on demand and stops growing at the first zero.
	intervals []int64
}

// NewCache returns a subsidy cache for network p.
func NewCache(p *chaincfg.Params) *Cache {
	return &Cache{p: p, intervals: []int64{p.BaseSubsidy}}
}

// Params returns the network parameters of the cache.
func (c *Cache) Params() *chaincfg.Params { return c.p }

// BlockSubsidy returns the full subsidy of the block at height h.
func (c *Cache) BlockSubsidy(h int64) int64 {
	switch {
	case h <= 0:
		return 0
	case h == 1:
		return c.p.BlockOneSubsidy
	}
	if c.p.SubsidyReductionInterval <= 0 || c.p.DivSubsidy == 0 {
		return c.p.BaseSubsidy
	}
	i := h / c.p.SubsidyReductionInterval
	c.mu.Lock()
	defer c.mu.Unlock()
	for int64(len(c.intervals)) <= i {
		last := c.intervals[len(c.intervals)-1]
		if last == 0 {
			return 0
		}
		c.intervals = append(c.intervals, last*c.p.MulSubsidy/c.p.DivSubsidy)
	}
	return c.intervals[i]
}

// proportions returns (work, stake, treasury, total) for a variant.
func (c *Cache) proportions(v Variant) (work, stake, tax, total int64) {
	switch v {
	case DCP0010:
		work, stake = int64(c.p.WorkRewardProportionV2), int64(c.p.StakeRewardProportionV2)
		tax = int64(c.p.BlockTaxProportion)
		return work, stake, tax, work + stake + tax
	case DCP0012:
		return 1, 89, 10, 100
	}
	work, stake, tax = int64(c.p.WorkRewardProportion), int64(c.p.StakeRewardProportion), int64(c.p.BlockTaxProportion)
	return work, stake, tax, work + stake + tax
}

// minVotes is the majority of TicketsPerBlock.
func (c *Cache) minVotes() int64 { return int64(c.p.TicketsPerBlock)/2 + 1 }

// scaleByVotes applies the voter scaling to a work or treasury share.
func (c *Cache) scaleByVotes(amount, h int64, voters uint16) int64 {
	if h < c.p.StakeValidationHeight {
		return amount
	}
	if int64(voters) < c.minVotes() || c.p.TicketsPerBlock == 0 {
		return 0
	}
	return amount * int64(voters) / int64(c.p.TicketsPerBlock)
}

// WorkSubsidy returns the miner's share of the block at height h with the
// given number of votes.
func (c *Cache) WorkSubsidy(h int64, voters uint16, v Variant) int64 {
	if h == 1 {
		return c.p.BlockOneSubsidy
	}
	work, _, _, total := c.proportions(v)
	if total == 0 {
		return 0
	}
	return c.scaleByVotes(c.BlockSubsidy(h)*work/total, h, voters)
}

// VoteSubsidy returns the subsidy of each vote that votes on the block at
// votedOnHeight under split variant v: the stakebase input value of such a
// vote, which is included in the block at votedOnHeight+1. It is the
// per-vote stake share of the block subsidy at votedOnHeight (not at the
// including height; see the package comment), and zero for votedOnHeight <
// StakeValidationHeight-1. Most callers want VoteSubsidyOn, which also picks
// the variant.
func (c *Cache) VoteSubsidy(votedOnHeight int64, v Variant) int64 {
	if votedOnHeight < c.p.StakeValidationHeight-1 {
		return 0
	}
	return c.PerVoteShare(votedOnHeight, v)
}

// PerVoteShare returns the per-vote stake share of the block subsidy at h
// under split variant v, with no stake-validation-height rule: unlike
// VoteSubsidy it is not zero before votes begin. The pool fee formula takes
// it (a ticket bought before stake validation height still owes a fee).
func (c *Cache) PerVoteShare(h int64, v Variant) int64 {
	if h <= 1 {
		return 0
	}
	_, stake, _, total := c.proportions(v)
	div := total * int64(c.p.TicketsPerBlock)
	if div == 0 {
		return 0
	}
	return c.BlockSubsidy(h) * stake / div
}

// TreasurySubsidy returns the treasury's share of the block at height h as
// paid before the treasury agenda (an output of the coinbase), scaled by
// the number of votes like the work share.
func (c *Cache) TreasurySubsidy(h int64, voters uint16, v Variant) int64 {
	if h <= 1 {
		return 0
	}
	_, _, tax, total := c.proportions(v)
	if total == 0 {
		return 0
	}
	return c.scaleByVotes(c.BlockSubsidy(h)*tax/total, h, voters)
}

// VoteSubsidyOn returns the stakebase value a vote on the block at
// votedOnHeight must carry: VoteSubsidy(votedOnHeight, v) with v the
// variant in force for the block that includes the vote
// (VariantAt(votedOnHeight+1)). Pass the height the vote names in its
// block reference (stake.Vote.BlockHeight, stake.VoteSpec.BlockHeight),
// never the height of the block that includes it.
func (c *Cache) VoteSubsidyOn(votedOnHeight int64) int64 {
	return c.VoteSubsidy(votedOnHeight, VariantAt(c.p, votedOnHeight+1))
}

// WorkSubsidyAt is WorkSubsidy with the variant in force at h.
func (c *Cache) WorkSubsidyAt(h int64, voters uint16) int64 {
	return c.WorkSubsidy(h, voters, VariantAt(c.p, h))
}

// TreasurySubsidyAt is TreasurySubsidy with the variant in force at h.
func (c *Cache) TreasurySubsidyAt(h int64, voters uint16) int64 {
	return c.TreasurySubsidy(h, voters, VariantAt(c.p, h))
}
